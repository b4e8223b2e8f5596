/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdio.h>

#include "plan.h"

/* The resolved plan, each part with the file:line that put it there. */
void explain_plan(FILE *out, const struct plan *p, unsigned real_uid);

/* Members of a group ("@mount"), or every group with "all". -errno. */
int explain_syscalls(FILE *out, const char *group, struct diag *d);
