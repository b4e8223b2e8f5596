/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>

#include "diag.h"

struct sandbox_cgroup {
  char *path;     /* the sandbox's own cgroup, removed afterwards */
  char *moved_to; /* a leaf we moved ourselves into, if we had to */
  char *base;     /* where we started */
  int fd;         /* O_DIRECTORY of path, for clone3(CLONE_INTO_CGROUP) */
};

/* Creates a cgroup v2 child of the caller's (delegated) cgroup with the
 * limits set (0 = unset). -errno and a message naming what is missing. */
int cgroup_create(uint64_t memory_max, uint64_t pids_max, struct sandbox_cgroup *cg,
                  struct diag *d);
void cgroup_destroy(struct sandbox_cgroup *cg);
/* The caller's own cgroup v2 directory (malloc'd), or NULL without one. */
char *cgroup_own_dir(void);
