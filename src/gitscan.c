/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Repositories made or changed inside the sandbox, renamed out of git's
 * way once the sandbox is gone (see gitscan.h). What decides is the
 * kernel's record of the change: a file's ctime is set by the kernel on
 * every write, rename, link or chmod, and no program can set it back; a
 * directory's birth time says when it was made. Names only say where git
 * looks: .git (a directory, a "gitdir:" file or a symlink), a bare
 * repository's HEAD, and, inside a git directory, what git reads and may
 * run: config, config.worktree, commondir, hooks, and the hooks directory
 * and include files its config names. */
#include "gitscan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "guard.h"
#include "util.h"

#define INCLUDES_MAX 16

struct walk {
  const struct timespec *start;
  int root;
  const char *root_path;
  const struct gitscan_root *r;
  size_t found;
  struct gitscan *gs;
  bool record; /* before the run: only note the git directories */
};

static int id_cmp(const void *a, const void *b)
{
  const struct gitscan_id *x = a, *y = b;

  return x->dev != y->dev ? (x->dev < y->dev ? -1 : 1) : (x->ino > y->ino) - (x->ino < y->ino);
}

static bool id_of(int fd, struct gitscan_id *id)
{
  struct stat st;

  if (fstat(fd, &st) < 0)
    return false;
  *id = (struct gitscan_id){st.st_dev, st.st_ino};
  return true;
}

/* Before the run: the git directory fd was there. */
static void remember(struct walk *w, int fd)
{
  struct gitscan_id id;

  if (!id_of(fd, &id))
    return;
  w->gs->known = xreallocarray(w->gs->known, w->gs->n_known + 1, sizeof *w->gs->known);
  w->gs->known[w->gs->n_known++] = id;
}

/* After the run: the git directory fd was one at the start. A directory
 * that became one during the run (a config left in it by an earlier run,
 * HEAD, objects and refs added in this one, or the whole renamed into
 * place) is new, whatever its birth time and its config's ctime. */
static bool known(const struct walk *w, int fd)
{
  struct gitscan_id id;

  /* (bsearch's array may not be NULL, even for no element.) */
  return w->gs->n_known && id_of(fd, &id) &&
         bsearch(&id, w->gs->known, w->gs->n_known, sizeof id, id_cmp) != NULL;
}

/* REL/NAME is a protected entry of the root. */
static bool guarded(const struct walk *w, const char *rel, const char *name)
{
  _cleanup_free_ char *path = rel[0] ? xasprintf("%s/%s", rel, name) : xstrdup(name);

  for (size_t i = 0; i < w->r->n_guarded; i++)
    if (strcmp(w->r->guarded[i], path) == 0)
      return true;
  return false;
}

/* T is at or after S, on T's filesystem's clock. That clock ticks as
 * coarsely as the filesystem keeps time (a second on ext4 with 128-byte
 * inodes and ext3, two on FAT, 10 ms on exFAT): a file changed an instant
 * after the start bears a time before it. The zeros T ends with say how
 * coarse its clock is at most (the kernel sets ctime and birth time, no
 * program can add a digit), and S is rounded down as coarsely: all zeros,
 * to two seconds. */
static bool since(const struct statx_timestamp *t, const struct timespec *s)
{
  const long long sec = 1000000000LL;
  long long tick = t->tv_nsec ? 1 : 2 * sec;
  long long tn = t->tv_sec * sec + t->tv_nsec, sn = s->tv_sec * sec + s->tv_nsec;

  while (tick < sec && t->tv_nsec % (tick * 10) == 0)
    tick *= 10;
  return tn >= sn - sn % tick;
}

/* NAME (below dfd, not followed) was made or changed since start. */
static bool changed(int dfd, const char *name, const struct timespec *start)
{
  struct statx sx;

  if (statx(dfd, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_CTIME, &sx) < 0)
    return false; /* absent */
  return since(&sx.stx_ctime, start);
}

/* NAME, or what it links to, was made or changed. (A hook that is a
 * symbolic link to a script of the work tree runs that script.) */
static bool changed_through(int dfd, const char *name, const struct timespec *start)
{
  struct statx sx;

  return changed(dfd, name, start) ||
         (statx(dfd, name, AT_NO_AUTOMOUNT, STATX_CTIME, &sx) == 0 && since(&sx.stx_ctime, start));
}

/* The directory NAME, or any entry in it (or what one links to), was made
 * or changed. */
static bool dir_changed(int dfd, const char *name, const struct timespec *start)
{
  DIR *d;
  struct dirent *e;
  bool c = false;
  int fd;

  if (changed_through(dfd, name, start))
    return true;
  /* Through a link too (.git/hooks -> ../githooks): only read. */
  fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || !(d = fdopendir(fd))) {
    if (fd >= 0)
      close(fd);
    return false;
  }
  while (!c && (e = readdir(d)))
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
      c = changed_through(dirfd(d), e->d_name, start);
  closedir(d);
  return c;
}

/* A regular file's text. (Not waiting on a FIFO another sandbox, still
 * running in the tree, put there.) */
static char *read_small(int dfd, const char *name)
{
  _cleanup_close_ int fd =
      openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  size_t len;

  return read_regular(fd, 1 << 20, &len);
}

/* A work-tree path a config names as a command (core.fsmonitor =
 * tools/fsmon.sh, a filter, an alias): git runs it from the top of the
 * work tree. Changed if it, or any directory on the way (a directory
 * renamed into place, a link planted there), was made or changed. */
static bool worktree_path_changed(int wt, const char *rel, const struct timespec *start)
{
  _cleanup_free_ char *p = xstrdup(rel);

  for (char *s = strchr(p, '/'); s; s = strchr(s + 1, '/')) {
    *s = '\0';
    if (p[0] && strcmp(p, ".") != 0 && changed(wt, p, start))
      return true;
    *s = '/';
  }
  return changed_through(wt, p, start);
}

/* What an unchanged config points git at: core.hooksPath (from the work
 * tree wt, or the git directory of a bare one) and include files (from the
 * config's directory). "~/" paths are the home's, which profiles protect. */
static const char *config_targets_changed(int g, int wt, const struct timespec *start)
{
  _cleanup_free_ char *text = read_small(g, "config");
  _cleanup_free_ char *hooks = NULL;
  char *inc[INCLUDES_MAX];
  size_t n;
  const char *why = NULL;

  if (!text)
    return NULL;
  hooks = gitconfig_hooks_path(text, strlen(text));
  if (hooks && hooks[0] != '~' && dir_changed(wt >= 0 ? wt : g, hooks, start))
    why = "the hooks its core.hooksPath names";
  n = gitconfig_include_paths(text, strlen(text), inc, INCLUDES_MAX);
  for (size_t i = 0; i < n; i++) {
    if (!why && inc[i][0] != '~' && changed_through(g, inc[i], start))
      why = "a file its config includes";
    free(inc[i]);
  }
  /* Relative ones only: an absolute path is the host's, not the work
   * tree's (the top repository's are protected by guard.c). */
  n = wt >= 0 ? gitconfig_path_words(text, strlen(text), inc, INCLUDES_MAX) : 0;
  for (size_t i = 0; i < n; i++) {
    if (!why && inc[i][0] != '/' && inc[i][0] != '~' && worktree_path_changed(wt, inc[i], start))
      why = "a script of the work tree its config names";
    free(inc[i]);
  }
  return why;
}

/* Why the git directory g (work tree wt, or -1) is not to be trusted any
 * more, or NULL. */
static const char *gitdir_changed(int g, int wt, const struct timespec *start)
{
  static const char *const files[] = {"config", "config.worktree", "commondir"};
  _cleanup_free_ char *common = NULL;
  struct statx sx;
  const char *why;

  if (statx(g, "", AT_EMPTY_PATH, STATX_BTIME, &sx) == 0 && (sx.stx_mask & STATX_BTIME) &&
      since(&sx.stx_btime, start))
    return "made";
  for (size_t i = 0; i < ELEMENTSOF(files); i++)
    if (changed(g, files[i], start))
      return files[i];
  if (dir_changed(g, "hooks", start))
    return "hooks";
  if ((why = config_targets_changed(g, wt, start)))
    return why;
  /* A linked work tree's git directory reads the common one's config. */
  if ((common = read_small(g, "commondir"))) {
    _cleanup_close_ int c = -1;
    common[strcspn(common, "\n")] = '\0';
    c = openat(g, common, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (c >= 0 && (changed(c, "config", start) || dir_changed(c, "hooks", start)))
      return "the common directory's config";
  }
  return NULL;
}

/* Renames dfd's NAME to NAME.untrusted (or .untrusted.N), never over
 * anything: the new name, or NULL (errno set). */
static char *rename_aside(int dfd, const char *name)
{
  for (unsigned i = 0; i < 100; i++) {
    char *to = i ? xasprintf("%s.untrusted.%u", name, i) : xasprintf("%s.untrusted", name);
    if (renameat2(dfd, name, dfd, to, RENAME_NOREPLACE) == 0)
      return to;
    free(to);
    if (errno != EEXIST)
      return NULL;
  }
  return NULL;
}

/* What git reads and runs in the renamed git directory g, renamed too.
 * The next run can rename a repository back, and moving the directory
 * leaves the ctime of what it holds as the run that wrote it set it: an
 * old ctime again. Renaming these back sets theirs. */
static void disarm(int g)
{
  static const char *const names[] = {"config", "config.worktree", "commondir", "hooks"};
  struct stat st;

  for (size_t i = 0; i < ELEMENTSOF(names); i++)
    if (fstatat(g, names[i], &st, AT_SYMLINK_NOFOLLOW) == 0)
      free(rename_aside(g, names[i]));
}

/* Renames dfd's NAME out of git's way, and says so: the new name, or
 * NULL. */
static char *quarantine(struct walk *w, int dfd, const char *rel, const char *name,
                        const char *what, const char *why)
{
  const char *sep = rel[0] ? "/" : "";
  bool made = strcmp(why, "made") == 0;
  char *to = rename_aside(dfd, name);

  if (to) {
    w->found++;
    warnx_("%s/%s%s%s: %s %s inside the sandbox%s%s%s, renamed to %s (%s outside would run "
           "what it says: look at it before renaming it back)",
           w->root_path, rel, sep, name, what, made ? "made" : "changed", made ? "" : " (",
           made ? "" : why, made ? "" : ")", to, strstr(what, "git") ? "git" : "a tool");
    return to;
  }
  warnx_("%s/%s%s%s: %s %s inside the sandbox, not renamed (%s): look at it before running git "
         "there",
         w->root_path, rel, sep, name, what, made ? "made" : "changed", strerror(errno));
  return NULL;
}

static int open_below(int root, const char *rel)
{
  struct open_how how = {.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
                         .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};

  return (int)syscall(SYS_openat2, root, rel[0] ? rel : ".", &how, sizeof how);
}

/* A git directory g (at PATH when bare): a .git directory (parent >= 0: the
 * directory holding it, which is also its work tree) is renamed whole (its
 * new name returned); a bare one loses its HEAD, the entry without which
 * git does not take it for a repository. The git directories it holds
 * (modules/NAME, worktrees/NAME) are the walk's. */
static char *walk_gitdir(struct walk *w, int g, const char *path, int parent, const char *rel)
{
  const char *why = known(w, g) ? gitdir_changed(g, parent, w->start) : "made";
  char *to = NULL;

  if (why && parent >= 0)
    to = quarantine(w, parent, rel, ".git", "git repository", why);
  else if (why)
    free(quarantine(w, g, path, "HEAD", "bare git repository", why));
  if (why)
    disarm(g);
  return to;
}

struct listing {
  char **dirs;
  size_t n;
  bool head, objects, refs, commondir;
  unsigned char dotgit; /* DT_* of .git, or DT_UNKNOWN when absent */
};

struct linux_dirent64 {
  unsigned long long d_ino;
  long long d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

static void list_entry(int fd, const char *name, unsigned char t, struct listing *l)
{
  struct stat st;

  if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
    return;
  if (t == DT_UNKNOWN && fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
    t = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
  l->head |= strcmp(name, "HEAD") == 0;
  /* Of any type: git only asks access(X_OK), which a symbolic link to a
   * directory, or an executable file, passes. */
  l->objects |= strcmp(name, "objects") == 0;
  l->refs |= strcmp(name, "refs") == 0;
  l->commondir |= strcmp(name, "commondir") == 0;
  if (strcmp(name, ".git") == 0)
    l->dotgit = t;
  else if (t == DT_DIR) {
    l->dirs = xreallocarray(l->dirs, l->n + 1, sizeof *l->dirs);
    l->dirs[l->n++] = xstrdup(name);
  }
}

/* getdents64 itself: readdir's fdopendir adds an fstat and two fcntl per
 * directory, and this walk visits every directory of the tree. */
static void list_dir(int fd, struct listing *l)
{
  static char buf[32768] __attribute__((aligned(8)));
  long n;

  while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0)
    for (long off = 0; off < n;) {
      struct linux_dirent64 *e = (struct linux_dirent64 *)(buf + off);
      list_entry(fd, e->d_name, e->d_type, l);
      off += e->d_reclen;
    }
}

static void listing_free(struct listing *l)
{
  for (size_t i = 0; i < l->n; i++)
    free(l->dirs[i]);
  free(l->dirs);
}

/* The directory NAME of parent, made unreadable inside (a "chmod 000"
 * after planting a repository in it): renaming it whole would not do, the
 * next run can rename it back and open it up, and what it holds keeps its
 * ctime. The caller owns what the sandbox made: it opens it up (u+rwx, to
 * rename what it finds there) and looks in; *mode: what to set back. The
 * mode is changed through a descriptor of that very directory: another
 * sandbox still running in the tree could swap it for a symbolic link to
 * the caller's own files. */
static int open_up(int parent, const char *name, mode_t *mode)
{
  _cleanup_close_ int p = openat(parent, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  _cleanup_free_ char *proc = NULL;
  struct stat st;
  int fd;

  if (p < 0 || fstat(p, &st) < 0 || st.st_uid != geteuid())
    goto fail;
  proc = xasprintf("/proc/self/fd/%d", p);
  if (chmod(proc, (st.st_mode & 07777) | S_IRWXU) < 0)
    goto fail;
  fd = openat(p, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    *mode = (st.st_mode & 07777) | S_IFDIR;
    return fd;
  }
  chmod(proc, st.st_mode & 07777);
fail:
  errno = EACCES; /* still closed to the caller: renamed whole */
  return -1;
}

/* The directory NAME of parent (at REL, in PREL): opened from its parent
 * through no symlink; when descriptors run out (a tree deeper than the fd
 * limit), from the root again, beneath it and through no symlink (which
 * needs one too: said "too deep" when that fails as well). One the
 * caller cannot open though the sandbox changed it is opened up (*mode:
 * what to set back after the walk), or, not the caller's, renamed as a
 * whole. */
static int open_dir(struct walk *w, int parent, const char *prel, const char *name, const char *rel,
                    mode_t *mode)
{
  int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

  *mode = 0;
  if (fd < 0 && (errno == EMFILE || errno == ENFILE))
    fd = open_below(w->root, rel);
  if (w->record)
    return fd; /* (what it cannot open now is looked into after) */
  if (fd < 0 && errno == EACCES && changed(parent, name, w->start))
    fd = open_up(parent, name, mode);
  if (fd < 0 && errno == EACCES && changed(parent, name, w->start))
    free(quarantine(w, parent, prel, name, "directory the caller cannot look into", "permissions"));
  else if (fd < 0 && (errno == ENAMETOOLONG || errno == EMFILE || errno == ENFILE))
    warnx_("%s/%s: too deep to check for git repositories made inside the sandbox (git cannot "
           "work there either)",
           w->root_path, rel);
  return fd;
}

/* One directory: itself as a bare repository (HEAD with objects or refs,
 * or a commondir) unless the caller has checked it, its .git, then its
 * subdirectories, a bare repository's too: a HEAD, objects and refs made
 * at the top of a project must not hide what was planted below it. */
static void walk(struct walk *w, int fd, const char *rel, bool checked)
{
  struct listing l = {.dotgit = DT_UNKNOWN};

  list_dir(fd, &l);
  if (!checked && l.head && (l.objects || l.refs || l.commondir)) {
    /* git takes the directory itself for one */
    if (w->record)
      remember(w, fd);
    else
      walk_gitdir(w, fd, rel, -1, NULL);
  }
  if (l.dotgit != DT_UNKNOWN && guarded(w, rel, ".git"))
    ; /* read-only inside (what its config includes: check_guarded) */
  else if (l.dotgit == DT_DIR) {
    _cleanup_close_ int g = openat(fd, ".git", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    _cleanup_free_ char *to = g >= 0 && !w->record ? walk_gitdir(w, g, NULL, fd, rel) : NULL;
    _cleanup_free_ char *path = xasprintf("%s%s%s", rel, rel[0] ? "/" : "", to ? to : ".git");
    /* And into it: the git directories of submodules (modules/lib/sm for
     * one at lib/sm) and linked work trees, and whatever else was put
     * there, to be moved out by a later run. */
    if (g >= 0 && w->record)
      remember(w, g);
    if (g >= 0)
      walk(w, g, path, true);
  } else if (!w->record && l.dotgit != DT_UNKNOWN && changed(fd, ".git", w->start))
    free(quarantine(w, fd, rel, ".git", "gitdir pointer", "made"));
  for (size_t i = 0; i < l.n; i++) {
    _cleanup_free_ char *sub = rel[0] ? xasprintf("%s/%s", rel, l.dirs[i]) : xstrdup(l.dirs[i]);
    mode_t mode = 0;
    _cleanup_close_ int sfd =
        guarded(w, rel, l.dirs[i]) ? -1 : open_dir(w, fd, rel, l.dirs[i], sub, &mode);
    if (sfd >= 0)
      walk(w, sfd, sub, false);
    if (mode)
      fchmod(sfd, mode & 07777); /* as the sandbox left it */
  }
  listing_free(&l);
}

static void root_free(struct gitscan_root *r)
{
  if (r->fd >= 0)
    close(r->fd);
  free(r->path);
  for (size_t i = 0; i < r->n_guarded; i++)
    free(r->guarded[i]);
  free(r->guarded);
  free(r->absent);
}

static bool writable_bind(const struct op *op)
{
  return op->type == OP_BIND && !(op->flags & BIND_READONLY) && op->src;
}

/* A protected entry absent when the sandbox started had no mount (those
 * protected "where present", such as .vscode): one there now was made
 * inside, a task or a symbolic link for the next run to trip on. One that
 * was present was read-only inside, and is unchanged. */
static void check_guarded(struct walk *w)
{
  for (size_t i = 0; i < w->r->n_guarded; i++) {
    const char *path = w->r->guarded[i];
    if (!w->r->absent[i])
      continue; /* read-only inside (changed in the start's tick: the host's) */
    const char *slash = strrchr(path, '/');
    _cleanup_free_ char *up = slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup("");
    _cleanup_close_ int fd = open_below(w->root, up);

    if (fd >= 0 && changed(fd, slash ? slash + 1 : path, w->start))
      free(quarantine(w, fd, up, slash ? slash + 1 : path, "protected entry", "made"));
  }
}

/* The protected entries of bind op: false when the whole bind is one. */
static bool add_guarded(struct gitscan_root *r, const struct guards *guards, size_t op)
{
  for (size_t i = 0; i < guards->n; i++) {
    if (guards->g[i].op != op)
      continue;
    if (!guards->g[i].name)
      return false;
    struct stat st;
    r->guarded = xreallocarray(r->guarded, r->n_guarded + 1, sizeof *r->guarded);
    r->absent = xreallocarray(r->absent, r->n_guarded + 1, sizeof *r->absent);
    r->absent[r->n_guarded] = fstatat(r->fd, guards->g[i].name, &st, AT_SYMLINK_NOFOLLOW) < 0;
    r->guarded[r->n_guarded++] = xstrdup(guards->g[i].name);
  }
  return true;
}

static size_t walk_roots(struct gitscan *gs, bool record);

void gitscan_begin(const struct plan *p, const struct guards *guards, struct gitscan *gs)
{
  *gs = (struct gitscan){0};
  if (!p->used_profile)
    return; /* a bwrap command line keeps bwrap's semantics */
  for (size_t i = 0; i < p->n_ops; i++) {
    struct gitscan_root r = {.fd = -1};

    if (!writable_bind(&p->ops[i]))
      continue;
    r.fd = open(p->ops[i].src, O_PATH | O_DIRECTORY | O_CLOEXEC);
    /* A file, or absent (a -try bind): nothing can be made in it. */
    if (r.fd < 0 || !add_guarded(&r, guards, i)) {
      root_free(&r);
      continue;
    }
    r.path = xstrdup(p->ops[i].src);
    gs->roots = xreallocarray(gs->roots, gs->n + 1, sizeof *gs->roots);
    gs->roots[gs->n++] = r;
  }
  clock_gettime(CLOCK_REALTIME_COARSE, &gs->start);
  /* The git directories there now: one that is there after the run and
   * was not is new, however old what it holds. */
  walk_roots(gs, true);
  if (gs->n_known)
    qsort(gs->known, gs->n_known, sizeof *gs->known, id_cmp);
}

/* Every root, to note the git directories (record) or to check them. */
static size_t walk_roots(struct gitscan *gs, bool record)
{
  struct walk w = {.start = &gs->start, .gs = gs, .record = record};
  struct rlimit nofile, was;

  /* One descriptor per level: the caller's soft limit (1024, or less) is
   * a depth the sandbox can plant a repository below; the hard one is
   * ours to take for the walk. (Out of both, "too deep" is said.) */
  if (getrlimit(RLIMIT_NOFILE, &was) == 0) {
    nofile = (struct rlimit){was.rlim_max, was.rlim_max};
    (void)setrlimit(RLIMIT_NOFILE, &nofile);
  }
  for (size_t i = 0; i < gs->n; i++) {
    _cleanup_close_ int fd = open_below(gs->roots[i].fd, "");

    w.root = gs->roots[i].fd;
    w.r = &gs->roots[i];
    w.root_path = strcmp(gs->roots[i].path, "/") == 0 ? "" : gs->roots[i].path;
    if (fd >= 0 && !record)
      check_guarded(&w);
    if (fd >= 0)
      walk(&w, fd, "", false);
  }
  (void)setrlimit(RLIMIT_NOFILE, &was);
  return w.found;
}

size_t gitscan_finish(struct gitscan *gs)
{
  size_t found = walk_roots(gs, false);

  for (size_t i = 0; i < gs->n; i++)
    root_free(&gs->roots[i]);
  free(gs->roots);
  free(gs->known);
  *gs = (struct gitscan){0};
  return found;
}
