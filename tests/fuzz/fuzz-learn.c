/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz target: --learn's reader of the learning proxy's log (bytes the
 * sandboxed command chose: the host names it asked for), and the folding
 * of what it gives, together with path records made from the same bytes
 * (one per line, kind from its first byte) on a host where every path
 * exists and directories have a few entries. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "learn.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int entries(void *ctx, const char *path)
{
  (void)ctx;
  return (int)(strlen(path) % 7) - 1;
}

static bool exists(void *ctx, const char *path)
{
  (void)ctx;
  return path[0] != '\0';
}

static bool is_symlink(void *ctx, const char *path)
{
  (void)ctx;
  return strlen(path) % 5 == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const char *const mounts[] = {"/usr", "/tmp", "/tmp/p"};
  static const bool base[] = {true, true, false};
  static const bool writable[] = {false, true, true};
  static const char *const hidden[] = {"/h/.ssh"};
  const struct learn_host host = {entries, exists, is_symlink, NULL};
  struct learn_fold_in in = {.command = "fuzz",
                             .program = "fuzz",
                             .cwd = "/tmp/p",
                             .include = "system",
                             .mounts = mounts,
                             .from_include = base,
                             .writable = writable,
                             .n_mounts = 3,
                             .hidden = hidden,
                             .n_hidden = 1,
                             .proxy = true,
                             .syscalls = size % 2 == 0};
  struct learn_log l = {0};
  size_t n = 0;
  char *s, *line, *save = NULL, *t;

  if (size > 65536)
    return 0;
  s = xmalloc(size + 1);
  memcpy(s, data, size);
  s[size] = '\0';
  (void)learn_parse_netlog(&l, s, size);
  for (line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
    if (line[0] && line[1] == '/')
      learn_log_add(&l, (enum learn_kind)((unsigned char)line[0] % (LEARN_PROXY + 1)), line + 1,
                    "openat", "fuzz");
  for (size_t i = 0; i < size && i < 64; i++)
    sc_set_add(&l.syscalls, data[i]);
  t = learn_fold(&l, &in, &host, &n);
  free(t);
  learn_log_free(&l);
  free(s);
  return 0;
}
