/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz target: the profile parser and the syscall rule compiler, on any
 * bytes. Includes resolve to built-ins only. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/memenv.h"
#include "bpf-cache.h"
#include "guard.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const struct memfile none[] = {{NULL, NULL}};
  struct memenv m = {none, default_vars};
  struct profile_env env = {mem_load, mem_getvar, &m};
  struct plan p;
  struct diag d = {0};
  struct sc_compiled c;

  if (size > 65536)
    return 0;
  {
    /* The same bytes as a .gitmodules (read from the work tree, which the
     * sandbox may have written). */
    char *paths[16];
    size_t n = gitmodules_paths((const char *)data, size, paths, 16);
    for (size_t i = 0; i < n; i++)
      free(paths[i]);
    /* ... and as a .git/config */
    free(gitconfig_hooks_path((const char *)data, size));
    n = gitconfig_include_paths((const char *)data, size, paths, 16);
    for (size_t i = 0; i < n; i++)
      free(paths[i]);
    n = gitconfig_path_words((const char *)data, size, paths, 16);
    for (size_t i = 0; i < n; i++)
      free(paths[i]);
  }
  plan_init(&p);
  p.penv = &env;
  if (profile_apply_text(&p, (const char *)data, size, "fuzz", &env, &d) == 0) {
    struct guards gs;
    /* Where the plan's protections and masks land: pure path arithmetic
     * on the profile's own paths. */
    masks_follow_binds(&p);
    guards_plan(&p, &gs);
    guards_free(&gs);
    if (sc_compile(&p.sc, &c, &d) == 0) {
      struct sc_compiled cached;
      bool hit;
      /* The build-time table answers only with what sc_compile gives: a
       * key that missed a field would hand this policy a built-in's. */
      if (sc_compile_cached(&p.sc, &cached, &hit, &d) != 0 || cached.n != c.n)
        abort();
      for (size_t i = 0; i < c.n; i++)
        if (cached.len[i] != c.len[i] ||
            memcmp(cached.prog[i], c.prog[i], c.len[i] * sizeof *c.prog[i]) != 0)
          abort();
      sc_compiled_free(&cached);
      sc_compiled_free(&c);
    }
  }
  plan_free(&p);
  return 0;
}
