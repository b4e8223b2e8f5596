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
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

bool idmap_wanted(const struct plan *p, unsigned real_uid, bool userns)
{
  return real_uid == 0 && p->used_profile && userns && p->userns_block_fd < 0 && p->userns_fd < 0;
}

static bool idmapped_op(const struct op *op)
{
  return op->type == OP_BIND && !(op->flags & (BIND_READONLY | BIND_DEVICES));
}

/* Writable mounts of host paths we cannot idmap: the sandbox's uid could
 * not write there, nor would its files belong to the caller. */
static const char *unmappable(const struct plan *p)
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

/* The idmapping a mount_setattr needs is a user namespace: one of its own,
 * made by a helper that only lives until its namespace is mapped and
 * opened (the sandbox's own does not exist yet). */
static int make_userns(void)
{
  char line[64], path[64];
  int pipefd[2], fd = -1, r = 0;
  pid_t pid;

  if (pipe2(pipefd, O_CLOEXEC) < 0)
    return -errno;
  pid = (pid_t)syscall(SYS_clone, (unsigned long)(CLONE_NEWUSER | SIGCHLD), NULL, NULL, NULL, NULL);
  if (pid == 0) {
    char b;
    close(pipefd[1]);
    (void)!read(pipefd[0], &b, 1);
    _exit(0);
  }
  close(pipefd[0]);
  if (pid < 0) {
    close(pipefd[1]);
    return -errno;
  }
  snprintf(line, sizeof line, "0 %u 1\n", IDMAP_HOST_ID);
  snprintf(path, sizeof path, "/proc/%d/ns/user", (int)pid);
  if ((r = write_map(pid, "uid_map", line)) < 0 || (r = write_map(pid, "gid_map", line)) < 0 ||
      (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
    r = r < 0 ? r : -errno;
  close(pipefd[1]);
  while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
    ;
  return r < 0 ? r : fd;
}

/* One writable bind's source: cloned, idmapped, and a slave of the host's
 * mounts (a clone of a shared mount would otherwise be the host's peer,
 * and mounts the sandbox makes inside it would show up on the host). */
static int prepare_tree(const char *src, int userns)
{
  struct mount_attr attr = {
      .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns, .propagation = MS_SLAVE};
  int tree = (int)syscall(SYS_open_tree, AT_FDCWD, src,
                          OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);

  if (tree < 0)
    return -errno;
  if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0) {
    int err = errno;
    close(tree);
    return -err;
  }
  return tree;
}

int idmap_prepare(const struct plan *p, struct idmap *m, const char **refused)
{
  _cleanup_close_ int userns = -1;

  m->n = p->n_ops;
  m->trees = xcalloc(p->n_ops ? p->n_ops : 1, sizeof *m->trees);
  for (size_t i = 0; i < p->n_ops; i++)
    m->trees[i] = -1;
  if ((*refused = unmappable(p)))
    return -EOPNOTSUPP;
  for (size_t i = 0; i < p->n_ops; i++) {
    const struct op *op = &p->ops[i];
    int r;

    if (!idmapped_op(op))
      continue;
    if (userns < 0 && (userns = make_userns()) < 0) {
      *refused = op->src;
      return userns;
    }
    r = prepare_tree(op->src, userns);
    /* A missing source is the bind's own error, reported by the child. */
    if (r == -ENOENT)
      continue;
    if (r < 0) {
      *refused = op->src;
      return r;
    }
    m->trees[i] = r;
  }
  return 0;
}

void idmap_release(struct idmap *m)
{
  for (size_t i = 0; i < m->n; i++)
    if (m->trees[i] >= 0)
      close(m->trees[i]);
  free(m->trees);
  m->trees = NULL;
  m->n = 0;
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

int idmap_become(unsigned uid, unsigned gid)
{
  if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
    return -errno;
  return 0;
}
