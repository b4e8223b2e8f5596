/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "plan.h"

/* Landlock rights, as the kernel numbers them (Debian 12's headers stop at
 * ABI 3: ours are spelled out). */
enum {
  LL_FS_EXECUTE = 1u << 0,
  LL_FS_WRITE_FILE = 1u << 1,
  LL_FS_READ_FILE = 1u << 2,
  LL_FS_READ_DIR = 1u << 3,
  LL_FS_REMOVE_DIR = 1u << 4,
  LL_FS_REMOVE_FILE = 1u << 5,
  LL_FS_MAKE_CHAR = 1u << 6,
  LL_FS_MAKE_DIR = 1u << 7,
  LL_FS_MAKE_REG = 1u << 8,
  LL_FS_MAKE_SOCK = 1u << 9,
  LL_FS_MAKE_FIFO = 1u << 10,
  LL_FS_MAKE_BLOCK = 1u << 11,
  LL_FS_MAKE_SYM = 1u << 12,
  LL_FS_REFER = 1u << 13,     /* ABI 2 */
  LL_FS_TRUNCATE = 1u << 14,  /* ABI 3 */
  LL_FS_IOCTL_DEV = 1u << 15, /* ABI 5 */
};
enum { LL_NET_BIND_TCP = 1u << 0, LL_NET_CONNECT_TCP = 1u << 1 };     /* ABI 4 */
enum { LL_SCOPE_ABSTRACT_UNIX = 1u << 0, LL_SCOPE_SIGNAL = 1u << 1 }; /* ABI 6 */

/* Rights that apply to a file (not only to a directory's entries). */
#define LL_FS_FILE_RIGHTS                                                                          \
  (LL_FS_EXECUTE | LL_FS_WRITE_FILE | LL_FS_READ_FILE | LL_FS_TRUNCATE | LL_FS_IOCTL_DEV)

/* The newest ABI this code knows (7: audit of denials, nothing to plan). */
#define LL_ABI_KNOWN 7

struct ll_rule {
  char *path; /* inside the sandbox, opened after set-up */
  uint64_t access;
};

/* What the command's domain handles and allows, before and after masking
 * to the running kernel's ABI. */
struct ll_plan {
  bool full;      /* file rules mirroring the plan (profiles, --landlock) */
  bool stdio;     /* also allow the caller's stdio files */
  uint64_t fs;    /* handled file-system rights */
  uint64_t net;   /* handled TCP rights: denied, no rule allows a port */
  uint64_t scope; /* scoped IPC */
  struct ll_rule *rules;
  size_t n_rules;
  int abi; /* what it was masked to; 0: no Landlock */
};

/* Pure: the domain the plan asks for at ABI abi (rights the kernel does not
 * know are dropped). A profile run or --landlock gets the full domain; a
 * plain bwrap line only one scope (which brings ptrace scoping). */
void landlock_plan(const struct plan *p, int abi, struct ll_plan *out);
void landlock_plan_free(struct ll_plan *lp);
/* True when the plan makes a domain (the kernel refuses an empty one). */
bool landlock_plan_active(const struct ll_plan *lp);
/* Describes the domain for --explain. */
void landlock_explain(FILE *out, const struct ll_plan *lp);

/* The file-system rights ABI abi knows. */
uint64_t landlock_fs_rights(int abi);
/* The running kernel's ABI version, 0 without Landlock. */
int landlock_abi(void);
/* Child side, after set-up (rules attach to the inodes the paths name in
 * the new root): the ruleset, or -errno. */
int landlock_prepare(const struct ll_plan *lp);
/* Enters the domain: the calling thread and everything it starts. */
int landlock_enforce(int ruleset_fd);
