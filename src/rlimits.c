/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "rlimits.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plan.h"
#include "util.h"

static const struct {
  const char *name;
  int resource;
} names[] = {
    {"as", RLIMIT_AS},           {"core", RLIMIT_CORE},         {"cpu", RLIMIT_CPU},
    {"data", RLIMIT_DATA},       {"fsize", RLIMIT_FSIZE},       {"locks", RLIMIT_LOCKS},
    {"memlock", RLIMIT_MEMLOCK}, {"msgqueue", RLIMIT_MSGQUEUE}, {"nice", RLIMIT_NICE},
    {"nofile", RLIMIT_NOFILE},   {"nproc", RLIMIT_NPROC},       {"rss", RLIMIT_RSS},
    {"rtprio", RLIMIT_RTPRIO},   {"rttime", RLIMIT_RTTIME},     {"sigpending", RLIMIT_SIGPENDING},
    {"stack", RLIMIT_STACK},
};

const char *rlimit_name(int resource)
{
  for (size_t i = 0; i < ELEMENTSOF(names); i++)
    if (names[i].resource == resource)
      return names[i].name;
  return "?";
}

int parse_bytes(const char *s, uint64_t *ret)
{
  char *end;
  unsigned long long v;
  uint64_t mult = 1;

  if (*s < '0' || *s > '9')
    return -EINVAL;
  errno = 0;
  v = strtoull(s, &end, 10);
  if (errno)
    return -ERANGE;
  if (*end) {
    const char *units = "KMGT", *u = strchr(units, *end & ~0x20);
    /* K, M, G, T (either case): powers of 1024. */
    if (!u || !*u)
      return -EINVAL;
    mult = UINT64_C(1) << (10 * (u - units + 1));
    end++;
  }
  if (*end)
    return -EINVAL;
  if (v > UINT64_MAX / mult)
    return -ERANGE;
  *ret = v * mult;
  return 0;
}

static int parse_limit_value(const char *s, rlim_t *ret)
{
  uint64_t v;

  if (strcmp(s, "unlimited") == 0 || strcmp(s, "infinity") == 0) {
    *ret = RLIM_INFINITY;
    return 0;
  }
  if (parse_bytes(s, &v) < 0)
    return -EINVAL;
  *ret = (rlim_t)v;
  return 0;
}

int rlimit_parse(const char *spec, struct rlimit_op *ret, struct diag *d)
{
  _cleanup_free_ char *copy = xstrdup(spec);
  char *eq = strchr(copy, '='), *colon;
  size_t i;

  if (!eq)
    return diag_set(d, EINVAL, "--rlimit takes NAME=SOFT[:HARD], got '%s'", spec);
  *eq = '\0';
  for (i = 0; i < ELEMENTSOF(names); i++)
    if (strcasecmp(names[i].name, copy) == 0 ||
        (strncasecmp(copy, "RLIMIT_", 7) == 0 && strcasecmp(names[i].name, copy + 7) == 0))
      break;
  if (i == ELEMENTSOF(names))
    return diag_set(d, EINVAL,
                    "unknown resource limit '%s' (as, core, cpu, data, fsize, locks, "
                    "memlock, msgqueue, nice, nofile, nproc, rss, rtprio, rttime, "
                    "sigpending, stack)",
                    copy);
  ret->resource = names[i].resource;
  colon = strchr(eq + 1, ':');
  if (colon)
    *colon = '\0';
  if (parse_limit_value(eq + 1, &ret->soft) < 0)
    return diag_set(d, EINVAL, "invalid limit '%s' for %s", eq + 1, copy);
  ret->has_hard = colon != NULL;
  ret->hard = ret->soft;
  if (colon && parse_limit_value(colon + 1, &ret->hard) < 0)
    return diag_set(d, EINVAL, "invalid limit '%s' for %s", colon + 1, copy);
  if (ret->has_hard && ret->soft != RLIM_INFINITY &&
      (ret->hard != RLIM_INFINITY && ret->soft > ret->hard))
    return diag_set(d, EINVAL, "soft limit above hard limit for %s", copy);
  return 0;
}

int rlimit_apply(const struct rlimit_op *ops, size_t n, const char **failed)
{
  for (size_t i = 0; i < n; i++) {
    /* One value sets both: a soft limit alone is a bound the command lifts
     * again with setrlimit(soft = hard). A hard limit above the current one
     * fails (EPERM) rather than being capped silently. */
    struct rlimit rl = {.rlim_cur = ops[i].soft, .rlim_max = ops[i].hard};

    if (setrlimit(ops[i].resource, &rl) == 0)
      continue;
    *failed = rlimit_name(ops[i].resource);
    return -errno;
  }
  return 0;
}

int parse_duration(const char *s, double *ret)
{
  char *end;
  double v;

  if (*s < '0' || *s > '9')
    return -EINVAL;
  errno = 0;
  v = strtod(s, &end);
  if (errno || !isfinite(v))
    return -EINVAL;
  if (strcmp(end, "ms") == 0)
    v /= 1000;
  else if (strcmp(end, "m") == 0)
    v *= 60;
  else if (strcmp(end, "h") == 0)
    v *= 3600;
  else if (*end && strcmp(end, "s") != 0)
    return -EINVAL;
  if (v <= 0 || v > 1e9)
    return -ERANGE;
  *ret = v;
  return 0;
}
