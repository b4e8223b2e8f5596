/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <linux/filter.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "syscalls.h"

/* One comparison on a syscall argument; op is libseccomp's enum
 * scmp_compare. For masked equality, a is the mask and b the value. */
struct sc_cmp {
  uint8_t arg;
  uint8_t op;
  uint64_t a, b;
};

/* A conjunction: libseccomp allows one comparison per argument. */
struct sc_alt {
  unsigned n;
  struct sc_cmp cmp[6];
};

/* "X gets action when any of alts holds". */
struct sc_exception {
  uint32_t action;
  struct sc_alt *alts;
  size_t n_alts;
  char *key; /* normalised condition text: a later identical one replaces */
  struct origin origin;
};

struct sc_entry {
  bool set; /* an unconditional rule gave this syscall its own action */
  uint32_t action;
  struct origin origin;
  struct sc_exception *exc;
  size_t n_exc;
};

struct sc_policy {
  bool active;
  uint32_t default_action;
  bool default_set;
  struct origin default_origin;
  struct sc_entry *entries; /* SC_MAX of them, allocated on first rule */
  uint32_t arches[8];       /* beyond the native one */
  size_t n_arches;
  size_t n_comparisons; /* in all exceptions, each syscall's counted */
};

/* Bounds on what is compiled, so that compiling stays well under a second
 * (documented in sandbox-profile(5)): alternatives (||) in one rule, and
 * comparisons in the whole policy, counted once per syscall a rule names. */
#define SC_MAX_ALTS        256
#define SC_MAX_COMPARISONS 1024

/* A compiled policy: the programs to stack, oldest first. */
struct sc_compiled {
  struct sock_filter *prog[2];
  size_t len[2];
  size_t n;
};

void sc_policy_free(struct sc_policy *p);

/* Parses "NAMES ACTION [if COND]" and records it; later rules for the same
 * syscall replace earlier ones (an unconditional rule also drops earlier
 * exceptions). o->col is the rule text's column; errors point inside it. */
int sc_policy_add_rule(struct sc_policy *p, const char *rule, const struct origin *o,
                       struct diag *d);
int sc_policy_set_default(struct sc_policy *p, const char *action, const struct origin *o,
                          struct diag *d);
int sc_policy_add_arch(struct sc_policy *p, const char *arch, struct diag *d);

/* Appends src's rules after dst's, as if they came later. */
void sc_policy_merge(struct sc_policy *dst, const struct sc_policy *src);

/* Everything sc_compile reads, as bytes: two policies with the same key
 * compile to the same programs. The policy's effective rules (not their
 * origins, which only errors show), the running libseccomp's version and
 * native architecture. *buf is malloc'd. Pure. */
int sc_policy_key(const struct sc_policy *p, unsigned char **buf, size_t *len);

/* Compiles with libseccomp (binary tree), in process. Pure. */
int sc_compile(const struct sc_policy *p, struct sc_compiled *out, struct diag *d);
void sc_compiled_free(struct sc_compiled *c);

/* A libseccomp filter as a BPF program (malloc'd): -errno. Pure. */
int sc_export_ctx(scmp_filter_ctx ctx, struct sock_filter **prog, size_t *len);

/* Parses an action word ("allow", "errno(EPERM)", ...). */
int sc_parse_action(const char *s, uint32_t *ret);
/* Writes a readable form of an action. */
void sc_format_action(uint32_t action, char *buf, size_t len);

/* Is a strictly more restrictive than b, in the kernel's precedence? */
bool sc_action_stricter(uint32_t a, uint32_t b);
