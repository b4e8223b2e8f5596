/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* In-process cost of turning a built-in profile into BPF: parse (with its
 * includes), then compile with libseccomp + export (compile_us), and the
 * path a start takes, the build-time table looked up by the policy's key
 * with a compile only on a miss (cached_us; hit=1 when the table answered
 * every iteration). Prints microseconds per iteration for each stage, then
 * the nanoseconds a start pays, parse + cached, as the last number (the
 * contract of bench.py's compile_cost()); no kernel filter is loaded.
 * Times are CPU time. Usage: compile-bench [PROFILE [N]] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bpf-cache.h"
#include "policy.h"
#include "profile.h"
#include "util.h"

/* CPU time of this thread: on a loaded machine wall-clock time measures
 * the other processes, not the compiler. */
static double now_us(void)
{
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
  const char *name = argc > 1 ? argv[1] : "default";
  int n = argc > 2 ? atoi(argv[2]) : 200;
  double parse = 0, compile = 0, cached = 0;
  int hits = 0;

  for (int i = 0; i < n; i++) {
    struct plan p;
    struct diag d = {0};
    struct sc_compiled c;
    double t0, t1, t2, t3;
    bool hit;

    plan_init(&p);
    p.penv = &profile_env_real;
    t0 = now_us();
    if (profile_apply_named(&p, name, p.penv, NULL, &d) < 0) {
      fprintf(stderr, "%s: %s\n", name, d.msg);
      return 1;
    }
    t1 = now_us();
    if (sc_compile(&p.sc, &c, &d) < 0) {
      fprintf(stderr, "%s: %s\n", name, d.msg);
      return 1;
    }
    t2 = now_us();
    sc_compiled_free(&c);
    t3 = now_us();
    if (sc_compile_cached(&p.sc, &c, &hit, &d) < 0) {
      fprintf(stderr, "%s: %s\n", name, d.msg);
      return 1;
    }
    cached += now_us() - t3;
    parse += t1 - t0;
    compile += t2 - t1;
    hits += hit;
    sc_compiled_free(&c);
    plan_free(&p);
  }
  /* bench.py reads the last number: nanoseconds per parse + the cached
   * path, what a start pays. */
  printf("%s parse_us=%.1f compile_us=%.1f cached_us=%.1f hit=%d uncached_ns=%.0f total_ns %.0f\n",
         name, parse / n, compile / n, cached / n, hits == n, (parse + compile) / n * 1e3,
         (parse + cached) / n * 1e3);
  return 0;
}
