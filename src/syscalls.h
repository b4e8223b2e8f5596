/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Syscall numbers of the native architecture fit below this. */
#define SC_MAX 1024

struct syscall_name {
  const char *name;
  int nr;
};

/* Generated at build time, sorted by name. */
extern const struct syscall_name syscall_names[];
extern const size_t n_syscall_names;

typedef struct {
  uint64_t w[SC_MAX / 64];
} sc_set;

static inline void sc_set_add(sc_set *s, int nr)
{
  s->w[nr / 64] |= UINT64_C(1) << (nr % 64);
}
static inline bool sc_set_has(const sc_set *s, int nr)
{
  return (s->w[nr / 64] >> (nr % 64)) & 1;
}

/* The first member at or after nr, or -1: a word at a time. */
static inline int sc_set_next(const sc_set *s, int nr)
{
  for (int w = nr / 64; nr < SC_MAX && w < SC_MAX / 64; w++, nr = w * 64) {
    uint64_t bits = s->w[w] >> (nr % 64);
    if (bits)
      return nr + __builtin_ctzll(bits);
  }
  return -1;
}

struct syscall_group {
  const char *name; /* without '@' */
  const char *description;
  const char *const *members; /* names or "@group", NULL-terminated */
};

extern const struct syscall_group syscall_groups[];
extern const size_t n_syscall_groups;

/* Native syscall number, or -1. */
int syscall_lookup(const char *name);
const char *syscall_name_of(int nr);
const struct syscall_group *syscall_group_lookup(const char *name);

/* Adds a group's members (recursively) to set. -ELOOP on a cycle. */
int syscall_group_expand(const struct syscall_group *g, sc_set *set);

/* Every syscall number the table knows. */
void syscall_known(sc_set *set);

/* Closest known syscall or group name (for "did you mean"), or NULL. */
const char *syscall_suggest(const char *name);

/* Edit distance, capped; used for suggestions everywhere. */
unsigned edit_distance(const char *a, const char *b);
