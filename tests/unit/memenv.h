/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* An in-memory world for the profile parser: named texts, then the
 * built-ins; variables from a small table. */
#pragma once

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"
#include "util.h"

struct memfile {
  const char *name, *text;
  size_t len; /* 0: strlen(text) */
};

struct memenv {
  const struct memfile *files;
  const char *const *vars; /* NAME, VALUE, ..., NULL */
};

static int mem_load(void *ctx, const char *name, const char *from, char **text, size_t *len,
                    char **display)
{
  const struct memenv *m = ctx;

  (void)from;
  for (const struct memfile *f = m->files; f && f->name; f++)
    if (strcmp(f->name, name) == 0) {
      *len = f->len ? f->len : strlen(f->text);
      *text = xmalloc(*len + 1);
      memcpy(*text, f->text, *len);
      (*text)[*len] = '\0';
      *display = xstrdup(name);
      return 0;
    }
  for (size_t i = 0; i < n_builtin_profiles; i++)
    if (strcmp(builtin_profiles[i].name, name) == 0) {
      *text = xstrdup(builtin_profiles[i].text);
      *len = strlen(*text);
      *display = xasprintf("builtin:%s", name);
      return 0;
    }
  return -ENOENT;
}

static const char *mem_getvar(void *ctx, const char *name)
{
  const struct memenv *m = ctx;

  for (const char *const *v = m->vars; v && v[0]; v += 2)
    if (strcmp(v[0], name) == 0)
      return v[1];
  return NULL;
}

static const char *const default_vars[] = {
    "HOME", "/home/u", "CWD",  "/home/u/proj",    "UID",
    "1000", "GID",     "1000", "XDG_RUNTIME_DIR", "/run/user/1000",
    NULL};
