/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* drop-secret-env: which inherited variables a profile keeps out of the
 * sandbox. A command that reads GITHUB_TOKEN or AWS_SECRET_ACCESS_KEY can
 * send it anywhere the sandbox reaches (net, desktop), or leave it in the
 * writable current directory. Decided by name, and by value for the two
 * forms that say what they are whatever the name (a URL with a password
 * in it, a token with its issuer's prefix); values are never printed. */
#include "secret-env.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Anywhere in the name, any case: GITHUB_TOKEN, PGPASSWORD,
 * npm_config_//registry.npmjs.org/:_authToken, CLIENTSECRET. */
static const char *const secret_parts[] = {
    "TOKEN", "SECRET", "PASSWORD", "PASSWD", "PASSPHRASE", "CREDENTIAL",
};

/* Only as a whole word (between '_', other punctuation or the ends): KEY
 * is in API_KEY and AWS_ACCESS_KEY_ID, but also in KEYBOARD, KEYMAP,
 * MONKEY; AUTH is in SSH_AUTH_SOCK, but also in XAUTHORITY. A personal
 * access token (GH_PAT, AZURE_DEVOPS_EXT_PAT), a signed CI identity
 * (CI_JOB_JWT), a DSN or webhook URL with its key in it (SENTRY_DSN,
 * SLACK_WEBHOOK_URL) carries no TOKEN in its name. */
static const char *const secret_words[] = {
    "KEY", "KEYS", "APIKEY", "PRIVKEY", "AUTH", "PAT", "JWT", "DSN", "WEBHOOK",
};

/* Whole families and well-known names the rules above miss: agent sockets
 * (a signing oracle for the caller's keys), credential caches, session
 * variables of password managers (1Password's OP_SESSION_*, Bitwarden's
 * BW_SESSION), a database URL with its password (DATABASE_URL). */
static const char *const secret_prefixes[] = {"AWS_", "OP_SESSION_"};
static const char *const secret_names[] = {
    "SSH_AGENT_PID",         "GPG_AGENT_INFO", "KRB5CCNAME",   "MYSQL_PWD",
    "GNOME_KEYRING_CONTROL", "BW_SESSION",     "DATABASE_URL",
};

/* Words are runs of letters and digits; the name is upper-cased once, so
 * that each test is a plain search (the environment is scanned at every
 * start). */
static bool has_word(const char *up, size_t n, const char *word)
{
  size_t m = strlen(word);

  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && isalnum((unsigned char)up[j]))
      j++;
    if (j - i == m && memcmp(up + i, word, m) == 0)
      return true;
    i = j + 1;
  }
  return false;
}

static bool upper_is_secret(const char *up, size_t n)
{
  for (size_t i = 0; i < ELEMENTSOF(secret_parts); i++)
    if (memmem(up, n, secret_parts[i], strlen(secret_parts[i])))
      return true;
  for (size_t i = 0; i < ELEMENTSOF(secret_words); i++)
    if (has_word(up, n, secret_words[i]))
      return true;
  return false;
}

static bool name_is_secret(const char *s, size_t n)
{
  char stack[256];
  _cleanup_free_ char *heap = NULL;
  char *up = n < sizeof stack ? stack : (heap = xmalloc(n + 1));

  for (size_t i = 0; i < n; i++)
    up[i] = (char)toupper((unsigned char)s[i]);
  if (upper_is_secret(up, n))
    return true;
  for (size_t i = 0; i < ELEMENTSOF(secret_prefixes); i++) {
    size_t m = strlen(secret_prefixes[i]);
    if (n >= m && strncmp(s, secret_prefixes[i], m) == 0)
      return true;
  }
  for (size_t i = 0; i < ELEMENTSOF(secret_names); i++)
    if (strlen(secret_names[i]) == n && strncmp(s, secret_names[i], n) == 0)
      return true;
  return false;
}

/* scheme://user:password@host...: REDIS_URL, MONGODB_URI, AMQP_URL, a
 * proxy variable with its login. A user without a password is not. */
static bool url_with_password(const char *v)
{
  const char *auth = strstr(v, "://");
  size_t n;
  const char *at, *colon;

  if (!auth || auth == v)
    return false;
  auth += 3;
  n = strcspn(auth, "/?#");
  at = memrchr(auth, '@', n);
  colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
  return colon && colon + 1 < at;
}

/* Tokens whose format names their issuer (GitHub, GitLab, Slack,
 * Anthropic, OpenAI, npm, PyPI, Hugging Face, AWS access key ids): the
 * prefix, then at least 16 more token characters, and nothing else. */
static bool issuer_token(const char *v)
{
  static const char *const prefixes[] = {
      "ghp_",  "gho_",  "ghu_", "ghs_", "ghr_",  "github_pat_", "glpat-", "xoxb-", "xoxp-",
      "xoxa-", "xoxs-", "sk-",  "npm_", "pypi-", "hf_",         "AKIA",   "ASIA",
  };

  for (size_t i = 0; i < ELEMENTSOF(prefixes); i++) {
    size_t m = strlen(prefixes[i]), k = m;
    if (strncmp(v, prefixes[i], m) != 0)
      continue;
    while (isalnum((unsigned char)v[k]) || v[k] == '_' || v[k] == '-')
      k++;
    if (v[k] == '\0' && k - m >= 16)
      return true;
  }
  return false;
}

bool env_value_is_secret(const char *value)
{
  return url_with_password(value) || issuer_token(value);
}

bool env_name_is_secret(const char *name)
{
  return name_is_secret(name, strlen(name));
}

static bool kept(const struct plan *p, const char *s, size_t n)
{
  for (size_t i = 0; i < p->n_keep_env; i++)
    if (strlen(p->keep_env[i].name) == n && strncmp(p->keep_env[i].name, s, n) == 0)
      return true;
  return false;
}

char **env_secret_drops(char *const *envp, const struct plan *p)
{
  char **out = NULL;
  size_t n = 0;

  if (!p->drop_secret_env || !envp)
    return NULL;
  for (; *envp; envp++) {
    const char *eq = strchr(*envp, '=');
    size_t len = eq ? (size_t)(eq - *envp) : strlen(*envp);

    if (len == 0 || kept(p, *envp, len) ||
        !(name_is_secret(*envp, len) || (eq && env_value_is_secret(eq + 1))))
      continue;
    out = xreallocarray(out, n + 2, sizeof *out);
    out[n] = xmalloc(len + 1);
    memcpy(out[n], *envp, len);
    out[n][len] = '\0';
    out[++n] = NULL;
  }
  return out;
}

void env_strv_free(char **v)
{
  for (char **n = v; n && *n; n++)
    free(*n);
  free(v);
}
