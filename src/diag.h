/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdio.h>

/* Where a plan entry came from, so errors and --explain can point at it.
 * file == NULL means the command line; line is then the argv index. */
struct origin {
  const char *file;
  unsigned line, col;
};

struct diag {
  struct origin where;
  char msg[512];
};

/* Fills d->msg; returns -err, for "return diag_set(...)". */
int diag_set(struct diag *d, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* "  [file:line]", "  [command line, argument N]" or "  [built in]" and a
 * newline: where --explain says a line of the plan came from. */
void origin_print(FILE *out, const struct origin *o);
