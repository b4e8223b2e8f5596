/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "landlock.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "util.h"

/* The kernel's structures, spelled out: Debian 12's <linux/landlock.h>
 * lacks handled_access_net (ABI 4) and scoped (ABI 6). The kernel takes a
 * shorter structure from an older caller and a longer one only if the
 * extra bytes are zero. */
struct ll_ruleset_attr {
  uint64_t handled_access_fs;
  uint64_t handled_access_net;
  uint64_t scoped;
};

struct ll_path_beneath_attr {
  uint64_t allowed_access;
  int32_t parent_fd;
} __attribute__((packed));

#define LL_CREATE_RULESET_VERSION (1u << 0)
#define LL_RULE_PATH_BENEATH      1

#define LL_RO (LL_FS_EXECUTE | LL_FS_READ_FILE | LL_FS_READ_DIR)
/* Everything a writable tree needs, but device nodes (never made here). */
#define LL_RW                                                                                      \
  (LL_RO | LL_FS_WRITE_FILE | LL_FS_REMOVE_DIR | LL_FS_REMOVE_FILE | LL_FS_MAKE_DIR |              \
   LL_FS_MAKE_REG | LL_FS_MAKE_SOCK | LL_FS_MAKE_FIFO | LL_FS_MAKE_SYM | LL_FS_REFER |             \
   LL_FS_TRUNCATE)
/* Device-like trees (/proc, /dev): read and write existing files. */
#define LL_RW_FILES (LL_FS_READ_FILE | LL_FS_READ_DIR | LL_FS_WRITE_FILE | LL_FS_TRUNCATE)

/* The rights each ABI knows: what a ruleset may name there. */
uint64_t landlock_fs_rights(int abi)
{
  uint64_t m = 0;

  if (abi >= 1)
    m = (LL_FS_MAKE_SYM << 1) - 1;
  if (abi >= 2)
    m |= LL_FS_REFER;
  if (abi >= 3)
    m |= LL_FS_TRUNCATE;
  if (abi >= 5)
    m |= LL_FS_IOCTL_DEV;
  return m;
}

static void add_rule(struct ll_plan *lp, const char *path, uint64_t access)
{
  lp->rules = xreallocarray(lp->rules, lp->n_rules + 1, sizeof *lp->rules);
  lp->rules[lp->n_rules].path = xstrdup(path);
  lp->rules[lp->n_rules++].access = access;
}

/* What the command may do beneath an op's destination. Mount rules stack:
 * a path gets the union of the rules on it and its ancestors, so a
 * read-only bind below a writable one stays read-only by its mount flag
 * only; Landlock adds the outer fence (nothing outside the plan's trees,
 * whatever path leads there). */
static uint64_t op_access(const struct op *op)
{
  switch (op->type) {
  case OP_BIND:
  case OP_BIND_FD:
    if (op->flags & BIND_DEVICES)
      return (op->flags & BIND_READONLY ? LL_RO : LL_RW) | LL_RW_FILES | LL_FS_IOCTL_DEV;
    return op->flags & BIND_READONLY ? LL_RO : LL_RW;
  case OP_TMPFS:
  case OP_MQUEUE:
    return LL_RW;
  case OP_OVERLAY:
    return op->overlay == OVERLAY_RO ? LL_RO : LL_RW;
  case OP_PROC:
    /* /proc/self/... is written (oom_score_adj, attr); nothing runs from
     * it but through magic links, which are checked at their targets. */
    return LL_RW_FILES;
  case OP_DEV:
    /* Terminals need their ioctls (ABI 5 refuses them otherwise). */
    return LL_RW_FILES | LL_FS_IOCTL_DEV;
  case OP_BIND_DATA:
    return op->flags & BIND_READONLY ? LL_RO : LL_RO | LL_FS_WRITE_FILE | LL_FS_TRUNCATE;
  case OP_FILE:
    /* made in the sandbox's own tmpfs root, or inside a mount whose rule
     * already covers it */
    return LL_RO | LL_FS_WRITE_FILE | LL_FS_TRUNCATE;
  case OP_DIR:
    return LL_RO;
  default: /* symlinks are followed to their targets' rules; chmod and
            * remount-ro change no right */
    return 0;
  }
}

static void plan_files(const struct plan *p, struct ll_plan *lp)
{
  /* The root itself: a tmpfs of the sandbox's own, listable, where mount
   * points and --dir directories live. */
  add_rule(lp, "/", LL_FS_READ_DIR);
  for (size_t i = 0; i < p->n_ops; i++) {
    const struct op *op = &p->ops[i];
    uint64_t a = op_access(op);

    if (!a || !op->dest)
      continue;
    add_rule(lp, op->dest, a);
    if (op->type == OP_DEV) {
      /* POSIX shared memory: files made and removed. */
      _cleanup_free_ char *shm = xasprintf("%s/shm", op->dest);
      add_rule(lp, shm, LL_RW);
    }
  }
}

void landlock_plan(const struct plan *p, int abi, struct ll_plan *out)
{
  const uint64_t fs = landlock_fs_rights(abi);

  *out = (struct ll_plan){.abi = abi > 0 ? abi : 0};
  if (abi <= 0)
    return;
  out->full = p->used_profile || p->landlock;
  if (out->full) {
    out->stdio = true;
    out->fs = fs;
    plan_files(p, out);
    /* No TCP rule (out->net stays 0): without network in the plan the
     * network namespace is the sandbox's own and has no way out, and
     * Landlock names ports, not addresses, so a rule would refuse the
     * sandbox's own loopback too, where test suites run their servers.
     * With network shared, TCP is what the plan grants. */
    if (abi >= 6)
      out->scope = LL_SCOPE_ABSTRACT_UNIX | LL_SCOPE_SIGNAL;
  } else if (abi >= 6) {
    /* A plain bwrap line: a domain that handles no file access (mounts,
     * nested sandboxes and every path work as under bwrap) but keeps
     * ptrace, /proc/PID/mem, process_vm_writev and pidfd_getfd inside it:
     * pid 1 and the caller's processes are out of the command's reach.
     * The kernel wants the domain to handle something. Without network,
     * abstract sockets: the netns already hides every one the domain
     * could not reach, so that costs nothing. With network, signals: the
     * command can no longer signal processes outside the sandbox (the
     * caller's, without --unshare-pid; another sandbox's that joined this
     * one's namespaces), which the abstract sockets of the host's
     * desktop (X11, D-Bus on some systems) are more often needed than. */
    out->scope = (p->ns & NS_NET) ? LL_SCOPE_ABSTRACT_UNIX : LL_SCOPE_SIGNAL;
  }
  for (size_t i = 0; i < out->n_rules; i++)
    out->rules[i].access &= fs;
}

void landlock_plan_free(struct ll_plan *lp)
{
  for (size_t i = 0; i < lp->n_rules; i++)
    free(lp->rules[i].path);
  free(lp->rules);
  lp->rules = NULL;
  lp->n_rules = 0;
}

bool landlock_plan_active(const struct ll_plan *lp)
{
  return lp->fs || lp->net || lp->scope;
}

static void rights(FILE *out, uint64_t a)
{
  static const struct {
    uint64_t bit;
    const char *name;
  } names[] = {
      {LL_FS_READ_FILE, "read"},     {LL_FS_READ_DIR, "list"},     {LL_FS_EXECUTE, "execute"},
      {LL_FS_WRITE_FILE, "write"},   {LL_FS_TRUNCATE, "truncate"}, {LL_FS_MAKE_REG, "create"},
      {LL_FS_REMOVE_FILE, "remove"}, {LL_FS_REFER, "rename"},      {LL_FS_IOCTL_DEV, "ioctl"},
  };
  const char *sep = "";

  for (size_t i = 0; i < ELEMENTSOF(names); i++)
    if (a & names[i].bit) {
      fprintf(out, "%s%s", sep, names[i].name);
      sep = ",";
    }
}

void landlock_explain(FILE *out, const struct ll_plan *lp)
{
  if (lp->abi == 0) {
    fprintf(out, "landlock: not available in this kernel (no second layer; pid 1 is made "
                 "non-dumpable under a profile)\n");
    return;
  }
  if (!landlock_plan_active(lp)) {
    fprintf(out, "landlock: ABI %d; no domain (signal scoping needs ABI 6; as bwrap)\n", lp->abi);
    return;
  }
  fprintf(out,
          "landlock: ABI %d, the command in a domain of its own: ptrace, /proc/PID/mem and "
          "pidfd_getfd of processes outside it refused (pid 1 included)\n",
          lp->abi);
  if (lp->scope & LL_SCOPE_SIGNAL)
    fprintf(out, "  signals: only to processes in the domain\n");
  else if (!lp->full)
    fprintf(out, "  signals: as bwrap; pid 1 passes on none sent from inside\n");
  if (lp->scope & LL_SCOPE_ABSTRACT_UNIX)
    fprintf(out, "  abstract unix sockets: only those made in the domain\n");
  if (!lp->full)
    fprintf(out, "  files: not handled (a plain bwrap line; --landlock mirrors the mounts)\n");
  if (lp->full)
    fprintf(out, "  tcp: not handled (the network namespace decides: a private one has no "
                 "way out, and its loopback stays usable)\n");
  if (lp->full && lp->abi < 6)
    fprintf(out, "  signals, abstract unix sockets: not scoped (needs ABI 6)\n");
  if (lp->full && lp->abi < 2)
    fprintf(out, "  rename or link across directories: refused (ABI 1)\n");
  for (size_t i = 0; i < lp->n_rules; i++) {
    fprintf(out, "  %s: ", lp->rules[i].path);
    rights(out, lp->rules[i].access);
    fputc('\n', out);
  }
  if (lp->stdio)
    fprintf(out, "  the files on stdin, stdout, stderr: read,write\n");
  if (lp->full)
    fprintf(out, "  elsewhere: nothing\n");
}

int landlock_abi(void)
{
  long v = syscall(SYS_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);

  return v > 0 ? (int)v : 0;
}

static int add_path_rule(int ruleset, int fd, uint64_t access)
{
  struct ll_path_beneath_attr attr = {.allowed_access = access, .parent_fd = fd};
  struct stat st;

  if (fstat(fd, &st) < 0)
    return -errno;
  /* A file takes only the rights that apply to files. */
  if (!S_ISDIR(st.st_mode))
    attr.allowed_access &= LL_FS_FILE_RIGHTS;
  if (!attr.allowed_access)
    return 0;
  if (syscall(SYS_landlock_add_rule, ruleset, LL_RULE_PATH_BENEATH, &attr, 0) < 0)
    return -errno;
  return 0;
}

/* The caller's stdio, when it is a file or a terminal: reopening it
 * through /dev/stdout (/proc/self/fd/1) must keep working, and its inode
 * is usually outside the sandbox's trees. */
static int add_stdio_rules(int ruleset, uint64_t fs)
{
  for (int fd = 0; fd <= 2; fd++) {
    struct stat st;
    uint64_t a = LL_FS_READ_FILE | LL_FS_WRITE_FILE | LL_FS_TRUNCATE;
    int r;

    if (fstat(fd, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISCHR(st.st_mode)))
      continue;
    if (S_ISCHR(st.st_mode))
      a |= LL_FS_IOCTL_DEV;
    r = add_path_rule(ruleset, fd, a & fs);
    /* pipes and sockets need no rule; an fd the kernel will not name a
     * rule by (EBADFD) is simply not reopenable */
    if (r < 0 && r != -EBADFD)
      return r;
  }
  return 0;
}

int landlock_prepare(const struct ll_plan *lp)
{
  struct ll_ruleset_attr attr = {
      .handled_access_fs = lp->fs, .handled_access_net = lp->net, .scoped = lp->scope};
  /* An older kernel takes only the fields its ABI knows. */
  size_t size = lp->abi >= 6   ? sizeof attr
                : lp->abi >= 4 ? offsetof(struct ll_ruleset_attr, scoped)
                               : offsetof(struct ll_ruleset_attr, handled_access_net);
  _cleanup_close_ int ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0);
  int r;

  if (ruleset < 0)
    return -errno;
  for (size_t i = 0; i < lp->n_rules; i++) {
    _cleanup_close_ int fd = open(lp->rules[i].path, O_PATH | O_CLOEXEC);

    if (fd < 0) {
      /* A -try bind whose source was missing, or a path the set-up user
       * cannot search: no right is granted there (it fails closed). */
      if (errno == ENOENT || errno == EACCES)
        continue;
      return -errno;
    }
    r = add_path_rule(ruleset, fd, lp->rules[i].access);
    if (r < 0)
      return r;
  }
  if (lp->stdio && (r = add_stdio_rules(ruleset, lp->fs)) < 0)
    return r;
  return take_fd(&ruleset);
}

int landlock_enforce(int ruleset_fd)
{
  if (syscall(SYS_landlock_restrict_self, ruleset_fd, 0) < 0)
    return -errno;
  return 0;
}
