/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Absent protected entries. A mount needs a mount point, and the sandbox
 * must not be able to create the entry itself (a .git in a directory that
 * had none makes every later git command there, a shell prompt's included,
 * read the sandbox's config). So the caller's side makes an empty
 * directory of mode 0400 there (a mode no real directory has: it cannot be
 * entered) before the sandbox starts, and removes it afterwards. Git,
 * editors and direnv treat it like no entry at all.
 *
 * Two sandboxes may share one: removing it while another sandbox still
 * has its read-only mount on it would detach that mount (the kernel drops
 * mounts on a dentry removed from another mount namespace). Each user
 * holds a shared flock on it; only who gets it exclusively removes it. */
#include "placeholder.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/openat2.h>

#include "util.h"

struct held {
  int dirfd; /* the directory the placeholder is in */
  int fd;    /* the placeholder, flocked LOCK_SH */
  char *name;
  size_t top; /* its bind's host directory, in tops[] */
  char *rel;  /* its path below that */
};

#define PLACEHOLDER_MODE 0400

static struct held *held;
static size_t n_held;
/* The binds' host directories, one each: what the watchdog holds (a
 * descriptor per placeholder would let a .gitmodules of hundreds of
 * entries run it out of descriptors). */
static int *tops;
static size_t n_tops;

static mode_t umask_now(void)
{
  static mode_t m = (mode_t)-1;

  if (m == (mode_t)-1) {
    m = umask(0);
    umask(m);
  }
  return m;
}

static bool is_placeholder(const struct stat *st)
{
  return S_ISDIR(st->st_mode) && (st->st_mode & 07777) == PLACEHOLDER_MODE;
}

static bool same_inode(int dirfd, const char *name, int fd)
{
  struct stat a, b;

  return fstatat(dirfd, name, &a, AT_SYMLINK_NOFOLLOW) == 0 && fstat(fd, &b) == 0 &&
         a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Takes a shared lock on the placeholder `name` in dirfd, creating it if
 * absent. Returns its fd, or -1 when the entry is something real (left
 * alone: the sandbox protects it as it is) or cannot be made (the sandbox
 * makes a lasting one then). */
static int hold(int dirfd, const char *name)
{
  for (int tries = 0; tries < 8; tries++) {
    struct stat st;
    int fd;

    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
      if (errno != ENOENT || (mkdirat(dirfd, name, PLACEHOLDER_MODE) < 0 && errno != EEXIST))
        return -1;
      /* A umask without 0400 leaves the mode as asked: one lookup less. */
      if ((umask_now() & PLACEHOLDER_MODE) != 0)
        (void)!fchmodat(dirfd, name, PLACEHOLDER_MODE, 0);
      continue;
    }
    if (!is_placeholder(&st))
      return -1;
    /* Another user's cannot be opened: not held then, only used. */
    fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
      return -1;
    /* The last user may be removing it right now: lock, then make sure
     * the name still leads to what was locked. */
    if (flock(fd, LOCK_SH) == 0 && same_inode(dirfd, name, fd))
      return fd;
    close(fd);
  }
  return -1;
}

/* PATH below dirfd, following no symlink and never leaving it (a link the
 * sandbox planted on an earlier run must not lead a placeholder, or a
 * .gitmodules read, elsewhere). */
static int open_beneath(int dirfd, const char *path, int flags)
{
  struct open_how how = {
      .flags = (uint64_t)(flags | O_CLOEXEC),
      .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
  };

  return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

/* The directory of rel below top (top itself for a plain name). */
static int open_dir_of(int top, const char *rel)
{
  const char *slash = strrchr(rel, '/');
  _cleanup_free_ char *dir = slash ? xstrndup(rel, (size_t)(slash - rel)) : NULL;

  return dir ? open_beneath(top, dir, O_PATH | O_DIRECTORY) : fcntl(top, F_DUPFD_CLOEXEC, 3);
}

static size_t top_of(const struct plan *p, size_t op, size_t *of_op)
{
  if (of_op[op] == SIZE_MAX) {
    int fd = open(p->ops[op].src, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
      return SIZE_MAX; /* not a directory: no entries to protect */
    tops = xreallocarray(tops, n_tops + 1, sizeof *tops);
    tops[n_tops] = fd;
    of_op[op] = n_tops++;
  }
  return of_op[op];
}

void placeholders_make(const struct plan *p, const struct guards *gs)
{
  _cleanup_free_ size_t *of_op = xcalloc(p->n_ops + 1, sizeof *of_op);

  for (size_t i = 0; i <= p->n_ops; i++)
    of_op[i] = SIZE_MAX;
  for (size_t i = 0; i < gs->n; i++) {
    const char *rel = gs->g[i].name, *name;
    size_t top;
    int dirfd, fd;

    if (!rel || gs->g[i].if_present || (top = top_of(p, gs->g[i].op, of_op)) == SIZE_MAX)
      continue;
    name = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
    dirfd = open_dir_of(tops[top], rel);
    if (dirfd < 0)
      continue;
    fd = hold(dirfd, name);
    if (fd < 0) {
      close(dirfd);
      continue;
    }
    held = xreallocarray(held, n_held + 1, sizeof *held);
    held[n_held++] = (struct held){dirfd, fd, xstrdup(name), top, xstrdup(rel)};
  }
}

#define GIT_FILE_MAX   65536
#define SUBMODULES_MAX 256

/* A small regular file below top, read whole, or NULL. */
static char *read_small(int top, const char *path, size_t *len)
{
  _cleanup_close_ int fd = open_beneath(top, path, O_RDONLY | O_NOCTTY | O_NONBLOCK);

  return read_regular(fd, GIT_FILE_MAX, len);
}

/* Hooks that are symbolic links to scripts of the work tree (ln -s
 * ../../scripts/pre-commit .git/hooks/pre-commit): the script runs on the
 * next commit on the host, as core.hooksPath's do. Protected where
 * present, as include files are. */
static void add_linked_hooks(struct guards *gs, size_t at, int top, const char *src)
{
  int fd = openat(top, ".git/hooks", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
  struct dirent *e;
  char target[4096];
  ssize_t n;

  /* .git/hooks itself a link to a directory of the work tree (ln -s
   * ../githooks .git/hooks): that directory, as core.hooksPath's. */
  if (fd < 0 && (n = readlinkat(top, ".git/hooks", target, sizeof target - 1)) > 0) {
    _cleanup_free_ char *path = NULL;
    _cleanup_free_ char *rel = NULL;
    target[n] = '\0';
    path = target[0] == '/' ? xstrdup(target) : xasprintf(".git/%s", target);
    rel = worktree_rel(path, src);
    if (rel && strcmp(rel, ".git") != 0 && strncmp(rel, ".git/", 5) != 0)
      guards_add_under(gs, at, rel, NULL);
  }
  if (!d) {
    if (fd >= 0)
      close(fd);
    return;
  }
  while ((e = readdir(d))) {
    _cleanup_free_ char *path = NULL;
    _cleanup_free_ char *rel = NULL;

    if ((n = readlinkat(dirfd(d), e->d_name, target, sizeof target - 1)) <= 0)
      continue;
    target[n] = '\0';
    path = target[0] == '/' ? xstrdup(target) : xasprintf(".git/hooks/%s", target);
    rel = worktree_rel(path, src);
    if (rel && strcmp(rel, ".git") != 0 && strncmp(rel, ".git/", 5) != 0)
      guards_add_present(gs, at, rel);
  }
  closedir(d);
}

/* The host path PATH (clean, absolute), where a writable bind of the plan
 * holds it: protected where present (dir: also while absent). */
static void protect_host_path(const struct plan *p, struct guards *gs, size_t n, const char *path,
                              bool dir)
{
  for (size_t i = 0; i < n; i++) {
    const struct op *op = &p->ops[gs->g[i].op];
    _cleanup_free_ char *src = op->src && op->src[0] == '/' ? path_clean(op->src) : NULL;
    const char *rest = src ? path_below(path, src) : NULL;

    if (!rest || !*rest || strcmp(rest, ".git") == 0 || strncmp(rest, ".git/", 5) == 0)
      continue;
    if (dir)
      guards_add_under(gs, i, rest, NULL);
    else
      guards_add_present(gs, i, rest);
  }
}

/* PATH of the caller's git config, "~/" its home's, relative to the
 * directory of FROM: clean and absolute, links resolved where it exists. */
static char *config_path(const char *path, const char *home, const char *from)
{
  _cleanup_free_ char *joined = NULL;
  _cleanup_free_ char *clean = NULL;
  char *real;

  if (path[0] == '~' && path[1] == '/')
    joined = xasprintf("%s/%s", home, path + 2);
  else if (path[0] == '/')
    joined = xstrdup(path);
  else if (path[0] != '~')
    joined = xasprintf("%.*s/%s", (int)(strrchr(from, '/') - from), from, path);
  if (!joined)
    return NULL;
  clean = path_clean(joined);
  real = realpath(clean, NULL);
  return real ? real : xstrdup(clean);
}

/* The caller's own git config (~/.gitconfig, ~/.config/git/config) kept
 * in a tree the sandbox writes: a dotfiles repository, ~/.gitconfig a
 * link to dotfiles/gitconfig or including a file of it, core.hooksPath
 * naming a directory of it. Every git on the host runs what it sets. */
static void add_global_config(const struct plan *p, struct guards *gs, size_t n)
{
  const char *home = getenv("HOME");
  const char *xdg = getenv("XDG_CONFIG_HOME");
  _cleanup_free_ char *user = NULL;
  _cleanup_free_ char *xdgc = NULL;

  if (!home || home[0] != '/')
    return;
  user = xasprintf("%s/.gitconfig", home);
  xdgc = xdg && xdg[0] == '/' ? xasprintf("%s/git/config", xdg)
                              : xasprintf("%s/.config/git/config", home);
  for (const char *const *f = (const char *const[]){user, xdgc, NULL}; *f; f++) {
    _cleanup_free_ char *file = config_path(*f, home, *f);
    _cleanup_free_ char *text = NULL;
    _cleanup_free_ char *hooks = NULL;
    _cleanup_close_ int fd = open(file, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    char *paths[SUBMODULES_MAX];
    size_t len = 0, k;

    if (!(text = read_regular(fd, GIT_FILE_MAX, &len)))
      continue;
    protect_host_path(p, gs, n, file, false);
    if ((hooks = gitconfig_hooks_path(text, len))) {
      _cleanup_free_ char *h = config_path(hooks, home, *f);
      if (h)
        protect_host_path(p, gs, n, h, true);
    }
    k = gitconfig_include_paths(text, len, paths, SUBMODULES_MAX);
    for (size_t j = 0; j < k; j++) {
      _cleanup_free_ char *inc = config_path(paths[j], home, *f);
      if (inc)
        protect_host_path(p, gs, n, inc, false);
      free(paths[j]);
    }
  }
}

/* What the repository with work tree WT and git directory GD has git run
 * from elsewhere: its core.hooksPath directory, the files its config
 * includes, the scripts its hooks (or its hooks directory) link to. */
static void add_repo_targets(const struct plan *p, struct guards *gs, size_t n, const char *wt,
                             const char *gd)
{
  const char *home = getenv("HOME");
  _cleanup_free_ char *config = xasprintf("%s/config", gd);
  _cleanup_free_ char *inwt = xasprintf("%s/x", wt);
  _cleanup_free_ char *hooksdir = xasprintf("%s/hooks", gd);
  _cleanup_free_ char *inhooks = xasprintf("%s/hooks/x", gd);
  _cleanup_free_ char *text = NULL;
  _cleanup_free_ char *hooks = NULL;
  _cleanup_close_ int fd = open(config, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  char *paths[SUBMODULES_MAX], target[4096];
  size_t len = 0, k = 0;
  ssize_t l;
  DIR *d;
  struct dirent *e;

  home = home && home[0] == '/' ? home : "/nonexistent";
  if ((text = read_regular(fd, GIT_FILE_MAX, &len))) {
    if ((hooks = gitconfig_hooks_path(text, len))) {
      _cleanup_free_ char *h = config_path(hooks, home, inwt);
      if (h)
        protect_host_path(p, gs, n, h, true);
    }
    k = gitconfig_include_paths(text, len, paths, SUBMODULES_MAX);
  }
  for (size_t j = 0; j < k; j++) {
    _cleanup_free_ char *inc = config_path(paths[j], home, config);
    if (inc)
      protect_host_path(p, gs, n, inc, false);
    free(paths[j]);
  }
  /* The work-tree scripts its commands name (core.fsmonitor =
   * src/fsmon.sh), as guards_add_from_git does for a bind's own. */
  k = text ? gitconfig_path_words(text, len, paths, SUBMODULES_MAX) : 0;
  for (size_t j = 0; j < k; j++) {
    _cleanup_free_ char *w = config_path(paths[j], home, inwt);
    if (w)
      protect_host_path(p, gs, n, w, false);
    free(paths[j]);
  }
  if ((l = readlink(hooksdir, target, sizeof target - 1)) > 0) {
    _cleanup_free_ char *t = NULL;
    target[l] = '\0';
    if ((t = config_path(target, home, hooksdir)))
      protect_host_path(p, gs, n, t, true);
    return;
  }
  if (!(d = opendir(hooksdir)))
    return;
  while ((e = readdir(d))) {
    _cleanup_free_ char *t = NULL;
    if ((l = readlinkat(dirfd(d), e->d_name, target, sizeof target - 1)) <= 0)
      continue;
    target[l] = '\0';
    if ((t = config_path(target, home, inhooks)))
      protect_host_path(p, gs, n, t, false);
  }
  closedir(d);
}

/* A writable bind inside a repository's work tree (the sandbox run from
 * proj/src): the repository's config, out of the sandbox's reach, may
 * still name what the bind holds (core.hooksPath = src/hooks, an
 * included src/shared.cfg, a hook linked to a script there). */
static void add_enclosing_repos(const struct plan *p, struct guards *gs, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    const struct op *op = &p->ops[gs->g[i].op];
    _cleanup_free_ char *dir = op->src && op->src[0] == '/' ? path_clean(op->src) : NULL;
    char *slash;

    if (i > 0 && gs->g[i - 1].op == gs->g[i].op)
      continue; /* that bind's done */
    while (dir && (slash = strrchr(dir, '/')) && slash != dir) {
      _cleanup_free_ char *gd = NULL;
      struct stat st;
      *slash = '\0';
      gd = xasprintf("%s/.git", dir);
      if (stat(gd, &st) == 0 && S_ISDIR(st.st_mode)) {
        add_repo_targets(p, gs, n, dir, gd);
        break;
      }
      if (stat(gd, &st) == 0)
        break; /* a "gitdir:" file: a linked work tree's, left as it is */
    }
  }
}

void guards_add_from_git(const struct plan *p, struct guards *gs)
{
  const size_t n = gs->n;

  add_global_config(p, gs, n);
  add_enclosing_repos(p, gs, n);

  for (size_t i = 0; i < n; i++) {
    const struct op *op = &p->ops[gs->g[i].op];
    _cleanup_close_ int top = -1;
    _cleanup_free_ char *modules = NULL;
    _cleanup_free_ char *config = NULL;
    _cleanup_free_ char *hooks = NULL;
    _cleanup_free_ char *rel = NULL;
    char *paths[SUBMODULES_MAX];
    size_t len = 0, k = 0;

    if (!gs->g[i].name || strcmp(gs->g[i].name, ".git") != 0 || !op->src)
      continue;
    top = open(op->src, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (top < 0)
      continue;
    modules = read_small(top, ".gitmodules", &len);
    if (modules)
      k = gitmodules_paths(modules, len, paths, SUBMODULES_MAX);
    for (size_t j = 0; j < k; j++) {
      guards_add_under(gs, i, paths[j], ".git");
      free(paths[j]);
    }
    /* Hooks kept in the work tree (core.hooksPath = tools/hooks) run on
     * the next commit on the host: that directory too, also while absent. */
    config = read_small(top, ".git/config", &len);
    hooks = config ? gitconfig_hooks_path(config, len) : NULL;
    rel = hooks ? worktree_rel(hooks, op->src) : NULL;
    if (rel)
      guards_add_under(gs, i, rel, NULL);
    add_linked_hooks(gs, i, top, op->src);
    /* A config file of the work tree that .git/config includes (a shared
     * "include.path = ../.gitconfig"): what it sets git runs on the host
     * (core.fsmonitor in every git status). Relative to .git/. Protected
     * where present: a directory in place of an absent one would make
     * git refuse the whole config meanwhile. */
    k = config ? gitconfig_include_paths(config, len, paths, SUBMODULES_MAX) : 0;
    for (size_t j = 0; j < k; j++) {
      _cleanup_free_ char *inc =
          paths[j][0] == '/' ? xstrdup(paths[j]) : xasprintf(".git/%s", paths[j]);
      _cleanup_free_ char *r = worktree_rel(inc, op->src);

      if (r && strcmp(r, ".git") != 0 && strncmp(r, ".git/", 5) != 0)
        guards_add_present(gs, i, r);
      free(paths[j]);
    }
    /* A script of the work tree that the config names as a command
     * (core.fsmonitor = tools/fsmon.sh, a filter, an alias): git runs it
     * on the host, from the top of the work tree. Protected where present. */
    k = config ? gitconfig_path_words(config, len, paths, SUBMODULES_MAX) : 0;
    for (size_t j = 0; j < k; j++) {
      _cleanup_free_ char *r = worktree_rel(paths[j], op->src);

      if (r && strcmp(r, ".git") != 0 && strncmp(r, ".git/", 5) != 0)
        guards_add_present(gs, i, r);
      free(paths[j]);
    }
  }
}

void placeholders_forget(void)
{
  for (size_t i = 0; i < n_held; i++) {
    close(held[i].dirfd);
    close(held[i].fd);
  }
  n_held = 0;
  for (size_t i = 0; i < n_tops; i++)
    close(tops[i]);
  n_tops = 0;
}

size_t placeholders_count(void)
{
  return n_held;
}

void placeholders_get(size_t i, size_t *top, const char **rel)
{
  *top = held[i].top;
  *rel = held[i].rel;
}

size_t placeholders_tops(const int **fds)
{
  *fds = tops;
  return n_tops;
}

void placeholders_adopt(int top, const char *rel)
{
  const char *name = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
  int dirfd = open_dir_of(top, rel);

  if (dirfd < 0)
    return; /* its directory is gone: so is the placeholder */
  held = xreallocarray(held, n_held + 1, sizeof *held);
  held[n_held++] = (struct held){dirfd, -1, xstrdup(name), 0, xstrdup(rel)};
}

void placeholders_remove(void)
{
  for (size_t i = 0; i < n_held; i++) {
    struct held *h = &held[i];

    /* Disowned: the lock went with the caller's descriptor; take it anew.
     * (A directory that is not empty, a repository made since, stays.) */
    if (h->fd < 0)
      h->fd = openat(h->dirfd, h->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (h->fd >= 0 && flock(h->fd, LOCK_EX | LOCK_NB) == 0 && same_inode(h->dirfd, h->name, h->fd))
      (void)unlinkat(h->dirfd, h->name, AT_REMOVEDIR);
    if (h->fd >= 0)
      close(h->fd);
    close(h->dirfd);
    free(h->name);
    free(h->rel);
  }
  free(held);
  held = NULL;
  n_held = 0;
  for (size_t i = 0; i < n_tops; i++)
    close(tops[i]);
  free(tops);
  tops = NULL;
  n_tops = 0;
}
