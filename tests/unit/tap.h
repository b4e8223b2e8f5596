/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Minimal TAP for the C unit tests. */
#pragma once

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define ok(cond, ...)                                                                              \
  do {                                                                                             \
    int _c = !!(cond);                                                                             \
    tap_n++;                                                                                       \
    if (_c) {                                                                                      \
      printf("ok %d - ", tap_n);                                                                   \
    } else {                                                                                       \
      tap_failed++;                                                                                \
      printf("not ok %d - ", tap_n);                                                               \
    }                                                                                              \
    printf(__VA_ARGS__);                                                                           \
    printf("\n");                                                                                  \
    if (!_c)                                                                                       \
      printf("#   failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__);                               \
  } while (0)

#define is_str(a, b, ...)                                                                          \
  do {                                                                                             \
    const char *_a = (a), *_b = (b);                                                               \
    ok(_a &&_b &&strcmp(_a, _b) == 0, __VA_ARGS__);                                                \
    if (!(_a && _b && strcmp(_a, _b) == 0))                                                        \
      printf("#   got:      [%s]\n#   expected: [%s]\n", _a ? _a : "(null)", _b ? _b : "(null)");  \
  } while (0)

static inline int tap_done(void)
{
  printf("1..%d\n", tap_n);
  return tap_failed ? 1 : 0;
}
