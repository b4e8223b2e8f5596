/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

#include "plan.h"

/* Child side, in the new mount namespace: builds the new root from the
 * plan's operations, in order, and pivots into it. Dies on error. */
void mounts_setup(const struct plan *p, bool pid_ns);
