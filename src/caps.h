/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "plan.h"

/* "CAP_SYS_ADMIN", "cap_sys_admin" or "sys_admin" -> number, or -1. */
int caps_from_name(const char *name);

/* The capability set the command gets, as bwrap computes it: root keeps
 * everything unless told otherwise, anyone else starts from nothing. */
uint64_t caps_resolve(const struct plan *p, bool caller_is_root, uint64_t all);

/* Sets effective, permitted, inheritable, bounding and ambient to mask.
 * Returns -errno. */
int caps_apply(uint64_t mask);

uint64_t caps_all_supported(void);
