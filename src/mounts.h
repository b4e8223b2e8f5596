/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

#include "guard.h"
#include "plan.h"

/* What set-up gets from outside the plan: sources cloned for it already
 * (per op, or -1; taken over), and a step to run once every source is
 * open, before anything is made (the identity switch: sources are opened
 * with the caller's rights, the tree is built with the sandbox's own). */
struct mount_prep {
  int *trees;
  void (*sources_open)(void *ctx);
  void *ctx;
};

/* Child side, in the new mount namespace: builds the new root from the
 * plan's operations, in order, hides the masks, makes the guarded entries
 * read-only, and pivots into it. Dies on error. prep may be NULL. */
void mounts_setup(const struct plan *p, const struct guards *gs, bool pid_ns,
                  const struct mount_prep *prep);

/* A bind source in the home, opened (O_PATH) beneath the home with no
 * symbolic link followed (op->src_anchor > 0): an fd, or -errno (ELOOP,
 * EXDEV: a link on the way). */
int mounts_open_anchored(const struct op *op);
