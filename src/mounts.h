/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

#include "guard.h"
#include "plan.h"

/* Child side, in the new mount namespace: builds the new root from the
 * plan's operations, in order, hides the masks, makes the guarded entries
 * read-only, and pivots into it. Dies on error. */
void mounts_setup(const struct plan *p, const struct guards *gs, bool pid_ns);
