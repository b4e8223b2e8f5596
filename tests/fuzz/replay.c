/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Replays a fuzzer's corpus as an ordinary test (TAP, one line a file). */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
  int n = 0;

  for (int i = 1; i < argc; i++) {
    DIR *dp = opendir(argv[i]);
    struct dirent *de;

    if (!dp) {
      printf("not ok %d - cannot open corpus %s\n", ++n, argv[i]);
      continue;
    }
    while ((de = readdir(dp))) {
      char *path, *buf = NULL;
      size_t len = 0;
      int fd;

      if (de->d_name[0] == '.')
        continue;
      path = xasprintf("%s/%s", argv[i], de->d_name);
      fd = open(path, O_RDONLY | O_CLOEXEC);
      if (fd < 0 || read_all(fd, &buf, &len) < 0) {
        printf("not ok %d - cannot read %s\n", ++n, path);
      } else {
        LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
        printf("ok %d - %s\n", ++n, de->d_name);
      }
      if (fd >= 0)
        close(fd);
      free(buf);
      free(path);
    }
    closedir(dp);
  }
  printf("1..%d\n", n);
  return 0;
}
