/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Profiles: a line is a command-line option without its dashes, with the
 * same arguments. Plus: comments, "include NAME", "description TEXT",
 * "optional LINE" and ${VARIABLES}. One vocabulary, one parser: every
 * line goes through cli_apply, exactly as the option would. */
#include "profile.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "guard.h"
#include "util.h"

struct token {
  char *text;
  unsigned col;  /* 1-based */
  bool from_var; /* holds a ${VARIABLE}'s value */
};

struct line {
  struct token tok[16];
  unsigned n;
  bool optional_missing; /* an optional line named an undefined variable */
  unsigned mods;         /* MOD_*: words before the directive */
  unsigned mod_col;
};

/* Line prefixes beside "optional": what a writable bind of the home
 * directory (or of a directory holding it) becomes. */
enum {
  MOD_UNSAFE_HOME = 1u << 0,  /* writable, as asked: it is meant */
  MOD_OVERLAY_HOME = 1u << 1, /* read-only, writes to a throwaway layer */
  MOD_IF_PRESENT = 1u << 2,   /* before protect: no placeholder when absent */
};

static const struct {
  const char *word;
  unsigned mod;
} mod_words[] = {
    {"unsafe-home", MOD_UNSAFE_HOME},
    {"overlay-home", MOD_OVERLAY_HOME},
    {"if-present", MOD_IF_PRESENT},
};

static unsigned mod_of(const char *w, size_t n)
{
  for (size_t i = 0; i < ELEMENTSOF(mod_words); i++)
    if (strlen(mod_words[i].word) == n && memcmp(mod_words[i].word, w, n) == 0)
      return mod_words[i].mod;
  return 0;
}

static const char *mod_word(unsigned mod)
{
  for (size_t i = 0; i < ELEMENTSOF(mod_words); i++)
    if (mod_words[i].mod == mod)
      return mod_words[i].word;
  return "?";
}

static void line_clear(struct line *l)
{
  for (unsigned i = 0; i < l->n; i++)
    free(l->tok[i].text);
  l->n = 0;
}

static int perr(struct diag *d, const char *file, unsigned line, unsigned col, int err,
                const char *fmt, ...) _printf_(6, 7);
static int perr(struct diag *d, const char *file, unsigned line, unsigned col, int err,
                const char *fmt, ...)
{
  va_list ap;

  if (d) {
    d->where.file = file;
    d->where.line = line;
    d->where.col = col;
    va_start(ap, fmt);
    vsnprintf(d->msg, sizeof d->msg, fmt, ap);
    va_end(ap);
  }
  return -err;
}

/* ${NAME} expansion. An undefined name is an error unless the line is
 * optional, in which case the whole line is skipped. */
static int expand(const char *in, size_t n, const struct profile_env *env, bool optional,
                  bool *missing, char **ret, size_t *bad_at)
{
  size_t cap = n + 1, len = 0;
  char *out = xmalloc(cap);

  for (size_t i = 0; i < n; i++) {
    const char *val;
    char name[128];
    const char *end;
    size_t vl;

    if (in[i] != '$' || i + 1 >= n || in[i + 1] != '{') {
      if (in[i] == '$' && i + 1 < n && in[i + 1] == '$')
        i++;
      out[len++] = in[i];
      continue;
    }
    end = memchr(in + i, '}', n - i);
    if (!end || (size_t)(end - in - i - 2) >= sizeof name || end == in + i + 2) {
      free(out);
      *bad_at = i;
      return -EINVAL;
    }
    memcpy(name, in + i + 2, (size_t)(end - in - i - 2));
    name[end - in - i - 2] = '\0';
    val = env->getvar(env->ctx, name);
    if (!val) {
      if (optional) {
        *missing = true;
        val = "";
      } else {
        free(out);
        *bad_at = i;
        return -ENOENT;
      }
    }
    vl = strlen(val);
    cap += vl;
    out = xreallocarray(out, cap, 1);
    memcpy(out + len, val, vl);
    len += vl;
    i = (size_t)(end - in);
  }
  out[len] = '\0';
  *ret = out;
  return 0;
}

/* Splits one line into words: blanks separate, "double quotes" group
 * (with \" and \\ inside), # at a word start begins a comment. */
static int split(const char *s, size_t n, const char *file, unsigned lineno,
                 const struct profile_env *env, bool optional_ok, struct line *l, struct diag *d)
{
  size_t i = 0;
  bool optional = false;

  while (i < n) {
    char buf[4096];
    size_t bl = 0, start;
    bool quoted = false;
    int r;

    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
      i++;
    if (i >= n || s[i] == '#')
      break;
    start = i;
    while (i < n && (quoted || (s[i] != ' ' && s[i] != '\t' && s[i] != '\r'))) {
      if (s[i] == '"') {
        quoted = !quoted;
        i++;
        continue;
      }
      if (quoted && s[i] == '\\' && i + 1 < n && (s[i + 1] == '"' || s[i + 1] == '\\'))
        i++;
      if (bl + 1 >= sizeof buf)
        return perr(d, file, lineno, (unsigned)start + 1, E2BIG, "word too long");
      buf[bl++] = s[i++];
    }
    if (quoted)
      return perr(d, file, lineno, (unsigned)start + 1, EINVAL, "unterminated quote");
    if (l->n == ELEMENTSOF(l->tok))
      return perr(d, file, lineno, (unsigned)start + 1, E2BIG, "too many words on one line");
    if (l->n == 0 && optional_ok && bl == 8 && memcmp(buf, "optional", 8) == 0 && !optional) {
      optional = true;
      continue;
    }
    if (l->n == 0 && optional_ok && !l->mods && mod_of(buf, bl)) {
      l->mods = mod_of(buf, bl);
      l->mod_col = (unsigned)start + 1;
      continue;
    }
    {
      size_t bad = 0;
      r = expand(buf, bl, env, optional, &l->optional_missing, &l->tok[l->n].text, &bad);
      l->tok[l->n].from_var = memmem(buf, bl, "${", 2) != NULL;
      if (r == -ENOENT) {
        char name[160];
        const char *e = memchr(buf + bad, '}', bl - bad);
        snprintf(name, sizeof name, "%.*s", (int)(e - buf - bad - 2), buf + bad + 2);
        /* A built-in profile is no one's to edit: the environment is
         * what the person at the prompt can change. */
        if (file && strncmp(file, "builtin:", 8) == 0)
          return perr(d, file, lineno, (unsigned)(start + bad) + 1, ENOENT,
                      "%s is not set, and the '%s' profile needs it: set it (export %s=...), "
                      "or pick another profile",
                      name, file + 8, name);
        return perr(d, file, lineno, (unsigned)(start + bad) + 1, ENOENT,
                    "undefined variable '%s' (mark the line 'optional' to skip it instead)", name);
      }
      if (r < 0)
        return perr(d, file, lineno, (unsigned)(start + bad) + 1, EINVAL,
                    "malformed variable reference%s", "");
    }
    l->tok[l->n].col = (unsigned)start + 1;
    l->n++;
    if (l->n == 1) {
      const struct opt_def *def = cli_find_option(l->tok[0].text);
      /* A rule is taken raw by apply_line: stop splitting here. */
      if (def && (def->flags & OPTF_REST)) {
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
          i++;
        if (i < n && s[i] != '#') {
          l->tok[1].text = xstrdup("");
          l->tok[1].col = (unsigned)i + 1;
          l->tok[1].from_var = false;
          l->n = 2;
        }
        return 0;
      }
    }
  }
  return 0;
}

static const char *suggest_directive(const char *w)
{
  static const char *const extra[] = {"include", "description", "optional", "unsafe-home",
                                      "overlay-home"};
  const char *best = NULL;
  unsigned best_d = 3;

  for (size_t i = 0; i < cli_n_options; i++) {
    unsigned dd = edit_distance(w, cli_options[i].name);
    if (!(cli_options[i].flags & OPTF_CLI_ONLY) && dd < best_d) {
      best_d = dd;
      best = cli_options[i].name;
    }
  }
  for (size_t i = 0; i < ELEMENTSOF(extra); i++) {
    unsigned dd = edit_distance(w, extra[i]);
    if (dd < best_d) {
      best_d = dd;
      best = extra[i];
    }
  }
  return best;
}

static int unknown_directive(const char *file, unsigned lineno, const struct token *t,
                             struct diag *d)
{
  const char *s = suggest_directive(t->text);

  return perr(d, file, lineno, t->col, EINVAL, "unknown directive '%s'%s%s%s", t->text,
              s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "");
}

/* A mount whose destination a variable made "/" (bind ${CWD} ${CWD} run
 * from /, tmpfs ${HOME} with HOME=/) would replace the root built so far,
 * with the read-only system and every mask in it: for root, the host's
 * whole file system writable. Written as a literal "/", it is meant. */
static int check_root_destination(const struct opt_def *def, const struct line *l, const char *raw,
                                  size_t rawlen, const char *file, unsigned lineno, struct diag *d)
{
  static const enum opt_id mounts[] = {
      OPT_BIND,        OPT_BIND_TRY,   OPT_DEV_BIND, OPT_DEV_BIND_TRY, OPT_RO_BIND,
      OPT_RO_BIND_TRY, OPT_TMPFS,      OPT_PROC,     OPT_DEV,          OPT_MQUEUE,
      OPT_TMP_OVERLAY, OPT_RO_OVERLAY, OPT_OVERLAY};
  const struct token *dest = &l->tok[l->n - 1];
  size_t from = dest->col - 1, to = from;
  bool is_mount = false;

  if (!dest->from_var || !path_is_root(dest->text))
    return 0;
  while (to < rawlen && raw[to] != ' ' && raw[to] != '\t' && raw[to] != '\r')
    to++;
  for (size_t i = 0; i < ELEMENTSOF(mounts); i++)
    is_mount |= def->id == mounts[i];
  if (!is_mount)
    return 0;
  /* The two a person at a prompt causes, in their terms. */
  if (to - from == 6 && memcmp(raw + from, "${CWD}", 6) == 0)
    return perr(d, file, lineno, dest->col, EINVAL,
                "the current directory is '/', and '%s ${CWD}' would put the whole host there; "
                "cd to the directory the command should work in",
                def->name);
  if (to - from == 7 && memcmp(raw + from, "${HOME}", 7) == 0)
    return perr(d, file, lineno, dest->col, EINVAL,
                "HOME is '/', and '%s ${HOME}' would cover the whole sandbox; set HOME to a "
                "home directory (HOME=/home/you)",
                def->name);
  return perr(d, file, lineno, dest->col, EINVAL,
              "'%s': %.*s is '/' here, and a mount there would replace the whole sandbox "
              "root (write '/' literally if that is meant)",
              def->name, (int)(to - from), raw + from);
}

/* An empty variable leaves a path argument empty ("Can't chdir to :"):
 * name the variable instead. */
static int check_empty_var(const struct opt_def *def, const struct line *l, const char *raw,
                           size_t rawlen, const char *file, unsigned lineno, struct diag *d)
{
  if (def->id == OPT_SETENV || def->id == OPT_UNSETENV)
    return 0;
  for (unsigned i = 1; i < l->n; i++) {
    size_t from = l->tok[i].col - 1, to = from;

    if (!l->tok[i].from_var || l->tok[i].text[0])
      continue;
    while (to < rawlen && raw[to] != ' ' && raw[to] != '\t' && raw[to] != '\r')
      to++;
    return perr(d, file, lineno, l->tok[i].col, EINVAL,
                "'%s': %.*s is empty here; set it (e.g. HOME=/home/you) or use another profile",
                def->name, (int)(to - from), raw + from);
  }
  return 0;
}

static bool is_bind(enum opt_id id)
{
  return id == OPT_BIND || id == OPT_BIND_TRY || id == OPT_DEV_BIND || id == OPT_DEV_BIND_TRY ||
         id == OPT_RO_BIND || id == OPT_RO_BIND_TRY;
}

/* A writable bind of the home or of a directory holding it would let the
 * command plant start-up files, rewrite the profiles of the next run and
 * read every secret: refused unless the line says what it wants. */
static int home_exposed(struct plan *p, struct op *op, const struct line *l, const char *src,
                        const char *file, unsigned lineno, struct diag *d)
{
  if (l->mods & MOD_UNSAFE_HOME)
    return 0;
  if (!(l->mods & MOD_OVERLAY_HOME))
    return perr(d, file, lineno, l->tok[1].col, EPERM,
                "'%s' would make %s writable, and it is or holds the home directory (start the "
                "line with 'overlay-home' for a throwaway layer, or 'unsafe-home' if it is meant)",
                l->tok[0].text, src);
  op->type = OP_OVERLAY;
  op->overlay = OVERLAY_TMP;
  op->ro_fallback = true;
  op->flags = 0;
  op->layers = xcalloc(1, sizeof *op->layers);
  op->layers[0] = take_ptr(&op->src);
  op->n_layers = 1;
  free(p->notice);
  p->notice = xasprintf("%s is the home directory or holds it: shown read-only, writes go to a "
                        "throwaway layer (%s:%u)",
                        src, file, lineno);
  return 0;
}

/* Binds of paths in the home: a writable one of the home itself is
 * refused or made a throwaway overlay; any other is opened below the home
 * without following symlinks (see open_anchored in mounts.c). */
static int home_rules(struct plan *p, const struct line *l, const struct profile_env *env,
                      const char *file, unsigned lineno, struct diag *d)
{
  struct op *op = &p->ops[p->n_ops - 1];
  const char *homes[] = {env->getvar(env->ctx, "HOME"),
                         env->realhome ? env->realhome(env->ctx) : NULL};
  _cleanup_free_ char *src = NULL;

  if (!op->src || op->src[0] != '/')
    return 0;
  src = path_clean(op->src);
  for (size_t i = 0; i < ELEMENTSOF(homes); i++) {
    _cleanup_free_ char *home = NULL;
    const char *rest;

    if (!homes[i] || homes[i][0] != '/' || path_is_root(homes[i]))
      continue;
    home = path_clean(homes[i]);
    if (!(op->flags & BIND_READONLY) && path_below(home, src))
      return home_exposed(p, op, l, src, file, lineno, d);
    rest = path_below(src, home);
    if (rest && *rest) {
      free(op->src);
      op->src = xstrdup(src);
      op->src_anchor = strlen(home);
      return 0;
    }
  }
  return 0;
}

static int apply_line(struct plan *p, const char *raw, size_t rawlen, struct line *l,
                      const char *file, unsigned lineno, const struct profile_env *env,
                      struct diag *d)
{
  const struct opt_def *def;
  struct origin o = {file, lineno, l->tok[0].col};
  char *args[16];
  unsigned nargs = l->n - 1;

  if (strcmp(l->tok[0].text, "description") == 0)
    return 0;
  if (strcmp(l->tok[0].text, "include") == 0) {
    if (nargs != 1)
      return perr(d, file, lineno, l->tok[0].col, EINVAL, "include takes one profile name");
    o.col = l->tok[1].col;
    return profile_apply_named(p, l->tok[1].text, env, &o, d);
  }
  def = cli_find_option(l->tok[0].text);
  if (!def)
    return unknown_directive(file, lineno, &l->tok[0], d);
  if (def->flags & OPTF_CLI_ONLY)
    return perr(d, file, lineno, l->tok[0].col, EINVAL, "'%s' is only valid on the command line",
                def->name);

  if (def->flags & OPTF_REST) {
    /* The rest of the line, raw, is the one argument (a syscall rule). */
    _cleanup_free_ char *rest = NULL;
    size_t from, to = rawlen;
    if (nargs == 0)
      return perr(d, file, lineno, l->tok[0].col, EINVAL, "'%s' takes an argument", def->name);
    from = l->tok[1].col - 1;
    for (size_t i = from; i < rawlen; i++)
      if (raw[i] == '#' && (raw[i - 1] == ' ' || raw[i - 1] == '\t')) {
        to = i;
        break;
      }
    while (to > from && (raw[to - 1] == ' ' || raw[to - 1] == '\t' || raw[to - 1] == '\r'))
      to--;
    rest = xmalloc(to - from + 1);
    memcpy(rest, raw + from, to - from);
    rest[to - from] = '\0';
    args[0] = rest;
    o.col = l->tok[1].col;
    return cli_apply(p, def, args, &o, d);
  }
  if (nargs != def->nargs)
    return perr(d, file, lineno, l->tok[nargs < def->nargs ? 0 : def->nargs + 1].col, EINVAL,
                "'%s' takes %u argument%s, got %u", def->name, def->nargs,
                def->nargs == 1 ? "" : "s", nargs);
  if (nargs > 0) {
    int r = check_empty_var(def, l, raw, rawlen, file, lineno, d);
    if (r == 0)
      r = check_root_destination(def, l, raw, rawlen, file, lineno, d);
    if (r < 0)
      return r;
  }
  if ((l->mods & (MOD_UNSAFE_HOME | MOD_OVERLAY_HOME)) && !is_bind(def->id))
    return perr(d, file, lineno, l->mod_col, EINVAL, "'%s' only goes before a bind line",
                mod_word(l->mods));
  if ((l->mods & MOD_IF_PRESENT) && def->id != OPT_PROTECT)
    return perr(d, file, lineno, l->mod_col, EINVAL, "'if-present' only goes before 'protect'");
  for (unsigned i = 0; i < nargs; i++)
    args[i] = l->tok[i + 1].text;
  {
    int r = cli_apply(p, def, args, &o, d);
    if (r < 0)
      return r;
    if (l->mods & MOD_IF_PRESENT)
      p->protect[p->n_protect - 1].if_present = true;
    if (!is_bind(def->id))
      return 0;
  }
  return home_rules(p, l, env, file, lineno, d);
}

static const char *intern(struct plan *p, const char *s)
{
  for (size_t i = 0; i < p->n_files; i++)
    if (strcmp(p->files[i], s) == 0)
      return p->files[i];
  p->files = xreallocarray(p->files, p->n_files + 1, sizeof *p->files);
  p->files[p->n_files] = xstrdup(s);
  return p->files[p->n_files++];
}

int profile_apply_text(struct plan *p, const char *text, size_t len, const char *file,
                       const struct profile_env *env, struct diag *d)
{
  const char *f = intern(p, file);
  unsigned lineno = 0;
  size_t i = 0;

  const char *nul = memchr(text, '\0', len);

  /* Refused, not read as the end of the text: the rest would be dropped
   * silently. */
  if (nul) {
    const char *bol = text;
    unsigned at = 1;
    for (const char *c = text; c < nul; c++)
      if (*c == '\n') {
        at++;
        bol = c + 1;
      }
    return perr(d, f, at, (unsigned)(nul - bol) + 1, EINVAL, "NUL byte in a profile");
  }
  while (i < len) {
    const char *nl = memchr(text + i, '\n', len - i);
    size_t n = nl ? (size_t)(nl - text - i) : len - i;
    struct line l;
    size_t b = i;
    int r;

    lineno++;
    /* Most lines of a profile are comments: skipped before any work. */
    while (b < i + n && (text[b] == ' ' || text[b] == '\t' || text[b] == '\r'))
      b++;
    if (b == i + n || text[b] == '#') {
      i += n + 1;
      continue;
    }
    l.n = 0;
    l.optional_missing = false;
    l.mods = 0;
    l.mod_col = 0;
    r = split(text + i, n, f, lineno, env, true, &l, d);
    if (r == 0 && l.n > 0 && !l.optional_missing) {
      r = apply_line(p, text + i, n, &l, f, lineno, env, d);
      /* cli_apply's own errors carry no position: point at the line. */
      if (r < 0 && d && !d->where.file) {
        d->where.file = f;
        d->where.line = lineno;
        d->where.col = l.tok[0].col;
      }
    }
    line_clear(&l);
    if (r < 0)
      return r;
    i += n + 1;
  }
  /* A pending --perms/--size may not leak out of the file that set it. */
  if (p->next_perms != PERMS_UNSET || p->have_next_size)
    return perr(d, f, lineno ? lineno : 1, 1, EINVAL,
                "'%s' at the end of a profile does not apply to anything",
                p->next_perms != PERMS_UNSET ? "perms" : "size");
  return 0;
}

/* --profile NAME that is neither a file nor a profile: the closest
 * built-in name, else where to look. */
static int not_found(const char *name, int r, const char *why, struct diag *d)
{
  const char *best = NULL;
  unsigned best_d = 3;

  for (size_t i = 0; !strchr(name, '/') && i < n_builtin_profiles; i++) {
    unsigned dd = edit_distance(name, builtin_profiles[i].name);
    if (dd < best_d) {
      best_d = dd;
      best = builtin_profiles[i].name;
    }
  }
  if (best)
    return diag_set(d, -r, "cannot find profile '%s': %s (did you mean '%s'?)", name, why, best);
  return diag_set(d, -r, "cannot find profile '%s': %s", name, why);
}

int profile_apply_named(struct plan *p, const char *name, const struct profile_env *env,
                        const struct origin *from, struct diag *d)
{
  _cleanup_free_ char *text = NULL;
  _cleanup_free_ char *display = NULL;
  size_t len = 0;
  int r;

  if (p->include_depth >= PROFILE_MAX_DEPTH)
    return perr(d, from ? from->file : NULL, from ? from->line : 0, from ? from->col : 0, ELOOP,
                "profiles nested too deeply at '%s'", name);
  r = env->load(env->ctx, name, from ? from->file : NULL, &text, &len, &display);
  if (r < 0) {
    const char *why = r == -PROFILE_ENOTREG ? "not a regular file" : strerror(-r);
    if (from && from->file)
      return perr(d, from->file, from->line, from->col, -r, "cannot include profile '%s': %s", name,
                  why);
    return not_found(name, r, why, d);
  }
  for (unsigned i = 0; i < p->include_depth; i++)
    if (strcmp(p->include_stack[i], display) == 0) {
      if (from && from->file)
        return perr(d, from->file, from->line, from->col, ELOOP,
                    "include cycle: '%s' includes itself", name);
      return diag_set(d, ELOOP, "include cycle at '%s'", name);
    }
  p->include_stack[p->include_depth++] = intern(p, display);
  p->used_profile = true;
  /* A profile read from a file the command can write (./ci.profile in the
   * project) would rule the next run: the caller's side protects it. */
  if (strncmp(display, "builtin:", 8) != 0) {
    p->profile_files = xreallocarray(p->profile_files, p->n_profile_files + 1, sizeof(char *));
    p->profile_files[p->n_profile_files++] = xstrdup(display);
  }
  r = profile_apply_text(p, text, len, display, env, d);
  p->include_depth--;
  return r;
}

char *profile_description(const char *text)
{
  const char *s = text;

  while (s && *s) {
    const char *nl = strchr(s, '\n');
    size_t n = nl ? (size_t)(nl - s) : strlen(s);
    while (n && (*s == ' ' || *s == '\t')) {
      s++;
      n--;
    }
    if (n > 12 && strncmp(s, "description", 11) == 0 && (s[11] == ' ' || s[11] == '\t')) {
      char *r;
      s += 12;
      n -= 12;
      while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
      }
      r = xmalloc(n + 1);
      memcpy(r, s, n);
      r[n] = '\0';
      return r;
    }
    s = nl ? nl + 1 : NULL;
  }
  return NULL;
}
