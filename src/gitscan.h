/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "guard.h"
#include "plan.h"

/* Git repositories made or changed inside the sandbox, found after it is
 * gone. Git runs what a repository's config and hooks say (core.fsmonitor,
 * core.pager, hooks, ...) in every repository it finds on its way up from
 * the current directory, a shell prompt's "git status" included. A mount
 * protects the .git entries that exist when the sandbox starts; a
 * repository the sandbox makes in a subdirectory of a writable bind (a
 * .git directory or "gitdir:" file, or a bare repository's HEAD, objects
 * and refs) did not exist then. So the caller's side looks, once every
 * process of the sandbox is gone, for git directories whose config, hooks
 * or pointers changed since the sandbox started (by ctime and birth time,
 * which no program can set back), and renames them out of git's way. */

struct gitscan_root {
  int fd;         /* the bind's host directory, opened before the sandbox */
  char *path;     /* as the plan names it, for messages */
  char **guarded; /* its protected entries: read-only inside, not looked at */
  bool *absent;   /* ... absent at the start: no mount, anything made there */
  size_t n_guarded;
};

struct gitscan_id {
  unsigned long long dev, ino;
};

struct gitscan {
  struct timespec start;    /* CLOCK_REALTIME_COARSE: the kernel's file clock */
  struct gitscan_id *known; /* the git directories there at the start, sorted */
  size_t n_known;
  struct gitscan_root *roots;
  size_t n;
};

/* Before the sandbox starts: the writable binds of a profile run, less
 * what gs protects there (a read-only mount cannot change, and the
 * caller may have changed it an instant before the start, within the
 * same tick of the file clock). */
void gitscan_begin(const struct plan *p, const struct guards *guards, struct gitscan *gs);
/* After the sandbox is gone: renames each repository made or changed
 * inside, one line on stderr for each. Frees gs. Returns how many. */
size_t gitscan_finish(struct gitscan *gs);
