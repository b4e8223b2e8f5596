/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "ns.h"

#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "util.h"

int ns_write_uid_map(int proc_fd, unsigned inside, unsigned outside)
{
  char line[64];

  snprintf(line, sizeof line, "%u %u 1\n", inside, outside);
  return write_file_at(proc_fd, "self/uid_map", line);
}

int ns_write_gid_map(int proc_fd, unsigned inside, unsigned outside)
{
  char line[64];
  int r;

  r = write_file_at(proc_fd, "self/setgroups", "deny\n");
  if (r < 0 && r != -ENOENT)
    return r;
  snprintf(line, sizeof line, "%u %u 1\n", inside, outside);
  return write_file_at(proc_fd, "self/gid_map", line);
}

int ns_loopback_up(void)
{
  _cleanup_close_ int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct ifreq ifr;

  if (s < 0)
    return -errno;
  memset(&ifr, 0, sizeof ifr);
  strcpy(ifr.ifr_name, "lo");
  if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
    return -errno;
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
    return -errno;
  return 0;
}

bool ns_userns_available(void)
{
  char buf[32] = "";
  _cleanup_close_ int fd = -1;
  struct stat st;

  if (stat("/proc/self/ns/user", &st) < 0)
    return false;
  fd = open("/proc/sys/user/max_user_namespaces", O_RDONLY | O_CLOEXEC);
  if (fd >= 0 && read(fd, buf, sizeof buf - 1) > 0 && strcmp(buf, "0\n") == 0)
    return false;
  return true;
}

bool ns_cgroupns_available(void)
{
  struct stat st;
  return stat("/proc/self/ns/cgroup", &st) == 0;
}
