/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>

#include "diag.h"

struct rlimit_op {
  int resource;
  rlim_t soft, hard;
  bool has_hard;
};

/* "nofile=1024", "core=0", "as=4G:8G", "cpu=unlimited". Pure. */
int rlimit_parse(const char *spec, struct rlimit_op *ret, struct diag *d);

/* In the child, before exec. -errno; *failed names the resource. */
int rlimit_apply(const struct rlimit_op *ops, size_t n, const char **failed);

const char *rlimit_name(int resource);

/* "30", "1.5", "2m": seconds. Pure. */
int parse_duration(const char *s, double *ret);
/* "512M", "2G", "1048576": bytes. Pure. */
int parse_bytes(const char *s, uint64_t *ret);
