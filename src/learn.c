/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* --learn: the learning run. The command installs a seccomp filter with a
 * user-notification listener on the syscalls that name paths, execute,
 * connect, bind or make namespaces (every syscall with --learn-syscalls)
 * and hands the listener to the monitor, where a thread answers each
 * notification "continue" after reading the arguments it needs from the
 * command's memory. The filter only observes: the kernel runs every
 * filter and the strictest answer wins, so an errno from the base
 * profile's own filter comes first and the syscall never reaches us; a
 * "continue" lets the kernel run the call as if we were not there (the
 * pointers are read again by the kernel: a thread that changes a path
 * after we read it fools the log, never the policy). */
#include "learn.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <dirent.h>
#include <unistd.h>

#include "guard.h"
#include "netproxy.h"
#include "plan.h"
#include "profile.h"
#include "util.h"

#if defined(__x86_64__)
#define LEARN_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define LEARN_ARCH AUDIT_ARCH_AARCH64
#else
#error "--learn: add this architecture's AUDIT_ARCH"
#endif

/* Linux 6.6: the notifying task and the watcher hand the CPU to each
 * other directly instead of waking through the scheduler (older kernels
 * refuse the flag, and the run is slower). */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

#define NS_FLAGS                                                                                   \
  (CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS |       \
   CLONE_NEWCGROUP)

/* How a watched syscall names what it touches. */
enum arg_how {
  A_OPEN,    /* path, flags */
  A_OPENAT2, /* dirfd, path, struct open_how */
  A_READ,    /* looked at or read */
  A_WRITE,   /* changes the file */
  A_CREATE,  /* makes or removes an entry: its directory */
  A_MKDIR,   /* an entry, unless it is there already */
  A_EXEC,
  A_SOCK, /* connect, bind: a sockaddr */
  A_NS,   /* clone, unshare: flags in a0 */
};

struct watched {
  int nr;
  const char *name;
  enum arg_how how;
  signed char dirfd, path, flags; /* argument indexes, -1: none (dirfd: AT_FDCWD) */
  signed char dirfd2, path2;      /* rename and link: the second path */
};

#define W(n, how, dfd, p, fl, dfd2, p2)                                                            \
  {                                                                                                \
    SYS_##n, #n, how, dfd, p, fl, dfd2, p2                                                         \
  }
static const struct watched watched[] = {
#ifdef SYS_open
    W(open, A_OPEN, -1, 0, 1, -1, -1),        W(creat, A_CREATE, -1, 0, -1, -1, -1),
    W(stat, A_READ, -1, 0, -1, -1, -1),       W(lstat, A_READ, -1, 0, -1, -1, -1),
    W(access, A_READ, -1, 0, -1, -1, -1),     W(readlink, A_READ, -1, 0, -1, -1, -1),
    W(mkdir, A_MKDIR, -1, 0, -1, -1, -1),     W(rmdir, A_CREATE, -1, 0, -1, -1, -1),
    W(unlink, A_CREATE, -1, 0, -1, -1, -1),   W(rename, A_CREATE, -1, 0, -1, -1, 1),
    W(link, A_CREATE, -1, 0, -1, -1, 1),      W(symlink, A_CREATE, -1, 1, -1, -1, -1),
    W(chmod, A_WRITE, -1, 0, -1, -1, -1),     W(chown, A_WRITE, -1, 0, -1, -1, -1),
    W(lchown, A_WRITE, -1, 0, -1, -1, -1),    W(utimes, A_WRITE, -1, 0, -1, -1, -1),
    W(mknod, A_CREATE, -1, 0, -1, -1, -1),
#endif
    W(openat, A_OPEN, 0, 1, 2, -1, -1),       W(openat2, A_OPENAT2, 0, 1, 2, -1, -1),
    W(newfstatat, A_READ, 0, 1, -1, -1, -1),  W(statx, A_READ, 0, 1, -1, -1, -1),
    W(faccessat, A_READ, 0, 1, -1, -1, -1),   W(faccessat2, A_READ, 0, 1, -1, -1, -1),
    W(readlinkat, A_READ, 0, 1, -1, -1, -1),  W(statfs, A_READ, -1, 0, -1, -1, -1),
    W(chdir, A_READ, -1, 0, -1, -1, -1),      W(truncate, A_WRITE, -1, 0, -1, -1, -1),
    W(mkdirat, A_MKDIR, 0, 1, -1, -1, -1),    W(mknodat, A_CREATE, 0, 1, -1, -1, -1),
    W(unlinkat, A_CREATE, 0, 1, -1, -1, -1),  W(renameat, A_CREATE, 0, 1, -1, 2, 3),
    W(renameat2, A_CREATE, 0, 1, -1, 2, 3),   W(linkat, A_CREATE, 0, 1, -1, 2, 3),
    W(symlinkat, A_CREATE, 1, 2, -1, -1, -1), W(fchmodat, A_WRITE, 0, 1, -1, -1, -1),
    W(fchownat, A_WRITE, 0, 1, -1, -1, -1),   W(utimensat, A_WRITE, 0, 1, -1, -1, -1),
    W(execve, A_EXEC, -1, 0, -1, -1, -1),     W(execveat, A_EXEC, 0, 1, -1, -1, -1),
    W(connect, A_SOCK, -1, -1, -1, -1, -1),   W(bind, A_SOCK, -1, -1, -1, -1, -1),
    W(unshare, A_NS, -1, -1, -1, -1, -1),     W(setns, A_NS, -1, -1, -1, -1, -1),
    W(clone, A_NS, -1, -1, -1, -1, -1),
};
#undef W

struct learn_run {
  int sock[2]; /* [0] the monitor's, [1] the command's */
  struct sock_filter *prog;
  size_t prog_len;
  bool all; /* --learn-syscalls */
  pthread_t thread;
  bool started;
  bool attached; /* the command handed its listener over */
  struct learn_log log;
  char netlog[64]; /* the learning proxy's log, or "" */
  int dirfd;       /* where FILE goes, opened before the run */
  char *base;      /* FILE's name there */
};

/* ---- the filter ---- */

struct bpf {
  struct sock_filter f[256];
  size_t n;
};

static void put(struct bpf *b, struct sock_filter i)
{
  if (b->n == ELEMENTSOF(b->f))
    die("--learn: filter too long");
  b->f[b->n++] = i;
}

/* Jumps to the program's last instruction (RET USER_NOTIF) are patched
 * once its length is known: jt/jf of 0xff mean "notify". */
#define TO_NOTIFY 0xff

static void build_filter(struct learn_run *lr)
{
  struct bpf b = {.n = 0};

  put(&b,
      (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)));
  put(&b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, LEARN_ARCH, 1, 0));
  put(&b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  put(&b,
      (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)));
  if (lr->all) {
    /* Everything but the one sendmsg that hands the listener over (the
     * monitor has no listener to read it from before that). */
    put(&b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_sendmsg, 0, TO_NOTIFY));
    put(&b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                         offsetof(struct seccomp_data, args[0])));
    put(&b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)lr->sock[1], 0,
                                         TO_NOTIFY));
    put(&b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  } else {
    for (size_t i = 0; i < ELEMENTSOF(watched); i++)
      if (watched[i].nr != SYS_clone)
        put(&b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)watched[i].nr,
                                             TO_NOTIFY, 0));
    /* clone only with namespace flags: every fork would cost a round
     * trip for nothing. */
    put(&b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 0, 2));
    put(&b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                         offsetof(struct seccomp_data, args[0])));
    put(&b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, NS_FLAGS, TO_NOTIFY, 0));
    put(&b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  }
  put(&b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF));
  for (size_t i = 0; i + 1 < b.n; i++) {
    if (BPF_CLASS(b.f[i].code) != BPF_JMP)
      continue;
    if (b.f[i].jt == TO_NOTIFY)
      b.f[i].jt = (unsigned char)(b.n - 1 - i - 1);
    if (b.f[i].jf == TO_NOTIFY)
      b.f[i].jf = (unsigned char)(b.n - 1 - i - 1);
  }
  lr->prog_len = b.n;
  lr->prog = xcalloc(b.n, sizeof *lr->prog);
  memcpy(lr->prog, b.f, b.n * sizeof *lr->prog);
}

/* ---- the plan ---- */

int learn_plan(struct plan *p, struct diag *d)
{
  struct net_rule *r;
  struct origin o = {0}; /* --explain: "built in" */

  if (p->net_log)
    return diag_set(d, EINVAL, "--learn keeps its own log of the network: drop --net-log");
  if (!p->learn_base) {
    struct plan q;
    plan_init(&q);
    q.penv = p->penv;
    if (profile_apply_named(&q, "learn", q.penv, NULL, d) < 0) {
      plan_free(&q);
      return -EINVAL;
    }
    plan_append(&q, p);
    plan_free(p);
    *p = q;
    /* Every name through, each logged: the learned profile allows what
     * was asked for by name (net-allow), nothing by address. */
    if (!(p->ns_cleared & NS_NET) && p->n_net_allow == 0) {
      p->net_allow = xreallocarray(p->net_allow, p->n_net_allow + 1, sizeof *p->net_allow);
      r = &p->net_allow[p->n_net_allow++];
      *r = (struct net_rule){.host = xstrdup("*"), .port = 0, .origin = o};
      p->learn_proxy = true;
    }
  }
  return 0;
}

/* ---- the command's side ---- */

/* The profile, written to a new file in the pinned directory and renamed
 * onto FILE: the command may have put a symbolic link (to ~/.bashrc) or a
 * hard link of one of the caller's files there, and writing through it
 * would rewrite that file on the host. A rename replaces the name only. */
static int write_learned(const struct learn_run *lr, const char *text)
{
  _cleanup_free_ char *tmp = xasprintf("/proc/self/fd/%d/.%s.XXXXXX", lr->dirfd, lr->base);
  _cleanup_close_ int fd = mkostemp(tmp, O_CLOEXEC);
  int r = 0;

  if (fd < 0)
    return -errno;
  if (fchmod(fd, 0644) < 0 || write_all(fd, text, strlen(text)) < 0 || close(take_fd(&fd)) < 0 ||
      renameat(AT_FDCWD, tmp, lr->dirfd, lr->base) < 0) {
    r = -errno;
    (void)unlink(tmp);
  }
  return r;
}

struct learn_run *learn_prepare(struct plan *p)
{
  struct learn_run *lr;
  _cleanup_free_ char *dir = xstrdup(p->learn_file);
  char *slash = strrchr(dir, '/');

  /* Said before the run, not after it. */
  if (slash)
    slash[slash == dir] = '\0';
  if (access(slash ? dir : ".", W_OK) < 0)
    die_errno(errno, "--learn %s: Can't write in %s", p->learn_file, slash ? dir : ".");
  lr = xcalloc(1, sizeof *lr);
  /* The directory is pinned now: the command may rename or replace it by
   * a symbolic link during the run (it is often the writable project). */
  lr->dirfd = open(slash ? dir : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (lr->dirfd < 0)
    die_errno(errno, "--learn %s: Can't open %s", p->learn_file, slash ? dir : ".");
  lr->base = xstrdup(slash ? strrchr(p->learn_file, '/') + 1 : p->learn_file);
  lr->all = p->learn_syscalls;
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, lr->sock) < 0)
    die_errno(errno, "socketpair()");
  build_filter(lr);
  if (p->learn_proxy) {
    /* The proxy appends here; we read it back after the run. */
    int fd;
    snprintf(lr->netlog, sizeof lr->netlog, "%s/sandbox-learn-XXXXXX",
             getenv("TMPDIR") && strlen(getenv("TMPDIR")) < 30 ? getenv("TMPDIR") : "/tmp");
    fd = mkstemp(lr->netlog);
    if (fd < 0)
      die_errno(errno, "--learn: Can't make a temporary file for the proxy's log");
    close(fd);
    free(p->net_log);
    p->net_log = xstrdup(lr->netlog);
  }
  return lr;
}

void learn_attach(const struct learn_run *lr)
{
  struct sock_fprog prog = {.len = (unsigned short)lr->prog_len, .filter = lr->prog};
  int fd =
      (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);

  if (fd < 0)
    die_errno(errno, "--learn: seccomp user notification");
  if (send_with_fds(lr->sock[1], "L", 1, &fd, 1) < 0)
    die_errno(errno, "--learn: handing the listener over");
  close(fd);
  close(lr->sock[1]);
}

/* ---- the monitor's side ---- */

/* A NUL-terminated string at addr in pid's memory, a page at a time (a
 * path may end just before an unmapped page). */
static bool read_str(pid_t pid, uint64_t addr, char *buf, size_t size)
{
  size_t got = 0;

  while (got + 1 < size) {
    size_t page = 4096 - ((addr + got) & 4095), want = size - 1 - got;
    struct iovec local = {buf + got, want < page ? want : page};
    struct iovec remote = {(void *)(uintptr_t)(addr + got), local.iov_len};
    ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);

    if (n <= 0)
      return false;
    if (memchr(buf + got, '\0', (size_t)n))
      return true;
    got += (size_t)n;
  }
  return false;
}

static bool read_mem(pid_t pid, uint64_t addr, void *buf, size_t len)
{
  struct iovec local = {buf, len};
  struct iovec remote = {(void *)(uintptr_t)addr, len};

  return process_vm_readv(pid, &local, 1, &remote, 1, 0) == (ssize_t)len;
}

/* The directory a relative path starts from: the cwd or an open fd, as
 * the command sees them (readlink of /proc/PID/... gives the path in the
 * command's own root). */
static char *resolve(pid_t pid, int dirfd, const char *path)
{
  char link[64], dir[4096];
  ssize_t n;

  if (path[0] == '/')
    return path_clean(path);
  if (dirfd == AT_FDCWD)
    snprintf(link, sizeof link, "/proc/%d/cwd", pid);
  else
    snprintf(link, sizeof link, "/proc/%d/fd/%d", pid, dirfd);
  n = readlink(link, dir, sizeof dir - 1);
  if (n <= 0 || dir[0] != '/')
    return NULL;
  dir[n] = '\0';
  {
    _cleanup_free_ char *joined = xasprintf("%s/%s", dir, path);
    return path_clean(joined);
  }
}

/* Whether path is there in the command's tree (its root, not ours). */
static bool exists_inside(pid_t pid, const char *path)
{
  char root[64];
  _cleanup_close_ int rfd = -1, fd = -1;
  struct open_how how = {.flags = O_PATH | O_CLOEXEC,
                         .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};

  snprintf(root, sizeof root, "/proc/%d/root", pid);
  rfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rfd < 0)
    return false;
  fd = (int)syscall(SYS_openat2, rfd, path[0] == '/' ? path + 1 : path, &how, sizeof how);
  return fd >= 0;
}

static const struct watched *find_watched(int nr)
{
  for (size_t i = 0; i < ELEMENTSOF(watched); i++)
    if (watched[i].nr == nr)
      return &watched[i];
  return NULL;
}

/* What one notification asks for, before it is known to be valid. */
struct pending {
  enum learn_kind kind[2];
  char *what[2];
  unsigned n;
};

static void pend(struct pending *pd, enum learn_kind kind, char *what)
{
  if (!what || pd->n == ELEMENTSOF(pd->what)) {
    free(what);
    return;
  }
  pd->kind[pd->n] = kind;
  pd->what[pd->n++] = what;
}

static enum learn_kind open_kind(pid_t pid, const char *path, uint64_t flags)
{
  if (flags & O_CREAT) {
    if (!exists_inside(pid, path))
      return LEARN_CREATE;
    return LEARN_WRITE;
  }
  if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC))
    return LEARN_WRITE;
  if ((flags & O_DIRECTORY) && !(flags & O_PATH))
    return LEARN_LIST;
  return LEARN_READ;
}

static char *sock_what(pid_t pid, const struct seccomp_data *sd, enum learn_kind *kind)
{
  struct sockaddr_storage ss = {0};
  socklen_t len = (socklen_t)sd->args[2];
  char addr[INET6_ADDRSTRLEN];

  if (len < sizeof(sa_family_t) || len > sizeof ss || !read_mem(pid, sd->args[1], &ss, len))
    return NULL;
  if (ss.ss_family == AF_UNIX) {
    struct sockaddr_un *un = (struct sockaddr_un *)&ss;
    size_t max = len - offsetof(struct sockaddr_un, sun_path);
    /* abstract names and unnamed sockets name no file */
    if (max == 0 || un->sun_path[0] == '\0')
      return NULL;
    *kind = sd->nr == SYS_bind ? LEARN_CREATE : LEARN_READ;
    {
      _cleanup_free_ char *p = xstrndup(un->sun_path, max);
      return resolve(pid, AT_FDCWD, p);
    }
  }
  *kind = sd->nr == SYS_bind ? LEARN_BIND : LEARN_CONNECT;
  if (ss.ss_family == AF_INET) {
    struct sockaddr_in *in = (struct sockaddr_in *)&ss;
    inet_ntop(AF_INET, &in->sin_addr, addr, sizeof addr);
    return xasprintf("%s:%u", addr, ntohs(in->sin_port));
  }
  if (ss.ss_family == AF_INET6) {
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
    inet_ntop(AF_INET6, &in6->sin6_addr, addr, sizeof addr);
    return xasprintf("[%s]:%u", addr, ntohs(in6->sin6_port));
  }
  return NULL;
}

static char *ns_what(uint64_t flags)
{
  static const struct {
    uint64_t f;
    const char *name;
  } names[] = {{CLONE_NEWUSER, "user"},    {CLONE_NEWNS, "mount"}, {CLONE_NEWNET, "net"},
               {CLONE_NEWPID, "pid"},      {CLONE_NEWIPC, "ipc"},  {CLONE_NEWUTS, "uts"},
               {CLONE_NEWCGROUP, "cgroup"}};
  char buf[128] = "";

  for (size_t i = 0; i < ELEMENTSOF(names); i++)
    if (flags & names[i].f)
      snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", buf[0] ? "," : "",
               names[i].name);
  return xstrdup(buf[0] ? buf : "(any)");
}

static void examine(pid_t pid, const struct seccomp_data *sd, const struct watched *w,
                    struct pending *pd)
{
  char path[4096];
  enum learn_kind kind = LEARN_READ;
  uint64_t flags = w->flags >= 0 ? sd->args[w->flags] : 0;
  int dirfd = w->dirfd >= 0 ? (int)sd->args[w->dirfd] : AT_FDCWD;
  char *full;

  switch (w->how) {
  case A_SOCK: {
    char *what = sock_what(pid, sd, &kind);
    pend(pd, kind, what);
  }
    return;
  case A_NS:
    if (sd->nr == SYS_setns || (sd->args[0] & NS_FLAGS))
      pend(pd, LEARN_NS, ns_what(sd->nr == SYS_setns ? sd->args[1] : sd->args[0]));
    return;
  default:
    break;
  }
  if (!read_str(pid, sd->args[w->path], path, sizeof path) || !path[0])
    return; /* an fd's own path (AT_EMPTY_PATH) names nothing new */
  full = resolve(pid, dirfd, path);
  if (!full)
    return;
  switch (w->how) {
  case A_OPENAT2: {
    struct open_how how = {0};
    if (sd->args[3] >= sizeof(uint64_t) && read_mem(pid, sd->args[2], &how, sizeof how.flags))
      flags = how.flags;
    kind = open_kind(pid, full, flags);
    break;
  }
  case A_OPEN:
    kind = open_kind(pid, full, flags);
    break;
  case A_WRITE:
    kind = LEARN_WRITE;
    break;
  case A_CREATE:
    kind = LEARN_CREATE;
    break;
  case A_MKDIR:
    kind = exists_inside(pid, full) ? LEARN_READ : LEARN_CREATE;
    break;
  case A_EXEC:
    kind = LEARN_EXEC;
    break;
  case A_READ:
  case A_SOCK:
  case A_NS:
  default:
    kind = LEARN_READ;
    break;
  }
  pend(pd, kind, full);
  if (w->path2 >= 0 && read_str(pid, sd->args[w->path2], path, sizeof path) && path[0])
    pend(pd, LEARN_CREATE,
         resolve(pid, w->dirfd2 >= 0 ? (int)sd->args[w->dirfd2] : AT_FDCWD, path));
}

static void comm_of(pid_t pid, char *out, size_t size)
{
  char p[64];
  _cleanup_close_ int fd = -1;
  ssize_t n;

  snprintf(out, size, "?");
  snprintf(p, sizeof p, "/proc/%d/comm", pid);
  fd = open(p, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || (n = read(fd, out, size - 1)) <= 0)
    return;
  out[n] = '\0';
  out[strcspn(out, "\n")] = '\0';
}

static void commit(struct learn_log *l, pid_t pid, const char *sc, struct pending *pd)
{
  for (unsigned i = 0; i < pd->n; i++) {
    struct learn_rec *r = learn_log_add(l, pd->kind[i], pd->what[i], sc, NULL);
    if (r->count == 1) {
      char comm[sizeof r->prog];
      comm_of(pid, comm, sizeof comm);
      learn_set_prog(r, comm);
    }
    free(pd->what[i]);
  }
  pd->n = 0;
}

static void *supervise(void *arg)
{
  struct learn_run *lr = arg;
  struct seccomp_notif_sizes sz;
  _cleanup_free_ struct seccomp_notif *req = NULL;
  _cleanup_free_ struct seccomp_notif_resp *resp = NULL;
  _cleanup_close_ int fd = -1;
  size_t n_fds = 0;
  char b;

  if (recv_with_fds(lr->sock[0], &b, 1, &fd, 1, &n_fds, 0) <= 0 || n_fds != 1)
    return NULL; /* the command never started */
  lr->attached = true;
  /* From here on the listener stays open until no process is left under
   * it: closed early, every watched syscall would fail with ENOSYS. */
  if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0)
    sz = (struct seccomp_notif_sizes){sizeof *req, sizeof *resp, sizeof(struct seccomp_data)};
  (void)ioctl(fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
  req = xcalloc(1, sz.seccomp_notif > sizeof *req ? sz.seccomp_notif : sizeof *req);
  resp = xcalloc(1, sz.seccomp_notif_resp > sizeof *resp ? sz.seccomp_notif_resp : sizeof *resp);
  for (;;) {
    struct pollfd pfd = {fd, POLLIN, 0};
    const struct watched *w;
    struct pending pd = {.n = 0};
    const char *sc;

    if (poll(&pfd, 1, -1) < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    if (!(pfd.revents & POLLIN))
      break; /* POLLHUP: no process is left under the filter */
    memset(req, 0, sz.seccomp_notif);
    /* Any error here is this notification's (its process died: ENOENT):
     * closing the listener would fail every watched call with ENOSYS. */
    if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
      continue;
    lr->log.notifications++;
    w = find_watched(req->data.nr);
    sc = w ? w->name : syscall_name_of(req->data.nr);
    if (w && req->data.arch == LEARN_ARCH)
      examine((pid_t)req->pid, &req->data, w, &pd);
    /* The pid may have died and been reused while we read: only what a
     * still-pending notification said is kept. */
    if (ioctl(fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id) == 0) {
      if (req->data.nr == SYS_execve || req->data.nr == SYS_execveat)
        lr->log.exec_seen = true;
      if (lr->log.exec_seen && req->data.nr >= 0 && req->data.nr < SC_MAX &&
          req->data.arch == LEARN_ARCH)
        sc_set_add(&lr->log.syscalls, req->data.nr);
      commit(&lr->log, (pid_t)req->pid, sc ? sc : "?", &pd);
    }
    for (unsigned i = 0; i < pd.n; i++)
      free(pd.what[i]);
    memset(resp, 0, sz.seccomp_notif_resp);
    resp->id = req->id;
    resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    (void)ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, resp);
  }
  return NULL;
}

void learn_start(struct learn_run *lr)
{
  sigset_t all, old;
  int r;

  close(take_fd(&lr->sock[1]));
  /* Signals are the monitor's main thread's (it forwards them to the
   * sandbox): the watcher starts with every one blocked. */
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  r = pthread_create(&lr->thread, NULL, supervise, lr);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (r != 0)
    die_errno(r, "--learn: pthread_create");
  lr->started = true;
}

/* ---- writing the profile ---- */

static int host_entries(void *ctx, const char *path)
{
  DIR *d = opendir(path);
  struct dirent *e;
  int n = 0;

  if (!d)
    return -1;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
      n++;
  closedir(d);
  return n;
}

static bool host_exists(void *ctx, const char *path)
{
  struct stat st;
  return lstat(path, &st) == 0;
}

static bool host_is_symlink(void *ctx, const char *path)
{
  struct stat st;
  return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
}

static char *command_line(const struct plan *p)
{
  size_t len = 0;
  char *s = xstrdup("");

  for (int i = 0; i < p->argc && len < 200; i++) {
    char *t = xasprintf("%s%s%s", s, i ? " " : "", p->argv[i]);
    free(s);
    s = t;
    len = strlen(s);
  }
  for (char *c = s; *c; c++)
    if (*c == '\n' || *c == '\r')
      *c = ' ';
  return s;
}

static bool same_str(const char *a, const char *b)
{
  return a == b || (a && b && strcmp(a, b) == 0);
}

/* The command's name, in letters a description line keeps as they are. */
static char *program_word(const struct plan *p)
{
  const char *base = p->argc ? strrchr(p->argv[0], '/') : NULL;
  char *w = xstrdup(p->argc ? (base ? base + 1 : p->argv[0]) : "?");

  for (char *c = w; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
          *c == '.' || *c == '-' || *c == '_' || *c == '+'))
      *c = '_';
  return w;
}

/* The learning run's mount points, each marked when the profile the
 * learned one includes makes the same mount: system trees collapse into
 * that profile. */
static void run_mounts(const struct plan *p, const char *include, const char ***mounts,
                       bool **from_include, bool **writable, size_t *n)
{
  struct plan q;
  struct diag d = {0};
  bool loaded;

  plan_init(&q);
  q.penv = p->penv;
  loaded = profile_apply_named(&q, include, q.penv, NULL, &d) == 0;
  *mounts = xcalloc(p->n_ops + 1, sizeof **mounts);
  *from_include = xcalloc(p->n_ops + 1, sizeof **from_include);
  *writable = xcalloc(p->n_ops + 1, sizeof **writable);
  *n = 0;
  for (size_t i = 0; i < p->n_ops; i++) {
    const struct op *o = &p->ops[i];
    if (!o->dest || o->type == OP_DIR || o->type == OP_CHMOD || o->type == OP_SYMLINK)
      continue;
    (*mounts)[*n] = o->dest;
    (*writable)[*n] = (o->type == OP_BIND && !(o->flags & BIND_READONLY)) ||
                      (o->type == OP_OVERLAY && o->overlay != OVERLAY_RO);
    for (size_t j = 0; loaded && j < q.n_ops; j++)
      if (q.ops[j].type == o->type && same_str(q.ops[j].dest, o->dest) &&
          same_str(q.ops[j].src, o->src))
        (*from_include)[*n] = true;
    (*n)++;
  }
  plan_free(&q);
}

static char *include_name(const struct plan *p)
{
  char *abs;

  if (!p->learn_base)
    return xstrdup("system");
  if (!strchr(p->learn_base, '/'))
    return xstrdup(p->learn_base);
  abs = realpath(p->learn_base, NULL);
  return abs ? abs : xstrdup(p->learn_base);
}

int learn_finish(struct learn_run *lr, const struct plan *p, int status)
{
  _cleanup_free_ char *include = include_name(p);
  _cleanup_free_ char *cmd = command_line(p);
  _cleanup_free_ char *prog = program_word(p);
  _cleanup_free_ char *cwd = getcwd(NULL, 0);
  _cleanup_free_ char *text = NULL;
  const char **hidden = NULL, **mounts = NULL;
  bool *from_include = NULL, *writable = NULL;
  size_t n_mounts = 0, n_lines = 0;
  struct learn_host host = {host_entries, host_exists, host_is_symlink, NULL};
  int r = 0;

  if (lr->started)
    pthread_join(lr->thread, NULL);
  close(take_fd(&lr->sock[0]));
  if (lr->netlog[0]) {
    _cleanup_close_ int lfd = open(lr->netlog, O_RDONLY | O_CLOEXEC);
    _cleanup_free_ char *buf = NULL;
    size_t len = 0;
    if (lfd >= 0 && read_all(lfd, &buf, &len) == 0)
      learn_parse_netlog(&lr->log, buf, len);
    unlink(lr->netlog);
  }
  /* Set-up failed (and said why): nothing was watched, nothing to learn;
   * a profile from it would be the base alone. */
  if (!lr->attached) {
    warnx_("--learn: the command did not start; %s not written", p->learn_file);
    r = -ECHILD;
    goto out;
  }
  run_mounts(p, include, &mounts, &from_include, &writable, &n_mounts);
  hidden = xcalloc(p->n_masks + 1, sizeof *hidden);
  for (size_t i = 0; i < p->n_masks; i++)
    hidden[i] = p->masks[i].path;
  {
    const char *chdir_to = p->chdir ? p->chdir : cwd;
    struct learn_fold_in in = {.command = cmd,
                               .program = prog,
                               .cwd = chdir_to,
                               .home = getenv("HOME"),
                               .include = include,
                               .mounts = mounts,
                               .from_include = from_include,
                               .writable = writable,
                               .n_mounts = n_mounts,
                               .hidden = hidden,
                               .n_hidden = p->n_masks,
                               .proxy = p->learn_proxy,
                               .shared_net = !(p->ns & NS_NET) || (p->ns_cleared & NS_NET),
                               .syscalls = p->learn_syscalls,
                               .status = status};
    text = learn_fold(&lr->log, &in, &host, &n_lines);
  }
  if ((r = write_learned(lr, text)) < 0) {
    warnx_("--learn: Can't write %s: %s", p->learn_file, strerror(-r));
  } else {
    warnx_("learned %s: %zu lines from %lu notifications", p->learn_file, n_lines,
           lr->log.notifications);
  }
out:
  free(mounts);
  free(from_include);
  free(writable);
  free(hidden);
  learn_log_free(&lr->log);
  free(lr->prog);
  free(lr->base);
  close(lr->dirfd);
  free(lr);
  return r;
}
