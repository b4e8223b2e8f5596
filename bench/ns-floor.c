/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ns-floor PROGRAM [ARG...]
 *
 * The least a namespace sandbox can do, as a reference row for measurement
 * 1: one clone into new user, mount, pid, net, ipc, uts and cgroup
 * namespaces (the set `--unshare-all` makes), the uid/gid maps, loopback
 * left down, no mounts at all; then pid 1 starts PROGRAM the way
 * posix_spawn does and waits for it. Built static by bench/run, so no
 * dynamic loader runs either. Exit status: PROGRAM's. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char **command;
static char child_stack[64 * 1024] __attribute__((aligned(16)));
static char command_stack[64 * 1024] __attribute__((aligned(16)));

static void write_file(const char *path, const char *text)
{
  int fd = open(path, O_WRONLY | O_CLOEXEC);

  if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
    perror(path);
    _exit(127);
  }
  close(fd);
}

static int exec_command(void *arg)
{
  (void)arg;
  execv(command[0], command);
  perror(command[0]);
  _exit(127);
}

static unsigned outside_uid, outside_gid;

static int pid1(void *arg)
{
  char map[64];
  int st;
  pid_t pid;

  (void)arg;
  snprintf(map, sizeof map, "0 %u 1\n", outside_uid);
  write_file("/proc/self/uid_map", map);
  write_file("/proc/self/setgroups", "deny\n");
  snprintf(map, sizeof map, "0 %u 1\n", outside_gid);
  write_file("/proc/self/gid_map", map);
  pid = clone(exec_command, command_stack + sizeof command_stack, CLONE_VM | CLONE_VFORK | SIGCHLD,
              NULL);
  if (pid < 0 || waitpid(pid, &st, 0) < 0)
    return 127;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
  int flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC |
              CLONE_NEWUTS | CLONE_NEWCGROUP;
  int st;
  pid_t pid;

  if (argc < 2) {
    fprintf(stderr, "usage: ns-floor PROGRAM [ARG...]\n");
    return 2;
  }
  command = argv + 1;
  outside_uid = getuid();
  outside_gid = getgid();
  pid = clone(pid1, child_stack + sizeof child_stack, flags | SIGCHLD, NULL);
  if (pid < 0) {
    perror("clone");
    return 127;
  }
  if (waitpid(pid, &st, 0) < 0)
    return 127;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
