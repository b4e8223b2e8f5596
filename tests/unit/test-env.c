/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* drop-secret-env: which names are secret-looking, what keep-env keeps,
 * and which built-in profiles drop them. Pure: no environment is read. */
#include "cli.h"
#include "memenv.h"
#include "secret-env.h"
#include "tap.h"

static void test_names(void)
{
  static const char *const secret[] = {
      "GITHUB_TOKEN",
      "GH_TOKEN",
      "NPM_TOKEN",
      "HF_TOKEN",
      "CI_JOB_TOKEN",
      "VAULT_TOKEN",
      "AWS_SECRET_ACCESS_KEY",
      "AWS_ACCESS_KEY_ID",
      "AWS_SESSION_TOKEN",
      "AWS_PROFILE",
      "OPENAI_API_KEY",
      "ANTHROPIC_API_KEY",
      "SIGNING_KEY",
      "KEY",
      "GPG_KEYS",
      "SENDGRID_APIKEY",
      "PGPASSWORD",
      "DB_PASSWD",
      "BORG_PASSPHRASE",
      "CLIENTSECRET",
      "AZURE_CLIENT_SECRET",
      "GOOGLE_APPLICATION_CREDENTIALS",
      "npm_config__authToken",
      "github_token",
      "SSH_AUTH_SOCK",
      "SSH_AGENT_PID",
      "GPG_AGENT_INFO",
      "KRB5CCNAME",
      "MYSQL_PWD",
      "DOCKER_AUTH_CONFIG",
      "OP_SESSION_my",
      "GNOME_KEYRING_CONTROL",
      "REDISCLI_AUTH",
      "npm_config_//registry.npmjs.org/:_authToken",
      "X.KEY",
      "GH_PAT",
      "AZURE_DEVOPS_EXT_PAT",
      "CI_JOB_JWT",
      "CI_JOB_JWT_V2",
      "SENTRY_DSN",
      "SLACK_WEBHOOK_URL",
      "DISCORD_WEBHOOK",
      "BW_SESSION",
      "DATABASE_URL",
  };
  static const char *const plain[] = {
      "PATH",
      "HOME",
      "PWD",
      "OLDPWD",
      "KEYBOARD",
      "XKB_DEFAULT_KEYMAP",
      "MONKEY_PATCH",
      "XAUTHORITY",
      "DISPLAY",
      "WAYLAND_DISPLAY",
      "LANG",
      "TERM",
      "SHELL",
      "SSH_CONNECTION",
      "PYTHON_KEYRING_BACKEND",
      "DBUS_SESSION_BUS_ADDRESS",
      "XDG_RUNTIME_DIR",
      "AWS",
      "MYAWS_REGION",
      "KEYTAB_PATH",
      "HOTKEY",
      "PASSAGE",
      "PATCH_LEVEL",
      "XDG_SESSION_ID",
      "DATABASE_NAME",
      "",
  };

  for (size_t i = 0; i < ELEMENTSOF(secret); i++)
    ok(env_name_is_secret(secret[i]), "%s looks secret", secret[i]);
  for (size_t i = 0; i < ELEMENTSOF(plain); i++)
    ok(!env_name_is_secret(plain[i]), "'%s' does not", plain[i]);
}

static void test_values(void)
{
  static const char *const secret[] = {
      "redis://:hunter2@cache:6379/0",
      "mongodb+srv://app:p%40ss@cluster0.example.net/db?retryWrites=true",
      "amqp://guest:guest@localhost:5672/",
      "http://me:pw@proxy:3128",
      "ghp_0123456789abcdefABCDEF0123456789abcd",
      "github_pat_11AAAAAAA0123456789_abcdefghijklmnop",
      "glpat-abcdefghijklmnopqrst",
      "xoxb-1234567890-abcdefghijkl",
      "sk-ant-api03-abcdefghijklmnopqrstuvwxyz",
      "AKIAIOSFODNN7EXAMPLE",
  };
  static const char *const plain[] = {
      "https://example.com/path",
      "ssh://git@github.com/owner/repo.git",
      "http://proxy:3128",
      "https://example.com/a:b@c",
      "user:pass@host",
      "sk-short",
      "ghp_has spaces in it and is long",
      "AKIA",
      "/usr/bin:/bin",
      "",
  };

  for (size_t i = 0; i < ELEMENTSOF(secret); i++)
    ok(env_value_is_secret(secret[i]), "value %s carries a credential", secret[i]);
  for (size_t i = 0; i < ELEMENTSOF(plain); i++)
    ok(!env_value_is_secret(plain[i]), "value '%s' does not", plain[i]);
}

static size_t count(char **v)
{
  size_t n = 0;

  while (v && v[n])
    n++;
  return n;
}

static bool has(char **v, const char *name)
{
  for (; v && *v; v++)
    if (strcmp(*v, name) == 0)
      return true;
  return false;
}

static void test_drops(void)
{
  char *envp[] = {"PATH=/usr/bin",
                  "GITHUB_TOKEN=ghp_secret",
                  "AWS_SECRET_ACCESS_KEY=abc",
                  "API_KEY=x=y",
                  "KEYBOARD=us",
                  "REDIS_URL=redis://:hunter2@cache:6379",
                  "NOEQUALS",
                  "=odd",
                  NULL};
  char *argv_drop[] = {"--drop-secret-env", "--keep-env", "API_KEY", "true", NULL};
  char *argv_none[] = {"--keep-env", "API_KEY", "true", NULL};
  struct plan p;
  struct diag d = {0};
  char **drop;

  plan_init(&p);
  ok(cli_parse(&p, 4, argv_drop, &d) == 0, "--drop-secret-env --keep-env API_KEY parses");
  drop = env_secret_drops(envp, &p);
  ok(count(drop) == 3 && has(drop, "GITHUB_TOKEN") && has(drop, "AWS_SECRET_ACCESS_KEY") &&
         has(drop, "REDIS_URL"),
     "drops GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY and REDIS_URL (by its value), names only");
  ok(!has(drop, "API_KEY"), "keeps what keep-env names");
  ok(!has(drop, "PATH") && !has(drop, "KEYBOARD"), "keeps plain names");
  for (char **n = drop; n && *n; n++)
    ok(!strchr(*n, '='), "a name, never a value: %s", *n);
  env_strv_free(drop);
  plan_free(&p);

  plan_init(&p);
  ok(cli_parse(&p, 3, argv_none, &d) == 0, "--keep-env alone parses");
  ok(env_secret_drops(envp, &p) == NULL, "without drop-secret-env nothing is dropped");
  plan_free(&p);

  plan_init(&p);
  {
    char *bad[] = {"--keep-env", "A=B", "true", NULL};
    ok(cli_parse(&p, 3, bad, &d) < 0 && strstr(d.msg, "variable name"),
       "--keep-env refuses NAME=VALUE");
  }
  plan_free(&p);
}

/* Which built-ins drop: every profile that runs a command, none of the
 * other building blocks. */
static void test_profiles(void)
{
  static const struct {
    const char *name;
    bool drops;
  } t[] = {{"default", true}, {"net", true},      {"build", true},    {"desktop", true},
           {"strict", true},  {"base-env", true}, {"base-fs", false}, {"base-syscalls", false}};
  static const struct memenv m = {NULL, default_vars};
  static const struct profile_env env = {mem_load, mem_getvar, (void *)&m};

  for (size_t i = 0; i < ELEMENTSOF(t); i++) {
    struct plan p;
    struct diag d = {0};
    int r;

    plan_init(&p);
    p.penv = &env;
    r = profile_apply_named(&p, t[i].name, &env, NULL, &d);
    ok(r == 0 && p.drop_secret_env == t[i].drops, "%s %s secret-looking variables", t[i].name,
       t[i].drops ? "drops" : "keeps");
    if (r < 0)
      printf("#   %s\n", d.msg);
    plan_free(&p);
  }
}

int main(void)
{
  test_names();
  test_values();
  test_drops();
  test_profiles();
  return tap_done();
}
