/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Where protections sit. A read-only mount inside a writable tree only
 * holds where its mount point cannot be sidestepped: a mount point cannot
 * be renamed, removed or replaced, but the directory holding it can, mount
 * and all, and a fresh one made in its place. So a protected entry is
 * always a direct child of the writable bind it lives in. Pure. */
#include "guard.h"

#include <string.h>
#include <strings.h>

#include "util.h"

char *path_clean(const char *path)
{
  size_t n = strlen(path);
  char *out = xmalloc(n + 2);
  size_t len = 0;
  const char *c = path;

  while (*c) {
    const char *e = strchrnul(c, '/');
    size_t k = (size_t)(e - c);

    if (k == 2 && c[0] == '.' && c[1] == '.') {
      while (len > 0 && out[len - 1] != '/')
        len--;
      if (len > 0)
        len--; /* the slash before the dropped component */
    } else if (k > 0 && !(k == 1 && c[0] == '.')) {
      out[len++] = '/';
      memcpy(out + len, c, k);
      len += k;
    }
    c = *e ? e + 1 : e;
  }
  if (len == 0)
    out[len++] = '/';
  out[len] = '\0';
  return out;
}

const char *path_below(const char *path, const char *dir)
{
  size_t n = strlen(dir);

  if (strcmp(dir, "/") == 0)
    return path + 1;
  if (strncmp(path, dir, n) != 0 || (path[n] != '/' && path[n] != '\0'))
    return NULL;
  return path[n] ? path + n + 1 : path + n;
}

static bool writable_bind(const struct op *op)
{
  return op->type == OP_BIND && !(op->flags & BIND_READONLY);
}

static void add_guard(struct guards *gs, size_t op, const char *name, size_t len,
                      const struct protect *pr)
{
  for (size_t i = 0; i < gs->n; i++)
    if (gs->g[i].op == op && (name ? gs->g[i].name && strlen(gs->g[i].name) == len &&
                                         strncmp(gs->g[i].name, name, len) == 0
                                   : !gs->g[i].name)) {
      gs->g[i].if_present &= pr->if_present; /* the stronger one wins */
      return;
    }
  gs->g = xreallocarray(gs->g, gs->n + 1, sizeof *gs->g);
  gs->g[gs->n].op = op;
  gs->g[gs->n].name = name ? xstrndup(name, len) : NULL;
  gs->g[gs->n].if_present = pr->if_present;
  gs->g[gs->n++].origin = &pr->origin;
}

/* A later writable bind on the same destination covers this one. */
static bool covered(const struct plan *p, size_t i, const char *dest)
{
  for (size_t j = i + 1; j < p->n_ops; j++) {
    _cleanup_free_ char *d = NULL;
    if (!writable_bind(&p->ops[j]))
      continue;
    d = path_clean(p->ops[j].dest);
    if (strcmp(d, dest) == 0)
      return true;
  }
  return false;
}

static void guard_path(struct guards *gs, size_t i, const char *dest, const struct protect *pr)
{
  _cleanup_free_ char *path = path_clean(pr->path);
  const char *rest = path_below(path, dest);

  if (rest && *rest)
    add_guard(gs, i, rest, strcspn(rest, "/"), pr);
  else if (rest || path_below(dest, path))
    add_guard(gs, i, NULL, 0, pr); /* the bind is the path, or inside it */
}

void guards_plan(const struct plan *p, struct guards *out)
{
  *out = (struct guards){0};
  for (size_t i = 0; i < p->n_ops; i++) {
    _cleanup_free_ char *dest = NULL;

    if (!writable_bind(&p->ops[i]))
      continue;
    dest = path_clean(p->ops[i].dest);
    if (covered(p, i, dest))
      continue;
    for (size_t k = 0; k < p->n_protect; k++) {
      const struct protect *pr = &p->protect[k];
      if (pr->path[0] != '/')
        add_guard(out, i, pr->path, strlen(pr->path), pr);
      else if (!(p->ops[i].flags & BIND_APP_HOME))
        guard_path(out, i, dest, pr);
    }
  }
}

void guards_free(struct guards *gs)
{
  for (size_t i = 0; i < gs->n; i++)
    free(gs->g[i].name);
  free(gs->g);
  *gs = (struct guards){0};
}

void masks_follow_binds(struct plan *p)
{
  const size_t n = p->n_masks;

  for (size_t i = 0; i < p->n_ops; i++) {
    const struct op *op = &p->ops[i];
    _cleanup_free_ char *src = NULL;
    _cleanup_free_ char *dest = NULL;

    if (op->type != OP_BIND || op->src[0] != '/')
      continue;
    src = path_clean(op->src);
    dest = path_clean(op->dest);
    if (strcmp(src, dest) == 0)
      continue;
    for (size_t k = 0; k < n; k++) {
      _cleanup_free_ char *mask = path_clean(p->masks[k].path);
      _cleanup_free_ char *there = NULL;
      const char *rest = path_below(mask, src);
      struct origin o = p->masks[k].origin;

      if (rest)
        there =
            *rest ? xasprintf("%s%s%s", dest, strcmp(dest, "/") ? "/" : "", rest) : xstrdup(dest);
      else if (path_below(src, mask))
        there = xstrdup(dest); /* the bind shows only masked content */
      else
        continue;
      plan_add_mask(p, there, &o);
    }
  }
}

static bool plain_rel(const char *p, size_t n)
{
  size_t i = 0;

  if (n == 0 || n >= 4096)
    return false;
  while (i < n) {
    size_t k = 0;
    while (i + k < n && p[i + k] != '/')
      k++;
    if (k == 0 || (k == 1 && p[i] == '.') || (k == 2 && p[i] == '.' && p[i + 1] == '.'))
      return false;
    i += k + 1;
  }
  return p[n - 1] != '/';
}

size_t gitmodules_paths(const char *text, size_t len, char **paths, size_t max)
{
  size_t n = 0, i = 0;

  while (i < len && n < max) {
    const char *line = text + i, *nl = memchr(line, '\n', len - i);
    size_t ll = nl ? (size_t)(nl - line) : len - i, a = 0, b;

    i += ll + 1;
    while (a < ll && (line[a] == ' ' || line[a] == '\t'))
      a++;
    if (ll - a < 4 || memcmp(line + a, "path", 4) != 0)
      continue;
    a += 4;
    while (a < ll && (line[a] == ' ' || line[a] == '\t'))
      a++;
    if (a >= ll || line[a] != '=')
      continue;
    a++;
    while (a < ll && (line[a] == ' ' || line[a] == '\t'))
      a++;
    b = ll;
    while (b > a && (line[b - 1] == ' ' || line[b - 1] == '\t' || line[b - 1] == '\r'))
      b--;
    if (b - a >= 2 && line[a] == '"' && line[b - 1] == '"') {
      a++;
      b--;
    }
    /* Anything unusual (escapes, "..", absolute) is not a path git would
     * check out below the work tree as written: left alone. */
    if (!plain_rel(line + a, b - a) || memchr(line + a, '\\', b - a) ||
        memchr(line + a, '"', b - a))
      continue;
    paths[n++] = xstrndup(line + a, b - a);
  }
  return n;
}

void guards_add_under(struct guards *gs, size_t at, const char *rel, const char *suffix)
{
  const struct guard base = gs->g[at];
  _cleanup_free_ char *name = suffix ? xasprintf("%s/%s", rel, suffix) : xstrdup(rel);
  struct protect pr = {name, *base.origin, base.if_present};
  size_t before = gs->n;

  add_guard(gs, base.op, name, strlen(name), &pr);
  if (gs->n > before)
    gs->g[gs->n - 1].origin = base.origin; /* pr lives only here */
}

void guards_add_present(struct guards *gs, size_t at, const char *rel)
{
  const struct guard base = gs->g[at];
  struct protect pr = {(char *)rel, *base.origin, true};
  size_t before = gs->n;

  add_guard(gs, base.op, rel, strlen(rel), &pr);
  if (gs->n > before)
    gs->g[gs->n - 1].origin = base.origin; /* pr lives only here */
}

/* A git config value: blanks around dropped, double quotes removed, \" \\
 * unescaped; a ; or # outside quotes ends it. NULL when it has other
 * escapes (\n, \t: not a path anyone writes). */
static char *config_value(const char *v, size_t n)
{
  char *out = xmalloc(n + 1);
  size_t len = 0, end = 0;
  bool quoted = false;

  for (size_t i = 0; i < n; i++) {
    char c = v[i];
    if (c == '"') {
      quoted = !quoted;
      end = len;
      continue;
    }
    if (!quoted && (c == ';' || c == '#'))
      break;
    if (c == '\\') {
      if (i + 1 >= n || (v[i + 1] != '"' && v[i + 1] != '\\')) {
        free(out);
        return NULL;
      }
      c = v[++i];
    } else if (!quoted && (c == ' ' || c == '\t' || c == '\r')) {
      if (len > 0)
        out[len++] = c; /* inner blanks stay; trailing ones are cut below */
      continue;
    }
    out[len++] = c;
    end = len;
  }
  out[end] = '\0';
  return out;
}

/* The value of "KEY = VALUE" at line[a..n) (a past the indent), KEY
 * compared without case as git does; NULL when the line is not that. */
static char *key_value(const char *line, size_t n, size_t a, const char *key)
{
  size_t kl = strlen(key);

  if (n - a < kl || strncasecmp(line + a, key, kl) != 0)
    return NULL;
  a += kl;
  while (a < n && (line[a] == ' ' || line[a] == '\t'))
    a++;
  if (a >= n || line[a] != '=')
    return NULL;
  return config_value(line + a + 1, n - a - 1);
}

/* Calls each(line, n, a, ctx) for every line of a git config that is not a
 * section header, after section(header, len, ctx) for each header; a is the
 * indent's end. Stops when each returns false. */
static void config_lines(const char *text, size_t len,
                         void (*section)(const char *, size_t, void *),
                         bool (*each)(const char *, size_t, size_t, void *), void *ctx)
{
  size_t i = 0;

  while (i < len) {
    const char *line = text + i, *nl = memchr(line, '\n', len - i);
    size_t ll = nl ? (size_t)(nl - line) : len - i, a = 0;

    i += ll + 1;
    while (a < ll && (line[a] == ' ' || line[a] == '\t'))
      a++;
    if (a < ll && line[a] == '[')
      section(line + a, ll - a, ctx);
    else if (!each(line, ll, a, ctx))
      return;
  }
}

struct hooks_scan {
  bool core;
  char *found;
};

static void hooks_section(const char *h, size_t n, void *ctx)
{
  /* [core] only; [core "x"] or [includeIf ...] are other sections */
  ((struct hooks_scan *)ctx)->core = n >= 6 && strncasecmp(h, "[core]", 6) == 0;
}

static bool hooks_line(const char *line, size_t n, size_t a, void *ctx)
{
  struct hooks_scan *hs = ctx;
  char *v = hs->core ? key_value(line, n, a, "hookspath") : NULL;

  if (v) {
    free(hs->found);
    hs->found = v; /* the last one wins, as in git */
  }
  return true;
}

char *gitconfig_hooks_path(const char *text, size_t len)
{
  struct hooks_scan hs = {0};

  config_lines(text, len, hooks_section, hooks_line, &hs);
  return hs.found;
}

struct include_scan {
  bool include;
  char **paths;
  size_t k, max;
};

/* "[include]" or "[includeIf ...]": git reads the file each "path" there
 * names, with everything it may run. */
static void include_section(const char *h, size_t n, void *ctx)
{
  ((struct include_scan *)ctx)->include = (n >= 9 && strncasecmp(h, "[include]", 9) == 0) ||
                                          (n >= 11 && strncasecmp(h, "[includeif", 10) == 0 &&
                                           (h[10] == ' ' || h[10] == '\t' || h[10] == '"'));
}

static bool include_line(const char *line, size_t n, size_t a, void *ctx)
{
  struct include_scan *is = ctx;
  char *v = is->include ? key_value(line, n, a, "path") : NULL;

  if (v && *v)
    is->paths[is->k++] = v;
  else
    free(v);
  return is->k < is->max;
}

size_t gitconfig_include_paths(const char *text, size_t len, char **paths, size_t max)
{
  struct include_scan is = {.paths = paths, .max = max};

  if (max)
    config_lines(text, len, include_section, include_line, &is);
  return is.k;
}

struct word_scan {
  char **words;
  size_t k, max;
};

static void no_section(const char *h, size_t n, void *ctx)
{
  (void)h, (void)n, (void)ctx;
}

/* Every value of every key: git runs many of them as commands (core.fsmonitor,
 * core.pager, core.sshCommand, filter.*.clean, diff.*.textconv, alias.* =
 * !..., credential.helper, and keys yet to come), so which keys run is not
 * the question: each word with a '/' in any value is a path a command
 * could name. */
static bool word_line(const char *line, size_t n, size_t a, void *ctx)
{
  struct word_scan *ws = ctx;
  const char *eq = memchr(line + a, '=', n - a);
  _cleanup_free_ char *v = eq ? config_value(eq + 1, n - (size_t)(eq + 1 - line)) : NULL;
  char *save = NULL;

  for (char *w = v ? strtok_r(v, " \t", &save) : NULL; w && ws->k < ws->max;
       w = strtok_r(NULL, " \t", &save)) {
    w += strspn(w, "!'\"");
    w[strcspn(w, "'\";|&")] = '\0';
    if (strchr(w, '/') && !strstr(w, "://"))
      ws->words[ws->k++] = xstrdup(w);
  }
  return ws->k < ws->max;
}

size_t gitconfig_path_words(const char *text, size_t len, char **words, size_t max)
{
  struct word_scan ws = {.words = words, .max = max};

  if (max)
    config_lines(text, len, no_section, word_line, &ws);
  return ws.k;
}

char *worktree_rel(const char *path, const char *src)
{
  _cleanup_free_ char *joined = NULL;
  _cleanup_free_ char *full = NULL;
  _cleanup_free_ char *top = NULL;
  const char *rest;

  if (!path[0] || path[0] == '~' || src[0] != '/')
    return NULL;
  if (path[0] != '/')
    joined = xasprintf("%s/%s", src, path);
  full = path_clean(joined ? joined : path);
  top = path_clean(src);
  rest = path_below(full, top);
  if (!rest || !*rest || !plain_rel(rest, strlen(rest)))
    return NULL;
  return xstrdup(rest);
}
