/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* parse -> plan -> execute. */
#include <fcntl.h>
#include <seccomp.h>
#include <string.h>
#include <unistd.h>

#include "src/bpf-cache.h"
#include "src/check.h"
#include "src/desktop.h"
#include "src/cli.h"
#include "src/explain.h"
#include "src/guard.h"
#include "src/learn.h"
#include "src/profile.h"
#include "src/pty.h"
#include "src/run.h"
#include "src/util.h"
#include "src/watchdog.h"

#define BWRAP_INTERFACE_VERSION "0.11.0"

#ifndef SANDBOX_VERSION
#define SANDBOX_VERSION "0.0.0"
#endif

static void print_version(void)
{
  const struct scmp_version *v = seccomp_version();

  /* As bwrap, scripts parse "NAME VERSION": as bwrap we report the
   * interface we implement. */
  if (strcmp(prog_name(), "bwrap") == 0) {
    printf("bubblewrap %s\n", BWRAP_INTERFACE_VERSION);
    return;
  }
  printf("sandbox %s\n", SANDBOX_VERSION);
  printf("bwrap interface %s, libseccomp %u.%u.%u (running), libcap-ng %s (built with)\n",
         BWRAP_INTERFACE_VERSION, v->major, v->minor, v->micro, CAPNG_BUILD_VERSION);
}

static _noreturn_ void fail(const struct diag *d)
{
  if (d->where.file)
    die("%s:%u:%u: error: %s", d->where.file, d->where.line, d->where.col, d->msg);
  die("%s", d->msg);
}

/* No filesystem option and no profile: the built-in "default" profile,
 * first, so the command line's own options still come after it. */
static void apply_default_profile(struct plan *p)
{
  struct plan q;
  struct diag d = {0};

  plan_init(&q);
  q.penv = p->penv;
  if (profile_apply_named(&q, "default", q.penv, NULL, &d) < 0)
    fail(&d);
  plan_append(&q, p);
  *p = q;
}

/* Under its own name, sandbox starts from the default profile and the
 * command line adds to it ("sandbox --tmpfs ~/.ssh -- cmd" hides one
 * directory; it does not empty the root). bwrap's empty root stays where
 * bwrap callers depend on it: invoked as bwrap, after --profile (none
 * included), and for a bwrap command line, one that gives the command a
 * system of its own (--ro-bind / /, --ro-bind RUNTIME /usr, ...). */
static bool default_applies(const struct plan *p)
{
  return strcmp(prog_name(), "bwrap") != 0 && !p->used_profile && !plan_builds_own_root(p);
}

static int export_bpf(const struct plan *p, const struct sc_compiled *c)
{
  _cleanup_close_ int fd = -1;

  if (c->n == 0)
    die("--export-bpf: the plan has no syscall rules to export");
  if (c->n > 1)
    die("--export-bpf: this policy needs two stacked filters (a stricter conditional rule on a "
        "syscall whose own action is not the default); bwrap's --seccomp takes one");
  fd = open(p->export_bpf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    die_errno(errno, "Can't open %s", p->export_bpf);
  if (write_all(fd, c->prog[0], c->len[0] * sizeof *c->prog[0]) < 0 || close(take_fd(&fd)) < 0)
    die_errno(errno, "Can't write %s", p->export_bpf);
  return 0;
}

static int early_exit(struct plan *p, const char *argv0)
{
  struct diag d = {0};

  if (p->help)
    cli_usage(stdout, argv0);
  else if (p->check)
    return check_environment(stdout);
  else if (p->version)
    print_version();
  else if (p->list_profiles)
    profile_list(stdout);
  else if (explain_syscalls(stdout, p->list_syscalls, &d) < 0)
    fail(&d);
  return 0;
}

int main(int argc, char **argv)
{
  struct plan p;
  struct diag d = {0};
  struct sc_compiled filters = {0};
  bool hit;
  int r;

  /* The after-run watchdog: this binary again, started by run.c. */
  if (argc == 2 && strcmp(argv[1], WATCHDOG_ARG) == 0) {
    set_prog_name("sandbox");
    return watchdog_main();
  }
  set_prog_name(argv[0]);
  plan_init(&p);
  p.penv = &profile_env_real;
  if (cli_parse(&p, argc - 1, argv + 1, &d) < 0)
    fail(&d);
  if (p.help || p.version || p.list_profiles || p.list_syscalls || p.check) {
    r = early_exit(&p, argv[0]);
    plan_free(&p);
    return r;
  }
  if (p.argc == 0 && !p.explain && !p.export_bpf) {
    /* bwrap prints its whole help; a person gets the gist and a pointer. */
    if (strcmp(prog_name(), "bwrap") == 0)
      cli_usage(stderr, argv[0]);
    else
      fprintf(stderr,
              "usage: %s [OPTIONS...] [--] COMMAND [ARGS...]\n%s --help lists the options\n",
              argv[0], argv[0]);
    plan_free(&p);
    return 1;
  }
  if (p.learn_file && learn_plan(&p, &d) < 0)
    fail(&d);
  if (default_applies(&p))
    apply_default_profile(&p);
  if (p.used_profile)
    profile_protect_dirs(&p);
  masks_follow_binds(&p);
  /* A built-in profile's filter was compiled when sandbox was built. */
  if (plan_finalize(&p, getuid(), getgid(), &d) < 0 ||
      sc_compile_cached(&p.sc, &filters, &hit, &d) < 0)
    fail(&d);
  if (p.export_bpf)
    r = export_bpf(&p, &filters);
  else if (p.explain)
    explain_plan(stdout, &p, getuid()), r = 0;
  else {
    if (p.notice)
      warnx_("%s", p.notice);
    fflush(stdout);
    p.pty = pty_wanted(&p);
    desktop_prepare(&p);
    if (p.learn_file)
      p.learn = learn_prepare(&p);
    r = run_plan(&p, &filters);
    desktop_finish();
    if (p.learn && learn_finish(take_ptr(&p.learn), &p, r) < 0 && r == 0)
      r = 1;
  }
  sc_compiled_free(&filters);
  plan_free(&p);
  return r;
}
