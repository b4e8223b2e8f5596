/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A root caller's sandbox without host-root identity. Uid 0 inside is an
 * unprivileged host uid: root-only host files are unreadable by plain
 * permissions (/etc/shadow-, ssh host keys), RLIMIT_NPROC applies (the
 * kernel exempts only host uid 0), and nothing the sandbox does is root's
 * on the host. Its writable binds are idmapped back to uid 0 on disk. */
#include "idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/mount.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <linux/magic.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sched.h>

#include "mounts.h"
#include "util.h"

bool idmap_wanted(const struct plan *p, unsigned real_uid, bool userns)
{
  return real_uid == 0 && p->used_profile && userns && p->userns_block_fd < 0 && p->userns_fd < 0;
}

/* Writable binds, and overlay-home's one layer: without a tree of its
 * own, overlayfs would read the home as the sandbox's unprivileged host
 * id, and a root caller's home (mode 0700) would be out of reach. */
static bool idmapped_op(const struct op *op)
{
  return (op->type == OP_BIND && !(op->flags & (BIND_READONLY | BIND_DEVICES))) ||
         (op->type == OP_OVERLAY && op->ro_fallback && op->n_layers == 1);
}

const char *idmap_unmappable(const struct plan *p)
{
  for (size_t i = 0; i < p->n_ops; i++) {
    const struct op *op = &p->ops[i];
    if (op->type == OP_BIND_FD && !(op->flags & BIND_READONLY))
      return op->dest;
    if (op->type == OP_OVERLAY && op->overlay == OVERLAY_RW)
      return op->src;
  }
  return NULL;
}

static int write_map(pid_t pid, const char *file, const char *line)
{
  char path[64];

  snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
  return write_file_at(AT_FDCWD, path, line);
}

int idmap_write_maps(pid_t child, unsigned inside_uid, unsigned inside_gid)
{
  char line[64];
  int r;

  snprintf(line, sizeof line, "%u %u 1\n", inside_uid, IDMAP_HOST_ID);
  if ((r = write_map(child, "uid_map", line)) < 0)
    return r;
  snprintf(line, sizeof line, "%u %u 1\n", inside_gid, IDMAP_HOST_ID);
  return write_map(child, "gid_map", line);
}

/* A user namespace that maps the on-disk owner uid:gid of a tree to
 * IDMAP_HOST_ID, the sandbox's root: an idmapped mount through it shows
 * that owner's files as the sandbox's own, and what the sandbox writes
 * lands as that owner. A short-lived child holds the namespace while its
 * maps are written; its fd outlives it. -errno. */
static int owner_userns(uid_t uid, gid_t gid)
{
  char path[64], line[64], c = 0;
  int to_child[2], from_child[2], fd = -EIO;
  pid_t pid;

  if (pipe2(to_child, O_CLOEXEC) < 0)
    return -errno;
  if (pipe2(from_child, O_CLOEXEC) < 0) {
    fd = -errno;
    goto out_to;
  }
  pid = fork();
  if (pid == 0) {
    close(to_child[1]); /* or its read would never see the end */
    if (unshare(CLONE_NEWUSER) < 0 || write(from_child[1], &c, 1) != 1)
      _exit(1);
    (void)!read(to_child[0], &c, 1); /* until the parent is done */
    _exit(0);
  }
  if (pid > 0 && read(from_child[0], &c, 1) == 1) {
    snprintf(line, sizeof line, "%u %u 1\n", (unsigned)uid, IDMAP_HOST_ID);
    fd = write_map(pid, "uid_map", line);
    snprintf(line, sizeof line, "%u %u 1\n", (unsigned)gid, IDMAP_HOST_ID);
    if (fd == 0)
      fd = write_map(pid, "gid_map", line);
    snprintf(path, sizeof path, "/proc/%d/ns/user", (int)pid);
    if (fd == 0 && (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
      fd = -errno;
  }
  close(to_child[1]);
  to_child[1] = -1;
  if (pid > 0)
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
      ;
  close(from_child[0]);
  close(from_child[1]);
out_to:
  close(to_child[0]);
  if (to_child[1] >= 0)
    close(to_child[1]);
  return fd;
}

/* One writable bind's source: cloned, idmapped, and a slave of the host's
 * mounts (a clone of a shared mount would otherwise be the host's peer,
 * and mounts the sandbox makes inside it would show up on the host). */
static int prepare_tree(const struct op *op, int userns)
{
  struct mount_attr attr = {
      .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns, .propagation = MS_SLAVE};
  _cleanup_close_ int src = -1;
  _cleanup_close_ int owner = -1;
  struct stat st;
  int tree;

  /* A source in the home follows no symbolic link (a link planted by an
   * earlier sandbox would show something else): opened as the child would
   * open it. On a link, no tree: the child's own open reports it. */
  if (op->src_anchor > 0) {
    src = mounts_open_anchored(op);
    if (src < 0)
      return -ENOENT;
  }
  tree = (int)syscall(SYS_open_tree, src >= 0 ? src : AT_FDCWD,
                      src >= 0                 ? ""
                      : op->type == OP_OVERLAY ? op->layers[0]
                                               : op->src,
                      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE |
                          (src >= 0 ? AT_EMPTY_PATH : 0));

  if (tree < 0)
    return -errno;
  /* A tree owned by someone other than root (a user's project, run by
   * root): mapped through its owner, or the sandbox's root could not
   * write in it at all (it is no host root, and the owner is unmapped). */
  if (fstat(tree, &st) == 0 && (st.st_uid != 0 || st.st_gid != 0)) {
    owner = owner_userns(st.st_uid, st.st_gid);
    if (owner >= 0)
      attr.userns_fd = (uint64_t)owner;
  }
  if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0) {
    int err = errno;
    close(tree);
    return -err;
  }
  return tree;
}

void idmap_share_pipes(void)
{
  for (int fd = 0; fd <= 2; fd++) {
    struct statfs sfs;
    struct stat st;

    /* pipefs: an anonymous pipe, nobody's file on disk. */
    if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode) || st.st_uid != 0)
      continue;
    if (fstatfs(fd, &sfs) < 0 || sfs.f_type != PIPEFS_MAGIC)
      continue;
    (void)!fchown(fd, IDMAP_HOST_ID, IDMAP_HOST_ID);
  }
}

static bool id_in_map(const char *file)
{
  _cleanup_fclose_ FILE *f = fopen(file, "re");
  unsigned long inside, outside, count;

  while (f && fscanf(f, "%lu %lu %lu", &inside, &outside, &count) == 3)
    if (IDMAP_HOST_ID >= inside && IDMAP_HOST_ID - inside < count)
      return true;
  return false;
}

bool idmap_host_id_available(void)
{
  return id_in_map("/proc/self/uid_map") && id_in_map("/proc/self/gid_map");
}

/* One message: the op's index, and its tree as SCM_RIGHTS (none: the end). */
static int send_tree(int sock, int index, int fd)
{
  return send_with_fds(sock, &index, sizeof index, &fd, fd >= 0);
}

int idmap_send_trees(const struct plan *p, pid_t child, int sock, const char **refused)
{
  _cleanup_close_ int userns = -1;
  _cleanup_free_ int *trees = xcalloc(p->n_ops ? p->n_ops : 1, sizeof *trees);
  char path[64];
  int r = 0;

  snprintf(path, sizeof path, "/proc/%d/ns/user", (int)child);
  userns = open(path, O_RDONLY | O_CLOEXEC);
  if (userns < 0)
    return -errno;
  for (size_t i = 0; i < p->n_ops; i++) {
    trees[i] = -1;
    if (r < 0 || !idmapped_op(&p->ops[i]))
      continue;
    trees[i] = prepare_tree(&p->ops[i], userns);
    /* A missing source is the bind's own error, reported by the child. */
    if (trees[i] == -ENOENT)
      trees[i] = -1;
    else if (trees[i] < 0) {
      r = trees[i];
      trees[i] = -1;
      *refused = p->ops[i].src;
    }
  }
  for (size_t i = 0; i < p->n_ops && r == 0; i++)
    if (trees[i] >= 0)
      r = send_tree(sock, (int)i, trees[i]);
  if (r == 0)
    r = send_tree(sock, -1, -1);
  for (size_t i = 0; i < p->n_ops; i++)
    if (trees[i] >= 0)
      close(trees[i]);
  return r;
}

int idmap_recv_trees(int sock, int *trees, size_t n)
{
  for (;;) {
    int index = -1, fd = -1;
    size_t n_fds;
    ssize_t got = recv_with_fds(sock, &index, sizeof index, &fd, 1, &n_fds, 0);

    if (got < 0)
      return (int)got;
    if (got != (ssize_t)sizeof index) /* EOF: the monitor gave up */
      return -EPIPE;
    if (!n_fds)
      fd = -1;
    if (index < 0)
      return fd < 0 ? 0 : -EPROTO;
    if ((size_t)index >= n || fd < 0 || trees[index] >= 0)
      return -EPROTO;
    trees[index] = fd;
  }
}

int idmap_become(unsigned uid, unsigned gid)
{
  if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
    return -errno;
  /* A change of uid makes the kernel mark us non-dumpable, which hands
   * our /proc/self files to host root: we could not write a nested
   * namespace's uid_map, and joiners could not open /proc/PID/ns of init.
   * Dumpable, we are as reachable as before the switch: no other process
   * runs as this uid, and our user namespace belongs to root. */
  if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
    return -errno;
  return 0;
}
