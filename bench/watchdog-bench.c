/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the after-run watchdog costs a run whose command lasts over 50 ms:
 * its spawn (posix_spawn of this binary, with the state in a memfd), the
 * caller's release, and its exit, in wall-clock time, with no root to
 * walk. In a run most of it overlaps the command. Prints microseconds per
 * watchdog as the last number. Usage: watchdog-bench [N] */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "watchdog.h"

static double now_us(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
  struct gitscan gs = {0};
  double total = 0;
  int n;
  pid_t sandbox;

  /* The watchdog is this binary again (/proc/self/exe). */
  if (argc == 2 && strcmp(argv[1], WATCHDOG_ARG) == 0)
    return watchdog_main();
  n = argc > 1 ? atoi(argv[1]) : 200;
  clock_gettime(CLOCK_REALTIME_COARSE, &gs.start);
  /* a stand-in for the sandbox's pid 1, alive throughout */
  sandbox = fork();
  if (sandbox == 0) {
    pause();
    _exit(0);
  }
  for (int i = 0; i < n; i++) {
    double t0 = now_us();
    int fd = watchdog_start(sandbox, &gs);
    pid_t w;

    if (fd < 0) {
      fprintf(stderr, "watchdog-bench: no watchdog could be started\n");
      kill(sandbox, SIGKILL);
      return 1;
    }
    watchdog_release(fd);
    while ((w = wait(NULL)) == sandbox || (w < 0 && errno == EINTR))
      ;
    total += now_us() - t0;
  }
  kill(sandbox, SIGKILL);
  printf("watchdog_us %.1f\n", total / n);
  return 0;
}
