/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sb-forge-status [ATTACK...]: from inside a sandbox, goes for the sandbox's
 * pid 1 (its memory, its fds, its status channel) the ways a command could,
 * and prints "ATTACK OK" when the route was open, "ATTACK ERRNO" when the
 * kernel refused it. Attacks (all by default):
 *   getfd   pidfd_open(1) + pidfd_getfd of each fd; an eventfd among them
 *           is pid 1's status channel: 1 written there reports "exit 0"
 *   mem     /proc/1/mem opened for writing
 *   ptrace  PTRACE_ATTACH to pid 1 (detached again at once)
 *   vmwrite process_vm_writev into pid 1 (at address 0: EFAULT means the
 *           permission check passed)
 *   signal  SIGUSR1 to pid 1, which would pass it on to the command
 * Exits 0: the caller judges the lines (and the sandbox's exit status). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const char *name, int err)
{
  printf("%s %s\n", name, err ? strerrorname_np(err) : "OK");
  fflush(stdout);
}

static int is_eventfd(int fd)
{
  char link[64], target[64];
  ssize_t n;

  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  n = readlink(link, target, sizeof target - 1);
  if (n < 0)
    return 0;
  target[n] = '\0';
  return strcmp(target, "anon_inode:[eventfd]") == 0;
}

static int a_getfd(void)
{
  int pidfd = (int)syscall(SYS_pidfd_open, 1, 0);
  int err = ENOENT; /* pid 1 had no fd to take */

  if (pidfd < 0)
    return errno;
  for (int fd = 0; fd < 64; fd++) {
    int got = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
    if (got < 0) {
      if (errno != EBADF)
        err = errno;
      continue;
    }
    err = 0;
    if (is_eventfd(got)) {
      uint64_t v = 1; /* status 0, + 1 */
      (void)!write(got, &v, sizeof v);
    }
    close(got);
  }
  close(pidfd);
  return err;
}

static int a_mem(void)
{
  int fd = open("/proc/1/mem", O_RDWR | O_CLOEXEC);

  if (fd < 0)
    return errno;
  close(fd);
  return 0;
}

static int a_ptrace(void)
{
  if (ptrace(PTRACE_ATTACH, 1, 0, 0) < 0)
    return errno;
  waitpid(1, NULL, __WALL);
  ptrace(PTRACE_DETACH, 1, 0, 0);
  return 0;
}

static int a_vmwrite(void)
{
  char byte = 0;
  struct iovec local = {.iov_base = &byte, .iov_len = 1};
  struct iovec remote = {.iov_base = NULL, .iov_len = 1};

  if (process_vm_writev(1, &local, 1, &remote, 1, 0) >= 0 || errno == EFAULT)
    return 0;
  return errno;
}

static int a_signal(void)
{
  return kill(1, SIGUSR1) < 0 ? errno : 0;
}

int main(int argc, char **argv)
{
  static const struct {
    const char *name;
    int (*fn)(void);
  } attacks[] = {{"getfd", a_getfd},
                 {"mem", a_mem},
                 {"ptrace", a_ptrace},
                 {"vmwrite", a_vmwrite},
                 {"signal", a_signal}};
  const size_t n = sizeof attacks / sizeof attacks[0];

  for (size_t i = 0; i < n; i++) {
    int wanted = argc < 2;
    for (int j = 1; j < argc; j++)
      wanted |= strcmp(argv[j], attacks[i].name) == 0;
    if (wanted)
      report(attacks[i].name, attacks[i].fn());
  }
  return 0;
}
