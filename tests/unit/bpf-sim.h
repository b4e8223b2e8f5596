/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A classic-BPF interpreter for seccomp programs, so unit tests can check
 * what a compiled policy decides without loading it into the kernel. */
#pragma once

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint32_t bpf_sim_run(const struct sock_filter *f, size_t len,
                                   const struct seccomp_data *sd)
{
  uint32_t A = 0, X = 0, M[BPF_MEMWORDS] = {0};
  const unsigned char *data = (const unsigned char *)sd;

  for (size_t pc = 0; pc < len; pc++) {
    const struct sock_filter *i = &f[pc];
    uint32_t k = i->k;

    switch (i->code) {
    case BPF_LD | BPF_W | BPF_ABS:
      if (k + 4 > sizeof *sd)
        return SECCOMP_RET_KILL_PROCESS;
      memcpy(&A, data + k, sizeof A); /* no aliasing games */
      break;
    case BPF_LD | BPF_IMM:
      A = k;
      break;
    case BPF_LDX | BPF_IMM:
      X = k;
      break;
    case BPF_LD | BPF_MEM:
      A = M[k % BPF_MEMWORDS];
      break;
    case BPF_LDX | BPF_MEM:
      X = M[k % BPF_MEMWORDS];
      break;
    case BPF_ST:
      M[k % BPF_MEMWORDS] = A;
      break;
    case BPF_STX:
      M[k % BPF_MEMWORDS] = X;
      break;
    case BPF_ALU | BPF_AND | BPF_K:
      A &= k;
      break;
    case BPF_ALU | BPF_OR | BPF_K:
      A |= k;
      break;
    case BPF_ALU | BPF_AND | BPF_X:
      A &= X;
      break;
    case BPF_MISC | BPF_TAX:
      X = A;
      break;
    case BPF_MISC | BPF_TXA:
      A = X;
      break;
    case BPF_JMP | BPF_JA:
      pc += k;
      break;
    case BPF_JMP | BPF_JEQ | BPF_K:
      pc += (A == k) ? i->jt : i->jf;
      break;
    case BPF_JMP | BPF_JGT | BPF_K:
      pc += (A > k) ? i->jt : i->jf;
      break;
    case BPF_JMP | BPF_JGE | BPF_K:
      pc += (A >= k) ? i->jt : i->jf;
      break;
    case BPF_JMP | BPF_JSET | BPF_K:
      pc += (A & k) ? i->jt : i->jf;
      break;
    case BPF_JMP | BPF_JEQ | BPF_X:
      pc += (A == X) ? i->jt : i->jf;
      break;
    case BPF_JMP | BPF_JGT | BPF_X:
      pc += (A > X) ? i->jt : i->jf;
      break;
    case BPF_JMP | BPF_JGE | BPF_X:
      pc += (A >= X) ? i->jt : i->jf;
      break;
    case BPF_RET | BPF_K:
      return k;
    case BPF_RET | BPF_A:
      return A;
    default:
      return 0xdeadbeef; /* an instruction this simulator does not know */
    }
  }
  return 0xdeadbeef; /* fell off the end: invalid program */
}

/* The kernel's rule for stacked filters: the strictest action wins, the
 * newest filter among equals. progs are oldest first. */
static inline uint32_t bpf_sim_stack(struct sock_filter *const *progs, const size_t *lens, size_t n,
                                     const struct seccomp_data *sd)
{
  uint32_t ret = SECCOMP_RET_ALLOW;

  for (size_t i = n; i-- > 0;) {
    uint32_t cur = bpf_sim_run(progs[i], lens[i], sd);
    if ((int32_t)(cur & SECCOMP_RET_ACTION_FULL) < (int32_t)(ret & SECCOMP_RET_ACTION_FULL))
      ret = cur;
  }
  return ret;
}
