/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

/* Per-user kernel quotas (ucounts) counted in every user namespace up to
 * the host's: what the sandbox uses, the caller no longer has. The
 * sandbox's own user namespace gets half of each of the caller's limits,
 * so that the caller keeps the other half whatever the command does. */
#define UCOUNTS_N 5

struct ucount_limits {
  long value[UCOUNTS_N]; /* -1: not offered by this kernel */
};

/* In the caller's namespace, before clone: the caller's limits. */
void ucounts_read(struct ucount_limits *u);

/* In the sandbox's new user namespace, still with its capabilities there:
 * sets each limit to half the caller's. proc_fd: a procfs directory.
 * -errno with *failed naming the limit; a read-only /proc/sys (a sandbox
 * nested under one that covers it) is skipped. */
int ucounts_lower(int proc_fd, const struct ucount_limits *u, const char **failed);
