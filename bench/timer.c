/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bench-timer RUNS WARMUP ARGV-FILE...
 *
 * Runs each command (an ARGV-FILE holds its argv, NUL-separated) RUNS
 * times, interleaved: every round runs each command once, in an order that
 * rotates from round to round, so slow drift of the machine hits all
 * commands alike.  WARMUP rounds run first and are not reported.
 * For every measured run prints "INDEX NANOSECONDS STATUS" (wall time from
 * just before posix_spawn to the end of wait4). The command's stdout goes to
 * /dev/null, its stderr is inherited. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static char **read_argv(const char *path)
{
  FILE *f = fopen(path, "r");
  if (!f) {
    perror(path);
    exit(2);
  }
  char *buf = NULL;
  size_t len = 0, cap = 0;
  int c;
  while ((c = fgetc(f)) != EOF) {
    if (len + 2 > cap) {
      cap = cap ? cap * 2 : 4096;
      buf = realloc(buf, cap);
      if (!buf)
        abort();
    }
    buf[len++] = (char)c;
  }
  fclose(f);
  if (!len) {
    fprintf(stderr, "%s: empty argv\n", path);
    exit(2);
  }
  if (buf[len - 1] != '\0')
    buf[len++] = '\0';
  size_t n = 0;
  for (size_t i = 0; i < len; i++)
    n += buf[i] == '\0';
  char **argv = calloc(n + 1, sizeof *argv);
  if (!argv)
    abort();
  size_t k = 0;
  for (size_t i = 0; i < len; i += strlen(buf + i) + 1)
    argv[k++] = buf + i;
  return argv;
}

static long long now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
  if (argc < 4) {
    fprintf(stderr, "usage: %s RUNS WARMUP ARGV-FILE...\n", argv[0]);
    return 2;
  }
  int runs = atoi(argv[1]), warmup = atoi(argv[2]), ncmd = argc - 3;
  char ***cmds = calloc((size_t)ncmd, sizeof *cmds);
  if (!cmds)
    abort();
  for (int i = 0; i < ncmd; i++)
    cmds[i] = read_argv(argv[3 + i]);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);

  for (int round = 0; round < warmup + runs; round++) {
    for (int j = 0; j < ncmd; j++) {
      int i = (round + j) % ncmd;
      pid_t pid;
      int status;
      struct rusage ru;
      long long t0 = now_ns();
      int err = posix_spawn(&pid, cmds[i][0], &fa, NULL, cmds[i], environ);
      if (err) {
        fprintf(stderr, "%s: %s\n", cmds[i][0], strerror(err));
        return 1;
      }
      while (wait4(pid, &status, 0, &ru) < 0)
        if (errno != EINTR) {
          perror("wait4");
          return 1;
        }
      long long t1 = now_ns();
      int st = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      if (round >= warmup)
        printf("%d %lld %d\n", i, t1 - t0, st);
      else if (st) {
        fprintf(stderr, "bench-timer: command %d failed (status %d) in warm-up\n", i, st);
        printf("%d %lld %d\n", i, t1 - t0, st);
        return 1;
      }
    }
  }
  return 0;
}
