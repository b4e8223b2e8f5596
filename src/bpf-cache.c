/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The built-in profiles' filters, compiled at build time: libseccomp's
 * compile was the largest part of a start (about 290 us for the default
 * profile). Pure: no fork, no filter is loaded here. */
#include "bpf-cache.h"

#include <string.h>

#include "util.h"

#ifdef SC_CACHE_NONE
/* A cross build: the generator would run with the build machine's
 * libseccomp and architecture, so there is nothing to trust. */
const struct sc_cache_entry sc_cache_table[] = {{0}};
const size_t sc_cache_n = 0;
#endif

/* The whole key, compared byte for byte, never a hash of it: a profile
 * from a project must not be able to get a built-in's filter by making a
 * policy whose hash collides with it. */
static const struct sc_cache_entry *lookup(const unsigned char *key, size_t len)
{
  for (size_t i = 0; i < sc_cache_n; i++)
    if (sc_cache_table[i].key_len == len && memcmp(sc_cache_table[i].key, key, len) == 0)
      return &sc_cache_table[i];
  return NULL;
}

int sc_compile_cached(const struct sc_policy *p, struct sc_compiled *out, bool *hit, struct diag *d)
{
  _cleanup_free_ unsigned char *key = NULL;
  const struct sc_cache_entry *e;
  size_t len;
  int r;

  *hit = false;
  if (!p->active || sc_cache_n == 0)
    return sc_compile(p, out, d);
  if ((r = sc_policy_key(p, &key, &len)) < 0)
    return diag_set(d, -r, "cannot compute the syscall policy's key");
  e = lookup(key, len);
  if (!e)
    return sc_compile(p, out, d);
  memset(out, 0, sizeof *out);
  for (size_t i = 0; i < e->n; i++) {
    out->prog[i] = xreallocarray(NULL, e->len[i], sizeof *out->prog[i]);
    memcpy(out->prog[i], e->prog[i], e->len[i] * sizeof *out->prog[i]);
    out->len[i] = e->len[i];
  }
  out->n = e->n;
  *hit = true;
  return 0;
}
