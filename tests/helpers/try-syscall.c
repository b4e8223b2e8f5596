/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sb-try-syscall CASE...: performs each case's raw syscall and prints
 * "CASE OK" or "CASE ERRNO_NAME", one line each, in order.
 *
 * The arguments are crafted so that a denial by the seccomp filter can be
 * told apart from the kernel's own refusal: where the syscall is allowed,
 * the kernel rejects the arguments with an error the filter never returns
 * (EINVAL, EFAULT, EBADF, ENOTTY...), so nothing actually happens (no
 * namespace, no mount, no key) and "EPERM" can only come from the filter.
 * syscall(2) throughout: no libc wrapper that might fall back to another
 * syscall, except "thread", which checks exactly that fallback. */
#include <errno.h>
#include <fcntl.h>
#include <linux/personality.h>
#include <linux/sched.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
#ifndef AF_ALG
#define AF_ALG 38
#endif
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif
/* No socket type this large exists: the kernel answers EINVAL. */
#define BAD_SOCK_TYPE 15

typedef long (*case_fn)(void);

/* A pipe: an fd every profile can create that is not a terminal, so
 * terminal ioctls get ENOTTY from the kernel. */
static int pipe_fd(void)
{
  static int fds[2] = {-1, -1};

  if (fds[0] < 0 && syscall(SYS_pipe2, fds, O_CLOEXEC) < 0)
    return -1;
  return fds[0];
}

static long ioctl_req(unsigned long req)
{
  char c = 'x';
  int fd = pipe_fd();

  if (fd < 0)
    return -1;
  return syscall(SYS_ioctl, fd, req, &c);
}

static long c_ioctl_tiocsti(void)
{
  return ioctl_req(TIOCSTI);
}
/* The kernel reads the request as an int: this is TIOCSTI to it. */
static long c_ioctl_tiocsti_hi(void)
{
  return ioctl_req(0x100000000UL | TIOCSTI);
}
static long c_ioctl_tioclinux(void)
{
  return ioctl_req(TIOCLINUX);
}
static long c_ioctl_tcgets(void)
{
  return ioctl_req(TCGETS);
}
static long c_ioctl_tiocgsid(void)
{
  return ioctl_req(TIOCGSID);
}

static long c_ioctl_fionread(void)
{
  int n = 0, fd = pipe_fd();

  if (fd < 0)
    return -1;
  return syscall(SYS_ioctl, fd, FIONREAD, &n);
}

/* clone3 with no arguments: EINVAL from the kernel, ENOSYS from the filter. */
static long c_clone3(void)
{
  return syscall(SYS_clone3, NULL, 0);
}

/* CLONE_SIGHAND without CLONE_VM is EINVAL to the kernel before it looks
 * at any namespace flag: no process is created either way. */
static long clone_bad(unsigned long ns)
{
  return syscall(SYS_clone, ns | CLONE_SIGHAND, 0, 0, 0, 0);
}
static long c_clone_newuser(void)
{
  return clone_bad(CLONE_NEWUSER);
}
static long c_clone_newns(void)
{
  return clone_bad(CLONE_NEWNS);
}
static long c_clone_newnet(void)
{
  return clone_bad(CLONE_NEWNET);
}
static long c_clone_newpid(void)
{
  return clone_bad(CLONE_NEWPID);
}
/* No namespace flag: what a filter allows, the kernel refuses (EINVAL). */
static long c_clone_plain(void)
{
  return clone_bad(0);
}

/* Bit 0 is in CSIGNAL, which unshare refuses with EINVAL. */
static long c_unshare_user(void)
{
  return syscall(SYS_unshare, CLONE_NEWUSER | 1);
}
static long c_setns(void)
{
  return syscall(SYS_setns, -1, CLONE_NEWUSER);
}

/* A NULL target: EFAULT from the kernel. */
static long c_mount(void)
{
  return syscall(SYS_mount, NULL, NULL, NULL, 0, NULL);
}
static long c_umount(void)
{
  return syscall(SYS_umount2, NULL, 0);
}
static long c_chroot(void)
{
  return syscall(SYS_chroot, NULL);
}
static long c_fsopen(void)
{
  return syscall(SYS_fsopen, NULL, 0);
}
static long c_open_tree(void)
{
  return syscall(SYS_open_tree, -1, NULL, 0);
}

/* No such keyctl operation: EOPNOTSUPP. */
static long c_keyctl(void)
{
  return syscall(SYS_keyctl, 9999, 0, 0, 0, 0);
}
static long c_add_key(void)
{
  return syscall(SYS_add_key, NULL, NULL, NULL, 0, 0);
}
/* No such bpf command: EINVAL (creation commands may be EPERM by sysctl). */
static long c_bpf(void)
{
  return syscall(SYS_bpf, 9999, NULL, 0);
}
/* A NULL attribute: EFAULT. */
static long c_perf(void)
{
  return syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0);
}
/* A NULL params: EFAULT (or EPERM/ENOSYS if io_uring is disabled by sysctl). */
static long c_io_uring(void)
{
  return syscall(SYS_io_uring_setup, 1, NULL);
}
/* User-mode-only (allowed unprivileged) plus an unknown flag: EINVAL. */
static long c_userfaultfd(void)
{
  return syscall(SYS_userfaultfd, UFFD_USER_MODE_ONLY | 0x4000);
}

/* Sets P and puts the old persona back. No query first: querying is
 * personality(0xffffffff), which has every flag bit set. */
static long personality_set(unsigned long p)
{
  long old = syscall(SYS_personality, p);

  if (old >= 0)
    syscall(SYS_personality, (unsigned long)old);
  return old;
}
static long c_personality_query(void)
{
  return syscall(SYS_personality, 0xffffffffUL);
}
static long c_personality_norandom(void)
{
  return personality_set(PER_LINUX | ADDR_NO_RANDOMIZE);
}
static long c_personality_exec(void)
{
  return personality_set(PER_LINUX | READ_IMPLIES_EXEC);
}
static long c_personality_linux(void)
{
  return personality_set(PER_LINUX);
}

/* i386 syscalls from this x86-64 process: int 0x80 enters the kernel's
 * compat path, and seccomp sees AUDIT_ARCH_I386. Elsewhere: ENOSYS. */
#if defined(__x86_64__)
static long int80(long nr, long a, long b, long c)
{
  long r;

  /* The kernel zeroes r8-r11 on this path. */
  __asm__ volatile("int $0x80"
                   : "=a"(r)
                   : "a"(nr), "b"(a), "c"(b), "d"(c)
                   : "r8", "r9", "r10", "r11", "memory");
  r = (int)r;
  if (r < 0 && r > -4096) {
    errno = (int)-r;
    return -1;
  }
  return r;
}
#else
static long int80(long nr, long a, long b, long c)
{
  (void)nr, (void)a, (void)b, (void)c;
  errno = ENOSYS;
  return -1;
}
#endif
#define I386_GETPPID     64
#define I386_CLOSE       6
#define I386_PERSONALITY 136
#define I386_SOCKETCALL  102
#define I386_SOCKET      359

/* Past libseccomp 2.5's i386 table: the filter's answer is ENOSYS, the
 * kernel's to a NULL request EFAULT. */
static long c_i386_statmount(void)
{
  return int80(457, 0, 0, 0);
}
static long c_i386_getppid(void)
{
  return int80(I386_GETPPID, 0, 0, 0);
}
static long c_i386_personality_norandom(void)
{
  long old = int80(I386_PERSONALITY, PER_LINUX | ADDR_NO_RANDOMIZE, 0, 0);

  if (old >= 0)
    int80(I386_PERSONALITY, old, 0, 0);
  return old;
}
static long c_i386_personality_linux(void)
{
  long old = int80(I386_PERSONALITY, PER_LINUX, 0, 0);

  if (old >= 0)
    int80(I386_PERSONALITY, old, 0, 0);
  return old;
}
/* socketcall(SYS_SOCKET, {family, type, 0}): the arguments live in memory
 * below 4 GiB, where a 32-bit pointer reaches them. A real type, so that
 * an allowed call makes a socket (or finds no such family: EAFNOSUPPORT,
 * which no rule of ours returns for AF_VSOCK). */
static long i386_socketcall_socket(int family)
{
  uint32_t *args =
      mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
  long fd;

  if (args == MAP_FAILED)
    return -1;
  args[0] = (uint32_t)family;
  args[1] = SOCK_STREAM;
  args[2] = 0;
  fd = int80(I386_SOCKETCALL, 1 /* SYS_SOCKET */, (long)(uintptr_t)args, 0);
  if (fd >= 0)
    int80(I386_CLOSE, fd, 0, 0);
  munmap(args, 4096);
  return fd;
}
static long c_i386_socketcall_vsock(void)
{
  return i386_socketcall_socket(AF_VSOCK);
}
static long c_i386_socket_vsock(void)
{
  long fd = int80(I386_SOCKET, AF_VSOCK, SOCK_STREAM, 0);

  if (fd >= 0)
    int80(I386_CLOSE, fd, 0, 0);
  return fd;
}

static long socket_ok(int family, int type)
{
  long fd = syscall(SYS_socket, family, type | SOCK_CLOEXEC, 0);

  if (fd >= 0)
    close((int)fd);
  return fd;
}
/* Families the filter should refuse, with a type no family has: the kernel
 * would say EINVAL, the filter says EAFNOSUPPORT (or EPERM). */
static long c_socket_vsock(void)
{
  return socket_ok(AF_VSOCK, BAD_SOCK_TYPE);
}
static long c_socket_alg(void)
{
  return socket_ok(AF_ALG, BAD_SOCK_TYPE);
}
static long c_socket_packet(void)
{
  return socket_ok(AF_PACKET, BAD_SOCK_TYPE);
}
static long c_socket_unix(void)
{
  return socket_ok(AF_UNIX, SOCK_STREAM);
}
static long c_socket_inet(void)
{
  return socket_ok(AF_INET, SOCK_STREAM);
}
static long c_socket_inet6(void)
{
  return socket_ok(AF_INET6, SOCK_DGRAM);
}
static long c_socket_netlink(void)
{
  return socket_ok(AF_NETLINK, SOCK_RAW);
}

static long c_socketpair(void)
{
  int sv[2];
  long r = syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);

  if (r == 0) {
    close(sv[0]);
    close(sv[1]);
  }
  return r;
}

/* Syscall numbers no kernel has (x86-64: 999, a gap, the x32 bit). */
static long c_nr_999(void)
{
  return syscall(999);
}
static long c_nr_gap(void)
{
  return syscall(400);
}
static long c_nr_x32(void)
{
  return syscall(0x40000000 | SYS_getpid);
}

/* 0 when the parent is outside our pid namespace: still a success. */
static long c_getppid(void)
{
  return syscall(SYS_getppid) >= 0 ? 0 : -1;
}
static long c_getpid(void)
{
  return syscall(SYS_getpid) > 0 ? 0 : -1;
}
static long c_uname(void)
{
  char buf[6 * 65 + 64];
  return syscall(SYS_uname, buf);
}

/* Ourselves, not traced by anyone: ESRCH from the kernel. */
static long c_ptrace(void)
{
  return syscall(SYS_ptrace, PTRACE_PEEKDATA, syscall(SYS_getpid), NULL, NULL);
}
/* No such clock: EINVAL. */
static long c_clock_settime(void)
{
  return syscall(SYS_clock_settime, 9999, NULL);
}

/* A child: fork and exec must report the child's own result. */
static long reap(long pid)
{
  int st;

  if (pid < 0)
    return pid;
  if (waitpid((pid_t)pid, &st, 0) < 0)
    return -1;
  if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
    return 0;
  errno = WIFEXITED(st) && WEXITSTATUS(st) < 134 ? WEXITSTATUS(st) : ECHILD;
  return -1;
}

/* fork as libc does it: clone(SIGCHLD), no stack. */
static long c_fork(void)
{
  long pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);

  if (pid == 0)
    _exit(0);
  return reap(pid);
}

/* The helper itself with no cases: exits 0. The child reports exec's errno
 * as its exit status. */
static long c_execve(void)
{
  long pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);

  if (pid == 0) {
    char *argv[] = {"sb-try-syscall", NULL};
    char *envp[] = {NULL};
    syscall(SYS_execve, "/proc/self/exe", argv, envp);
    _exit(errno);
  }
  return reap(pid);
}

static void *thread_main(void *arg)
{
  return arg;
}

/* pthread_create: glibc tries clone3 and must fall back to clone. */
static long c_thread(void)
{
  static int token;
  pthread_t t;
  void *ret = NULL;
  int r = pthread_create(&t, NULL, thread_main, &token);

  if (r) {
    errno = r;
    return -1;
  }
  pthread_join(t, &ret);
  return ret == &token ? 0 : -1;
}

static const struct {
  const char *name;
  case_fn fn;
} cases[] = {
    {"clone3", c_clone3},
    {"clone-newuser", c_clone_newuser},
    {"clone-newns", c_clone_newns},
    {"clone-newnet", c_clone_newnet},
    {"clone-newpid", c_clone_newpid},
    {"clone-plain", c_clone_plain},
    {"unshare-user", c_unshare_user},
    {"setns", c_setns},
    {"ioctl-tiocsti", c_ioctl_tiocsti},
    {"ioctl-tiocsti-hi", c_ioctl_tiocsti_hi},
    {"ioctl-tioclinux", c_ioctl_tioclinux},
    {"ioctl-tcgets", c_ioctl_tcgets},
    {"ioctl-tiocgsid", c_ioctl_tiocgsid},
    {"ioctl-fionread", c_ioctl_fionread},
    {"mount", c_mount},
    {"umount", c_umount},
    {"chroot", c_chroot},
    {"fsopen", c_fsopen},
    {"open-tree", c_open_tree},
    {"keyctl", c_keyctl},
    {"add-key", c_add_key},
    {"bpf", c_bpf},
    {"perf", c_perf},
    {"io_uring", c_io_uring},
    {"userfaultfd", c_userfaultfd},
    {"personality-norandom", c_personality_norandom},
    {"personality-exec", c_personality_exec},
    {"personality-linux", c_personality_linux},
    {"personality-query", c_personality_query},
    {"socket-vsock", c_socket_vsock},
    {"socket-alg", c_socket_alg},
    {"socket-packet", c_socket_packet},
    {"socket-unix", c_socket_unix},
    {"socket-inet", c_socket_inet},
    {"socket-inet6", c_socket_inet6},
    {"socket-netlink", c_socket_netlink},
    {"socketpair", c_socketpair},
    {"nr-999", c_nr_999},
    {"nr-gap", c_nr_gap},
    {"nr-x32", c_nr_x32},
    {"getppid", c_getppid},
    {"i386-getppid", c_i386_getppid},
    {"i386-statmount", c_i386_statmount},
    {"i386-personality-norandom", c_i386_personality_norandom},
    {"i386-personality-linux", c_i386_personality_linux},
    {"i386-socketcall-vsock", c_i386_socketcall_vsock},
    {"i386-socket-vsock", c_i386_socket_vsock},
    {"getpid", c_getpid},
    {"uname", c_uname},
    {"ptrace", c_ptrace},
    {"clock-settime", c_clock_settime},
    {"fork", c_fork},
    {"execve", c_execve},
    {"thread", c_thread},
};

int main(int argc, char **argv)
{
  int rc = 0;

  if (argc == 2 && strcmp(argv[1], "--list") == 0) {
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
      printf("%s\n", cases[i].name);
    return 0;
  }
  for (int a = 1; a < argc; a++) {
    size_t i;

    for (i = 0; i < sizeof cases / sizeof *cases; i++)
      if (strcmp(cases[i].name, argv[a]) == 0)
        break;
    if (i == sizeof cases / sizeof *cases) {
      printf("%s UNKNOWN-CASE\n", argv[a]);
      rc = 2;
      continue;
    }
    errno = 0;
    if (cases[i].fn() < 0) {
      const char *n = strerrorname_np(errno);
      printf("%s %s\n", argv[a], n ? n : "E?");
    } else {
      printf("%s OK\n", argv[a]);
    }
    fflush(stdout);
  }
  return rc;
}
