/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The build-time filters (bpf-cache.c): every built-in profile is answered
 * from the table with exactly what sc_compile gives, and a policy that
 * differs in any field sc_compile reads is compiled, not answered. */
#include <seccomp.h>
#include <stdlib.h>

#include "bpf-cache.h"
#include "memenv.h"
#include "policy.h"
#include "tap.h"

static int apply(struct plan *p, const char *profile, struct diag *d)
{
  static const struct memfile none[] = {{NULL, NULL}};
  static struct memenv m = {none, default_vars};
  static struct profile_env env = {mem_load, mem_getvar, &m};

  plan_init(p);
  p->penv = &env;
  return profile_apply_named(p, profile, &env, NULL, d);
}

static bool same(const struct sc_compiled *a, const struct sc_compiled *b)
{
  if (a->n != b->n)
    return false;
  for (size_t i = 0; i < a->n; i++)
    if (a->len[i] != b->len[i] || memcmp(a->prog[i], b->prog[i], a->len[i] * sizeof *a->prog[i]))
      return false;
  return true;
}

/* Compiles p both ways: 1 on a hit, 0 on a miss, -1 when either failed or
 * they differ. */
static int both(const struct sc_policy *p, const char *what)
{
  struct sc_compiled fresh, cached;
  struct diag d = {0};
  bool hit = false;
  int r1, r2, r;

  r1 = sc_compile(p, &fresh, &d);
  r2 = sc_compile_cached(p, &cached, &hit, &d);
  /* every policy here compiles */
  r = r1 == 0 && r2 == 0 && same(&fresh, &cached) ? hit : -1;
  if (r < 0)
    printf("# %s: fresh %d, cached %d, not the same programs (%s)\n", what, r1, r2, d.msg);
  if (r1 == 0)
    sc_compiled_free(&fresh);
  if (r2 == 0)
    sc_compiled_free(&cached);
  return r;
}

static void test_builtins(void)
{
  size_t with_rules = 0, hits = 0;

#ifdef SC_CACHE_NONE
  /* a cross build: no table, everything is compiled */
  ok(sc_cache_n == 0, "a cross build has no build-time table");
#else
  ok(sc_cache_n > 0, "the build-time table has entries (%zu)", sc_cache_n);
#endif
  for (size_t i = 0; i < n_builtin_profiles; i++) {
    const char *name = builtin_profiles[i].name;
    struct plan p;
    struct diag d = {0};
    int r;

    if (apply(&p, name, &d) < 0 || !p.sc.active) {
      plan_free(&p);
      continue;
    }
    with_rules++;
    r = both(&p.sc, name);
#ifdef SC_CACHE_NONE
    ok(r == 0, "%s: compiled", name);
#else
    ok(r == 1, "%s: answered from the table, the programs sc_compile gives", name);
#endif
    hits += r == 1;
    plan_free(&p);
  }
  /* strict, default and base-nosuid at least: a table that went empty
   * (or a key that stopped matching) fails here */
#ifdef SC_CACHE_NONE
  ok(with_rules >= 3 && hits == 0, "no hit in a cross build (%zu)", hits);
#else
  ok(with_rules >= 3 && hits == with_rules, "%zu of %zu built-ins with syscall rules hit", hits,
     with_rules);
#endif
}

/* A condition of the default profile's: ptrace's "a1 & 0xffffffff == 1". */
static struct sc_cmp *masked_cmp(struct sc_policy *p)
{
  for (int nr = 0; nr < SC_MAX; nr++)
    for (size_t j = 0; j < p->entries[nr].n_exc; j++) {
      struct sc_exception *x = &p->entries[nr].exc[j];
      for (size_t k = 0; k < x->n_alts; k++)
        for (unsigned i = 0; i < x->alts[k].n; i++)
          if (x->alts[k].cmp[i].op == SCMP_CMP_MASKED_EQ)
            return &x->alts[k].cmp[i];
    }
  return NULL;
}

/* socket's "a0 == 3": a plain comparison, a == b */
static struct sc_cmp *plain_cmp(struct sc_policy *p)
{
  struct sc_entry *e = &p->entries[syscall_lookup("socket")];

  for (size_t j = 0; j < e->n_exc; j++)
    for (size_t k = 0; k < e->exc[j].n_alts; k++)
      if (e->exc[j].alts[k].cmp[0].op == SCMP_CMP_EQ && e->exc[j].alts[k].cmp[0].b == 3)
        return &e->exc[j].alts[k].cmp[0];
  return NULL;
}

static struct sc_exception *an_exception(struct sc_policy *p)
{
  struct sc_entry *e = &p->entries[syscall_lookup("ptrace")];
  return e->n_exc ? &e->exc[0] : NULL;
}

static struct sc_entry *a_rule(struct sc_policy *p)
{
  struct sc_entry *e = &p->entries[syscall_lookup("bpf")];
  return e->set ? e : NULL;
}

/* Each changes one field sc_compile reads; 0 when it could not. */
static int add_rule(struct sc_policy *p)
{
  struct origin o = {"test", 1, 1};
  return sc_policy_add_rule(p, "getppid errno(EPERM)", &o, NULL) == 0;
}
static int add_condition(struct sc_policy *p)
{
  struct origin o = {"test", 1, 1};
  return sc_policy_add_rule(p, "getppid errno(EPERM) if a0 == 1", &o, NULL) == 0;
}
static int add_arch(struct sc_policy *p)
{
  return sc_policy_add_arch(p, "x86", NULL) == 0 && p->n_arches == 1;
}
static int default_action(struct sc_policy *p)
{
  struct origin o = {"test", 1, 1};
  return sc_policy_set_default(p, "log", &o, NULL) == 0;
}
/* The default alone: the syscalls that had it keep it as their own. */
static int default_only(struct sc_policy *p)
{
  for (int nr = 0; nr < SC_MAX; nr++)
    if (!p->entries[nr].set && p->entries[nr].n_exc) {
      p->entries[nr].set = true;
      p->entries[nr].action = p->default_action;
    }
  return default_action(p);
}
static int cmp_value(struct sc_policy *p)
{
  struct sc_cmp *c = masked_cmp(p);
  return c ? (c->b ^= 2, 1) : 0;
}
static int cmp_mask(struct sc_policy *p)
{
  struct sc_cmp *c = masked_cmp(p);
  return c ? (c->a = 0xff, 1) : 0;
}
static int cmp_arg(struct sc_policy *p)
{
  struct sc_cmp *c = masked_cmp(p);
  return c ? (c->arg = c->arg == 1 ? 2 : 1, 1) : 0;
}
static int cmp_op(struct sc_policy *p)
{
  struct sc_cmp *c = plain_cmp(p);
  return c ? (c->op = SCMP_CMP_GE, 1) : 0;
}
static int exception_action(struct sc_policy *p)
{
  struct sc_exception *x = an_exception(p);
  return x ? (x->action = SCMP_ACT_ERRNO(EACCES), 1) : 0;
}
static int fewer_alternatives(struct sc_policy *p)
{
  struct sc_exception *x = &p->entries[syscall_lookup("socket")].exc[0];
  return x->n_alts > 1 ? (x->n_alts--, 1) : 0;
}
static int rule_action(struct sc_policy *p)
{
  struct sc_entry *e = a_rule(p);
  return e ? (e->action = SCMP_ACT_ERRNO(EACCES), 1) : 0;
}

static void test_misses(void)
{
  static const struct {
    const char *what;
    int (*change)(struct sc_policy *p);
  } changes[] = {
      {"one more rule (as --syscall)", add_rule},
      {"one more condition", add_condition},
      {"an extra architecture", add_arch},
      {"another default action", default_action},
      {"another default action, nothing else", default_only},
      {"a comparison's value", cmp_value},
      {"a comparison's mask", cmp_mask},
      {"a comparison's argument", cmp_arg},
      {"a comparison's operator", cmp_op},
      {"a condition's action", exception_action},
      {"one alternative fewer", fewer_alternatives},
      {"a syscall's own action", rule_action},
  };

  for (size_t i = 0; i < ELEMENTSOF(changes); i++) {
    struct plan p;
    struct diag d = {0};

    if (apply(&p, "default", &d) < 0 || !changes[i].change(&p.sc)) {
      ok(0, "default with %s: cannot make the change (%s)", changes[i].what, d.msg);
      plan_free(&p);
      continue;
    }
    ok(both(&p.sc, changes[i].what) == 0, "default with %s: compiled, as sc_compile does",
       changes[i].what);
    plan_free(&p);
  }
}

/* Where a rule came from is no input of the compile: a profile edited
 * around its rules (a comment, a moved line) still hits. */
static void test_origins(void)
{
  struct plan p;
  struct diag d = {0};
  struct sc_exception *x;
  struct sc_entry *e;

  ok(apply(&p, "default", &d) == 0, "default applies");
  x = an_exception(&p.sc);
  e = a_rule(&p.sc);
  ok(x && e, "default has a condition on ptrace and a rule on bpf");
  if (x && e) {
    x->origin.line += 7;
    e->origin.line += 3;
    p.sc.default_origin.line += 1;
  }
#ifdef SC_CACHE_NONE
  ok(both(&p.sc, "moved lines") == 0, "the same rules from other lines: compiled (cross build)");
#else
  ok(both(&p.sc, "moved lines") == 1, "the same rules from other lines: answered from the table");
#endif
  plan_free(&p);
}

static void key_of(const char *arch, unsigned char **key, size_t *len)
{
  struct plan p;
  struct diag d = {0};

  *key = NULL;
  *len = 0;
  if (apply(&p, "default", &d) == 0 && (!arch || sc_policy_add_arch(&p.sc, arch, &d) == 0))
    sc_policy_key(&p.sc, key, len);
  plan_free(&p);
}

static void test_key(void)
{
  unsigned char *k1, *k2, *k3;
  size_t n1, n2, n3;

  key_of(NULL, &k1, &n1);
  key_of(NULL, &k2, &n2);
  ok(n1 > 0 && n1 == n2 && memcmp(k1, k2, n1) == 0, "the key is a function of the policy");
  free(k1);
  free(k2);
  /* No built-in adds an architecture, so no table entry can show this one:
   * the keys themselves must differ. */
  key_of("x86", &k1, &n1);
  key_of("x32", &k2, &n2);
  key_of("arm", &k3, &n3);
  ok(n1 > 0 && n2 > 0 && (n1 != n2 || memcmp(k1, k2, n1) != 0),
     "default with x86 or x32 added: different keys");
  ok(n1 > 0 && n3 > 0 && (n1 != n3 || memcmp(k1, k3, n1) != 0),
     "default with x86 or arm added: different keys");
  free(k1);
  free(k2);
  free(k3);
}

int main(void)
{
  test_builtins();
  test_misses();
  test_origins();
  test_key();
  return tap_done();
}
