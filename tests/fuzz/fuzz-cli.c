/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz target: the command-line parser. The input is NUL-separated words.
 * --args would read a real fd and --profile the disk: those inputs are
 * skipped (their parsers are fuzzed on their own). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "guard.h"
#include "secret-env.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *buf, **argv;
  int argc = 0;
  struct plan p;
  struct diag d = {0};

  if (size > 65536)
    return 0;
  buf = xmalloc(size + 1);
  memcpy(buf, data, size);
  buf[size] = '\0';
  argv = xcalloc(size + 2, sizeof *argv);
  for (size_t i = 0; i <= size; i += strlen(buf + i) + 1) {
    /* "--args=FD" as well: one value may follow '=' */
    if (strncmp(buf + i, "--args", 6) == 0 && (buf[i + 6] == '\0' || buf[i + 6] == '='))
      goto out;
    argv[argc++] = buf + i;
  }
  plan_init(&p);
  if (cli_parse(&p, argc, argv, &d) == 0 && plan_finalize(&p, 1000, 1000, &d) == 0) {
    struct guards gs;
    masks_follow_binds(&p);
    guards_plan(&p, &gs);
    guards_free(&gs);
  }
  /* The same words as an environment: drop-secret-env's names ("A=B",
   * no '=', "=B", empty), with whatever keep-env the words gave. */
  p.drop_secret_env = true;
  env_strv_free(env_secret_drops(argv, &p));
  plan_free(&p);
out:
  free(argv);
  free(buf);
  return 0;
}
