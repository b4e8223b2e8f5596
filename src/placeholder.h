/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "guard.h"

/* Host side, before the sandbox starts: an absent protected entry gets an
 * empty directory of mode 0400 on the host, so that it can be mounted on
 * read-only inside and nothing can be created in its place; it is removed
 * again when the last sandbox using it is gone (a shared flock marks the
 * users). */
void placeholders_make(const struct plan *p, const struct guards *gs);
/* What git reads of each writable bind with a protected .git, from the
 * host as the sandbox starts: the .git files of the submodules .gitmodules
 * lists (gitdir: pointers the superproject's git status follows), and the
 * work-tree directory core.hooksPath names in .git/config. */
void guards_add_from_git(const struct plan *p, struct guards *gs);
/* In the sandbox's child: the lock fds are the caller's, not its own. */
void placeholders_forget(void);
/* After the sandbox is gone: removes those no other sandbox holds. */
void placeholders_remove(void);
/* For the watchdog (watchdog.c): the binds' directories the placeholders
 * are below, each placeholder as (index of its directory there, path
 * below it); and one taken over by another process (its lock is taken
 * anew when it is removed; found again below top, following no link). */
size_t placeholders_count(void);
size_t placeholders_tops(const int **fds);
void placeholders_get(size_t i, size_t *top, const char **rel);
void placeholders_adopt(int top, const char *rel);
