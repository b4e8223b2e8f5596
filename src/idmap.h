/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "plan.h"

/* The host uid and gid a root caller's sandbox runs as under a profile:
 * uid 0 inside is this id outside. Shared with nothing on the host: above
 * the ranges login.defs hands out to users (UID_MAX 60000) and to
 * subordinate ids of rootless containers (SUB_UID_MAX 600100000), above
 * systemd's dynamic (61184-65519) and container (524288-1879048191)
 * ranges, below its foreign range and below 2^31. Not nobody (65534):
 * daemons and unprivileged sandboxes run as nobody, and a process of the
 * same uid may ptrace or signal the sandbox, whose writes land as root. */
#define IDMAP_HOST_ID 2147352575u

/* Does this launch give a host-root caller an unprivileged identity? Under
 * a profile, when we create the user namespace and map it ourselves (not
 * --userns-block-fd). Pure. */
bool idmap_wanted(const struct plan *p, unsigned real_uid, bool userns);

/* Can this process's user namespace map IDMAP_HOST_ID at all (uid and
 * gid)? Host root can; root of a container or of "unshare -Ur" has a few
 * ids only, and is no host root to take away: it keeps today's identity.
 * Reads /proc/self/{uid,gid}_map. */
bool idmap_host_id_available(void);

/* A writable mount of a host path that cannot be idmapped (a writable
 * --bind-fd, an --overlay's upper directory): its path, or NULL. Pure. */
const char *idmap_unmappable(const struct plan *p);

/* Monitor: maps the sandbox's user namespace, inside ids to
 * IDMAP_HOST_ID; only a writer privileged in the parent namespace can map
 * to an id other than its own. setgroups stays allowed: the child drops
 * root's supplementary groups with it, after which only gid 0 -> the host
 * id is there to set. */
int idmap_write_maps(pid_t child, unsigned inside_uid, unsigned inside_gid);

/* Monitor, once the maps are written: each writable bind's source as a
 * detached clone, idmapped through the sandbox's own user namespace (its
 * uid 0 is uid 0 on disk: files it writes belong to the caller, as
 * before), a slave of the host's mounts as the sandbox's own clones are;
 * sent to the child over sock, ended by an empty message. -errno with
 * *refused the source a file system would not idmap; nothing is sent. */
int idmap_send_trees(const struct plan *p, pid_t child, int sock, const char **refused);

/* Monitor: the caller's standard input, output and error that are
 * anonymous pipes are handed to the sandbox's host id: a command reopening
 * them by name (/dev/stdin, /dev/stdout, /proc/self/fd/N, as "echo x
 * >/dev/stderr" does) passes the pipe inode's permission check, which a
 * pipe made by root (mode 0600) would fail. Named pipes and other files
 * are left alone: they are the host's. */
void idmap_share_pipes(void);

/* Child: receives them, trees[op] (n ops; -1 where none). -errno. */
int idmap_recv_trees(int sock, int *trees, size_t n);

/* Child, once mapped: no supplementary groups (host root's would stay
 * otherwise, kgid 0 among them), then the inside ids, i.e. the host id. */
int idmap_become(unsigned uid, unsigned gid);
