/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "caps.h"

#include <cap-ng.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>

#include "util.h"

int caps_from_name(const char *name)
{
  const char *n = name;
  int r;

  if (strncasecmp(n, "CAP_", 4) == 0)
    n += 4;
  if (!*n)
    return -1;
  r = capng_name_to_capability(n);
  return r < 0 ? -1 : r;
}

/* The bounding set as caps_all_supported() last read it (or caps_apply()
 * left it), so that applying does not read it again. */
static uint64_t bset_cache;
static bool bset_cached;

uint64_t caps_all_supported(void)
{
  uint64_t all = 0;

  /* In a new user namespace the bounding set is full again, so this is
   * asked in the child, after clone. */
  for (int c = 0; c < 64; c++) {
    int r = prctl(PR_CAPBSET_READ, c, 0, 0, 0);
    if (r < 0)
      break;
    if (r > 0)
      all |= UINT64_C(1) << c;
  }
  bset_cache = all;
  bset_cached = true;
  return all;
}

uint64_t caps_resolve(const struct plan *p, bool caller_is_root, uint64_t all)
{
  uint64_t mask = caller_is_root ? all : 0;

  for (size_t i = 0; i < p->n_caps; i++) {
    uint64_t bit = p->caps[i].cap < 0 ? all : (UINT64_C(1) << p->caps[i].cap);
    if (p->caps[i].add)
      mask |= bit;
    else
      mask &= ~bit;
  }
  return mask;
}

/* libcap-ng keeps the names and the sets; the bounding and ambient sets
 * are applied here directly. capng_apply(CAPNG_SELECT_ALL) tries to drop
 * every bounding capability (present or not) and reads /proc/1/status
 * three times on the way: ~90 system calls where ~45 do. */
int caps_apply(uint64_t mask)
{
  const capng_type_t sets = CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_INHERITABLE;
  uint64_t bset = bset_cached ? bset_cache : caps_all_supported();

  /* Bounding set first: dropping needs CAP_SETPCAP, which capset may take. */
  for (int c = 0; c < 64; c++) {
    uint64_t bit = UINT64_C(1) << c;
    if ((bset & bit) && !(mask & bit) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0)
      return -EPERM;
  }
  bset_cache = bset & mask;
  capng_clear(CAPNG_SELECT_CAPS);
  for (int c = 0; c < 64; c++)
    if (mask & (UINT64_C(1) << c))
      if (capng_update(CAPNG_ADD, sets, (unsigned)c) < 0)
        return -EINVAL;
  if (capng_apply(CAPNG_SELECT_CAPS) < 0)
    return -EPERM;
  /* Ambient: exactly mask (each needs the permitted and inheritable bit
   * set just now). */
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return -EPERM;
  for (int c = 0; c < 64; c++)
    if ((mask & (UINT64_C(1) << c)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0 &&
        errno != EINVAL)
      return -EPERM;
  return 0;
}
