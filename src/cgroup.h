/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>

#include "diag.h"

struct sandbox_cgroup {
  char *path;     /* the sandbox's own cgroup, removed afterwards */
  char *moved_to; /* a leaf we moved ourselves into, if we had to */
  char *base;     /* where we started */
  int fd;         /* O_DIRECTORY of path, for clone3(CLONE_INTO_CGROUP) */
  int procs_fd;   /* cgroup v1: path's cgroup.procs, the child writes "0" */
};

/* Creates a cgroup v2 child of the caller's (delegated) cgroup with the
 * limits set (0 = unset). -errno and a message naming what is missing. */
int cgroup_create(uint64_t memory_max, uint64_t pids_max, struct sandbox_cgroup *cg,
                  struct diag *d);
void cgroup_destroy(struct sandbox_cgroup *cg);
/* The caller's own cgroup v2 directory (malloc'd), or NULL without one. */
char *cgroup_own_dir(void);

/* A root caller's nproc rlimit binds nothing (the kernel exempts the host's
 * root user): the equivalent bound, pids.max, in a cgroup of the sandbox's
 * own, v2 where the caller's cgroup offers the pids controller, else in
 * the host's cgroup v1 pids hierarchy (hybrid systems). -errno when
 * neither is there. */
int cgroup_root_pids(uint64_t pids_max, struct sandbox_cgroup *cg, struct diag *d);
