/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "syscalls.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define GROUP(id, name, desc) static const char *const grp_##id[] = {
#define M(x)                  x,
#define END                                                                                        \
  NULL                                                                                             \
  }                                                                                                \
  ;
#include "syscall-groups.def"
#undef GROUP
#undef M
#undef END

#define GROUP(id, name, desc) {name, desc, grp_##id},
#define M(x)
#define END
const struct syscall_group syscall_groups[] = {
#include "syscall-groups.def"
};
#undef GROUP
#undef M
#undef END
const size_t n_syscall_groups = sizeof syscall_groups / sizeof syscall_groups[0];

static int cmp_name(const void *key, const void *ent)
{
  return strcmp(key, ((const struct syscall_name *)ent)->name);
}

int syscall_lookup(const char *name)
{
  const struct syscall_name *e =
      bsearch(name, syscall_names, n_syscall_names, sizeof *syscall_names, cmp_name);
  return e ? e->nr : -1;
}

const char *syscall_name_of(int nr)
{
  for (size_t i = 0; i < n_syscall_names; i++)
    if (syscall_names[i].nr == nr)
      return syscall_names[i].name;
  return NULL;
}

const struct syscall_group *syscall_group_lookup(const char *name)
{
  if (*name == '@')
    name++;
  for (size_t i = 0; i < n_syscall_groups; i++)
    if (strcmp(syscall_groups[i].name, name) == 0)
      return &syscall_groups[i];
  return NULL;
}

static int expand(const struct syscall_group *g, sc_set *set, unsigned depth)
{
  if (depth > 8)
    return -ELOOP;
  for (const char *const *m = g->members; *m; m++) {
    if (**m == '@') {
      const struct syscall_group *sub = syscall_group_lookup(*m);
      int r;
      if (!sub)
        return -ENOENT;
      r = expand(sub, set, depth + 1);
      if (r < 0)
        return r;
    } else {
      int nr = syscall_lookup(*m);
      /* Names of other architectures' syscalls are simply absent here. */
      if (nr >= 0 && nr < SC_MAX)
        sc_set_add(set, nr);
    }
  }
  return 0;
}

int syscall_group_expand(const struct syscall_group *g, sc_set *set)
{
  return expand(g, set, 0);
}

void syscall_known(sc_set *set)
{
  for (size_t i = 0; i < n_syscall_names; i++)
    if (syscall_names[i].nr < SC_MAX)
      sc_set_add(set, syscall_names[i].nr);
}

/* Optimal string alignment distance: a swap of two neighbours ("bnid"
 * for "bind") counts as one edit, as typists make them. */
unsigned edit_distance(const char *a, const char *b)
{
  size_t la = strlen(a), lb = strlen(b);
  unsigned d[64][64];

  if (la >= 63 || lb >= 63)
    return 99;
  for (size_t i = 0; i <= la; i++)
    d[i][0] = (unsigned)i;
  for (size_t j = 0; j <= lb; j++)
    d[0][j] = (unsigned)j;
  for (size_t i = 1; i <= la; i++)
    for (size_t j = 1; j <= lb; j++) {
      unsigned best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
      if (d[i - 1][j] + 1 < best)
        best = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < best)
        best = d[i][j - 1] + 1;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
          d[i - 2][j - 2] + 1 < best)
        best = d[i - 2][j - 2] + 1;
      d[i][j] = best;
    }
  return d[la][lb];
}

const char *syscall_suggest(const char *name)
{
  const char *best = NULL;
  unsigned best_d = 3;
  bool group = *name == '@';

  if (group) {
    for (size_t i = 0; i < n_syscall_groups; i++) {
      unsigned d = edit_distance(name + 1, syscall_groups[i].name);
      if (d < best_d) {
        best_d = d;
        best = syscall_groups[i].name;
      }
    }
    return best;
  }
  for (size_t i = 0; i < n_syscall_names; i++) {
    unsigned d = edit_distance(name, syscall_names[i].name);
    if (d < best_d) {
      best_d = d;
      best = syscall_names[i].name;
    }
  }
  return best;
}
