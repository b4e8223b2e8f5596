/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A protected tree that no mount can make read-only (the no-namespace
 * mode: Landlock cannot take rights away below a writable tree) is copied
 * before the run and put back after it: whatever the command changed there
 * does not outlive the sandbox, and is kept aside for review. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct snap;

/* The tree at path, or NULL (absent, or beyond the size bounds). */
struct snap *snapshot_take(const char *path);
/* After the run: 0 when unchanged; 1 when restored, *aside naming where the
 * command's version went; -errno when it could not be restored. */
int snapshot_restore(struct snap *s, char **aside);
void snapshot_free(struct snap *s);
const char *snapshot_path(const struct snap *s);
