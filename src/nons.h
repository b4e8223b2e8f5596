/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* No-namespace mode: where the kernel refuses a user namespace (a
 * container's seccomp profile, user.max_user_namespaces=0, a chroot) or a
 * mount inside one (AppArmor's userns restriction), a profile run is
 * confined by Landlock and seccomp alone: the same host paths readable and
 * writable, nothing else; what only a mount namespace can give makes the
 * run fail, naming it. */

#include <linux/filter.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "landlock.h"
#include "plan.h"
#include "snapshot.h"

struct nons_grant {
  char *path; /* host path */
  uint64_t access;
};

/* An environment variable whose value named a path in a tmpfs that became
 * a private directory: the value is that directory + rel. */
struct nons_env {
  char *name, *rel;
};

struct nons_plan {
  struct nons_grant *grants;
  size_t n_grants;
  char **masks; /* below a grant, granted nothing (ro-bind /dev/null X) */
  size_t n_masks;
  char **scratch; /* tmpfs destinations, made in the private directory */
  size_t n_scratch;
  char **dirs; /* --dir destinations inside a scratch tree */
  size_t n_dirs;
  struct nons_env *env;
  size_t n_env;
  char **unheld; /* --protect paths inside a writable grant: not held */
  size_t n_unheld;
  bool tmpdir; /* TMPDIR points into the private /tmp */
  bool no_net; /* TCP (Landlock) and non-unix sockets (seccomp) refused */
  bool no_ipc; /* SysV IPC keys and POSIX message queues refused */
};

/* Why namespaces cannot be had here: err is 0 when they can. */
struct nons_probe {
  int err;
  const char *step;
};

/* Is this run one that falls back (a profile run without bwrap's fd
 * protocols)? A plain bwrap line fails as bwrap does. */
bool nons_eligible(const struct plan *p);
/* Tries a user namespace, and a tmpfs mount in it, in a short-lived child
 * (nothing reaches this process). */
void nons_probe(struct nons_probe *r);
/* True when the probe's error is a refusal worth falling back on. */
bool nons_refused(const struct nons_probe *r);
/* "creating a user namespace: Operation not permitted (...)" */
void nons_probe_why(const struct nons_probe *r, char *buf, size_t len);

/* Pure: the no-namespace plan, or -errno with the first thing it cannot
 * express named in d ("--tmpfs /home/u (desktop.profile:13) needs a mount
 * namespace"). */
int nons_plan(const struct plan *p, struct nons_plan *out, struct diag *d);
void nons_plan_free(struct nons_plan *np);
/* Pure: the Landlock domain at ABI abi; masks are expanded by
 * nons_landlock_expand at run time. priv is the private directory (or a
 * placeholder for --explain). */
void nons_landlock_plan(const struct nons_plan *np, const char *priv, int abi, struct ll_plan *out);
/* Pure: the seccomp program stacked on the profile's. -errno. */
int nons_filter(const struct nons_plan *np, struct sock_filter **prog, size_t *len);
/* --explain: which mode would run and why; prints the no-namespace plan
 * when it applies. Returns true when it printed the Landlock section. */
bool nons_explain(FILE *out, const struct plan *p);

/* Run time, in the parent. */
struct nons_run {
  struct nons_plan plan;
  char *priv;          /* the private directory, removed after the run */
  struct snap **snaps; /* protected trees inside writable ones, put back after */
  size_t n_snaps;
  struct sock_filter *filter;
  size_t filter_len;
};
/* Decide the mode for run_plan: NULL when namespaces are to be used (or
 * the run is not eligible); die with one line when the fallback cannot
 * confine the plan or --require-namespaces refuses it. Early: before the
 * clone, probing only where mounts in a user namespace may be refused
 * (AppArmor); refused: after the clone failed with err. */
struct nons_run *nons_start_early(const struct plan *p);
struct nons_run *nons_start_refused(const struct plan *p, int err, bool userns);
/* The Landlock domain, masks expanded (reads the host's directories). */
void nons_landlock(const struct nons_run *nr, struct ll_plan *out);
/* Child side: every capability goes (-errno). */
int nons_drop_caps(void);
/* Child side, after the profile's environment is applied. */
void nons_child_env(const struct nons_run *nr);
/* The monitor, a subreaper, after the command's end: kills and reaps
 * every process the command left, until none is left. */
void nons_kill_leftovers(void);
/* Removes the private directory and frees. */
void nons_finish(struct nons_run *nr);
