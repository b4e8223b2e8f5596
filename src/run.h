/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "plan.h"

/* Executes a finalized plan: creates the namespaces, sets up the child,
 * supervises it. Returns the exit status for the caller: the command's,
 * 128+N if it died of signal N, 1 if set-up failed. */
int run_plan(const struct plan *p, const struct sc_compiled *filters);

/* When --timeout expires, as timeout(1). */
#define SANDBOX_EXIT_TIMEOUT 124

/* bwrap's mapping of a wait status to an exit code. */
int exit_status_of(int wstatus);
