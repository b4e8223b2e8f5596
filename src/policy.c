/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Syscall rules: parsing of "NAMES ACTION [if COND]" and compilation with
 * libseccomp. Pure: no fork, no filter is loaded here. */
#include "policy.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "constants.h"
#include "util.h"

void sc_policy_free(struct sc_policy *p)
{
  if (p->entries) {
    for (size_t i = 0; i < SC_MAX; i++) {
      struct sc_entry *e = &p->entries[i];
      for (size_t j = 0; j < e->n_exc; j++) {
        free(e->exc[j].alts);
        free(e->exc[j].key);
      }
      free(e->exc);
    }
    free(p->entries);
  }
  memset(p, 0, sizeof *p);
}

static void activate(struct sc_policy *p)
{
  if (!p->active) {
    p->active = true;
    p->default_action = SCMP_ACT_ALLOW;
  }
  if (!p->entries)
    p->entries = xcalloc(SC_MAX, sizeof *p->entries);
}

bool sc_action_stricter(uint32_t a, uint32_t b)
{
  /* The kernel keeps the lowest action value, read as signed. */
  return (int32_t)(a & SECCOMP_RET_ACTION_FULL) < (int32_t)(b & SECCOMP_RET_ACTION_FULL);
}

/* Action words, for parsing and for --explain. */
static const struct {
  const char *name;
  uint32_t action;
} plain_actions[] = {
    {"allow", SCMP_ACT_ALLOW},
    {"log", SCMP_ACT_LOG},
    {"trap", SCMP_ACT_TRAP},
    {"kill", SCMP_ACT_KILL_PROCESS},
    {"kill-process", SCMP_ACT_KILL_PROCESS},
    {"kill-thread", SCMP_ACT_KILL_THREAD},
};

int sc_parse_action(const char *s, uint32_t *ret)
{
  size_t n = strlen(s);
  long err;

  for (size_t i = 0; i < ELEMENTSOF(plain_actions); i++)
    if (strcmp(s, plain_actions[i].name) == 0) {
      *ret = plain_actions[i].action;
      return 0;
    }
  if (strcmp(s, "errno") == 0) {
    *ret = SCMP_ACT_ERRNO(EPERM);
    return 0;
  }
  if (n > 7 && strncmp(s, "errno(", 6) == 0 && s[n - 1] == ')') {
    char name[32];
    if (n - 7 >= sizeof name)
      return -EINVAL;
    memcpy(name, s + 6, n - 7);
    name[n - 7] = '\0';
    err = errno_from_name(name);
    if (err <= 0 || err > 4095)
      return -ENOENT;
    *ret = SCMP_ACT_ERRNO((uint32_t)err);
    return 0;
  }
  return -EINVAL;
}

void sc_format_action(uint32_t action, char *buf, size_t len)
{
  const char *n;

  /* The first name of an action is its canonical one ("kill"). */
  for (size_t i = 0; i < ELEMENTSOF(plain_actions); i++)
    if (plain_actions[i].action == (action & SECCOMP_RET_ACTION_FULL)) {
      snprintf(buf, len, "%s", plain_actions[i].name);
      return;
    }
  if ((action & SECCOMP_RET_ACTION_FULL) != SCMP_ACT_ERRNO(0)) {
    snprintf(buf, len, "0x%08x", action);
    return;
  }
  n = errno_name((int)(action & 0xffff));
  if (n)
    snprintf(buf, len, "errno(%s)", n);
  else
    snprintf(buf, len, "errno(%u)", action & 0xffff);
}

/* ---- tokenizer for rule text ---- */

enum tok_kind { T_END, T_WORD, T_OP, T_COMMA };

struct lexer {
  const char *s;
  size_t pos;
  /* current token */
  enum tok_kind kind;
  size_t start, len;
};

static bool word_char(char c)
{
  return isalnum((unsigned char)c) || c == '_' || c == '@' || c == '-' || c == '(' || c == ')';
}

static void next(struct lexer *l)
{
  static const char *const ops[] = {"==", "!=", "<=", ">=", "&&", "||", "<", ">", "&", "|"};
  const char *s = l->s;

  while (s[l->pos] == ' ' || s[l->pos] == '\t')
    l->pos++;
  l->start = l->pos;
  if (!s[l->pos]) {
    l->kind = T_END;
    l->len = 0;
    return;
  }
  if (s[l->pos] == ',') {
    l->kind = T_COMMA;
    l->len = 1;
    l->pos++;
    return;
  }
  for (size_t i = 0; i < ELEMENTSOF(ops); i++) {
    size_t n = strlen(ops[i]);
    if (strncmp(s + l->pos, ops[i], n) == 0) {
      l->kind = T_OP;
      l->len = n;
      l->pos += n;
      return;
    }
  }
  while (s[l->pos] && word_char(s[l->pos]))
    l->pos++;
  if (l->pos == l->start) /* a character no token starts with */
    l->pos++;
  l->kind = T_WORD;
  l->len = l->pos - l->start;
}

static bool tok_is(const struct lexer *l, const char *t)
{
  return l->len == strlen(t) && strncmp(l->s + l->start, t, l->len) == 0;
}

static char *tok_dup(const struct lexer *l)
{
  char *r = xmalloc(l->len + 1);
  memcpy(r, l->s + l->start, l->len);
  r[l->len] = '\0';
  return r;
}

/* Errors point at the token: the origin's column plus its offset. */
static int lex_error(const struct lexer *l, const struct origin *o, struct diag *d, int err,
                     const char *fmt, ...) _printf_(5, 6);
static int lex_error(const struct lexer *l, const struct origin *o, struct diag *d, int err,
                     const char *fmt, ...)
{
  va_list ap;

  if (d) {
    d->where = *o;
    d->where.col = o->col + (unsigned)l->start;
    va_start(ap, fmt);
    vsnprintf(d->msg, sizeof d->msg, fmt, ap);
    va_end(ap);
  }
  return -err;
}

/* " (did you mean 'X'?)" or "". */
static const char *hint(char *buf, size_t len, const char *prefix, const char *s)
{
  if (!s)
    return "";
  snprintf(buf, len, " (did you mean '%s%s'?)", prefix, s);
  return buf;
}

/* ---- conditions ---- */

static int parse_value(struct lexer *l, const struct origin *o, struct diag *d, uint64_t *ret)
{
  uint64_t v = 0;

  for (;;) {
    _cleanup_free_ char *w = NULL;
    uint64_t term;

    if (l->kind != T_WORD)
      return lex_error(l, o, d, EINVAL, "expected a number or a constant");
    w = tok_dup(l);
    if (isdigit((unsigned char)w[0])) {
      char *end;
      errno = 0;
      term = strtoull(w, &end, 0);
      if (errno || *end)
        return lex_error(l, o, d, EINVAL, "invalid number '%s'", w);
    } else if (constant_lookup(w, &term) < 0) {
      char h[160];
      return lex_error(l, o, d, ENOENT, "unknown constant '%s'%s", w,
                       hint(h, sizeof h, "", constant_suggest(w)));
    }
    v |= term;
    next(l);
    if (!(l->kind == T_OP && tok_is(l, "|")))
      break;
    next(l);
  }
  *ret = v;
  return 0;
}

static int parse_cmp(struct lexer *l, const struct origin *o, struct diag *d, struct sc_cmp *c)
{
  static const struct {
    const char *op;
    enum scmp_compare cmp;
  } ops[] = {
      {"==", SCMP_CMP_EQ}, {"!=", SCMP_CMP_NE}, {"<", SCMP_CMP_LT},
      {"<=", SCMP_CMP_LE}, {">", SCMP_CMP_GT},  {">=", SCMP_CMP_GE},
  };
  bool masked = false;
  uint64_t mask = 0;
  int r;

  if (l->kind != T_WORD || l->len < 2 || !(l->s[l->start] == 'a') ||
      !(tok_is(l, "a0") || tok_is(l, "a1") || tok_is(l, "a2") || tok_is(l, "a3") ||
        tok_is(l, "a4") || tok_is(l, "a5")))
    return lex_error(l, o, d, EINVAL, "expected an argument a0..a5");
  c->arg = (uint8_t)(l->s[l->start + 1] - '0');
  next(l);
  if (l->kind == T_OP && tok_is(l, "&")) {
    next(l);
    if ((r = parse_value(l, o, d, &mask)) < 0)
      return r;
    masked = true;
  }
  if (l->kind != T_OP)
    return lex_error(l, o, d, EINVAL, "expected a comparison (== != < <= > >=)");
  for (size_t i = 0; i < ELEMENTSOF(ops); i++) {
    if (!tok_is(l, ops[i].op))
      continue;
    if (masked && ops[i].cmp != SCMP_CMP_EQ)
      return lex_error(l, o, d, EINVAL, "a masked argument can only be compared with ==");
    next(l);
    if ((r = parse_value(l, o, d, &c->b)) < 0)
      return r;
    c->op = (uint8_t)(masked ? SCMP_CMP_MASKED_EQ : ops[i].cmp);
    c->a = masked ? mask : c->b;
    return 0;
  }
  return lex_error(l, o, d, EINVAL, "expected a comparison (== != < <= > >=)");
}

static int parse_cond(struct lexer *l, const struct origin *o, struct diag *d,
                      struct sc_exception *e)
{
  for (;;) {
    struct sc_alt alt = {0};
    struct lexer first = *l; /* where this alternative starts */
    int r;

    for (;;) {
      struct sc_cmp c;
      size_t at = l->start;

      if ((r = parse_cmp(l, o, d, &c)) < 0)
        return r;
      for (unsigned i = 0; i < alt.n; i++)
        if (alt.cmp[i].arg == c.arg) {
          struct lexer here = *l;
          here.start = at;
          return lex_error(&here, o, d, EINVAL,
                           "argument compared twice in one alternative; split it with ||%s", "");
        }
      alt.cmp[alt.n++] = c;
      if (!(l->kind == T_OP && tok_is(l, "&&")))
        break;
      next(l);
    }
    /* Refused while parsing: libseccomp's compile time grows faster than
     * the number of alternatives (30,000 took over a minute). */
    if (e->n_alts == SC_MAX_ALTS)
      return lex_error(&first, o, d, E2BIG,
                       "more than %d alternatives in one rule (too large to compile)", SC_MAX_ALTS);
    e->alts = xreallocarray(e->alts, e->n_alts + 1, sizeof *e->alts);
    e->alts[e->n_alts++] = alt;
    if (!(l->kind == T_OP && tok_is(l, "||")))
      break;
    next(l);
  }
  if (l->kind != T_END)
    return lex_error(l, o, d, EINVAL, "unexpected '%s' after the condition", l->s + l->start);
  return 0;
}

/* ---- names ---- */

static int parse_names(struct lexer *l, const struct origin *o, struct diag *d, sc_set *set)
{
  for (;;) {
    _cleanup_free_ char *w = NULL;

    if (l->kind != T_WORD)
      return lex_error(l, o, d, EINVAL, "expected a syscall name or @group");
    w = tok_dup(l);
    if (w[0] == '@') {
      const struct syscall_group *g = syscall_group_lookup(w);
      if (!g || syscall_group_expand(g, set) < 0) {
        char h[160];
        return lex_error(l, o, d, ENOENT, "unknown syscall group '%s'%s", w,
                         hint(h, sizeof h, "@", syscall_suggest(w)));
      }
    } else {
      int nr = syscall_lookup(w);
      if (nr < 0 || nr >= SC_MAX) {
        char h[160];
        return lex_error(l, o, d, ENOENT, "unknown syscall '%s'%s", w,
                         hint(h, sizeof h, "", syscall_suggest(w)));
      }
      sc_set_add(set, nr);
    }
    next(l);
    if (l->kind != T_COMMA)
      return 0;
    next(l);
  }
}

static size_t comparisons(const struct sc_exception *x)
{
  size_t n = 0;

  for (size_t k = 0; k < x->n_alts; k++)
    n += x->alts[k].n;
  return n;
}

static void set_exception(struct sc_policy *p, struct sc_entry *e, const struct sc_exception *x)
{
  p->n_comparisons += comparisons(x);
  for (size_t i = 0; i < e->n_exc; i++)
    if (strcmp(e->exc[i].key, x->key) == 0) {
      p->n_comparisons -= comparisons(&e->exc[i]);
      free(e->exc[i].alts);
      free(e->exc[i].key);
      memmove(&e->exc[i], &e->exc[i + 1], (e->n_exc - i - 1) * sizeof *e->exc);
      e->n_exc--;
      break;
    }
  e->exc = xreallocarray(e->exc, e->n_exc + 1, sizeof *e->exc);
  e->exc[e->n_exc] = *x;
  e->exc[e->n_exc].alts = xreallocarray(NULL, x->n_alts, sizeof *x->alts);
  memcpy(e->exc[e->n_exc].alts, x->alts, x->n_alts * sizeof *x->alts);
  e->exc[e->n_exc].key = xstrdup(x->key);
  e->n_exc++;
}

static void clear_exceptions(struct sc_policy *p, struct sc_entry *e)
{
  for (size_t j = 0; j < e->n_exc; j++) {
    p->n_comparisons -= comparisons(&e->exc[j]);
    free(e->exc[j].alts);
    free(e->exc[j].key);
  }
  free(e->exc);
  e->exc = NULL;
  e->n_exc = 0;
}

int sc_policy_add_rule(struct sc_policy *p, const char *rule, const struct origin *o,
                       struct diag *d)
{
  struct lexer l = {.s = rule};
  struct sc_exception x = {.origin = *o};
  _cleanup_free_ char *act = NULL;
  sc_set set = {0};
  int r;

  next(&l);
  if ((r = parse_names(&l, o, d, &set)) < 0)
    return r;
  if (l.kind != T_WORD)
    return lex_error(&l, o, d, EINVAL,
                     "expected an action (allow, errno(E), kill, kill-thread, trap, log)%s", "");
  act = tok_dup(&l);
  r = sc_parse_action(act, &x.action);
  if (r == -ENOENT)
    return lex_error(&l, o, d, EINVAL, "unknown errno in '%s'", act);
  if (r < 0)
    return lex_error(&l, o, d, EINVAL,
                     "unknown action '%s' (allow, errno(E), kill, kill-thread, trap, log)", act);
  next(&l);
  if (l.kind == T_WORD && tok_is(&l, "if")) {
    const char *cond;
    next(&l);
    cond = rule + l.start;
    r = parse_cond(&l, o, d, &x);
    if (r < 0) {
      free(x.alts);
      return r;
    }
    x.key = xstrdup(cond);
  } else if (l.kind != T_END) {
    return lex_error(&l, o, d, EINVAL, "unexpected '%s' (conditions start with 'if')",
                     rule + l.start);
  }

  activate(p);
  for (int nr = sc_set_next(&set, 0); nr >= 0; nr = sc_set_next(&set, nr + 1)) {
    struct sc_entry *e = &p->entries[nr];
    if (x.key) {
      set_exception(p, e, &x);
    } else {
      clear_exceptions(p, e);
      e->set = true;
      e->action = x.action;
      e->origin = *o;
    }
  }
  free(x.alts);
  free(x.key);
  /* Refused as soon as it happens: a profile of thousands of conditions on
   * @groups took minutes to parse, before any compiling. */
  if (p->n_comparisons > SC_MAX_COMPARISONS)
    return lex_error(&(struct lexer){.s = rule}, o, d, E2BIG,
                     "the syscall rules have more than %d comparisons with this rule (each "
                     "counted once per syscall the rule names): too large to compile",
                     SC_MAX_COMPARISONS);
  return 0;
}

int sc_policy_set_default(struct sc_policy *p, const char *action, const struct origin *o,
                          struct diag *d)
{
  uint32_t a;

  if (sc_parse_action(action, &a) < 0)
    return diag_set(d, EINVAL,
                    "unknown action '%s' (allow, errno(E), kill, kill-thread, trap, log)", action);
  activate(p);
  p->default_action = a;
  p->default_origin = *o;
  p->default_set = true;
  return 0;
}

int sc_policy_add_arch(struct sc_policy *p, const char *arch, struct diag *d)
{
  uint32_t a = seccomp_arch_resolve_name(arch);

  if (!a)
    return diag_set(d, EINVAL, "unknown architecture '%s'", arch);
  if (a == seccomp_arch_native())
    return 0;
  for (size_t i = 0; i < p->n_arches; i++)
    if (p->arches[i] == a)
      return 0;
  if (p->n_arches == ELEMENTSOF(p->arches))
    return diag_set(d, E2BIG, "too many architectures");
  activate(p);
  p->arches[p->n_arches++] = a;
  return 0;
}

void sc_policy_merge(struct sc_policy *dst, const struct sc_policy *src)
{
  if (!src->active)
    return;
  activate(dst);
  if (src->default_set) {
    dst->default_action = src->default_action;
    dst->default_origin = src->default_origin;
    dst->default_set = true;
  }
  for (size_t i = 0; i < src->n_arches; i++) {
    bool have = false;
    for (size_t j = 0; j < dst->n_arches; j++)
      have |= dst->arches[j] == src->arches[i];
    if (!have && dst->n_arches < ELEMENTSOF(dst->arches))
      dst->arches[dst->n_arches++] = src->arches[i];
  }
  for (int nr = 0; nr < SC_MAX && src->entries; nr++) {
    const struct sc_entry *s = &src->entries[nr];
    struct sc_entry *e = &dst->entries[nr];
    if (s->set) {
      clear_exceptions(dst, e);
      e->set = true;
      e->action = s->action;
      e->origin = s->origin;
    }
    for (size_t j = 0; j < s->n_exc; j++)
      set_exception(dst, e, &s->exc[j]);
  }
}

/* ---- compilation ---- */

void sc_compiled_free(struct sc_compiled *c)
{
  for (size_t i = 0; i < c->n; i++)
    free(c->prog[i]);
  memset(c, 0, sizeof *c);
}

int sc_export_ctx(scmp_filter_ctx ctx, struct sock_filter **prog, size_t *len)
{
  _cleanup_close_ int fd = memfd_create("seccomp-bpf", MFD_CLOEXEC);
  _cleanup_free_ char *buf = NULL;
  size_t n;
  int r;

  if (fd < 0)
    return -errno;
  r = seccomp_export_bpf(ctx, fd);
  if (r < 0)
    return r;
  if (lseek(fd, 0, SEEK_SET) < 0)
    return -errno;
  r = read_all(fd, &buf, &n);
  if (r < 0)
    return r;
  if (n % sizeof(struct sock_filter))
    return -EPROTO;
  *prog = (struct sock_filter *)take_ptr(&buf);
  *len = n / sizeof(struct sock_filter);
  return 0;
}

/* Syscalls the table does not know get ENOSYS, never EPERM, so libc's
 * fallbacks work; this includes numbers newer than our libseccomp and the
 * x32 range. A prefix of plain loads and jumps on the number only, which
 * the kernel's constant-action cache can still see through, and which
 * falls through to the libseccomp program (its jumps are relative).
 *
 * One block per architecture: an added one gets the same treatment from
 * its own table (i386 numbers past libseccomp's, such as listmount or
 * open_tree_attr, were allowed under a default-allow policy while the
 * native ones were ENOSYS). Block layout:
 *   ld arch; jeq ARCH else next block; ld nr; [jset x32 (native)];
 *   jgt max -> ENOSYS; per gap: jge lo / jgt hi -> ENOSYS;
 *   ja <program>; ret ENOSYS */
struct prefix {
  struct sock_filter *f;
  size_t n, cap;
};

static void emit(struct prefix *px, struct sock_filter ins)
{
  if (px->n == px->cap) {
    px->cap = px->cap ? 2 * px->cap : 256;
    px->f = xreallocarray(px->f, px->cap, sizeof *px->f);
  }
  px->f[px->n++] = ins;
}

/* Architectures whose syscall numbers all lie below SC_MAX, so that the
 * known set below is the whole table (not ARM, with its private calls at
 * 0xf0000, nor MIPS, which starts at 4000). */
static bool dense_arch(uint32_t arch)
{
  return arch == SCMP_ARCH_X86 || arch == SCMP_ARCH_X86_64 || arch == SCMP_ARCH_AARCH64 ||
         arch == SCMP_ARCH_RISCV64;
}

static void arch_known(uint32_t arch, sc_set *known)
{
  for (int nr = 0; nr < SC_MAX; nr++) {
    char *name = seccomp_syscall_resolve_num_arch(arch, nr);
    if (name)
      sc_set_add(known, nr);
    free(name);
  }
}

/* The block's jumps are 8-bit: at most 64 gaps keep it under 140. */
static void emit_block(struct prefix *px, uint32_t arch, const sc_set *known, bool native, bool x32)
{
  int gaps[64][2], n_gaps = 0, max = 0;
  size_t start = px->n, len, enosys, ja;

  for (int nr = 0; nr < SC_MAX; nr++)
    if (sc_set_has(known, nr))
      max = nr;
  for (int nr = 0; nr <= max && n_gaps < 64; nr++) {
    int lo = nr;
    while (nr <= max && !sc_set_has(known, nr))
      nr++;
    if (nr > lo) {
      gaps[n_gaps][0] = lo;
      gaps[n_gaps][1] = nr - 1;
      n_gaps++;
    }
  }
  len = (native ? 5 : 4) + 2 * (size_t)n_gaps + 2;
  ja = start + len - 2;
  enosys = start + len - 1;
#define JUMP(code, k, to_t, to_f)                                                                  \
  emit(px, (struct sock_filter)BPF_JUMP(BPF_JMP | (code), (k), (uint8_t)((to_t)-px->n - 1),        \
                                        (uint8_t)((to_f)-px->n - 1)))
  emit(px, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4));
  JUMP(BPF_JEQ | BPF_K, arch, px->n + 1, start + len);
  emit(px, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0));
  /* x32 shares x86-64's audit arch, its numbers with bit 30 set: when the
   * policy accepts x32, they go on to libseccomp's program, which has the
   * x32 rules. */
  if (native)
    JUMP(BPF_JSET | BPF_K, 0x40000000, x32 ? ja : enosys, px->n + 1);
  JUMP(BPF_JGT | BPF_K, (uint32_t)max, enosys, px->n + 1);
  for (int i = 0; i < n_gaps; i++) {
    JUMP(BPF_JGE | BPF_K, (uint32_t)gaps[i][0], px->n + 1, px->n + 2);
    JUMP(BPF_JGT | BPF_K, (uint32_t)gaps[i][1], px->n + 1, enosys);
  }
#undef JUMP
  /* to the program: patched once the prefix's length is known */
  emit(px, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, 0, 0, 0));
  emit(px, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS));
}

static struct sock_filter *enosys_prefix(const struct sc_policy *p, size_t *ret_len)
{
  struct prefix px = {0};
  sc_set known = {0};
  bool x32 = false;

  for (size_t i = 0; i < p->n_arches; i++)
    x32 |= p->arches[i] == SCMP_ARCH_X32;
  syscall_known(&known);
  emit_block(&px, seccomp_arch_native(), &known, true, x32);
  for (size_t i = 0; i < p->n_arches; i++) {
    if (!dense_arch(p->arches[i]))
      continue;
    memset(&known, 0, sizeof known);
    arch_known(p->arches[i], &known);
    emit_block(&px, p->arches[i], &known, false, false);
  }
  for (size_t i = 0; i < px.n; i++)
    if (px.f[i].code == (BPF_JMP | BPF_JA))
      px.f[i].k = (uint32_t)(px.n - i - 1);
  *ret_len = px.n;
  return px.f;
}

static int add_alts(scmp_filter_ctx ctx, uint32_t action, int nr, const struct sc_exception *x)
{
  for (size_t k = 0; k < x->n_alts; k++) {
    struct scmp_arg_cmp cmp[6];
    int r;

    for (unsigned i = 0; i < x->alts[k].n; i++)
      cmp[i] = (struct scmp_arg_cmp){.arg = x->alts[k].cmp[i].arg,
                                     .op = (enum scmp_compare)x->alts[k].cmp[i].op,
                                     .datum_a = x->alts[k].cmp[i].a,
                                     .datum_b = x->alts[k].cmp[i].b};
    r = seccomp_rule_add_array(ctx, action, nr, x->alts[k].n, cmp);
    if (r < 0)
      return r;
  }
  return 0;
}

static int compile_error(struct diag *d, const struct origin *o, int err, const char *what, int nr)
{
  if (d)
    d->where = *o;
  return diag_set(d, err, "%s for syscall '%s'", what, syscall_name_of(nr));
}

static int add_arches(scmp_filter_ctx ctx, const struct sc_policy *p)
{
  int r;

  for (size_t i = 0; i < p->n_arches; i++)
    if ((r = seccomp_arch_add(ctx, p->arches[i])) < 0 && r != -EEXIST)
      return r;
  return 0;
}

/* The second, default-allow filter. It covers every architecture the
 * policy accepts: with the native one only (and bad-arch = allow), an i386
 * int 0x80 skipped every rule in it. Foreign architectures are the main
 * filter's to refuse. */
static int over_ctx(scmp_filter_ctx *over, const struct sc_policy *p, struct diag *d)
{
  int r;

  if (*over)
    return 0;
  *over = seccomp_init(SCMP_ACT_ALLOW);
  if (!*over)
    return diag_set(d, ENOMEM, "seccomp_init failed");
  seccomp_attr_set(*over, SCMP_FLTATR_CTL_NNP, 0);
  seccomp_attr_set(*over, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW);
  seccomp_attr_set(*over, SCMP_FLTATR_CTL_OPTIMIZE, 2);
  if ((r = add_arches(*over, p)) < 0)
    return diag_set(d, -r, "cannot add architecture: %s", strerror(-r));
  return 0;
}

/* Architectures such as i386 also reach the socket and SysV IPC calls
 * through a multiplexer (socketcall, ipc) whose arguments are in memory,
 * out of the filter's sight: libseccomp turns a conditional rule on
 * socket() into socketcall(SYS_SOCKET) with the condition dropped, so
 * "socket allow if a0 == AF_UNIX" let socketcall create any socket. For
 * a syscall with conditions, its multiplexed form gets the strictest action
 * the rule can give (the second filter wins where it is stricter). */
static const struct {
  const char *mux, *name;
  unsigned call;
} multiplexed[] = {
    {"socketcall", "socket", 1},
    {"socketcall", "bind", 2},
    {"socketcall", "connect", 3},
    {"socketcall", "listen", 4},
    {"socketcall", "accept", 5},
    {"socketcall", "getsockname", 6},
    {"socketcall", "getpeername", 7},
    {"socketcall", "socketpair", 8},
    {"socketcall", "sendto", 11},
    {"socketcall", "recvfrom", 12},
    {"socketcall", "shutdown", 13},
    {"socketcall", "setsockopt", 14},
    {"socketcall", "getsockopt", 15},
    {"socketcall", "sendmsg", 16},
    {"socketcall", "recvmsg", 17},
    {"socketcall", "accept4", 18},
    {"socketcall", "recvmmsg", 19},
    {"socketcall", "sendmmsg", 20},
    {"ipc", "semop", 1},
    {"ipc", "semget", 2},
    {"ipc", "semctl", 3},
    {"ipc", "semtimedop", 4},
    {"ipc", "msgsnd", 11},
    {"ipc", "msgrcv", 12},
    {"ipc", "msgget", 13},
    {"ipc", "msgctl", 14},
    {"ipc", "shmat", 21},
    {"ipc", "shmdt", 22},
    {"ipc", "shmget", 23},
    {"ipc", "shmctl", 24},
};

static bool has_multiplexer(const struct sc_policy *p, const char *mux)
{
  for (size_t i = 0; i < p->n_arches; i++)
    if (seccomp_syscall_resolve_name_arch(p->arches[i], mux) >= 0)
      return true;
  return false;
}

static int compile_multiplexed(scmp_filter_ctx *over, const struct sc_policy *p, int nr,
                               struct diag *d)
{
  const struct sc_entry *e = &p->entries[nr];
  const char *name = syscall_name_of(nr);
  uint32_t own = e->set ? e->action : p->default_action, worst = own;
  bool uniform = true;
  int r;

  if (!e->n_exc || !name)
    return 0;
  for (size_t j = 0; j < e->n_exc; j++) {
    uniform &= e->exc[j].action == e->exc[0].action;
    if (sc_action_stricter(e->exc[j].action, worst))
      worst = e->exc[j].action;
  }
  /* Conditions of one action, stricter than the syscall's own: libseccomp's
   * condition-less multiplexed rule already gives it (in whichever program
   * holds them); no second program for that (bwrap's --seccomp takes one). */
  if (worst == SCMP_ACT_ALLOW || (uniform && worst == e->exc[0].action && worst != own))
    return 0;
  for (size_t i = 0; i < ELEMENTSOF(multiplexed); i++) {
    if (strcmp(multiplexed[i].name, name) != 0 || !has_multiplexer(p, multiplexed[i].mux))
      continue;
    if ((r = over_ctx(over, p, d)) < 0)
      return r;
    r = seccomp_rule_add(*over, worst, seccomp_syscall_resolve_name(multiplexed[i].mux), 1,
                         SCMP_A0(SCMP_CMP_EQ, multiplexed[i].call));
    if (r < 0)
      return compile_error(d, &e->exc[0].origin, -r, "libseccomp refused the multiplexed rule", nr);
  }
  return 0;
}

/* One syscall: its own action in the main filter; exceptions either in the
 * main filter (when the syscall's action is the default, so libseccomp's
 * fall-through is right) or in a second, default-allow filter when they
 * are stricter than the syscall's action (the kernel keeps the strictest
 * result of stacked filters). */
static int compile_entry(scmp_filter_ctx main, scmp_filter_ctx *over, const struct sc_policy *p,
                         int nr, struct diag *d)
{
  const struct sc_entry *e = &p->entries[nr];
  uint32_t own = e->set ? e->action : p->default_action;
  int r;

  if (own != p->default_action && (r = seccomp_rule_add(main, own, nr, 0)) < 0)
    return compile_error(d, &e->origin, -r, "libseccomp refused the rule", nr);
  for (size_t i = 0; i < e->n_exc; i++) {
    const struct sc_exception *x = &e->exc[i];
    scmp_filter_ctx target = main;

    if (x->action == own)
      continue;
    if (own != p->default_action) {
      if (!sc_action_stricter(x->action, own))
        return compile_error(d, &x->origin, EINVAL,
                             "a conditional rule may only be stricter than the syscall's own "
                             "action when that is not the default",
                             nr);
      if ((r = over_ctx(over, p, d)) < 0)
        return r;
      target = *over;
    }
    r = add_alts(target, x->action, nr, x);
    if (r < 0)
      return compile_error(d, &x->origin, -r, "libseccomp refused the condition", nr);
  }
  return p->n_arches ? compile_multiplexed(over, p, nr, d) : 0;
}

static int setup_ctx(scmp_filter_ctx ctx, const struct sc_policy *p)
{
  seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
  seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
  /* Foreign architectures are unknown to the policy: ENOSYS too. */
  seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(ENOSYS));
  return add_arches(ctx, p);
}

/* Every condition is compiled once per syscall it names (a rule on a
 * @group is one per member): the sum bounds libseccomp's work and the
 * program's length. Checked before compiling; the largest condition is
 * named. */
static int check_size(const struct sc_policy *p, struct diag *d)
{
  const struct sc_exception *largest = NULL;
  size_t total = 0, most = 0;

  for (int nr = 0; nr < SC_MAX && p->entries; nr++)
    for (size_t i = 0; i < p->entries[nr].n_exc; i++) {
      const struct sc_exception *x = &p->entries[nr].exc[i];
      size_t n = 0;
      for (size_t k = 0; k < x->n_alts; k++)
        n += x->alts[k].n;
      total += n;
      if (n > most) {
        most = n;
        largest = x;
      }
    }
  if (total <= SC_MAX_COMPARISONS)
    return 0;
  if (d && largest)
    d->where = largest->origin;
  return diag_set(d, E2BIG,
                  "the syscall rules have %zu comparisons in all (each counted once per "
                  "syscall its rule names), more than %d: too large to compile; the largest "
                  "condition (%zu) is here",
                  total, SC_MAX_COMPARISONS, most);
}

/* The kernel refuses a longer program with EINVAL at load time. */
static int check_length(const struct sc_compiled *c, struct diag *d)
{
  for (size_t i = 0; i < c->n; i++)
    if (c->len[i] > BPF_MAXINSNS)
      return diag_set(d, E2BIG,
                      "the compiled syscall filter has %zu instructions, more than the "
                      "kernel's %d: use fewer or simpler conditions",
                      c->len[i], BPF_MAXINSNS);
  return 0;
}

int sc_compile(const struct sc_policy *p, struct sc_compiled *out, struct diag *d)
{
  scmp_filter_ctx main, over = NULL;
  struct sock_filter *prog = NULL, *prefix;
  size_t len = 0, plen;
  int r;

  memset(out, 0, sizeof *out);
  if (!p->active)
    return 0;
  if ((r = check_size(p, d)) < 0)
    return r;
  main = seccomp_init(p->default_action);
  if (!main)
    return diag_set(d, ENOMEM, "seccomp_init failed");
  r = setup_ctx(main, p);
  if (r < 0) {
    diag_set(d, -r, "cannot add architecture: %s", strerror(-r));
    goto out;
  }
  for (int nr = 0; nr < SC_MAX && p->entries; nr++)
    if ((r = compile_entry(main, &over, p, nr, d)) < 0)
      goto out;

  r = sc_export_ctx(main, &prog, &len);
  if (r < 0) {
    diag_set(d, -r, "cannot export the filter: %s", strerror(-r));
    goto out;
  }
  prefix = enosys_prefix(p, &plen);
  out->prog[0] = xreallocarray(prefix, plen + len, sizeof *prefix);
  memcpy(out->prog[0] + plen, prog, len * sizeof *prog);
  out->len[0] = plen + len;
  out->n = 1;
  free(prog);
  if (over) {
    r = sc_export_ctx(over, &out->prog[1], &out->len[1]);
    if (r < 0) {
      diag_set(d, -r, "cannot export the filter: %s", strerror(-r));
      goto out;
    }
    out->n = 2;
  }
  r = check_length(out, d);
out:
  seccomp_release(main);
  if (over)
    seccomp_release(over);
  if (r < 0)
    sc_compiled_free(out);
  return r;
}

/* ---- the compile key ---- */

/* Fixed-width fields, each list preceded by its count: equal bytes mean
 * equal fields (no two policies share a serialisation). */
struct keybuf {
  unsigned char *b;
  size_t n, cap;
};

static void key_put(struct keybuf *k, const void *v, size_t n)
{
  if (k->n + n > k->cap) {
    k->cap = k->cap ? 2 * k->cap : 4096;
    while (k->cap < k->n + n)
      k->cap *= 2;
    k->b = xreallocarray(k->b, k->cap, 1);
  }
  memcpy(k->b + k->n, v, n);
  k->n += n;
}

static void key_u32(struct keybuf *k, uint32_t v)
{
  key_put(k, &v, sizeof v);
}

static void key_u64(struct keybuf *k, uint64_t v)
{
  key_put(k, &v, sizeof v);
}

/* An exception as compile_entry, compile_multiplexed and check_size read
 * it: its action and every alternative's comparisons, in order (the order
 * rules reach libseccomp in). */
static void key_exception(struct keybuf *k, const struct sc_exception *x)
{
  key_u32(k, x->action);
  key_u32(k, (uint32_t)x->n_alts);
  for (size_t a = 0; a < x->n_alts; a++) {
    const struct sc_alt *alt = &x->alts[a];
    key_u32(k, alt->n);
    for (unsigned i = 0; i < alt->n; i++) {
      key_u32(k, (uint32_t)alt->cmp[i].arg << 8 | alt->cmp[i].op);
      key_u64(k, alt->cmp[i].a);
      key_u64(k, alt->cmp[i].b);
    }
  }
}

int sc_policy_key(const struct sc_policy *p, unsigned char **buf, size_t *len)
{
  const struct scmp_version *v = seccomp_version();
  struct keybuf k = {0};

  /* The library's tables and the native architecture decide the program
   * as much as the rules do: a libseccomp upgraded under a dynamically
   * linked sandbox misses. */
  key_put(&k, "sc-key1", 8);
  key_u32(&k, v->major);
  key_u32(&k, v->minor);
  key_u32(&k, v->micro);
  key_u32(&k, seccomp_arch_native());
  key_u32(&k, p->active);
  if (p->active) {
    key_u32(&k, p->default_action);
    /* in order, as added: the order of the prefix's blocks */
    key_u32(&k, (uint32_t)p->n_arches);
    for (size_t i = 0; i < p->n_arches; i++)
      key_u32(&k, p->arches[i]);
    for (int nr = 0; nr < SC_MAX && p->entries; nr++) {
      const struct sc_entry *e = &p->entries[nr];
      uint32_t own = e->set ? e->action : p->default_action;

      /* What compile_entry reads: the syscall's own action, set or not
       * (a rule giving the default is no rule), and its exceptions. */
      if (own == p->default_action && !e->n_exc)
        continue;
      key_u32(&k, (uint32_t)nr);
      key_u32(&k, own);
      key_u32(&k, (uint32_t)e->n_exc);
      for (size_t j = 0; j < e->n_exc; j++)
        key_exception(&k, &e->exc[j]);
    }
  }
  *buf = k.b;
  *len = k.n;
  return 0;
}
