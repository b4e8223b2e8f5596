/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <errno.h>
#include <stdio.h>

#include "plan.h"

/* What the pure parser needs from the outside world. */
struct profile_env {
  /* Finds profile NAME (a name, or a path when it holds a '/', relative
   * to the including file's directory when from != NULL). Returns 0 and
   * malloc'd text (NUL-terminated, with *len bytes before that NUL: a file
   * may hold NULs of its own, which the parser refuses) and display name,
   * or -errno. */
  int (*load)(void *ctx, const char *name, const char *from, char **text, size_t *len,
              char **display);
  /* The value of ${NAME}, or NULL when undefined. */
  const char *(*getvar)(void *ctx, const char *name);
  void *ctx;
  /* The home directory with symlinks resolved, or NULL (then ${HOME} as
   * it is written is all that is compared). */
  const char *(*realhome)(void *ctx);
};

#define PROFILE_MAX_DEPTH 16
/* load's answer for a FIFO, device, socket or directory. */
#define PROFILE_ENOTREG EMEDIUMTYPE

/* Applies a profile's lines to the plan, in order, as if they were
 * options. Pure: no fork, mount or exit; -errno and a file:line:col
 * diagnostic on error. */
int profile_apply_text(struct plan *p, const char *text, size_t len, const char *file,
                       const struct profile_env *env, struct diag *d);

/* Looks NAME up through env and applies it. */
int profile_apply_named(struct plan *p, const char *name, const struct profile_env *env,
                        const struct origin *from, struct diag *d);

/* The environment of a real launch: files, built-ins, process variables. */
extern const struct profile_env profile_env_real;

/* Built-in profiles, embedded at build time. */
struct builtin_profile {
  const char *name;
  const char *text;
};
extern const struct builtin_profile builtin_profiles[];
extern const size_t n_builtin_profiles;

/* The first "description" line of a profile text, malloc'd, or NULL. */
char *profile_description(const char *text);

/* Under a profile: the directories profiles are read from, to be made
 * read-only inside the sandbox. */
void profile_protect_dirs(struct plan *p);

/* Prints name, source and description of every profile found. */
void profile_list(FILE *out);
