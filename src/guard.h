/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "plan.h"

/* Pure path arithmetic on absolute paths: repeated slashes and "."
 * dropped, ".." folded lexically (never above "/"). malloc'd. */
char *path_clean(const char *path);
/* What follows dir in path ("" when equal), or NULL when path is not dir
 * or below it. Both cleaned. */
const char *path_below(const char *path, const char *dir);

/* One protected entry: the child `name` of writable bind ops[op] (its
 * destination), or the whole bind when name is NULL. A name with '/'
 * (a submodule's a/b/.git) pins each directory on its way with a mount
 * of its own, so that its .git is again a direct child of a bind. */
struct guard {
  size_t op;
  char *name;
  const struct origin *origin;
  bool if_present; /* absent: nothing to do */
};

struct guards {
  struct guard *g;
  size_t n;
};

/* Where each protection of the plan sits: for a name, that entry of every
 * writable bind; for a path, the entry on its way that is a direct child of
 * the writable bind it lives in (a mount point there can be neither
 * renamed nor replaced; its parent could be), or the whole bind when the
 * bind is the path or inside it. Pure. */
void guards_plan(const struct plan *p, struct guards *out);
void guards_free(struct guards *gs);

/* The submodule paths of a .gitmodules text ("path = a/b" lines): each
 * relative, made of plain names. Pure. Returns how many went to paths[]
 * (at most max), malloc'd. */
size_t gitmodules_paths(const char *text, size_t len, char **paths, size_t max);
/* Adds the guard REL (or REL/SUFFIX) in the bind of gs->g[at], with its
 * origin and strength. */
void guards_add_under(struct guards *gs, size_t at, const char *rel, const char *suffix);
/* Adds the guard REL in the bind of gs->g[at], with its origin, for when
 * it is present (no placeholder). */
void guards_add_present(struct guards *gs, size_t at, const char *rel);
/* The last core.hooksPath of a git config text, or NULL. Pure; malloc'd. */
char *gitconfig_hooks_path(const char *text, size_t len);
/* The "path" values of the [include] and [includeIf "..."] sections of a
 * git config text, as written. Pure. Returns how many went to paths[] (at
 * most max), malloc'd. */
size_t gitconfig_include_paths(const char *text, size_t len, char **paths, size_t max);
/* The words with a '/' in the values of a git config text (not URLs), a
 * quote, a leading '!' and what follows a ';', '|' or '&' cut off: the
 * paths its commands may name (core.fsmonitor = tools/fsmon.sh, alias.x =
 * !sh ./x.sh). Pure. Returns how many went to words[] (at most max),
 * malloc'd. */
size_t gitconfig_path_words(const char *text, size_t len, char **words, size_t max);
/* A path of a work tree, as git config may name it (absolute, or relative
 * to the top of the work tree, here the bind's host source src): the
 * relative path below src when it is one made of plain names, else NULL.
 * Pure; malloc'd. */
char *worktree_rel(const char *path, const char *src);

/* A bind that shows a masked path somewhere else shows the mask there
 * too: adds the masks at the other destinations. Pure. */
void masks_follow_binds(struct plan *p);
