/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "constants.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/personality.h>
#include <linux/sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "syscalls.h"
#include "util.h"

#define C(x)                                                                                       \
  {                                                                                                \
#x, (uint64_t)(x)                                                                              \
  }

static const struct {
  const char *name;
  uint64_t value;
} constants[] = {
    /* terminal injection (CVE-2017-5226, CVE-2023-28100) */
    C(TIOCSTI),
    C(TIOCLINUX),
    C(TIOCSETD),
    C(TIOCCONS),
    C(TCGETS),
    C(TCSETS),
    C(TCSETSW),
    C(TCSETSF),
    C(TIOCGWINSZ),
    C(TIOCSWINSZ),
    C(TIOCGPGRP),
    C(TIOCSPGRP),
    C(TIOCGSID),
    C(FIONREAD),
    C(FIONBIO),
    C(FIOCLEX),
    C(FIONCLEX),
    C(FIOASYNC),
    C(TIOCSCTTY),
    C(TIOCNOTTY),
    C(TIOCGPTN),
    C(TIOCSPTLCK),
    C(TIOCGPTPEER),
    /* namespaces */
    C(CLONE_NEWUSER),
    C(CLONE_NEWNS),
    C(CLONE_NEWNET),
    C(CLONE_NEWPID),
    C(CLONE_NEWIPC),
    C(CLONE_NEWUTS),
    C(CLONE_NEWCGROUP),
    C(CLONE_NEWTIME),
    C(CLONE_THREAD),
    C(CLONE_VM),
    C(CLONE_FS),
    C(CLONE_FILES),
    C(CLONE_SIGHAND),
    C(CLONE_VFORK),
    C(CLONE_PARENT),
    C(CLONE_SETTLS),
    C(CLONE_PIDFD),
    C(CLONE_PTRACE),
    C(CLONE_UNTRACED),
    C(CLONE_IO),
    /* socket families and types */
    C(AF_UNSPEC),
    C(AF_UNIX),
    C(AF_LOCAL),
    C(AF_INET),
    C(AF_INET6),
    C(AF_NETLINK),
    C(AF_PACKET),
    C(AF_BLUETOOTH),
    C(AF_VSOCK),
    C(AF_ALG),
    C(AF_KEY),
    C(AF_XDP),
    C(AF_CAN),
    C(AF_TIPC),
    C(AF_RDS),
    C(AF_APPLETALK),
    C(AF_AX25),
    C(AF_X25),
    C(AF_IPX),
    C(AF_NFC),
    C(AF_KCM),
    C(AF_QIPCRTR),
    C(AF_SMC),
    C(AF_MCTP),
    C(AF_MAX),
    C(SOCK_STREAM),
    C(SOCK_DGRAM),
    C(SOCK_RAW),
    C(SOCK_SEQPACKET),
    C(SOCK_NONBLOCK),
    C(SOCK_CLOEXEC),
    /* personality */
    C(PER_LINUX),
    C(PER_LINUX32),
    C(ADDR_NO_RANDOMIZE),
    C(READ_IMPLIES_EXEC),
    C(MMAP_PAGE_ZERO),
    C(ADDR_COMPAT_LAYOUT),
    C(ADDR_LIMIT_32BIT),
    C(ADDR_LIMIT_3GB),
    C(SHORT_INODE),
    C(WHOLE_SECONDS),
    C(STICKY_TIMEOUTS),
    C(UNAME26),
    C(FDPIC_FUNCPTRS),
    /* memory */
    C(PROT_READ),
    C(PROT_WRITE),
    C(PROT_EXEC),
    C(PROT_NONE),
    C(MAP_SHARED),
    C(MAP_PRIVATE),
    C(MAP_ANONYMOUS),
    C(MAP_FIXED),
    /* files */
    C(O_RDONLY),
    C(O_WRONLY),
    C(O_RDWR),
    C(O_CREAT),
    C(O_TRUNC),
    C(O_APPEND),
    C(O_PATH),
    C(O_CLOEXEC),
    C(O_DIRECTORY),
    C(O_NOFOLLOW),
    C(O_TMPFILE),
    C(S_ISUID),
    C(S_ISGID),
    C(AT_FDCWD),
    C(AT_EMPTY_PATH),
};

int constant_lookup(const char *name, uint64_t *ret)
{
  long e;

  for (size_t i = 0; i < ELEMENTSOF(constants); i++)
    if (strcmp(constants[i].name, name) == 0) {
      /* AT_FDCWD is an int: what the kernel sees in a register is its
       * zero-extended 32-bit pattern only for int arguments. */
      *ret = constants[i].value;
      return 0;
    }
  e = errno_from_name(name);
  if (e > 0 && name[0] == 'E') {
    *ret = (uint64_t)e;
    return 0;
  }
  return -ENOENT;
}

const char *constant_suggest(const char *name)
{
  const char *best = NULL;
  unsigned best_d = 3;

  for (size_t i = 0; i < ELEMENTSOF(constants); i++) {
    unsigned d = edit_distance(name, constants[i].name);
    if (d < best_d) {
      best_d = d;
      best = constants[i].name;
    }
  }
  return best;
}

long errno_from_name(const char *name)
{
  char *end;
  long v;

  if (name[0] >= '0' && name[0] <= '9') {
    v = strtol(name, &end, 10);
    return *end ? -1 : v;
  }
  /* Every profile rule's errno(E) comes here: the second letter rules out
   * most names before a full comparison. */
  if (name[0] == '\0' || name[1] == '\0')
    return -1;
  for (int e = 1; e < 256; e++) {
    const char *n = strerrorname_np(e);
    if (n && n[1] == name[1] && strcmp(n, name) == 0)
      return e;
  }
  return -1;
}

const char *errno_name(int err)
{
  return strerrorname_np(err);
}
