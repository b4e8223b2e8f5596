/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>
#include <unistd.h>

#include "src/cli.h"
#include "src/run.h"
#include "src/util.h"

#ifndef SANDBOX_VERSION
#define SANDBOX_VERSION "0.0.0"
#endif

static void print_version(void)
{
  /* As bwrap, scripts parse "NAME VERSION". */
  printf("%s %s\n", strcmp(prog_name(), "bwrap") == 0 ? "bubblewrap" : "sandbox", SANDBOX_VERSION);
}

int main(int argc, char **argv)
{
  struct plan p;
  struct diag d = {0};
  int r;

  set_prog_name(argv[0]);
  plan_init(&p);
  r = cli_parse(&p, argc - 1, argv + 1, &d);
  if (r < 0)
    die("%s", d.msg);
  if (p.help || p.version || p.argc == 0) {
    if (p.help)
      cli_usage(stdout, argv[0]);
    else if (p.version)
      print_version();
    else
      cli_usage(stderr, argv[0]);
    r = p.help || p.version ? 0 : 1;
    plan_free(&p);
    return r;
  }
  r = plan_finalize(&p, getuid(), getgid(), &d);
  if (r < 0)
    die("%s", d.msg);
  fflush(stdout);
  r = run_plan(&p);
  plan_free(&p);
  return r;
}
