/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "nons.h"

#include <cap-ng.h>
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "caps.h"
#include "util.h"

/* Rights a rule on a directory passes down to the files beneath it. A
 * tree with a masked path inside keeps only the others (listing, making,
 * removing) and each unmasked entry gets the rest. */
#define FILE_LEVEL                                                                                 \
  (LL_FS_EXECUTE | LL_FS_READ_FILE | LL_FS_WRITE_FILE | LL_FS_TRUNCATE | LL_FS_IOCTL_DEV)
#define RO (LL_FS_EXECUTE | LL_FS_READ_FILE | LL_FS_READ_DIR)
#define RW                                                                                         \
  (RO | LL_FS_WRITE_FILE | LL_FS_REMOVE_DIR | LL_FS_REMOVE_FILE | LL_FS_MAKE_DIR |                 \
   LL_FS_MAKE_REG | LL_FS_MAKE_SOCK | LL_FS_MAKE_FIFO | LL_FS_MAKE_SYM | LL_FS_REFER |             \
   LL_FS_TRUNCATE)
#define DEVNODE (LL_FS_READ_FILE | LL_FS_WRITE_FILE | LL_FS_TRUNCATE)

/* tmpfs destinations whose only promise is "empty, private, writable":
 * they become directories of a private directory made on the host. */
static const char *const scratch_dirs[] = {"/tmp", "/var/tmp", "/run"};
/* What --dev gives that is safe to share with the host: the host's own
 * nodes, read and written. (Not /dev/shm, /dev/pts, /dev/tty: other
 * sessions' objects live there.) */
static const char *const dev_nodes[] = {"/dev/null", "/dev/zero", "/dev/full", "/dev/random",
                                        "/dev/urandom"};

bool nons_eligible(const struct plan *p)
{
  return p->used_profile && p->userns_fd < 0 && p->userns2_fd < 0 && p->pidns_fd < 0 &&
         p->userns_block_fd < 0;
}

/* ---- the probe ---- */

struct probe_ctx {
  int err;
  const char *step;
};

static int probe_child(void *arg)
{
  struct probe_ctx *c = arg;

  /* AppArmor's userns restriction lets the namespace be made, then
   * refuses every capability in it: the first mount tells. Slave first:
   * nothing may propagate back (a less privileged copy is slave anyway). */
  if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0 ||
      mount("tmpfs", "/", "tmpfs", MS_NOSUID | MS_NODEV, "size=4k") < 0) {
    c->err = errno;
    c->step = "mounting in a user namespace";
  }
  return 0;
}

void nons_probe(struct nons_probe *r)
{
  struct probe_ctx c = {0};
  unsigned flags = CLONE_NEWUSER | CLONE_NEWNS | SIGCHLD;
  pid_t pid;
  int st;

#if !SANITIZE_ADDRESS
  /* Shares our memory and suspends us until it exits (vfork): no page
   * tables copied. Its answer is written straight into c. */
  static char stack[16 * 1024] __attribute__((aligned(16)));
  pid = clone(probe_child, stack + sizeof stack, (int)(flags | CLONE_VM | CLONE_VFORK), &c);
#else
  pid = -1;
  errno = EINVAL;
#endif
  if (pid < 0 && errno == EINVAL) {
    /* a kernel that will not share memory with a new user namespace:
     * a fork, answering through a shared page */
    struct probe_ctx *shared =
        mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) {
      *r = (struct nons_probe){.err = errno, .step = "mmap"};
      return;
    }
    *shared = (struct probe_ctx){0};
    pid = (pid_t)syscall(SYS_clone, (unsigned long)flags, NULL, NULL, NULL, NULL);
    if (pid == 0)
      _exit(probe_child(shared));
    if (pid > 0)
      while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    c = *shared;
    munmap(shared, sizeof *shared);
  } else if (pid > 0) {
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
      ;
  }
  if (pid < 0)
    c = (struct probe_ctx){.err = errno, .step = "creating a user namespace"};
  r->err = c.err;
  r->step = c.step;
}

bool nons_refused(const struct nons_probe *r)
{
  switch (r->err) {
  case EPERM:
  case EACCES:
  case ENOSPC:
  case EUSERS:
  case EINVAL:
  case ENOSYS:
    return true;
  default:
    return false;
  }
}

void nons_probe_why(const struct nons_probe *r, char *buf, size_t len)
{
  const char *hint = "";

  if (strncmp(r->step, "creating ", 9) == 0) {
    if (r->err == EPERM)
      hint = ", as in a container's default seccomp profile, a chroot, or with "
             "kernel.unprivileged_userns_clone=0";
    else if (r->err == ENOSPC || r->err == EUSERS)
      hint = ": user.max_user_namespaces is 0 or used up";
    else if (r->err == EINVAL || r->err == ENOSYS)
      hint = ": a kernel without user namespaces";
  } else if (r->err == EPERM || r->err == EACCES) {
    hint = ": a user namespace without capabilities, as AppArmor's "
           "restrict_unprivileged_userns makes";
  }
  snprintf(buf, len, "%s: %s%s", r->step, strerror(r->err), hint);
}

/* ---- the plan (pure) ---- */

static bool under(const char *path, const char *dir)
{
  size_t n = strlen(dir);

  if (strcmp(dir, "/") == 0)
    return path[0] == '/';
  return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

static void push_str(char ***v, size_t *n, const char *s)
{
  *v = xreallocarray(*v, *n + 1, sizeof **v);
  (*v)[(*n)++] = xstrdup(s);
}

static void grant(struct nons_plan *np, const char *path, uint64_t access)
{
  np->grants = xreallocarray(np->grants, np->n_grants + 1, sizeof *np->grants);
  np->grants[np->n_grants].path = xstrdup(path);
  np->grants[np->n_grants++].access = access;
}

static const char *op_option(const struct op *op)
{
  switch (op->type) {
  case OP_BIND:
    return op->flags & BIND_DEVICES    ? "--dev-bind"
           : op->flags & BIND_READONLY ? "--ro-bind"
                                       : "--bind";
  case OP_BIND_FD:
    return "--bind-fd";
  case OP_REMOUNT_RO:
    return "--remount-ro";
  case OP_PROC:
    return "--proc";
  case OP_DEV:
    return "--dev";
  case OP_TMPFS:
    return "--tmpfs";
  case OP_MQUEUE:
    return "--mqueue";
  case OP_DIR:
    return "--dir";
  case OP_SYMLINK:
    return "--symlink";
  case OP_CHMOD:
    return "--chmod";
  case OP_FILE:
    return "--file";
  case OP_BIND_DATA:
    return "--bind-data";
  case OP_OVERLAY:
    return "--overlay";
  default:
    return "an option";
  }
}

static int cannot(struct diag *d, const struct op *op, const char *why)
{
  char at[256] = "";

  if (op->origin.file)
    snprintf(at, sizeof at, " (%s:%u)", op->origin.file, op->origin.line);
  return diag_set(d, EOPNOTSUPP, "%s %s%s needs %s", op_option(op), op->dest ? op->dest : "", at,
                  why);
}

static bool is_scratch(const char *dest)
{
  for (size_t i = 0; i < ELEMENTSOF(scratch_dirs); i++)
    if (strcmp(dest, scratch_dirs[i]) == 0)
      return true;
  return false;
}

static const char *scratch_of(const struct nons_plan *np, const char *path)
{
  for (size_t i = np->n_scratch; i-- > 0;)
    if (under(path, np->scratch[i]))
      return np->scratch[i];
  return NULL;
}

static int plan_bind(struct nons_plan *np, const struct op *op, struct diag *d)
{
  uint64_t a = op->flags & BIND_READONLY ? RO : RW;

  if (op->type == OP_BIND_FD)
    return cannot(d, op, "a mount namespace (an fd has no host path to grant)");
  /* ro-bind /dev/null X hides X: here X is simply granted nothing. */
  if (strcmp(op->src, "/dev/null") == 0 && strcmp(op->dest, "/dev/null") != 0) {
    push_str(&np->masks, &np->n_masks, op->dest);
    return 0;
  }
  if (strcmp(op->src, op->dest) != 0)
    return cannot(d, op, "a mount namespace (its source is another path)");
  if (op->flags & BIND_DEVICES)
    a |= DEVNODE | LL_FS_IOCTL_DEV;
  grant(np, op->dest, a);
  return 0;
}

static int plan_dev(struct nons_plan *np, const struct op *op, struct diag *d)
{
  if (strcmp(op->dest, "/dev") != 0)
    return cannot(d, op, "a mount namespace (the host's /dev is used in its place)");
  grant(np, "/dev", LL_FS_READ_DIR);
  for (size_t i = 0; i < ELEMENTSOF(dev_nodes); i++)
    grant(np, dev_nodes[i], DEVNODE);
  return 0;
}

static int plan_op(struct nons_plan *np, const struct op *op, struct diag *d)
{
  switch (op->type) {
  case OP_BIND:
  case OP_BIND_FD:
    return plan_bind(np, op, d);
  case OP_PROC:
    if (strcmp(op->dest, "/proc") != 0)
      return cannot(d, op, "a mount namespace (the host's /proc is used in its place)");
    /* Read only: a capability-less root could still write host sysctls
     * its uid owns (kernel/core_pattern). Other processes' memory,
     * environment and fds stay out of reach (Landlock's ptrace rule). */
    grant(np, "/proc", LL_FS_READ_FILE | LL_FS_READ_DIR);
    return 0;
  case OP_DEV:
    return plan_dev(np, op, d);
  case OP_TMPFS:
    if (!is_scratch(op->dest))
      return cannot(d, op,
                    "a mount namespace (only /tmp, /var/tmp and /run become private "
                    "directories)");
    push_str(&np->scratch, &np->n_scratch, op->dest);
    if (strcmp(op->dest, "/tmp") == 0)
      np->tmpdir = true;
    return 0;
  case OP_DIR:
    if (!scratch_of(np, op->dest))
      return cannot(d, op, "a mount namespace (outside a private directory)");
    push_str(&np->dirs, &np->n_dirs, op->dest);
    return 0;
  case OP_MQUEUE:
    return cannot(d, op, "an ipc namespace");
  case OP_OVERLAY:
    return cannot(d, op, "overlayfs in a mount namespace");
  default:
    return cannot(d, op, "a mount namespace");
  }
}

/* A mount covers every earlier one at or below its destination: their
 * rules go. A later, narrower grant inside a wider one cannot take rights
 * away (Landlock adds the rules along a path): that fails. */
static int settle_grants(struct nons_plan *np, struct diag *d)
{
  size_t n = 0;

  for (size_t i = 0; i < np->n_grants; i++) {
    bool covered = false;

    for (size_t j = i + 1; j < np->n_grants && !covered; j++)
      covered = under(np->grants[i].path, np->grants[j].path);
    if (covered) {
      free(np->grants[i].path);
      continue;
    }
    for (size_t j = 0; j < n; j++)
      if (under(np->grants[i].path, np->grants[j].path) &&
          (np->grants[j].access & ~np->grants[i].access & FILE_LEVEL)) {
        diag_set(d, EOPNOTSUPP, "%s, read-only inside the writable %s, needs a mount namespace",
                 np->grants[i].path, np->grants[j].path);
        for (size_t k = i; k < np->n_grants; k++)
          free(np->grants[k].path);
        np->n_grants = n;
        return -EOPNOTSUPP;
      }
    np->grants[n++] = np->grants[i];
  }
  np->n_grants = n;
  return 0;
}

static void plan_env(const struct plan *p, struct nons_plan *np)
{
  for (size_t i = 0; i < p->n_env; i++) {
    const struct env_op *e = &p->env[i];

    if (e->kind != ENV_SET || e->value[0] != '/' || !scratch_of(np, e->value))
      continue;
    np->env = xreallocarray(np->env, np->n_env + 1, sizeof *np->env);
    np->env[np->n_env].name = xstrdup(e->name);
    np->env[np->n_env++].rel = xstrdup(e->value);
  }
}

static bool writable_at(const struct nons_plan *np, const char *path)
{
  for (size_t i = 0; i < np->n_grants; i++)
    if (under(path, np->grants[i].path) && (np->grants[i].access & LL_FS_WRITE_FILE))
      return true;
  return false;
}

/* "protect NAME" names an entry of every writable bind. Without mounts it
 * is copied before the run and put back after: for .git, the entries git
 * runs or follows (its config, hooks, the commondir pointer, per-worktree
 * config, info), not the object store, which runs nothing and would be
 * too large to copy; a .git renamed or swapped away is put back whole
 * (snapshot.c). Where present only (lstat at the start). */
static void hold_name(const struct plan *p, struct nons_plan *np, const char *name)
{
  static const char *const git_entries[] = {"config", "config.worktree", "hooks", "commondir",
                                            "info"};

  for (size_t i = 0; i < p->n_ops; i++) {
    const struct op *op = &p->ops[i];
    _cleanup_free_ char *entry = NULL;

    if (op->type != OP_BIND || (op->flags & BIND_READONLY) || !op->dest)
      continue;
    entry = xasprintf("%s/%s", strcmp(op->dest, "/") ? op->dest : "", name);
    if (!writable_at(np, entry))
      continue;
    if (strcmp(name, ".git") != 0) {
      push_str(&np->unheld, &np->n_unheld, entry);
      continue;
    }
    for (size_t j = 0; j < ELEMENTSOF(git_entries); j++) {
      _cleanup_free_ char *sub = xasprintf("%s/%s", entry, git_entries[j]);
      push_str(&np->unheld, &np->n_unheld, sub);
    }
  }
}

int nons_plan(const struct plan *p, struct nons_plan *out, struct diag *d)
{
  int r = 0;

  *out = (struct nons_plan){.no_net = p->ns & NS_NET, .no_ipc = p->ns & NS_IPC};
  if (p->hostname)
    r = diag_set(d, EOPNOTSUPP, "--hostname %s needs a uts namespace", p->hostname);
  else if (p->uid >= 0 || p->gid >= 0)
    r = diag_set(d, EOPNOTSUPP, "--%s needs a user namespace (an id mapping)",
                 p->uid >= 0 ? "uid" : "gid");
  for (size_t i = 0; r == 0 && i < p->n_caps; i++)
    if (p->caps[i].add)
      r = diag_set(d, EOPNOTSUPP,
                   "--cap-add needs a user namespace (the host's capabilities are not given)");
  for (size_t i = 0; r == 0 && i < p->n_ops; i++)
    r = plan_op(out, &p->ops[i], d);
  if (r == 0)
    r = settle_grants(out, d);
  if (r < 0) {
    nons_plan_free(out);
    return r;
  }
  /* The host's own /tmp (and the like) under a granted tree: nothing. */
  for (size_t i = 0; i < out->n_scratch; i++)
    push_str(&out->masks, &out->n_masks, out->scratch[i]);
  plan_env(p, out);
  for (size_t i = 0; i < p->n_protect; i++) {
    if (p->protect[i].path[0] != '/')
      hold_name(p, out, p->protect[i].path);
    else if (writable_at(out, p->protect[i].path))
      push_str(&out->unheld, &out->n_unheld, p->protect[i].path);
  }
  return 0;
}

static void free_strv(char **v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free(v[i]);
  free(v);
}

void nons_plan_free(struct nons_plan *np)
{
  for (size_t i = 0; i < np->n_grants; i++)
    free(np->grants[i].path);
  free(np->grants);
  for (size_t i = 0; i < np->n_env; i++) {
    free(np->env[i].name);
    free(np->env[i].rel);
  }
  free(np->env);
  free_strv(np->masks, np->n_masks);
  free_strv(np->scratch, np->n_scratch);
  free_strv(np->dirs, np->n_dirs);
  free_strv(np->unheld, np->n_unheld);
  *np = (struct nons_plan){0};
}

static void add_rule(struct ll_plan *lp, const char *path, uint64_t access)
{
  lp->rules = xreallocarray(lp->rules, lp->n_rules + 1, sizeof *lp->rules);
  lp->rules[lp->n_rules].path = xstrdup(path);
  lp->rules[lp->n_rules++].access = access & lp->fs;
}

void nons_landlock_plan(const struct nons_plan *np, const char *priv, int abi, struct ll_plan *out)
{
  *out = (struct ll_plan){.abi = abi > 0 ? abi : 0, .full = true, .stdio = true};
  if (abi <= 0)
    return;
  out->fs = landlock_fs_rights(abi);
  /* No private network namespace to keep a loopback in: every TCP port. */
  if (np->no_net && abi >= 4)
    out->net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
  if (abi >= 6)
    out->scope = LL_SCOPE_ABSTRACT_UNIX | LL_SCOPE_SIGNAL;
  for (size_t i = 0; i < np->n_grants; i++)
    add_rule(out, np->grants[i].path, np->grants[i].access);
  for (size_t i = 0; i < np->n_scratch; i++) {
    _cleanup_free_ char *path = xasprintf("%s%s", priv, np->scratch[i]);
    add_rule(out, path, RW);
  }
}

static const char *hint_of(const struct nons_plan *np, const char *path)
{
  for (size_t i = 0; i < np->n_masks; i++)
    if (under(np->masks[i], path) && strcmp(np->masks[i], path) != 0)
      return np->masks[i];
  return NULL;
}

static void explain_plan(FILE *out, const struct nons_plan *np, int abi)
{
  struct ll_plan ll;

  nons_landlock_plan(np, "$PRIVATE", abi, &ll);
  fprintf(out,
          "no-namespace mode: Landlock ABI %d and seccomp confine the command on the "
          "host's own tree (no new root, no pid, ipc or network namespace)\n",
          abi);
  for (size_t i = 0; i < ll.n_rules; i++) {
    const char *m = hint_of(np, ll.rules[i].path);
    fprintf(out, "  %s: %s%s%s\n", ll.rules[i].path,
            ll.rules[i].access & LL_FS_WRITE_FILE ? "read,write"
            : ll.rules[i].access & LL_FS_READ_FILE
                ? (ll.rules[i].access & LL_FS_EXECUTE ? "read,execute" : "read")
                : "list",
            m ? "; entry by entry, but the paths marked nothing below" : "", "");
  }
  for (size_t i = 0; i < np->n_masks; i++)
    fprintf(out, "  %s: nothing (hidden by a mount in namespace mode)\n", np->masks[i]);
  fprintf(out, "  the files on stdin, stdout, stderr: read,write\n  elsewhere: nothing\n");
  if (np->n_scratch)
    fprintf(out,
            "  $PRIVATE: a private directory made under $TMPDIR or /tmp, removed after the "
            "run%s\n",
            np->tmpdir ? "; TMPDIR=$PRIVATE/tmp" : "");
  for (size_t i = 0; i < np->n_env; i++)
    fprintf(out, "  %s=$PRIVATE%s\n", np->env[i].name, np->env[i].rel);
  for (size_t i = 0; i < np->n_unheld; i++)
    fprintf(out,
            "  protect %s: writable during the run (read-only inside a writable tree needs a "
            "mount); copied before, put back after, the command's version kept beside it\n",
            np->unheld[i]);
  if (np->no_net)
    fprintf(out,
            "  network: tcp bind and connect refused (Landlock%s); sockets other than "
            "unix refused (seccomp)\n",
            ll.net ? "" : ": needs ABI 4, seccomp alone here");
  else
    fprintf(out, "  network: the host's\n");
  if (ll.scope & LL_SCOPE_ABSTRACT_UNIX)
    fprintf(out, "  abstract unix sockets, signals: only within the domain\n");
  else
    fprintf(out, "  abstract unix sockets, signals: not scoped (needs ABI 6)\n");
  fprintf(out, "  ptrace, /proc/PID/mem of processes outside the domain: refused\n");
  if (np->no_ipc)
    fprintf(out, "  SysV IPC by key, POSIX message queues: refused (seccomp)\n");
  fprintf(out, "  nested namespaces, mounts: refused (seccomp)\n");
  fprintf(out, "  lost: the host's processes are listed in /proc; unix sockets named by a path "
               "on the host connect where the caller's permissions allow; modes and times of "
               "the caller's files can be changed (Landlock does not cover chmod); a masked "
               "path inside a writable tree can be removed (never read); if the sandbox itself "
               "is killed with SIGKILL, what the command left running stays\n");
  fprintf(out, "  leftovers: processes the command leaves come to the sandbox (a subreaper) and "
               "are killed when it exits\n");
  landlock_plan_free(&ll);
}

/* ---- the seccomp program (pure) ---- */

static int add_rules(scmp_filter_ctx ctx, const struct nons_plan *np)
{
  const uint64_t nsflags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID |
                           CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP;
  int r = 0;

  /* The promise "nested user namespaces refused" must not rest on the
   * host refusing them: AppArmor's hosts make them, without capabilities. */
  r |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(unshare), 0);
  r |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(setns), 0);
  for (uint64_t f = CLONE_NEWNS; f <= CLONE_NEWNET; f <<= 1)
    if (f & nsflags)
      r |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                            SCMP_A0(SCMP_CMP_MASKED_EQ, f, f));
  r |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
  if (np->no_net) {
    /* No network namespace: every family but unix would reach the host's
     * network (UDP, raw, netlink, vsock...). io_uring makes sockets
     * without socket(2). */
    r |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket), 1,
                          SCMP_A0(SCMP_CMP_NE, AF_UNIX));
    r |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(io_uring_setup), 0);
  }
  if (np->no_ipc) {
    /* No ipc namespace: objects named by a key are the host's. */
    r |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(shmget), 1,
                          SCMP_A0(SCMP_CMP_NE, IPC_PRIVATE));
    r |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(semget), 1,
                          SCMP_A0(SCMP_CMP_NE, IPC_PRIVATE));
    r |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(msgget), 1,
                          SCMP_A0(SCMP_CMP_NE, IPC_PRIVATE));
    r |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(mq_open), 0);
  }
  return r ? -EINVAL : 0;
}

int nons_filter(const struct nons_plan *np, struct sock_filter **prog, size_t *len)
{
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  int r;

  if (!ctx)
    return -ENOMEM;
  r = add_rules(ctx, np);
  if (r == 0)
    r = sc_export_ctx(ctx, prog, len);
  seccomp_release(ctx);
  return r;
}

bool nons_explain(FILE *out, const struct plan *p)
{
  struct nons_probe pr;
  struct nons_plan np;
  struct diag d = {0};
  char why[512];

  if (!nons_eligible(p))
    return false;
  nons_probe(&pr);
  if (pr.err == 0) {
    fprintf(out,
            "mode: namespaces (this host lets uid %u make a user namespace and mount in "
            "it)\n",
            (unsigned)getuid());
    return false;
  }
  nons_probe_why(&pr, why, sizeof why);
  if (!nons_refused(&pr)) {
    fprintf(out, "mode: namespaces (the probe failed: %s; not a refusal, no fallback)\n", why);
    return false;
  }
  if (p->require_namespaces) {
    fprintf(out,
            "mode: none: user namespaces are refused here (%s), and --require-namespaces "
            "refuses the no-namespace mode: the run would fail\n",
            why);
    return false;
  }
  if (landlock_abi() <= 0) {
    fprintf(out,
            "mode: none: user namespaces are refused here (%s), and the no-namespace "
            "mode needs Landlock: the run would fail\n",
            why);
    return false;
  }
  if (nons_plan(p, &np, &d) < 0) {
    fprintf(out, "mode: none: user namespaces are refused here (%s); %s: the run would fail\n", why,
            d.msg);
    return false;
  }
  fprintf(out, "mode: no namespaces: user namespaces are refused here (%s)\n", why);
  explain_plan(out, &np, landlock_abi());
  nons_plan_free(&np);
  return true;
}

/* ---- run time ---- */

static _noreturn_ void refuse(const char *why, const char *what)
{
  die("user namespaces are refused here (%s); %s. See sandbox(1), NO-NAMESPACE MODE", why, what);
}

static void mkdir_p(const char *path, mode_t mode)
{
  _cleanup_free_ char *p = xstrdup(path);

  for (char *s = strchr(p + 1, '/');; s = strchr(s + 1, '/')) {
    if (s)
      *s = '\0';
    if (mkdir(p, mode) < 0 && errno != EEXIST)
      die_errno(errno, "Can't make %s", p);
    if (!s)
      return;
    *s = '/';
  }
}

static void make_private(struct nons_run *nr)
{
  const char *base = getenv("TMPDIR");
  _cleanup_free_ char *tmpl = NULL;

  if (!nr->plan.n_scratch)
    return;
  if (!base || base[0] != '/')
    base = "/tmp";
  tmpl = xasprintf("%s/sandbox-private.XXXXXX", base);
  if (!mkdtemp(tmpl))
    die_errno(errno, "Can't make a private directory in %s", base);
  nr->priv = take_ptr(&tmpl);
  for (size_t i = 0; i < nr->plan.n_scratch; i++) {
    _cleanup_free_ char *path = xasprintf("%s%s", nr->priv, nr->plan.scratch[i]);
    mkdir_p(path, 0755);
  }
  for (size_t i = 0; i < nr->plan.n_dirs; i++) {
    /* XDG_RUNTIME_DIR must be 0700; nothing else lives here. */
    _cleanup_free_ char *path = xasprintf("%s%s", nr->priv, nr->plan.dirs[i]);
    mkdir_p(path, 0700);
  }
}

static struct nons_run *start(const struct plan *p, const struct nons_probe *pr)
{
  struct nons_run *nr;
  struct diag d = {0};
  char why[512];
  int r;

  if (!nons_eligible(p) || pr->err == 0 || !nons_refused(pr))
    return NULL;
  nons_probe_why(pr, why, sizeof why);
  if (p->require_namespaces)
    refuse(why, "--require-namespaces refuses the no-namespace mode");
  if (landlock_abi() <= 0)
    refuse(why, "the no-namespace mode needs Landlock (Linux 5.13+, landlock in lsm=)");
  nr = xcalloc(1, sizeof *nr);
  if (nons_plan(p, &nr->plan, &d) < 0)
    refuse(why, d.msg);
  r = nons_filter(&nr->plan, &nr->filter, &nr->filter_len);
  if (r < 0)
    die_errno(-r, "no-namespace mode: compiling its seccomp filter");
  make_private(nr);
  warnx_("user namespaces are refused here (%s): no-namespace mode (Landlock and seccomp on the "
         "host's tree; --explain shows what differs)",
         why);
  for (size_t i = 0; i < nr->plan.n_unheld; i++) {
    struct stat st;
    struct snap *s;

    if (lstat(nr->plan.unheld[i], &st) < 0)
      continue; /* protected where present, as with mounts */
    /* Read-only inside a writable tree needs a mount: copied now, put back
     * after the run. */
    s = snapshot_take(nr->plan.unheld[i]);
    if (!s) {
      warnx_("no-namespace mode: %s stays writable (too large to copy, or unreadable; "
             "read-only inside a writable tree needs a mount namespace)",
             nr->plan.unheld[i]);
      continue;
    }
    nr->snaps = xreallocarray(nr->snaps, nr->n_snaps + 1, sizeof *nr->snaps);
    nr->snaps[nr->n_snaps++] = s;
  }
  return nr;
}

/* Where a user namespace is made but mounts in it are refused (AppArmor's
 * restriction, on Ubuntu 23.10+), only a probe tells before set-up fails:
 * it costs a namespace made and dropped (0.3 ms), so it runs only there.
 * Elsewhere the clone's own refusal tells, for free. */
static bool probe_first(void)
{
  char b = '0';
  _cleanup_close_ int fd =
      open("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", O_RDONLY | O_CLOEXEC);

#ifdef SANDBOX_TEST_SWITCHES
  if (getenv("SANDBOX_TEST_PROBE"))
    return true;
#endif
  return fd >= 0 && read(fd, &b, 1) == 1 && b == '1';
}

struct nons_run *nons_start_early(const struct plan *p)
{
  struct nons_probe pr;

  if (!nons_eligible(p) || !probe_first())
    return NULL;
  nons_probe(&pr);
  return start(p, &pr);
}

struct nons_run *nons_start_refused(const struct plan *p, int err, bool userns)
{
  struct nons_probe pr = {.err = err,
                          .step = userns ? "creating a user namespace" : "creating namespaces"};

  return start(p, &pr);
}

static bool is_mask(const struct nons_plan *np, const char *path)
{
  for (size_t i = 0; i < np->n_masks; i++)
    if (strcmp(np->masks[i], path) == 0)
      return true;
  return false;
}

/* A tree with masked paths inside: the directory keeps what applies to
 * its entries as names, each entry but the masked ones gets the rest;
 * symlinks get nothing (they lead to their targets' rules). */
static void expand(struct ll_plan *out, const struct nons_plan *np, const char *dir, uint64_t a,
                   unsigned depth)
{
  DIR *d;
  struct dirent *e;

  add_rule(out, dir, a & ~(uint64_t)FILE_LEVEL);
  if (depth > 64 || !(d = opendir(dir)))
    return; /* grants nothing more: fails closed */
  while ((e = readdir(d))) {
    _cleanup_free_ char *path = NULL;
    struct stat st;

    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    path = xasprintf("%s/%s", strcmp(dir, "/") == 0 ? "" : dir, e->d_name);
    if (is_mask(np, path) || fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
        S_ISLNK(st.st_mode))
      continue;
    if (hint_of(np, path))
      expand(out, np, path, a, depth + 1);
    else
      add_rule(out, path, a);
  }
  closedir(d);
}

void nons_landlock(const struct nons_run *nr, struct ll_plan *out)
{
  struct ll_plan base;

  nons_landlock_plan(&nr->plan, nr->priv ? nr->priv : "/", landlock_abi(), &base);
  *out = base;
  out->rules = NULL;
  out->n_rules = 0;
  for (size_t i = 0; i < base.n_rules; i++) {
    if (hint_of(&nr->plan, base.rules[i].path))
      expand(out, &nr->plan, base.rules[i].path, base.rules[i].access, 0);
    else
      add_rule(out, base.rules[i].path, base.rules[i].access);
  }
  landlock_plan_free(&base);
}

int nons_drop_caps(void)
{
  /* The host's capabilities, whatever the profile says (a root caller
   * keeps none: no user namespace holds them here). The bounding set
   * shrinks only with CAP_SETPCAP; without it, no_new_privs already keeps
   * exec from raising anything, so the other sets are cleared alone. */
  capng_get_caps_process();
  if (capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP))
    return caps_apply(0);
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return -errno;
  capng_clear(CAPNG_SELECT_CAPS);
  return capng_apply(CAPNG_SELECT_CAPS) < 0 ? -EPERM : 0;
}

void nons_child_env(const struct nons_run *nr)
{
  if (nr->plan.tmpdir && nr->priv) {
    _cleanup_free_ char *t = xasprintf("%s/tmp", nr->priv);
    if (setenv("TMPDIR", t, 1) < 0)
      die_oom();
  }
  for (size_t i = 0; nr->priv && i < nr->plan.n_env; i++) {
    const char *v = getenv(nr->plan.env[i].name);
    _cleanup_free_ char *t = NULL;

    /* only where the profile's value is still the one in effect */
    if (!v || strcmp(v, nr->plan.env[i].rel) != 0)
      continue;
    t = xasprintf("%s%s", nr->priv, nr->plan.env[i].rel);
    if (setenv(nr->plan.env[i].name, t, 1) < 0)
      die_oom();
  }
}

/* Kills every child listed. Orphans of a killed process come to us and
 * are seen on the next round. */
static void kill_children(void)
{
  char path[64];
  _cleanup_fclose_ FILE *f = NULL;
  int pid;

  snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)gettid());
  f = fopen(path, "re");
  while (f && fscanf(f, "%d", &pid) == 1)
    kill(pid, SIGKILL);
}

void nons_kill_leftovers(void)
{
  /* Every child listed is killed, so the wait returns; ECHILD: none left. */
  for (;;) {
    kill_children();
    if (waitpid(-1, NULL, 0) < 0 && errno != EINTR)
      return;
  }
}

/* The command may have left anything there: symlinks are removed, never
 * followed; directories it made unreadable are opened up first. */
static void remove_tree(int dfd, const char *name)
{
  int fd;
  DIR *d;
  struct dirent *e;

  if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT)
    return;
  fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return;
  (void)fchmod(fd, 0700);
  d = fdopendir(fd);
  if (!d) {
    close(fd);
    return;
  }
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
      remove_tree(dirfd(d), e->d_name);
  closedir(d);
  (void)unlinkat(dfd, name, AT_REMOVEDIR);
}

static void put_back(struct nons_run *nr)
{
  for (size_t i = 0; i < nr->n_snaps; i++) {
    _cleanup_free_ char *aside = NULL;
    int r = snapshot_restore(nr->snaps[i], &aside);

    if (r < 0)
      warnx_("the command changed %s (protected) and it could not be put back: %s",
             snapshot_path(nr->snaps[i]), strerror(-r));
    else if (r > 0)
      warnx_("the command changed %s (protected): put back as it was%s%s",
             snapshot_path(nr->snaps[i]), aside ? "; its version is at " : "", aside ? aside : "");
    snapshot_free(nr->snaps[i]);
  }
  free(nr->snaps);
}

void nons_finish(struct nons_run *nr)
{
  if (!nr)
    return;
  /* After the command and everything it left are gone. */
  put_back(nr);
  if (nr->priv)
    remove_tree(AT_FDCWD, nr->priv);
  free(nr->priv);
  free(nr->filter);
  nons_plan_free(&nr->plan);
  free(nr);
}
