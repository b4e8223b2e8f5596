/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>

/* Named constants usable in syscall argument conditions. 0 or -ENOENT. */
int constant_lookup(const char *name, uint64_t *ret);
const char *constant_suggest(const char *name);

/* "EPERM" or "1" -> 1; -1 when unknown. */
long errno_from_name(const char *name);
const char *errno_name(int err);
