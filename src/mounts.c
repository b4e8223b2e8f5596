/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mounts.h"

#include <fcntl.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "guard.h"
#include "util.h"

/* glibc 2.36 has no wrappers for the new mount API. */
static int sys_open_tree(int dfd, const char *path, unsigned flags)
{
  return (int)syscall(SYS_open_tree, dfd, path, flags);
}

static int sys_move_mount(int from_dfd, const char *from, int to_dfd, const char *to,
                          unsigned flags)
{
  return (int)syscall(SYS_move_mount, from_dfd, from, to_dfd, to, flags);
}

static int sys_mount_setattr(int dfd, const char *path, unsigned flags, struct mount_attr *attr)
{
  return (int)syscall(SYS_mount_setattr, dfd, path, flags, attr, sizeof *attr);
}

static int sys_fsopen(const char *fs, unsigned flags)
{
  return (int)syscall(SYS_fsopen, fs, flags);
}

static int sys_fsconfig(int fd, unsigned cmd, const char *key, const void *val, int aux)
{
  return (int)syscall(SYS_fsconfig, fd, cmd, key, val, aux);
}

static int sys_fsmount(int fd, unsigned flags, unsigned attrs)
{
  return (int)syscall(SYS_fsmount, fd, flags, attrs);
}

static int sys_pivot_root(const char *new_root, const char *put_old)
{
#ifdef SANDBOX_TEST_SWITCHES
  /* The test build only (tests/meson.build): an initramfs root, where the
   * kernel refuses pivot_root, cannot be had on a test machine. */
  if (getenv("SANDBOX_TEST_PIVOT_ROOT_EINVAL")) {
    errno = EINVAL;
    return -1;
  }
#endif
  return (int)syscall(SYS_pivot_root, new_root, put_old);
}

/* pivot_root refuses an initramfs root (rootfs cannot be unmounted):
 * move the mount at "." onto / and chroot into it, as runc does. The
 * command cannot climb out: chroot needs CAP_SYS_CHROOT, which it has
 * not, and profiles refuse the syscall. */
static void move_root_here(void)
{
#ifdef SANDBOX_TEST_SWITCHES
  if (getenv("SANDBOX_TEST_PIVOT_ROOT_EINVAL"))
    warnx_("test switch: pivot_root refused; moving the new root onto / and chroot");
#endif
  if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
    die_errno(errno, "moving the new root onto / (pivot_root refused)");
  if (chroot(".") < 0)
    die_errno(errno, "chroot into the new root (pivot_root refused)");
}

/* Every destination is resolved with the new root as "/": a symlink
 * planted inside the sandbox (absolute, relative or "..") can never send a
 * mount, a mkdir or a write onto the host. */
static int open_in_root(int rootfd, const char *path, int flags, mode_t mode)
{
  struct open_how how = {
      .flags = (uint64_t)(flags | O_CLOEXEC),
      .mode = (flags & O_CREAT) ? mode : 0,
      .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  int fd;

  do
    fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
  while (fd < 0 && errno == EAGAIN);
  return fd;
}

struct setup {
  const struct plan *plan;
  int rootfd;     /* /newroot */
  int oldfd;      /* /oldroot: the host as we found it */
  int *src_fds;   /* per op, pre-opened host sources */
  bool *src_tree; /* per op: src_fds[i] is already a detached clone (open_tree) */
  /* The parent directory of the last destination, as openat2(RESOLVE_IN_ROOT)
   * (or a walk of plain names from such an fd) found it: reused while the
   * next destinations share it. pdir NULL: pdir_fd is not reusable. */
  char *pdir;
  int pdir_fd;
  bool pid_ns;
  char *console;         /* host tty path of stdout, if any */
  char ***overlay_paths; /* per overlay op: layers, then upper and work */
};

/* Missing ancestors are 0755, minus the group or other bits the op's own
 * mode withholds (bwrap): a private "--perms 0700 --dir /a/b" must not
 * leave /a listable by others. */
static mode_t parent_mode(const struct op *op)
{
  mode_t m = 0755;

  if (op->perms != PERMS_UNSET && (op->perms & 0070) == 0)
    m &= ~(mode_t)0050;
  if (op->perms != PERMS_UNSET && (op->perms & 0007) == 0)
    m &= ~(mode_t)0005;
  return m;
}

/* Forgets the cached parent directory: after anything that may change
 * what a path resolves to (a mount on "/", a remount, a chmod). */
static void pdir_drop(struct setup *s)
{
  free(s->pdir);
  s->pdir = NULL;
  if (s->pdir_fd >= 0)
    close(s->pdir_fd);
  s->pdir_fd = -1;
}

/* A relative path whose every component is a name: no "", "." or "..". */
static bool plain_path(const char *p)
{
  for (;;) {
    const char *e = strchrnul(p, '/');
    size_t n = (size_t)(e - p);

    if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
      return false;
    if (!*e)
      return true;
    p = e + 1;
  }
}

/* One name looked up in dirfd, following neither a symlink nor "..": for a
 * dirfd resolved inside the root, the same as resolving "PREFIX/name" from
 * the root when name is no symlink. A symlink fails with ELOOP; the caller
 * then resolves the whole path with open_in_root(). */
static int open_child(int dirfd, const char *name, int flags)
{
  struct open_how how = {
      .flags = (uint64_t)(flags | O_CLOEXEC),
      .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
  };
  int fd;

  if (!plain_path(name) || strchr(name, '/')) {
    errno = ELOOP; /* not a single name: take the general path */
    return -1;
  }
  do
    fd = (int)syscall(SYS_openat2, dirfd, name, &how, sizeof how);
  while (fd < 0 && errno == EAGAIN);
  return fd;
}

/* The last component of a destination whose parent is parent: looked up
 * there when it is a plain name and no symlink, else resolved from the
 * root like any destination. */
static int open_last(struct setup *s, int parent, const char *base, const char *dest, int flags)
{
  int fd = open_child(parent, base, flags);

  if (fd < 0 && errno == ELOOP)
    fd = open_in_root(s->rootfd, dest, flags, 0);
  return fd;
}

/* The general case (components "." or "..", empty ones): every prefix is
 * resolved again from the root, so a symlink among them stays inside. */
static int open_parent_slow(int rootfd, char *p, mode_t mode)
{
  _cleanup_close_ int dirfd = open_in_root(rootfd, "/", O_PATH | O_DIRECTORY, 0);
  char *slash;

  if (dirfd < 0)
    return -1;
  for (char *c = p; (slash = strchr(c, '/')); c = slash + 1) {
    int next;

    *slash = '\0';
    if (*c && mkdirat(dirfd, c, mode) < 0 && errno != EEXIST)
      return -1;
    next = open_in_root(rootfd, p, O_PATH | O_DIRECTORY, 0);
    *slash = '/';
    if (next < 0)
      return -1;
    close(dirfd);
    dirfd = next;
  }
  return take_fd(&dirfd);
}

/* Splits op->dest into an opened parent directory (its missing ancestors
 * created with parent_mode()) and its last component. The fd belongs to
 * s (the cache): do not close it. Consecutive destinations in the same
 * directory reuse it; one below it starts from it. Otherwise the walk
 * starts at the root, opening one plain name at a time without following
 * symlinks; a symlink among them is resolved with open_in_root(), from
 * the root, so it can never lead outside. A mount at PARENT/name (all an
 * op using this does) cannot change what PARENT resolves to, so the cache
 * stays right until pdir_drop(). */
static int open_parent(struct setup *s, const struct op *op, char **ret_base)
{
  _cleanup_free_ char *path = xstrdup(op->dest);
  const mode_t mode = parent_mode(op);
  char *p = path, *slash, *dir, *c;
  size_t n;
  int dirfd;

  while (*p == '/')
    p++;
  for (n = strlen(p); n > 0 && p[n - 1] == '/'; n--)
    p[n - 1] = '\0';
  if (!*p) {
    pdir_drop(s); /* "/" itself: whatever happens next changes everything */
    errno = EEXIST;
    return -1;
  }
  slash = strrchr(p, '/');
  *ret_base = xstrdup(slash ? slash + 1 : p);
  if (!plain_path(p)) {
    pdir_drop(s);
    s->pdir_fd = open_parent_slow(s->rootfd, p, mode);
    return s->pdir_fd;
  }
  dir = slash ? (*slash = '\0', p) : (char *)"";
  n = s->pdir ? strlen(s->pdir) : 0;
  if (s->pdir && strcmp(s->pdir, dir) == 0)
    return s->pdir_fd;
  if (s->pdir && (n == 0 || (strncmp(s->pdir, dir, n) == 0 && dir[n] == '/'))) {
    dirfd = take_fd(&s->pdir_fd);
    c = dir + n + (n ? 1 : 0);
  } else {
    pdir_drop(s);
    dirfd = open_in_root(s->rootfd, "/", O_PATH | O_DIRECTORY, 0);
    c = dir;
  }
  pdir_drop(s);
  if (dirfd < 0)
    return -1;
  while (*c) {
    char *e = strchrnul(c, '/'), save = *e;
    int next, err;

    *e = '\0';
    next = open_child(dirfd, c, O_PATH | O_DIRECTORY);
    if (next < 0 && errno == ENOENT) {
      if (mkdirat(dirfd, c, mode) < 0 && errno != EEXIST) {
        err = errno;
        close(dirfd);
        errno = err;
        return -1;
      }
      next = open_child(dirfd, c, O_PATH | O_DIRECTORY);
    }
    if (next < 0 && errno == ELOOP) /* a symlink: resolve the prefix from the root */
      next = open_in_root(s->rootfd, dir, O_PATH | O_DIRECTORY, 0);
    err = errno;
    *e = save;
    close(dirfd);
    if (next < 0) {
      errno = err;
      return -1;
    }
    dirfd = next;
    c = save ? e + 1 : e;
  }
  s->pdir = xstrdup(dir);
  s->pdir_fd = dirfd;
  return dirfd;
}

/* Makes sure dest exists as a directory (is_dir) or a file to mount on,
 * and returns an O_PATH fd of it, resolved inside the root. */
static int make_mount_point(struct setup *s, const struct op *op, bool is_dir)
{
  _cleanup_free_ char *base = NULL;
  int parent = open_parent(s, op, &base);

  if (parent < 0) {
    if (errno == EEXIST) /* dest is "/" */
      return open_in_root(s->rootfd, "/", O_PATH | O_DIRECTORY, 0);
    return -1;
  }
  if (is_dir) {
    if (mkdirat(parent, base, 0755) < 0 && errno != EEXIST)
      return -1;
  } else {
    _cleanup_close_ int fd =
        openat(parent, base, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0444);
    if (fd < 0 && errno != EEXIST)
      return -1;
  }
  return open_last(s, parent, base, op->dest, O_PATH);
}

static int attach_tree(int tree, int target)
{
  return sys_move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}

/* Restricts a detached clone (with its submounts) and attaches it at
 * target. One mount_setattr covers the whole subtree: no re-reading of the
 * mount table per bind. */
static int attach_clone(int tree, int target, uint64_t attr_set)
{
  struct mount_attr attr = {.attr_set = attr_set};

  if (attr_set && sys_mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr) < 0)
    return -1;
  return attach_tree(tree, target);
}

/* Clones the host tree at src_fd and attaches it at target. */
static int bind_tree(int src_fd, int target, uint64_t attr_set)
{
  _cleanup_close_ int tree =
      sys_open_tree(src_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);

  if (tree < 0)
    return -1;
  return attach_clone(tree, target, attr_set);
}

/* A fresh filesystem instance at target: fsopen/fsmount, so nothing is
 * looked up by path. opts alternate key, value (value NULL = flag). */
static int mount_fs(const char *type, const char *const *opts, unsigned attrs, int target)
{
  _cleanup_close_ int fs = sys_fsopen(type, FSOPEN_CLOEXEC);
  _cleanup_close_ int mnt = -1;

  if (fs < 0)
    return -1;
  for (; opts && opts[0]; opts += 2) {
    int r = opts[1] ? sys_fsconfig(fs, FSCONFIG_SET_STRING, opts[0], opts[1], 0)
                    : sys_fsconfig(fs, FSCONFIG_SET_FLAG, opts[0], NULL, 0);
    if (r < 0)
      return -1;
  }
  if (sys_fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return -1;
  mnt = sys_fsmount(fs, FSMOUNT_CLOEXEC, attrs);
  if (mnt < 0)
    return -1;
  return attach_tree(mnt, target);
}

static uint64_t bind_attrs(unsigned flags)
{
  uint64_t a = MOUNT_ATTR_NOSUID;

  if (!(flags & BIND_DEVICES))
    a |= MOUNT_ATTR_NODEV;
  if (flags & BIND_READONLY)
    a |= MOUNT_ATTR_RDONLY;
  return a;
}

/* src_fd: the source's clone made by open_sources() (is_tree), or, when
 * that could not be cloned there, an O_PATH fd of it (cloned now, so the
 * error is the bind's). */
static void do_bind(struct setup *s, const struct op *op, int src_fd, bool is_tree)
{
  struct stat st;
  _cleanup_close_ int target = -1;

  if (src_fd < 0) /* a -try whose source was missing */
    return;
  if (fstat(src_fd, &st) < 0)
    die_errno(errno, "Can't get type of source %s", op->src);
  target = make_mount_point(s, op, S_ISDIR(st.st_mode));
  if (target < 0)
    die_errno(errno, S_ISDIR(st.st_mode) ? "Can't mkdir %s" : "Can't create file at %s", op->dest);
  if ((is_tree ? attach_clone(src_fd, target, bind_attrs(op->flags))
               : bind_tree(src_fd, target, bind_attrs(op->flags))) < 0)
    die_errno(errno, "Can't bind mount %s on %s", op->src, op->dest);
}

static void remount_ro(struct setup *s, const struct op *op)
{
  _cleanup_close_ int target = open_in_root(s->rootfd, op->dest, O_PATH, 0);
  struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};

  pdir_drop(s);

  if (target < 0 || sys_mount_setattr(target, "", AT_EMPTY_PATH, &attr) < 0)
    die_errno(errno, "Can't remount readonly on %s", op->dest);
}

/* Entries of /proc that reach host-global state, each with the entry
 * whose writability says whether the sandbox could change that state. A
 * uid-0 writer passes the sysctl permission check by uid alone, with or
 * without capabilities (e.g. kernel/core_pattern), so a root caller's
 * sandbox gets them read-only; the directory /proc/sys itself is never
 * writable, hence the knob inside it as the probe (bwrap probes the
 * directory, and so leaves a root caller's sysctls writable). */
static const char *const proc_ro_covers[][2] = {
    {"sys", "sys/kernel/core_pattern"},
    {"sysrq-trigger", "sysrq-trigger"},
    {"irq", "irq"},
    {"bus", "bus"},
};

/* bwrap's rule: cover only what the sandbox could write. An unprivileged
 * caller's uid 0 is not the host's, and cannot write any of it; covering
 * anyway locks the covers in every nested user namespace, where the
 * kernel then refuses a fresh procfs (mount_too_revealing): nested
 * sandboxes, unshare --mount-proc, agent runtimes' seccomp helpers.
 * Without host root in reach the answer is known: no probe (each is a cold
 * lookup in a fresh procfs, about 20 us). */
static bool proc_could_write(const struct setup *s, int procfd, const char *probe)
{
  if (!s->plan->host_root_possible)
    return false;
  return faccessat(procfd, probe, W_OK, 0) == 0 ||
         (errno != EACCES && errno != ENOENT && errno != EROFS && errno != EPERM);
}

static void do_proc(struct setup *s, const struct op *op)
{
  _cleanup_close_ int target = make_mount_point(s, op, true);
  const unsigned attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;

  if (target < 0)
    die_errno(errno, "Can't mkdir %s", op->dest);
  if (s->pid_ns) {
    if (mount_fs("proc", NULL, attrs, target) < 0)
      die_errno(errno, "Can't mount proc on %s", op->dest);
  } else {
    /* Without a pid namespace a new procfs would show the host's pids
     * anyway; bwrap binds the host's. */
    _cleanup_close_ int host = openat(s->oldfd, "proc", O_PATH | O_CLOEXEC | O_DIRECTORY);
    if (host < 0 || bind_tree(host, target, attrs) < 0)
      die_errno(errno, "Can't mount proc on %s", op->dest);
  }
  close(target);
  target = open_in_root(s->rootfd, op->dest, O_PATH | O_DIRECTORY, 0);
  if (target < 0)
    die_errno(errno, "Can't access %s", op->dest);
  for (size_t i = 0; i < ELEMENTSOF(proc_ro_covers); i++) {
    const char *name = proc_ro_covers[i][0];
    _cleanup_close_ int sub = -1;

    if (!proc_could_write(s, target, proc_ro_covers[i][1]))
      continue;
    sub = openat(target, name, O_PATH | O_CLOEXEC | O_NOFOLLOW);
    if (sub < 0)
      continue;
    if (bind_tree(sub, sub, MOUNT_ATTR_RDONLY | attrs) < 0)
      die_errno(errno, "Can't remount readonly on %s/%s", op->dest, name);
  }
}

static const char *const dev_nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};
static const char *const dev_links[][2] = {
    {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"},
    {"fd", "/proc/self/fd"},      {"core", "/proc/kcore"},       {"ptmx", "pts/ptmx"},
};

static void dev_bind_node(struct setup *s, int devfd, const char *dest, const char *name,
                          const char *hostpath)
{
  _cleanup_close_ int host = openat(s->oldfd, hostpath, O_PATH | O_CLOEXEC);
  _cleanup_close_ int node = -1;

  if (host < 0)
    die_errno(errno, "Can't create file %s/%s", dest, name);
  node = openat(devfd, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0444);
  if (node < 0)
    die_errno(errno, "Can't create file %s/%s", dest, name);
  close(node);
  node = openat(devfd, name, O_PATH | O_CLOEXEC | O_NOFOLLOW);
  if (node < 0 || bind_tree(host, node, MOUNT_ATTR_NOSUID) < 0)
    die_errno(errno, "Can't bind mount %s/%s", dest, name);
}

/* --file-label: the SELinux context of the tmpfs instances we create (only
 * accepted on an SELinux host, see cli.c). opts[at] must be free. */
static void add_label(const struct setup *s, const char **opts, size_t at)
{
  opts[at] = s->plan->file_label ? "context" : NULL;
  opts[at + 1] = s->plan->file_label;
  if (s->plan->file_label)
    opts[at + 2] = NULL;
}

/* The bound on a tmpfs, as fsconfig options at opts[at...]: size, and
 * under a profile an inode count to match (inodes cost kernel memory the
 * size does not count). Returns the next free index. */
struct tmpfs_bound {
  char size[32], inodes[32];
};

static size_t add_bound(const struct setup *s, uint64_t size, struct tmpfs_bound *b,
                        const char **opts, size_t at)
{
  if (!size)
    return at;
  snprintf(b->size, sizeof b->size, "%llu", (unsigned long long)size);
  opts[at++] = "size";
  opts[at++] = b->size;
  if (s->plan->tmpfs_bound) {
    uint64_t n = size / 4096 < 1024 ? 1024 : size / 4096;
    snprintf(b->inodes, sizeof b->inodes, "%llu", (unsigned long long)n);
    opts[at++] = "nr_inodes";
    opts[at++] = b->inodes;
  }
  return at;
}

static void do_dev(struct setup *s, const struct op *op)
{
  const char *tmpfs_opts[9] = {"mode", "0755"};
  struct tmpfs_bound b;
  static const char *const pts_opts[] = {"newinstance", NULL,  "ptmxmode", "0666",
                                         "mode",        "620", NULL};
  _cleanup_close_ int target = make_mount_point(s, op, true);
  _cleanup_close_ int dev = -1;
  _cleanup_close_ int pts = -1;

  if (target < 0)
    die_errno(errno, "Can't mkdir %s", op->dest);
  /* /dev/shm is in it: bounded like any tmpfs under a profile. */
  add_label(s, tmpfs_opts, add_bound(s, s->plan->tmpfs_bound, &b, tmpfs_opts, 2));
  if (mount_fs("tmpfs", tmpfs_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, target) < 0)
    die_errno(errno, "Can't mount tmpfs on %s", op->dest);
  dev = open_in_root(s->rootfd, op->dest, O_PATH | O_DIRECTORY, 0);
  if (dev < 0)
    die_errno(errno, "Can't mkdir %s", op->dest);

  for (size_t i = 0; i < ELEMENTSOF(dev_nodes); i++) {
    char host[32];
    snprintf(host, sizeof host, "dev/%s", dev_nodes[i]);
    dev_bind_node(s, dev, op->dest, dev_nodes[i], host);
  }
  for (size_t i = 0; i < ELEMENTSOF(dev_links); i++)
    if (symlinkat(dev_links[i][1], dev, dev_links[i][0]) < 0)
      die_errno(errno, "Can't create symlink %s/%s", op->dest, dev_links[i][0]);
  if (mkdirat(dev, "shm", 0755) < 0)
    die_errno(errno, "Can't create %s/shm", op->dest);
  if (mkdirat(dev, "pts", 0755) < 0)
    die_errno(errno, "Can't create %s/devpts", op->dest);
  pts = openat(dev, "pts", O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (pts < 0 || mount_fs("devpts", pts_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, pts) < 0)
    die_errno(errno, "Can't mount devpts on %s/pts", op->dest);
  if (s->console)
    dev_bind_node(s, dev, op->dest, "console", s->console + 1);
}

static void do_fresh_fs(struct setup *s, const struct op *op, const char *type)
{
  _cleanup_close_ int target = make_mount_point(s, op, true);
  char mode[16];
  const char *opts[9] = {"mode", mode};
  struct tmpfs_bound b;

  if (target < 0)
    die_errno(errno, "Can't mkdir %s", op->dest);
  if (strcmp(type, "tmpfs") == 0) {
    snprintf(mode, sizeof mode, "%#o", (unsigned)op->perms);
    add_label(s, opts, add_bound(s, op->size, &b, opts, 2));
    if (mount_fs("tmpfs", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, target) < 0)
      die_errno(errno, "Can't mount tmpfs on %s", op->dest);
  } else if (mount_fs(type, NULL, 0, target) < 0) {
    die_errno(errno, "Can't mount %s on %s", type, op->dest);
  }
}

static void do_dir(struct setup *s, const struct op *op)
{
  _cleanup_free_ char *base = NULL;
  int parent = open_parent(s, op, &base);
  _cleanup_close_ int check = -1;
  mode_t mode = op->perms == PERMS_UNSET ? 0755 : (mode_t)op->perms;

  if (parent < 0) {
    if (errno == EEXIST) /* "/" */
      return;
    die_errno(errno, "Can't mkdir %s", op->dest);
  }
  if (mkdirat(parent, base, mode) < 0 && errno != EEXIST)
    die_errno(errno, "Can't mkdir %s", op->dest);
  check = open_last(s, parent, base, op->dest, O_PATH | O_DIRECTORY);
  if (check < 0)
    die_errno(errno, "Can't mkdir %s", op->dest);
}

static void do_symlink(struct setup *s, const struct op *op)
{
  _cleanup_free_ char *base = NULL;
  int parent = open_parent(s, op, &base);
  char existing[4096];
  ssize_t n;

  if (parent < 0)
    die_errno(errno, "Can't make symlink at %s", op->dest);
  if (symlinkat(op->src, parent, base) == 0)
    return;
  if (errno != EEXIST)
    die_errno(errno, "Can't make symlink at %s", op->dest);
  n = readlinkat(parent, base, existing, sizeof existing - 1);
  if (n < 0) {
    if (errno == EINVAL)
      die("Can't make symlink at %s: destination exists and is not a symlink", op->dest);
    die_errno(errno, "Can't make symlink at %s: destination exists, and cannot read symlink target",
              op->dest);
  }
  existing[n] = '\0';
  if (strcmp(existing, op->src) != 0)
    die("Can't make symlink at %s: existing destination is %s", op->dest, existing);
}

static void do_chmod(struct setup *s, const struct op *op)
{
  _cleanup_close_ int fd = open_in_root(s->rootfd, op->dest, O_PATH, 0);
  char path[64];

  pdir_drop(s);

  /* O_PATH fds cannot be fchmod()ed; go through the host's procfs, which
   * names exactly this inode. */
  snprintf(path, sizeof path, "proc/self/fd/%d", fd);
  if (fd < 0 || fchmodat(s->oldfd, path, (mode_t)op->perms, 0) < 0)
    die_errno(errno, "Can't chmod %#o %s", (unsigned)op->perms, op->dest);
}

static void do_bind_fd(struct setup *s, const struct op *op, int src_fd)
{
  _cleanup_close_ int target = -1;
  _cleanup_close_ int mounted = -1;
  struct stat st, got;

  if (fstat(src_fd, &st) < 0)
    die_errno(errno, "Can't stat fd %d", op->fd);
  target = make_mount_point(s, op, S_ISDIR(st.st_mode));
  if (target < 0)
    die_errno(errno, S_ISDIR(st.st_mode) ? "Can't mkdir %s" : "Can't create file at %s", op->dest);
  if (bind_tree(src_fd, target, bind_attrs(op->flags)) < 0)
    die_errno(errno, "Can't bind mount /proc/self/fd/%d on %s", op->fd, op->dest);
  mounted = open_in_root(s->rootfd, op->dest, O_PATH, 0);
  if (mounted < 0 || fstat(mounted, &got) < 0)
    die_errno(errno, "Can't stat mount at %s", op->dest);
  if (got.st_dev != st.st_dev || got.st_ino != st.st_ino)
    die("Race condition binding dirfd");
}

/* The caller's fd lives in the caller's mount namespace, which a clone
 * cannot copy from: find the same inode in ours by its path, and refuse
 * if the path now leads anywhere else (a swapped symlink or directory). */
static int reopen_caller_fd(const struct op *op)
{
  char link[64], path[4096];
  struct stat want, got;
  ssize_t n;
  int fd;

  if (fstat(op->fd, &want) < 0)
    die_errno(errno, "Can't stat fd %d", op->fd);
  snprintf(link, sizeof link, "/proc/self/fd/%d", op->fd);
  n = readlink(link, path, sizeof path - 1);
  if (n <= 0 || path[0] != '/')
    die("Can't bind fd %d: it does not name a path", op->fd);
  path[n] = '\0';
  fd = open(path, O_PATH | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 || fstat(fd, &got) < 0)
    die_errno(errno, "Can't find source path %s", path);
  if (got.st_dev != want.st_dev || got.st_ino != want.st_ino)
    die("Race condition binding dirfd");
  return fd;
}

static int copy_fd(int from, int to)
{
  char buf[65536];

  for (;;) {
    ssize_t n = read(from, buf, sizeof buf);
    int r;

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -errno;
    if (n == 0)
      return 0;
    r = write_all(to, buf, (size_t)n);
    if (r < 0)
      return r;
  }
}

static void do_file(struct setup *s, const struct op *op)
{
  _cleanup_free_ char *base = NULL;
  int parent = open_parent(s, op, &base);
  _cleanup_close_ int fd = -1;
  int r;

  if (parent < 0)
    die_errno(errno, "Can't create file %s", op->dest);
  fd = openat(parent, base, O_CREAT | O_TRUNC | O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
              (mode_t)op->perms);
  if (fd < 0)
    die_errno(errno, "Can't create file %s", op->dest);
  r = copy_fd(op->fd, fd);
  if (r < 0)
    die_errno(-r, "Can't write data to file %s", op->dest);
}

/* The data lands in a file of the base tmpfs, which is bound on the
 * destination and then disappears with the base when set-up ends. */
static void do_bind_data(struct setup *s, const struct op *op)
{
  char tmp[] = "/bind-data-XXXXXX";
  _cleanup_close_ int fd = mkostemp(tmp, O_CLOEXEC);
  _cleanup_close_ int target = -1;
  int r;

  if (fd < 0)
    die_errno(errno, "Can't create tmpfile for %s", op->dest);
  if (fchmod(fd, (mode_t)op->perms) < 0)
    die_errno(errno, "Can't set mode %#o on file to be used for %s", (unsigned)op->perms, op->dest);
  r = copy_fd(op->fd, fd);
  if (r < 0)
    die_errno(-r, "Can't write data to file %s", op->dest);
  target = make_mount_point(s, op, false);
  if (target < 0)
    die_errno(errno, "Can't create file at %s", op->dest);
  if (bind_tree(fd, target, bind_attrs(op->flags)) < 0)
    die_errno(errno, "Can't bind mount %s on %s", tmp, op->dest);
  unlink(tmp);
}

/* overlayfs takes ':' as the layer separator: escape it, ',' and '\'. */
static void append(char **buf, size_t *len, const char *s, bool escape)
{
  for (; *s; s++) {
    *buf = xreallocarray(*buf, *len + 3, 1);
    if (escape && (*s == ':' || *s == '\\' || *s == ','))
      (*buf)[(*len)++] = '\\';
    (*buf)[(*len)++] = *s;
    (*buf)[*len] = '\0';
  }
}

/* See ro_fallback in plan.h. layer: where its one layer is now. */
static void overlay_fallback(const struct op *op, const char *layer, int target)
{
  _cleanup_close_ int fd = open(layer, O_PATH | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0 || bind_tree(fd, target, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV) < 0)
    die_errno(errno, "Can't bind %s read-only on %s", op->layers[0], op->dest);
  warnx_("something is mounted below %s: no throwaway layer there, it is read-only (writes fail)",
         op->dest);
}

/* The idmapped tree of overlay-home's layer (a root caller's), attached
 * where overlayfs can take it by path; detached again once the overlay
 * holds its own clone. */
static char *attach_lower(int tree)
{
  static unsigned n;
  char *path = xasprintf("/.sandbox-lower-%u", n++);
  _cleanup_close_ int dir = -1;

  if (mkdir(path, 0700) < 0 || (dir = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0 ||
      attach_tree(tree, dir) < 0)
    die_errno(errno, "Can't attach the idmapped tree of a layer at %s", path);
  return path;
}

static void detach_lower(const char *path)
{
  if (path && (umount2(path, MNT_DETACH) < 0 || rmdir(path) < 0))
    die_errno(errno, "Can't detach %s", path);
}

static void do_overlay(struct setup *s, const struct op *op, char **resolved)
{
  static unsigned tmp_n;
  _cleanup_free_ char *lower = NULL;
  _cleanup_free_ char *upper = NULL;
  _cleanup_free_ char *work = NULL;
  _cleanup_free_ char *attached = NULL;
  _cleanup_close_ int target = make_mount_point(s, op, true);
  size_t idx = (size_t)(op - s->plan->ops);
  const char *opts[10];
  size_t len = 0, n = 0;

  if (target < 0)
    die_errno(errno, "Can't mkdir %s", op->dest);
  if (s->src_tree[idx] && s->src_fds[idx] >= 0)
    attached = attach_lower(s->src_fds[idx]);
  /* Top layer first for overlayfs; the command line lists bottom first. */
  for (size_t i = op->n_layers; i-- > 0;) {
    if (len)
      append(&lower, &len, ":", false);
    if (!attached)
      append(&lower, &len, "/oldroot", false);
    append(&lower, &len, attached ? attached : resolved[i], true);
  }
  opts[n++] = "lowerdir";
  opts[n++] = lower;
  if (op->overlay == OVERLAY_RW) {
    /* The kernel unescapes upperdir and workdir too (a '\' in a name
     * would vanish), as bwrap's escaping of every layer expects. */
    size_t ulen = 0, wlen = 0;

    append(&upper, &ulen, "/oldroot", false);
    append(&upper, &ulen, resolved[op->n_layers], true);
    append(&work, &wlen, "/oldroot", false);
    append(&work, &wlen, resolved[op->n_layers + 1], true);
  } else if (op->overlay == OVERLAY_TMP) {
    upper = xasprintf("/tmp-overlay-upper-%u", tmp_n);
    work = xasprintf("/tmp-overlay-work-%u", tmp_n++);
    if (mkdir(upper, 0755) < 0)
      die_errno(errno, "Creating --tmp-overlay upperdir failed");
    if (mkdir(work, 0755) < 0)
      die_errno(errno, "Creating --tmp-overlay workdir failed");
  }
  if (upper) {
    opts[n++] = "upperdir";
    opts[n++] = upper;
    opts[n++] = "workdir";
    opts[n++] = work;
  }
  /* In a user namespace, overlayfs keeps its metadata in user.* xattrs. */
  opts[n++] = "userxattr";
  opts[n++] = NULL;
  opts[n] = NULL;
  if (mount_fs("overlay", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, target) < 0) {
    if (errno == EINVAL && op->ro_fallback) {
      _cleanup_free_ char *layer =
          attached ? xstrdup(attached) : xasprintf("/oldroot%s", resolved[0]);
      overlay_fallback(op, layer, target);
      detach_lower(attached);
      return;
    }
    if (errno == ELOOP)
      die("Can't make overlay mount on %s with options lowerdir=%s: Overlay directories may not "
          "overlap",
          op->dest, lower);
    die_errno(errno, "Can't make overlay mount on %s with options lowerdir=%s", op->dest, lower);
  }
  detach_lower(attached);
}

static void run_op(struct setup *s, const struct op *op, int src_fd)
{
  switch (op->type) {
  case OP_BIND:
    do_bind(s, op, src_fd, s->src_tree[op - s->plan->ops]);
    break;
  case OP_REMOUNT_RO:
    remount_ro(s, op);
    break;
  case OP_PROC:
    do_proc(s, op);
    break;
  case OP_DEV:
    do_dev(s, op);
    break;
  case OP_TMPFS:
    do_fresh_fs(s, op, "tmpfs");
    break;
  case OP_MQUEUE:
    do_fresh_fs(s, op, "mqueue");
    break;
  case OP_DIR:
    do_dir(s, op);
    break;
  case OP_SYMLINK:
    do_symlink(s, op);
    break;
  case OP_CHMOD:
    do_chmod(s, op);
    break;
  case OP_BIND_FD:
    do_bind_fd(s, op, src_fd);
    break;
  case OP_FILE:
    do_file(s, op);
    break;
  case OP_BIND_DATA:
    do_bind_data(s, op);
    break;
  case OP_OVERLAY:
    do_overlay(s, op, s->overlay_paths[op - s->plan->ops]);
    break;
  default:
    die("Unexpected type %d", (int)op->type);
  }
}

/* A profile's bind of a path in the home: the home itself is found as
 * usual, the rest without following any symlink. The sandbox could have
 * planted one on an earlier run (.themes -> .ssh, .config/gtk-3.0 -> ..),
 * to have this bind show what it was never meant to. A -try bind skips
 * such a source, any other fails. Returns an O_PATH fd or -1 (skipped). */
int mounts_open_anchored(const struct op *op)
{
  _cleanup_free_ char *home = xstrndup(op->src, op->src_anchor);
  _cleanup_close_ int base = open(home, O_PATH | O_DIRECTORY | O_CLOEXEC);
  struct open_how how = {
      .flags = O_PATH | O_CLOEXEC,
      .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
  };
  const char *rest = op->src + op->src_anchor;
  int fd;

  while (*rest == '/')
    rest++;
  if (base >= 0 && !*rest)
    return take_fd(&base);
  fd = base < 0 ? -1 : (int)syscall(SYS_openat2, base, rest, &how, sizeof how);
  return fd >= 0 ? fd : -errno;
}

static int open_anchored(const struct op *op)
{
  int fd = mounts_open_anchored(op);

  if (fd >= 0)
    return fd;
  errno = -fd;
  if (errno == ELOOP || errno == EXDEV) {
    if (op->flags & BIND_TRY) {
      warnx_("Skipping %s: a symbolic link in it would lead elsewhere", op->src);
      return -1;
    }
    die("Can't bind %s: a symbolic link in it would lead elsewhere (binds of paths in the home "
        "follow none)",
        op->src);
  }
  if (errno == ENOENT && (op->flags & BIND_TRY))
    return -1;
  die_errno(errno, "Can't find source path %s", op->src);
}

/* Sources are host paths: open them all while "/" is still the host, so
 * relative paths, /proc/self/... and absolute symlinks mean what they mean
 * to the caller, and a missing source fails before anything is mounted.
 * A bind's source is cloned right here (open_tree: one call for what an
 * open and a later clone did); one that cannot be cloned is opened as
 * before, and cloning it fails later, with the bind's own message. Runs
 * after "/" was made rslave: clones of it propagate nothing to the host. */
static int *open_sources(const struct plan *p, bool *trees, const struct mount_prep *prep)
{
  int *fds = xcalloc(p->n_ops ? p->n_ops : 1, sizeof *fds);
  struct rlimit rl;

  /* Thousands of binds need thousands of fds during set-up only. */
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max &&
      p->n_ops + 64 > rl.rlim_cur) {
    struct rlimit raised = {rl.rlim_max, rl.rlim_max};
    (void)setrlimit(RLIMIT_NOFILE, &raised);
  }
  for (size_t i = 0; i < p->n_ops; i++) {
    const struct op *op = &p->ops[i];

    fds[i] = -1;
    if (op->type == OP_BIND_FD)
      fds[i] = reopen_caller_fd(op);
    if (op->type == OP_OVERLAY && prep && prep->trees && prep->trees[i] >= 0) {
      fds[i] = take_fd(&prep->trees[i]); /* overlay-home's layer, idmapped */
      trees[i] = true;
    }
    if (op->type != OP_BIND)
      continue;
    /* A tree the monitor cloned and idmapped for a root caller (made
     * from the same source, anchored the same way). */
    if (prep && prep->trees && prep->trees[i] >= 0) {
      fds[i] = take_fd(&prep->trees[i]);
      trees[i] = true;
      continue;
    }
    if (op->src_anchor > 0) {
      fds[i] = open_anchored(op);
      continue;
    }
    fds[i] = sys_open_tree(AT_FDCWD, op->src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
    trees[i] = fds[i] >= 0;
    if (trees[i])
      continue;
    fds[i] = open(op->src, O_PATH | O_CLOEXEC);
    if (fds[i] < 0 && !(errno == ENOENT && (op->flags & BIND_TRY)))
      die_errno(errno, "Can't find source path %s", op->src);
  }
  return fds;
}

/* overlayfs takes paths; resolve them on the host before pivot_root, as
 * the other sources, and reach them through /oldroot later. */
static char ***resolve_overlays(const struct plan *p)
{
  char ***paths = xcalloc(p->n_ops ? p->n_ops : 1, sizeof *paths);

  for (size_t i = 0; i < p->n_ops; i++) {
    const struct op *op = &p->ops[i];
    size_t n = op->n_layers + (op->overlay == OVERLAY_RW ? 2 : 0);

    if (op->type != OP_OVERLAY)
      continue;
    paths[i] = xcalloc(n + 1, sizeof **paths);
    for (size_t j = 0; j < n; j++) {
      const char *src = j < op->n_layers ? op->layers[j] : j == op->n_layers ? op->src : op->work;
      paths[i][j] = realpath(src, NULL);
      if (!paths[i][j])
        die_errno(errno, "Can't find source path %s", src);
    }
  }
  return paths;
}

static void free_overlays(const struct plan *p, char ***paths)
{
  for (size_t i = 0; i < p->n_ops; i++) {
    for (size_t j = 0; paths[i] && paths[i][j]; j++)
      free(paths[i][j]);
    free(paths[i]);
  }
  free(paths);
}

/* Directories found absent from the new root while masking: the built-in
 * list names some forty paths in a home that is mostly not there (the
 * default profile does not bind it), one lookup each otherwise. */
struct absent {
  char *dir[8];
  size_t n;
};

static bool under_absent(const struct absent *a, const char *path)
{
  for (size_t i = 0; i < a->n; i++) {
    size_t n = strlen(a->dir[i]);
    if (strncmp(path, a->dir[i], n) == 0 && path[n] == '/')
      return true;
  }
  return false;
}

/* PATH is absent: when its parent is too, nothing below it needs a look. */
static void note_absent(struct setup *s, struct absent *a, const char *path)
{
  const char *slash = strrchr(path, '/');
  _cleanup_free_ char *parent =
      slash && slash != path ? xstrndup(path, (size_t)(slash - path)) : NULL;
  _cleanup_close_ int fd = -1;

  if (!parent || a->n == ELEMENTSOF(a->dir))
    return;
  fd = open_in_root(s->rootfd, parent, O_PATH, 0);
  if (fd < 0 && (errno == ENOENT || errno == ENOTDIR))
    a->dir[a->n++] = take_ptr(&parent);
}

static void absent_free(struct absent *a)
{
  for (size_t i = 0; i < a->n; i++)
    free(a->dir[i]);
}

/* Masked paths: a directory becomes an empty read-only tmpfs, anything
 * else an empty read-only file; nothing where the path is absent. A path
 * is looked up inside the new root (a symlink there is followed inside). */
static void mask_paths(struct setup *s)
{
  static const char *const opts[] = {"mode", "0755", "nr_inodes", "1", NULL, NULL};
  const uint64_t ro = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
  _cleanup_close_ int empty = -1;

  struct absent absent = {.n = 0};

  for (size_t i = 0; i < s->plan->n_masks; i++) {
    const char *path = s->plan->masks[i].path;
    _cleanup_close_ int fd = -1;
    struct stat st;

    if (under_absent(&absent, path))
      continue;
    fd = open_in_root(s->rootfd, path, O_PATH, 0);
    if (fd < 0 && (errno == ENOENT || errno == ENOTDIR)) {
      note_absent(s, &absent, path);
      continue;
    }
    /* EACCES: set-up, with every capability of the sandbox's user
     * namespace and the command's ids on the host, cannot reach the path
     * (a root caller's 0700 /root shown with --read $HOME): the command,
     * with the same ids and no capability, cannot either. */
    if (fd < 0 && errno == EACCES)
      continue;
    if (fd < 0 || fstat(fd, &st) < 0)
      die_errno(errno, "Can't hide %s", path);
    pdir_drop(s);
    if (S_ISDIR(st.st_mode)) {
      if (mount_fs("tmpfs", opts, (unsigned)ro, fd) < 0)
        die_errno(errno, "Can't hide %s", path);
      continue;
    }
    /* In the base tmpfs, which goes away with set-up. */
    if (empty < 0)
      empty = open("/mask-empty", O_CREAT | O_EXCL | O_RDONLY | O_CLOEXEC, 0444);
    if (empty < 0 || bind_tree(empty, fd, ro) < 0)
      die_errno(errno, "Can't hide %s", path);
  }
  absent_free(&absent);
}

/* A submodule's a/b/.git: a, a/b are pinned first, each bound onto
 * itself as it is (writable), so that none can be renamed and a/b/.git is
 * the direct child of a bind again. Returns the last directory (a/b), or
 * -1 when the path is not there. make: missing directories are made. */
static int pin_parents(int dir, const char *name, bool make, const char **ret_base)
{
  _cleanup_free_ char *path = xstrdup(name);
  _cleanup_close_ int cur = fcntl(dir, F_DUPFD_CLOEXEC, 3);
  char *c = path, *slash;

  while (cur >= 0 && (slash = strchr(c, '/'))) {
    _cleanup_close_ int under = -1;
    int top;

    *slash = '\0';
    under = open_child(cur, c, O_PATH | O_DIRECTORY);
    /* core.hooksPath may name a directory not made yet: made here, so
     * that its place is pinned too. */
    if (under < 0 && errno == ENOENT && make && mkdirat(cur, c, 0755) == 0)
      under = open_child(cur, c, O_PATH | O_DIRECTORY);
    /* A link on the way could be replaced, as a protected entry could. */
    if (under < 0 && errno == ELOOP)
      die("Can't protect %s: %s on its way is a symbolic link, which could be replaced", name, c);
    if (under < 0)
      return -1;
    if (bind_tree(under, under, 0) < 0)
      die_errno(errno, "Can't pin %s", name);
    top = open_child(cur, c, O_PATH | O_DIRECTORY); /* the new mount's root */
    close(cur);
    cur = top;
    c = slash + 1;
  }
  *ret_base = name + (c - path);
  return take_fd(&cur);
}

/* Protected entries of the writable binds: each a direct child of its bind
 * (see guard.c), made read-only where it is. An absent one is normally the
 * caller's placeholder by now; where the caller could not make it, it is
 * made here, and stays. A symlink there cannot be mounted on, and could be
 * replaced: refused. */
static void protect_entries(struct setup *s, const struct guards *gs)
{
  pdir_drop(s);
  for (size_t i = 0; i < gs->n; i++) {
    const char *dest = s->plan->ops[gs->g[i].op].dest, *name = gs->g[i].name;
    _cleanup_close_ int top = open_in_root(s->rootfd, dest, O_PATH | O_DIRECTORY, 0);
    _cleanup_close_ int dir = -1;
    _cleanup_close_ int fd = -1;

    if (top < 0)
      continue; /* not a directory (a file bind): no entries */
    if (!name) {
      if (bind_tree(top, top, MOUNT_ATTR_RDONLY) < 0)
        die_errno(errno, "Can't make %s read-only", dest);
      continue;
    }
    dir = strchr(name, '/') ? pin_parents(top, name, !gs->g[i].if_present, &name) : take_fd(&top);
    if (dir < 0)
      continue;
    fd = open_child(dir, name, O_PATH);
    if (fd < 0 && errno == ENOENT && gs->g[i].if_present)
      continue;
    if (fd < 0 && errno == ENOENT) {
      /* Set-up holds every capability the command could: where it may
       * not create the entry, neither may the command. */
      if (mkdirat(dir, name, 0400) < 0) {
        if (errno == EACCES || errno == EPERM || errno == EROFS)
          continue;
        if (errno != EEXIST)
          die_errno(errno, "Can't protect %s/%s", dest, gs->g[i].name);
      }
      fd = open_child(dir, name, O_PATH);
    }
    if (fd < 0 && errno == ELOOP)
      die("Can't protect %s/%s: it is a symbolic link, which could be replaced", dest,
          gs->g[i].name);
    /* The clone keeps the tree's other flags (a --dev-bind stays usable). */
    if (fd < 0 || bind_tree(fd, fd, MOUNT_ATTR_RDONLY) < 0)
      die_errno(errno, "Can't make %s/%s read-only", dest, gs->g[i].name);
  }
}

static bool plan_has(const struct plan *p, enum op_type t)
{
  for (size_t i = 0; i < p->n_ops; i++)
    if (p->ops[i].type == t)
      return true;
  return false;
}

static char *stdout_tty(void)
{
  char buf[4096];
  ssize_t n;

  if (!isatty(STDOUT_FILENO))
    return NULL;
  n = readlink("/proc/self/fd/1", buf, sizeof buf - 1);
  if (n <= 0 || buf[0] != '/')
    return NULL;
  buf[n] = '\0';
  return xstrdup(buf);
}

static void make_base_root(const struct plan *p)
{
  char opts[96] = "mode=0755";

  /* The sandbox's root: writable by the command, bounded like any tmpfs. */
  if (p->tmpfs_bound)
    snprintf(opts, sizeof opts, "mode=0755,size=%llu,nr_inodes=%llu",
             (unsigned long long)p->tmpfs_bound, (unsigned long long)(p->tmpfs_bound / 4096));
  if (mount("tmpfs", "/tmp", "tmpfs", MS_NODEV | MS_NOSUID, opts) < 0)
    die_errno(errno, "Failed to mount tmpfs");
  if (chdir("/tmp") < 0)
    die_errno(errno, "chdir base_path");
  if (mkdir("newroot", 0755) < 0)
    die_errno(errno, "Creating newroot failed");
  /* pivot_root wants the new root to be a mount point. */
  if (mount("newroot", "newroot", NULL, MS_BIND | MS_REC, NULL) < 0)
    die_errno(errno, "setting up newroot bind");
  if (mkdir("oldroot", 0755) < 0)
    die_errno(errno, "Creating oldroot failed");
  if (sys_pivot_root("/tmp", "oldroot") < 0) {
    if (errno != EINVAL)
      die_errno(errno, "pivot_root");
    /* the host's tree where pivot_root would have put it */
    if (mount("/", "oldroot", NULL, MS_BIND | MS_REC, NULL) < 0)
      die_errno(errno, "binding the old root (pivot_root refused)");
    move_root_here();
  }
  if (chdir("/") < 0)
    die_errno(errno, "chdir / (base path)");
}

static void enter_new_root(void)
{
  if (mount("/oldroot", "/oldroot", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    die_errno(errno, "Failed to make old root rprivate");
  if (chdir("/newroot") < 0)
    die_errno(errno, "chdir /newroot");
  /* Stack the new root over the base tmpfs and drop the latter, and the
   * host's tree at /oldroot with it: one detach, one RCU grace period
   * (bwrap unmounts /oldroot first, and waits for two). */
  if (sys_pivot_root(".", ".") == 0) {
    if (umount2(".", MNT_DETACH) < 0)
      die_errno(errno, "umount old root");
  } else {
    if (errno != EINVAL)
      die_errno(errno, "pivot_root(/newroot)");
    /* The host's tree goes first; the base tmpfs stays covered. */
    if (umount2("/oldroot", MNT_DETACH) < 0)
      die_errno(errno, "umount old root");
    move_root_here();
  }
  if (chdir("/") < 0)
    die_errno(errno, "chdir /");
}

/* A mount on "/" itself (--ro-bind / / and the like) stacks over the new
 * root: the fd opened before still names the directory underneath, and
 * every later destination would land, unseen, in the covered tree. The
 * path is looked up afresh, through to the top mount. */
static void reopen_root(struct setup *s)
{
  pdir_drop(s);
  close(s->rootfd);
  s->rootfd = open("/newroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (s->rootfd < 0)
    die_errno(errno, "can't open /");
}

void mounts_setup(const struct plan *p, const struct guards *gs, bool pid_ns,
                  const struct mount_prep *prep)
{
  struct setup s = {.plan = p, .pid_ns = pid_ns, .pdir_fd = -1};
  struct rlimit saved_nofile;
  mode_t old_umask;

  getrlimit(RLIMIT_NOFILE, &saved_nofile);
  /* Our mounts must not propagate back to the host; nor must the clones
   * open_sources() makes. */
  if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    die_errno(errno, "Failed to make / slave");
  s.src_tree = xcalloc(p->n_ops ? p->n_ops : 1, sizeof *s.src_tree);
  s.src_fds = open_sources(p, s.src_tree, prep);
  s.overlay_paths = resolve_overlays(p);
  s.console = plan_has(p, OP_DEV) ? stdout_tty() : NULL;
  if (prep && prep->sources_open)
    prep->sources_open(prep->ctx);
  /* Modes asked for are the modes made. */
  old_umask = umask(0);

  make_base_root(p);
  s.rootfd = open("/newroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
  s.oldfd = open("/oldroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (s.rootfd < 0 || s.oldfd < 0)
    die_errno(errno, "can't open /");

  for (size_t i = 0; i < p->n_ops; i++) {
    run_op(&s, &p->ops[i], s.src_fds[i]);
    if (s.src_fds[i] >= 0)
      close(s.src_fds[i]);
    if (path_is_root(p->ops[i].dest))
      reopen_root(&s);
  }
  pdir_drop(&s);
  mask_paths(&s);
  protect_entries(&s, gs);
  free(s.src_fds);
  free(s.src_tree);
  free_overlays(p, s.overlay_paths);
  free(s.console);
  close(s.rootfd);
  close(s.oldfd);

  enter_new_root();
  umask(old_umask);
  (void)setrlimit(RLIMIT_NOFILE, &saved_nofile);
}
