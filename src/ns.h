/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

/* Map one id, from inside the new user namespace (no setuid helper).
 * The gid map denies setgroups first, as the kernel requires for an
 * unprivileged writer. proc_fd is a directory fd of a procfs (opened
 * before pivot_root: the new root may have no /proc). -errno. */
int ns_write_uid_map(int proc_fd, unsigned inside, unsigned outside);
int ns_write_gid_map(int proc_fd, unsigned inside, unsigned outside);

/* Brings lo up in a fresh network namespace; the kernel adds 127.0.0.1
 * and ::1 itself. -errno. */
int ns_loopback_up(void);

bool ns_userns_available(void);
bool ns_cgroupns_available(void);
