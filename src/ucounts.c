/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The sandbox's own ucount limits. /proc/sys/user/ holds, per user
 * namespace, how many inotify instances, fanotify groups, user namespaces...
 * each user may have in it; an increment is checked, and counted, in every
 * namespace up to the host's. 127 inotify instances made inside used to
 * leave the caller none on the host until the sandbox ended. */
#include "ucounts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static const char *const names[UCOUNTS_N] = {
    "sys/user/max_inotify_instances", "sys/user/max_inotify_watches",
    "sys/user/max_fanotify_groups",   "sys/user/max_fanotify_marks",
    "sys/user/max_user_namespaces",
};

void ucounts_read(struct ucount_limits *u)
{
  for (size_t i = 0; i < UCOUNTS_N; i++) {
    char path[64], buf[32];
    _cleanup_close_ int fd = -1;
    ssize_t n;

    u->value[i] = -1;
    snprintf(path, sizeof path, "/proc/%s", names[i]);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || (n = read(fd, buf, sizeof buf - 1)) <= 0)
      continue;
    buf[n] = '\0';
    u->value[i] = strtol(buf, NULL, 10);
  }
}

int ucounts_lower(int proc_fd, const struct ucount_limits *u, const char **failed)
{
  for (size_t i = 0; i < UCOUNTS_N; i++) {
    _cleanup_close_ int fd = -1;
    char buf[32];
    int n;

    if (u->value[i] < 0)
      continue;
    fd = openat(proc_fd, names[i], O_WRONLY | O_CLOEXEC | O_NOCTTY);
    /* EROFS: under a sandbox that covers /proc/sys, whose own limits
     * already hold for us. */
    if (fd < 0 && (errno == ENOENT || errno == EROFS))
      continue;
    n = snprintf(buf, sizeof buf, "%ld", u->value[i] / 2);
    if (fd < 0 || write_all(fd, buf, (size_t)n) < 0) {
      *failed = names[i] + strlen("sys/user/");
      return -errno;
    }
  }
  return 0;
}
