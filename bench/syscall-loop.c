/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* syscall-loop [ITERATIONS] [none|self]     time a syscall-heavy loop
 * syscall-loop --dump-filter                write the one-rule filter (raw
 *                                           struct sock_filter[]) to stdout,
 *                                           for bwrap's --seccomp FD
 *
 * Each iteration does getppid(), read() of one byte from /dev/zero and
 * fstat(): three syscalls that every filter lets through. Prints
 * "NS_PER_ITERATION" on stdout.
 *
 * "self" first installs, with prctl(PR_SET_SECCOMP), the smallest useful
 * filter: check the architecture, return EPERM for one syscall (acct),
 * allow everything else. That is the floor any seccomp policy pays, and it
 * is measurable whatever the sandbox supports. Linked statically so it runs
 * in any root that has it bind-mounted, whatever else is there. */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH AUDIT_ARCH_AARCH64
#else
#error "add your AUDIT_ARCH_ here"
#endif

static struct sock_filter one_rule[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH, 1, 0),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_acct, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};

static long long now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
  if (argc > 1 && !strcmp(argv[1], "--dump-filter")) {
    if (fwrite(one_rule, sizeof one_rule, 1, stdout) != 1)
      return 1;
    return 0;
  }
  long n = argc > 1 ? atol(argv[1]) : 200000;
  const char *mode = argc > 2 ? argv[2] : "none";

  if (!strcmp(mode, "self")) {
    struct sock_fprog prog = {.len = sizeof one_rule / sizeof one_rule[0], .filter = one_rule};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
        prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0) {
      perror("syscall-loop: seccomp");
      return 1;
    }
    if (syscall(__NR_acct, NULL) != -1 || errno != EPERM) {
      fprintf(stderr, "syscall-loop: filter not in effect\n");
      return 1;
    }
  } else if (strcmp(mode, "none")) {
    fprintf(stderr, "syscall-loop: unknown mode %s\n", mode);
    return 2;
  }

  int fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    perror("syscall-loop: /dev/zero");
    return 1;
  }
  char c;
  struct stat st;
  /* warm up caches and the branch predictors a little */
  for (long i = 0; i < n / 10; i++) {
    syscall(__NR_getppid);
    if (read(fd, &c, 1) != 1 || fstat(fd, &st) < 0)
      return 1;
  }
  long long t0 = now_ns();
  for (long i = 0; i < n; i++) {
    syscall(__NR_getppid);
    if (read(fd, &c, 1) != 1 || fstat(fd, &st) < 0)
      return 1;
  }
  long long t1 = now_ns();
  printf("%.1f\n", (double)(t1 - t0) / (double)n);
  return 0;
}
