/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "policy.h"

/* A built-in profile's syscall policy, compiled when sandbox was built
 * (gen-bpf-cache): its sc_policy_key and the programs sc_compile gave. */
struct sc_cache_entry {
  const unsigned char *key;
  size_t key_len;
  const struct sock_filter *prog[2];
  size_t len[2];
  size_t n;
};

/* Generated; empty in a cross build. */
extern const struct sc_cache_entry sc_cache_table[];
extern const size_t sc_cache_n;

/* sc_compile, answered from the table when the policy's key is byte for
 * byte one of its keys (*hit then); any other policy is compiled. Pure. */
int sc_compile_cached(const struct sc_policy *p, struct sc_compiled *out, bool *hit,
                      struct diag *d);
