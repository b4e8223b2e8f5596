/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* --learn's records and their folding into a profile. Pure: the host is
 * asked through struct learn_host, nothing here forks, opens or exits. */
#include "learn.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "netproxy.h"
#include "util.h"

/* ---- the log ---- */

static size_t rec_hash(enum learn_kind kind, const char *s)
{
  uint64_t h = 1469598103934665603ull ^ (uint64_t)kind;

  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return (size_t)h;
}

static void rehash(struct learn_log *l)
{
  size_t n = l->n_slots ? l->n_slots * 2 : 256;

  free(l->slots);
  l->slots = xcalloc(n, sizeof *l->slots);
  l->n_slots = n;
  for (size_t i = 0; i < l->n; i++) {
    size_t h = rec_hash(l->recs[i].kind, l->recs[i].what) & (n - 1);
    while (l->slots[h])
      h = (h + 1) & (n - 1);
    l->slots[h] = i + 1;
  }
}

struct learn_rec *learn_log_add(struct learn_log *l, enum learn_kind kind, const char *what,
                                const char *syscall, const char *prog)
{
  size_t h;
  struct learn_rec *r;

  if ((l->n + 1) * 2 > l->n_slots)
    rehash(l);
  h = rec_hash(kind, what) & (l->n_slots - 1);
  for (; l->slots[h]; h = (h + 1) & (l->n_slots - 1)) {
    r = &l->recs[l->slots[h] - 1];
    if (r->kind == kind && strcmp(r->what, what) == 0) {
      r->count++;
      return r;
    }
  }
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 64;
    l->recs = xreallocarray(l->recs, l->cap, sizeof *l->recs);
  }
  r = &l->recs[l->n];
  *r = (struct learn_rec){.kind = kind, .what = xstrdup(what), .syscall = syscall, .count = 1};
  if (prog)
    learn_set_prog(r, prog);
  l->slots[h] = ++l->n;
  return r;
}

/* A program names itself (prctl PR_SET_NAME takes any bytes): only
 * printable ASCII reaches the comment it is written into. */
void learn_set_prog(struct learn_rec *r, const char *prog)
{
  size_t i = 0;

  for (; prog[i] && i + 1 < sizeof r->prog; i++)
    r->prog[i] = prog[i] > 0x20 && prog[i] < 0x7f ? prog[i] : '?';
  r->prog[i] = '\0';
}

void learn_log_free(struct learn_log *l)
{
  for (size_t i = 0; i < l->n; i++)
    free(l->recs[i].what);
  free(l->recs);
  free(l->slots);
  *l = (struct learn_log){0};
}

/* ---- the learning proxy's log ---- */

/* The string value of "key":"..." in one JSON line, without escapes (a
 * host the proxy logged passed np_parse_authority: name characters only;
 * anything else is not ours and is skipped). */
static bool json_field(const char *line, size_t len, const char *key, char *out, size_t size,
                       bool number)
{
  char pat[32];
  const char *at, *end = line + len;
  size_t pl = (size_t)snprintf(pat, sizeof pat, "\"%s\":%s", key, number ? "" : "\"");
  size_t n = 0;

  at = memmem(line, len, pat, pl);
  if (!at)
    return false;
  at += pl;
  while (at < end && n + 1 < size) {
    char c = *at++;
    if (number ? (c < '0' || c > '9') : c == '"')
      break;
    if (c == '\\' || (unsigned char)c < 0x20)
      return false;
    out[n++] = c;
  }
  out[n] = '\0';
  return n > 0 && n + 1 < size;
}

/* The record keeps a static string: the protocols the proxy logs. */
static const char *proto_name(const char *p)
{
  static const char *const known[] = {"http", "http-connect", "socks5"};

  for (size_t i = 0; i < ELEMENTSOF(known); i++)
    if (strcmp(p, known[i]) == 0)
      return known[i];
  return "proxy";
}

size_t learn_parse_netlog(struct learn_log *l, const char *buf, size_t len)
{
  size_t added = 0;

  while (len > 0) {
    const char *nl = memchr(buf, '\n', len);
    size_t n = nl ? (size_t)(nl - buf) : len;
    char host[NP_MAX_HOST + 1], port[8], proto[16], action[8], rule[NP_MAX_HOST + 16];
    struct net_rule nr = {0};

    if (json_field(buf, n, "host", host, sizeof host, false) &&
        json_field(buf, n, "port", port, sizeof port, true) &&
        json_field(buf, n, "proto", proto, sizeof proto, false) &&
        json_field(buf, n, "action", action, sizeof action, false) &&
        strcmp(action, "allow") == 0) {
      snprintf(rule, sizeof rule, "%s:%s", host, port);
      /* what --net-allow would accept, and nothing a wildcard */
      if (host[0] != '*' && np_parse_rule(rule, &nr, NULL) == 0 && nr.port) {
        free(nr.host);
        learn_log_add(l, LEARN_PROXY, rule, proto_name(proto), NULL);
        added++;
      } else {
        free(nr.host);
      }
    }
    buf += n + (nl ? 1 : 0);
    len -= n + (nl ? 1 : 0);
  }
  return added;
}

/* ---- folding ---- */

enum { G_READ = 1u << 0, G_LIST = 1u << 1, G_WRITE = 1u << 2, G_EXEC = 1u << 3 };

struct grant {
  char *path;
  unsigned mode;
  const char *syscall;
  char prog[16];
  unsigned long count;
  unsigned folded; /* entries read that this directory stands for (0: none) */
  int entries;     /* host entries when folded */
  bool dropped;
};

/* Grants by path: an open-addressed table of indices + 1, so that
 * collecting and folding stay linear in the number of paths (a build
 * that reads tens of thousands of files). */
struct grants {
  struct grant *g;
  size_t n, cap;
  size_t *slots;
  size_t n_slots;
};

struct out {
  char *buf;
  size_t len, cap;
  size_t lines;
};

static void emit(struct out *o, bool directive, const char *fmt, ...) _printf_(3, 4);
static void emit(struct out *o, bool directive, const char *fmt, ...)
{
  va_list ap;
  int n;

  va_start(ap, fmt);
  n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0)
    return;
  if (o->len + (size_t)n + 1 > o->cap) {
    o->cap = (o->len + (size_t)n + 1) * 2;
    o->buf = xreallocarray(o->buf, o->cap, 1);
  }
  va_start(ap, fmt);
  vsnprintf(o->buf + o->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  o->len += (size_t)n;
  if (directive)
    o->lines++;
}

static bool under_any(const char *path, const char *const *dirs, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    _cleanup_free_ char *d = path_clean(dirs[i]);
    if (path_below(path, d))
      return true;
  }
  return false;
}

/* The run's mount that holds path (the deepest; of equal ones the later,
 * which is on top), or -1. */
static ssize_t mount_of(const struct learn_fold_in *in, const char *path)
{
  size_t best = 0;
  ssize_t at = -1;

  for (size_t i = 0; i < in->n_mounts; i++) {
    _cleanup_free_ char *d = path_clean(in->mounts[i]);
    if (path_below(path, d) && strlen(d) >= best) {
      best = strlen(d);
      at = (ssize_t)i;
    }
  }
  return at;
}

static bool covered(const struct learn_fold_in *in, const char *path)
{
  ssize_t m = mount_of(in, path);
  return m >= 0 && in->from_include[m];
}

/* A symbolic link the run could have planted (below a writable mount of
 * its own) on the way to path: a bind of that path, made on the host when
 * the learned profile is used, would follow it wherever it points (a link
 * to ~/.ssh/id_rsa in the project is masked in the run, and would not be
 * under a "read" of the link). */
static bool planted_link(const struct learn_fold_in *in, const struct learn_host *host,
                         const char *path)
{
  ssize_t m = mount_of(in, path);
  _cleanup_free_ char *root = NULL;
  _cleanup_free_ char *p = NULL;
  size_t at;

  if (m < 0 || !in->writable || !in->writable[m] || in->from_include[m])
    return false;
  root = path_clean(in->mounts[m]);
  p = xstrdup(path);
  for (at = strlen(root); p[at]; at++) {
    char c;
    if (p[at] != '/' || at == 0)
      continue;
    c = p[at];
    p[at] = '\0';
    if (strlen(p) > strlen(root) && host->is_symlink(host->ctx, p))
      return true;
    p[at] = c;
  }
  return strlen(p) > strlen(root) && host->is_symlink(host->ctx, p);
}

static size_t *grant_slot(const struct grants *gs, const char *path)
{
  size_t h = rec_hash(0, path) & (gs->n_slots - 1);

  for (; gs->slots[h]; h = (h + 1) & (gs->n_slots - 1))
    if (strcmp(gs->g[gs->slots[h] - 1].path, path) == 0)
      break;
  return &gs->slots[h];
}

static struct grant *grant_find(const struct grants *gs, const char *path)
{
  size_t *slot = gs->n_slots ? grant_slot(gs, path) : NULL;

  return slot && *slot ? &gs->g[*slot - 1] : NULL;
}

static struct grant *grant_get(struct grants *gs, const char *path)
{
  struct grant *g = grant_find(gs, path);

  if (g)
    return g;
  if ((gs->n + 1) * 2 > gs->n_slots) {
    gs->n_slots = gs->n_slots ? gs->n_slots * 2 : 256;
    free(gs->slots);
    gs->slots = xcalloc(gs->n_slots, sizeof *gs->slots);
    for (size_t i = 0; i < gs->n; i++)
      *grant_slot(gs, gs->g[i].path) = i + 1;
  }
  if (gs->n == gs->cap) {
    gs->cap = gs->cap ? gs->cap * 2 : 64;
    gs->g = xreallocarray(gs->g, gs->cap, sizeof *gs->g);
  }
  gs->g[gs->n] = (struct grant){.path = xstrdup(path)};
  *grant_slot(gs, path) = gs->n + 1;
  return &gs->g[gs->n++];
}

static void grant_note(struct grant *g, unsigned mode, const struct learn_rec *r)
{
  /* A write is what a writable line is for: its first one says why. */
  if (!g->syscall || ((mode & G_WRITE) && !(g->mode & G_WRITE))) {
    g->syscall = r->syscall;
    memcpy(g->prog, r->prog, sizeof g->prog);
  }
  g->mode |= mode;
  g->count += r->count;
}

static char *parent_of(const char *path)
{
  char *p = xstrdup(path);
  char *s = strrchr(p, '/');

  if (s == p)
    s[1] = '\0';
  else if (s)
    *s = '\0';
  return p;
}

/* A path the profile can hold as one word: no control character (a
 * newline in a name the program chose would start a line of its own in
 * the learned profile: "write /"), and short enough for the parser. */
#define LEARN_MAX_PATH 2048

static bool writable_word(const char *path)
{
  size_t n = 0;

  for (; path[n]; n++)
    if ((unsigned char)path[n] < 0x20 || path[n] == 0x7f)
      return false;
  return n <= LEARN_MAX_PATH;
}

/* The path as a profile word: quoted when it holds a blank, a quote, a
 * backslash, '#' or '$' ("$$" is a '$', not a variable). malloc'd. */
static char *word(const char *path)
{
  size_t n = strlen(path);
  char *out = xmalloc(2 * n + 3), *w = out;
  bool quote = strpbrk(path, " \t\"\\#$") != NULL;

  if (quote)
    *w++ = '"';
  for (const char *c = path; *c; c++) {
    if (*c == '"' || *c == '\\')
      *w++ = '\\';
    else if (*c == '$')
      *w++ = '$';
    *w++ = *c;
  }
  if (quote)
    *w++ = '"';
  *w = '\0';
  return out;
}

/* Records -> grants on host paths: what the base already gives, what it
 * hides and what does not exist (a probe that failed) are not granted. */
static void collect(const struct learn_log *l, const struct learn_fold_in *in,
                    const struct learn_host *host, struct grants *gs, unsigned long *n_base,
                    unsigned long *hidden, unsigned long *unwritable, unsigned long *links)
{
  for (size_t i = 0; i < l->n; i++) {
    const struct learn_rec *r = &l->recs[i];
    _cleanup_free_ char *clean = NULL;
    _cleanup_free_ char *target = NULL;
    unsigned mode;

    switch (r->kind) {
    case LEARN_READ:
      mode = G_READ;
      break;
    case LEARN_LIST:
      mode = G_LIST;
      break;
    case LEARN_EXEC:
      mode = G_READ | G_EXEC;
      break;
    case LEARN_WRITE:
    case LEARN_CREATE:
      mode = G_WRITE;
      break;
    case LEARN_CONNECT:
    case LEARN_BIND:
    case LEARN_NS:
    case LEARN_PROXY:
    default:
      continue;
    }
    if (r->what[0] != '/')
      continue;
    if (!writable_word(r->what)) {
      (*unwritable)++;
      continue;
    }
    clean = path_clean(r->what);
    target = r->kind == LEARN_CREATE ? parent_of(clean) : xstrdup(clean);
    if (path_is_root(target))
      continue;
    if (under_any(target, in->hidden, in->n_hidden)) {
      (*hidden)++;
      continue;
    }
    if (covered(in, target)) {
      (*n_base)++;
      continue;
    }
    if (!host->exists(host->ctx, target))
      continue;
    if (planted_link(in, host, target)) {
      (*links)++;
      continue;
    }
    grant_note(grant_get(gs, target), mode, r);
  }
}

/* Calls fn on each strict ancestor of path that is a grant, nearest
 * first, until it returns true. */
static bool any_ancestor(const struct grants *gs, const char *path,
                         bool (*fn)(const struct grant *a))
{
  _cleanup_free_ char *p = xstrdup(path);

  for (char *s = strrchr(p, '/'); s; s = strrchr(p, '/')) {
    const struct grant *a;
    if (s == p) {
      if (!p[1])
        break;
      p[1] = '\0';
    } else {
      *s = '\0';
    }
    if ((a = grant_find(gs, p)) && fn(a))
      return true;
  }
  return false;
}

static bool is_live_writable(const struct grant *a)
{
  return !a->dropped && (a->mode & G_WRITE);
}

static size_t depth(const char *p)
{
  size_t n = 0;
  for (; *p; p++)
    n += *p == '/';
  return n;
}

/* A read (or listing) that folding may count for its directory. */
static bool foldable(const struct grant *g)
{
  return !g->dropped && !(g->mode & G_WRITE) && (g->mode & (G_READ | G_LIST));
}

struct child {
  char *parent;
  size_t at; /* index in the grants: ties keep the records' order */
};

static int cmp_child(const void *a, const void *b)
{
  const struct child *x = a, *y = b;
  int c = strcmp(x->parent, y->parent);

  return c ? c : (x->at > y->at) - (x->at < y->at);
}

/* The children kids[0..k) (one parent, the records' order) become their
 * directory's grant. */
static void fold_into(struct grants *gs, const char *par, const struct child *kids, unsigned k,
                      int entries)
{
  struct grant *p = grant_get(gs, par); /* (may move the array) */
  unsigned long count = 0;

  for (unsigned j = 0; j < k; j++) {
    struct grant *g = &gs->g[kids[j].at];
    if (!p->syscall) {
      p->syscall = g->syscall;
      memcpy(p->prog, g->prog, sizeof p->prog);
    }
    p->mode |= G_READ | (g->mode & G_EXEC);
    count += g->count;
    g->dropped = true;
  }
  p->mode |= G_READ;
  p->dropped = false; /* (a traversal alone had dropped it) */
  p->count += count;
  p->folded = k;
  p->entries = entries;
}

/* The directories at depth dd - 1 whose files (and folded
 * subdirectories) at depth dd read in this run reach the threshold stand
 * for them. */
static void fold_depth(struct grants *gs, size_t dd, const struct learn_fold_in *in,
                       const struct learn_host *host)
{
  struct child *kids = NULL;
  size_t n = 0;

  for (size_t i = 0; i < gs->n; i++)
    if (foldable(&gs->g[i]) && depth(gs->g[i].path) == dd) {
      kids = xreallocarray(kids, n + 1, sizeof *kids);
      kids[n++] = (struct child){parent_of(gs->g[i].path), i};
    }
  if (n)
    qsort(kids, n, sizeof *kids, cmp_child);
  for (size_t i = 0, end; i < n; i = end) {
    const char *par = kids[i].parent;
    int entries;

    for (end = i + 1; end < n && strcmp(kids[end].parent, par) == 0;)
      end++;
    if (path_is_root(par) || under_any(par, in->hidden, in->n_hidden) || end - i < LEARN_FOLD_MIN)
      continue;
    entries = host->entries(host->ctx, par);
    if (entries <= 0 || (end - i) * LEARN_FOLD_DEN < (size_t)entries * LEARN_FOLD_NUM)
      continue;
    fold_into(gs, par, kids + i, (unsigned)(end - i), entries);
  }
  for (size_t i = 0; i < n; i++)
    free(kids[i].parent);
  free(kids);
}

/* Deepest first: a directory folded at one depth is a read its own
 * directory counts at the next. */
static void fold(struct grants *gs, const struct learn_fold_in *in, const struct learn_host *host)
{
  size_t max = 0;

  for (size_t i = 0; i < gs->n; i++)
    if (foldable(&gs->g[i]) && depth(gs->g[i].path) > max)
      max = depth(gs->g[i].path);
  for (size_t dd = max; dd > 1; dd--)
    fold_depth(gs, dd, in, host);
}

static int cmp_grant(const void *a, const void *b)
{
  return strcmp(((const struct grant *)a)->path, ((const struct grant *)b)->path);
}

/* A writable line for the home, or a directory holding it, is refused
 * by the profile parser (it would let the command plant start-up files):
 * in the learning run, under "overlay-home", its writes went to a
 * throwaway layer, and so they do under the learned profile. */
static bool holds_home(const struct learn_fold_in *in, const char *path)
{
  _cleanup_free_ char *home = NULL;

  if (!in->home || in->home[0] != '/' || path_is_root(in->home))
    return false;
  home = path_clean(in->home);
  return path_below(home, path) != NULL;
}

static void emit_grants(struct out *o, struct grants *gs, const struct learn_fold_in *in,
                        const struct learn_host *host)
{
  if (gs->n) /* (qsort wants an array, even of none) */
    qsort(gs->g, gs->n, sizeof *gs->g, cmp_grant);
  /* The table's indices name the old order: no lookup after this. */
  free(gs->slots);
  gs->slots = NULL;
  gs->n_slots = 0;
  for (size_t i = 0; i < gs->n; i++) {
    const struct grant *g = &gs->g[i];
    const char *verb = (g->mode & G_WRITE) ? "write" : "read";
    _cleanup_free_ char *w = NULL;
    char why[160];
    bool dir;

    if (g->dropped)
      continue;
    w = word(g->path);
    dir = host->entries(host->ctx, g->path) >= 0;
    if (g->folded)
      snprintf(why, sizeof why, "%u of its %d entries read", g->folded, g->entries);
    else if (g->mode & G_WRITE)
      snprintf(why, sizeof why, "%s", dir ? "entries made or removed in it" : "written");
    else if (g->mode & G_EXEC)
      snprintf(why, sizeof why, "executed");
    else if (g->mode & G_LIST)
      snprintf(why, sizeof why, "listed");
    else if (dir) {
      /* Only looked at (stat, chdir): an empty directory in its place. */
      emit(o, true, "dir %s  # looked up: %s by %s, %lux\n", w, g->syscall, g->prog, g->count);
      continue;
    } else
      snprintf(why, sizeof why, "read");
    if ((g->mode & G_WRITE) && holds_home(in, g->path))
      emit(o, true, "overlay-home bind %s %s  # %s (writes to a throwaway layer): %s by %s, %lux\n",
           w, w, why, g->syscall, g->prog, g->count);
    else
      emit(o, true, "%s %s  # %s: %s by %s, %lux\n", verb, w, why, g->syscall, g->prog, g->count);
  }
}

/* Paths only traversed on the way to others, and what a writable grant
 * already holds, are not lines of their own. */
static void prune(struct grants *gs)
{
  bool *drop = xcalloc(gs->n ? gs->n : 1, sizeof *drop);

  /* Below a live writable grant: decided on the state before this pass (a
   * writable grant dropped in it is below another one, which holds the
   * same paths). */
  for (size_t i = 0; i < gs->n; i++)
    drop[i] = any_ancestor(gs, gs->g[i].path, is_live_writable);
  for (size_t i = 0; i < gs->n; i++)
    gs->g[i].dropped |= drop[i];
  /* A traversal: something live below it. ("/" is never a grant.) */
  memset(drop, 0, gs->n * sizeof *drop);
  for (size_t i = 0; i < gs->n; i++) {
    _cleanup_free_ char *p = NULL;
    if (gs->g[i].dropped)
      continue;
    p = xstrdup(gs->g[i].path);
    for (char *s = strrchr(p, '/'); s && s != p; s = strrchr(p, '/')) {
      struct grant *a;
      *s = '\0';
      if ((a = grant_find(gs, p)))
        drop[a - gs->g] = true;
    }
  }
  for (size_t i = 0; i < gs->n; i++)
    if (drop[i] && !(gs->g[i].mode & G_WRITE) && !gs->g[i].folded)
      gs->g[i].dropped = true;
  free(drop);
}

static bool loopback(const char *addr)
{
  return strncmp(addr, "127.", 4) == 0 || strncmp(addr, "[::1]", 5) == 0;
}

static bool port_bound(const struct learn_log *l, const char *addr)
{
  const char *port = strrchr(addr, ':');

  for (size_t i = 0; port && i < l->n; i++) {
    const char *bp = l->recs[i].kind == LEARN_BIND ? strrchr(l->recs[i].what, ':') : NULL;
    if (bp && strcmp(bp, port) == 0)
      return true;
  }
  return false;
}

static void emit_net(struct out *o, const struct learn_log *l, const struct learn_fold_in *in)
{
  bool direct = false;

  for (size_t i = 0; i < l->n; i++) {
    const struct learn_rec *r = &l->recs[i];
    if (r->kind == LEARN_PROXY)
      emit(o, true, "net-allow %s  # asked of the proxy (%s), %lux\n", r->what, r->syscall,
           r->count);
  }
  for (size_t i = 0; i < l->n; i++) {
    const struct learn_rec *r = &l->recs[i];
    if (r->kind != LEARN_CONNECT || port_bound(l, r->what))
      continue;
    if (loopback(r->what)) {
      const char *port = strrchr(r->what, ':');
      if (in->proxy && port && (strcmp(port, ":3128") == 0 || strcmp(port, ":1080") == 0))
        continue;
      emit(o, false, "# connect to %s by %s, %lux: the sandbox's own loopback\n", r->what, r->prog,
           r->count);
      continue;
    }
    /* A port 53 connect is a name lookup: the proxy resolves names itself. */
    if (in->proxy && strlen(r->what) > 3 && strcmp(r->what + strlen(r->what) - 3, ":53") == 0)
      continue;
    if (in->shared_net && !direct) {
      emit(o, true, "net  # connect to %s: %s by %s, %lux (by address, not through a proxy)\n",
           r->what, r->syscall, r->prog, r->count);
      direct = true;
    } else if (!in->shared_net) {
      emit(o, false,
           "# connect to %s by %s, %lux: by address, refused in the run (only the proxy "
           "led out); 'net' would allow it\n",
           r->what, r->prog, r->count);
    }
  }
  for (size_t i = 0; i < l->n; i++)
    if (l->recs[i].kind == LEARN_NS)
      emit(o, false, "# namespaces %s by %s, %lux (%s): the base allowed it\n", l->recs[i].what,
           l->recs[i].prog, l->recs[i].count, l->recs[i].syscall);
}

/* Strict style: the syscalls used, allowed, ahead of the include so that
 * the base's conditional rules (clone without namespace flags, ioctl
 * without TIOCSTI...) still land on top of them; every other known one
 * EPERM after it. */
static void emit_syscalls(struct out *o, const struct learn_log *l)
{
  sc_set s = l->syscalls;
  /* The sandbox's own calls after the first filter is in place: prctl
   * loads the second one (a policy stacks two), execve starts the
   * program. */
  static const char *const own[] = {"prctl", "execve"};
  size_t col = 0, n = 0;

  for (size_t i = 0; i < ELEMENTSOF(own); i++)
    if (syscall_lookup(own[i]) >= 0)
      sc_set_add(&s, syscall_lookup(own[i]));
  for (int nr = sc_set_next(&s, 0); nr >= 0; nr = sc_set_next(&s, nr + 1))
    n += syscall_name_of(nr) != NULL;
  emit(o, false,
       "# The %zu syscalls the run used (with prctl and execve, which the sandbox needs to start "
       "it), allowed; every other known one fails with EPERM.\n",
       n);
  for (int nr = sc_set_next(&s, 0); nr >= 0; nr = sc_set_next(&s, nr + 1)) {
    const char *name = syscall_name_of(nr);
    if (!name)
      continue;
    if (col == 0) {
      emit(o, true, "syscall %s", name);
      col = 8 + strlen(name);
    } else {
      emit(o, false, ",%s", name);
      col += 1 + strlen(name);
    }
    if (col > 90) {
      emit(o, false, " allow\n");
      col = 0;
    }
  }
  if (col)
    emit(o, false, " allow\n");
}

char *learn_fold(const struct learn_log *l, const struct learn_fold_in *in,
                 const struct learn_host *host, size_t *n_lines)
{
  struct out o = {0};
  struct grants gs = {0};
  unsigned long n_base = 0, hidden = 0, unwritable = 0, links = 0;
  _cleanup_free_ char *cwd = in->cwd ? path_clean(in->cwd) : NULL;
  _cleanup_free_ char *include_word = NULL;
  bool cwd_made = false;

  collect(l, in, host, &gs, &n_base, &hidden, &unwritable, &links);
  prune(&gs);
  fold(&gs, in, host);
  prune(&gs);

  emit(&o, false, "# Learned by sandbox --learn from one run of: %s\n", in->command);
  emit(&o, false,
       "# in %s, exit status %d. Folding: a directory stands for its files when the "
       "run read\n",
       cwd && writable_word(cwd) ? cwd : "?", in->status);
  emit(&o, false,
       "# at least %d of them and %d/%d of its entries. Each line says what needed it: "
       "first syscall, program, count.\n",
       LEARN_FOLD_MIN, LEARN_FOLD_NUM, LEARN_FOLD_DEN);
  /* The command itself only in a comment: a description line is words. */
  emit(&o, true, "description Learned from one run of %s\n", in->program);
  if (in->syscalls)
    emit_syscalls(&o, l);
  include_word = word(in->include);
  emit(&o, true, "include %s  # %lu path%s the run used are this profile's%s\n", include_word,
       n_base, n_base == 1 ? "" : "s", in->syscalls ? " (and base syscall rules)" : "");
  if (hidden)
    emit(&o, false,
         "# %lu path%s the run asked for are hidden by the base (secrets): not granted\n", hidden,
         hidden == 1 ? "" : "s");
  if (unwritable)
    emit(&o, false,
         "# %lu path%s with a control character or over %d bytes: not granted (a profile line "
         "cannot hold them)\n",
         unwritable, unwritable == 1 ? "" : "s", LEARN_MAX_PATH);
  if (links)
    emit(&o, false,
         "# %lu path%s through a symbolic link in a directory the run could write: not granted "
         "(a bind would follow the link; grant its target if it is meant)\n",
         links, links == 1 ? "" : "s");
  if (in->syscalls)
    emit(&o, true, "syscall-default errno(EPERM)  # strict style: only what the run used\n");
  emit_grants(&o, &gs, in, host);
  for (size_t i = 0; cwd && i < gs.n; i++) {
    const char *a = !gs.g[i].dropped ? path_below(cwd, gs.g[i].path) : NULL;
    const char *b = !gs.g[i].dropped ? path_below(gs.g[i].path, cwd) : NULL;
    cwd_made |= (a && (host->entries(host->ctx, gs.g[i].path) >= 0)) || (b && *b);
  }
  if (cwd && !path_is_root(cwd) && writable_word(cwd)) {
    _cleanup_free_ char *w = word(cwd);
    if (!cwd_made && !covered(in, cwd))
      emit(&o, true, "dir %s  # the working directory\n", w);
    emit(&o, true, "chdir %s  # the run started here\n", w);
  }
  emit_net(&o, l, in);
  for (size_t i = 0; i < gs.n; i++)
    free(gs.g[i].path);
  free(gs.g);
  free(gs.slots);
  *n_lines = o.lines;
  if (!o.buf)
    return xstrdup("");
  return o.buf;
}
