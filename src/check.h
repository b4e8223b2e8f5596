/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdio.h>

/* sandbox --check: probes, each in a child of its own, what this host
 * lets the caller do (user namespaces, each namespace type, mounts,
 * loopback, overlayfs, pivot_root, seccomp, Landlock, cgroup delegation)
 * and what each built-in profile would get. Returns 0 when sandboxes can
 * run here (user and mount namespaces work), 1 otherwise. */
int check_environment(FILE *out);
