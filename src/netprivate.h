/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* --net-private: the sandbox's own network namespace, connected outward
 * by pasta (Debian's passt package) with nothing of the host's loopback:
 * no gateway-to-host mapping, no port forwarding either way. */

#include <sys/types.h>

/* pasta's path from $PATH, or NULL. */
char *netprivate_find_pasta(void);
/* In the sandbox, after loopback is up: tells the monitor the namespaces
 * are ready and waits until pasta has configured the network. */
void netprivate_wait(int sock);
/* In the monitor: once the sandbox says it is ready, runs pasta on its
 * namespaces and lets it go on. Dies (after killing the sandbox) if pasta
 * fails. */
void netprivate_attach(const char *pasta, int sock, pid_t sandbox, pid_t *ret_pasta);
/* In the monitor, once the sandbox is gone: the pasta it ran goes too (pasta
 * quits by itself only for a namespace bound to a file, not for a pid's). */
void netprivate_stop(pid_t pasta);
