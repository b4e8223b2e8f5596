/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz target: the x11 line's parsers of caller-side files: an
 * Xauthority file (untrusted: any program of the session can write it),
 * DISPLAY, /proc/net/unix. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "x11.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char num[X11_MAX_NUMBER], *s;
  uint8_t *out;
  size_t out_len;

  if (size > 65536)
    return 0;
  out = xmalloc(xauth_out_size(size));
  (void)xauth_extract(data, size, "host", "0", "1024", out, &out_len);
  (void)xauth_extract(data, size, "", "", "", out, &out_len);
  free(out);
  s = xmalloc(size + 1);
  memcpy(s, data, size);
  s[size] = '\0';
  (void)x11_display_number(s, num);
  (void)x11_free_number(s, size);
  free(s);
  return 0;
}
