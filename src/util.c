/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "util.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *name = "sandbox";
static bool level_prefix;

const char *prog_name(void)
{
  return name;
}

void set_prog_name(const char *argv0)
{
  const char *base;

  if (!argv0)
    return;
  base = strrchr(argv0, '/');
  base = base ? base + 1 : argv0;
  /* Only two identities: the drop-in name, or our own. */
  name = strcmp(base, "bwrap") == 0 ? "bwrap" : "sandbox";
}

void set_level_prefix(bool on)
{
  level_prefix = on;
}

static void vmsg(int level, int err, const char *fmt, va_list ap) _printf_(3, 0);
static void vmsg(int level, int err, const char *fmt, va_list ap)
{
  char buf[4096];
  int n = 0;

  if (level_prefix)
    n = snprintf(buf, sizeof buf, "<%d>", level);
  n += snprintf(buf + n, sizeof buf - (size_t)n, "%s: ", name);
  if (n < (int)sizeof buf)
    n += vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
  if (err && n < (int)sizeof buf)
    n += snprintf(buf + n, sizeof buf - (size_t)n, ": %s", strerror(err));
  if (n >= (int)sizeof buf - 1)
    n = (int)sizeof buf - 2;
  buf[n++] = '\n';
  /* One write, so concurrent sandboxes never interleave a line. */
  (void)write_all(STDERR_FILENO, buf, (size_t)n);
}

void warnx_(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vmsg(4, 0, fmt, ap);
  va_end(ap);
}

void die(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vmsg(3, 0, fmt, ap);
  va_end(ap);
  _exit(1);
}

void die_errno(int err, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vmsg(3, err, fmt, ap);
  va_end(ap);
  _exit(1);
}

void fd_last_line(int fd, char *out, size_t size)
{
  char buf[4096];
  ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  char *l;

  out[0] = '\0';
  if (n <= 0)
    return;
  buf[n] = '\0';
  while (n > 0 && buf[n - 1] == '\n')
    buf[--n] = '\0';
  l = strrchr(buf, '\n');
  snprintf(out, size, "%.*s", (int)size - 1, l ? l + 1 : buf);
}

char *find_in_path(const char *prog)
{
  const char *path = getenv("PATH");
  _cleanup_free_ char *copy = xstrdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
  char *save = NULL;

  for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
    char *p = xasprintf("%s/%s", dir, prog);
    if (access(p, X_OK) == 0)
      return p;
    free(p);
  }
  return NULL;
}

void die_oom(void)
{
  die("out of memory");
}

void *xmalloc(size_t n)
{
  void *p = malloc(n ? n : 1);
  if (!p)
    die_oom();
  return p;
}

void *xcalloc(size_t n, size_t m)
{
  void *p = calloc(n ? n : 1, m ? m : 1);
  if (!p)
    die_oom();
  return p;
}

void *xreallocarray(void *p, size_t n, size_t m)
{
  void *r = reallocarray(p, n ? n : 1, m ? m : 1);
  if (!r)
    die_oom();
  return r;
}

char *xstrdup(const char *s)
{
  char *r = s ? strdup(s) : NULL;
  if (s && !r)
    die_oom();
  return r;
}

char *xstrndup(const char *s, size_t n)
{
  char *r = strndup(s, n);
  if (!r)
    die_oom();
  return r;
}

char *xasprintf(const char *fmt, ...)
{
  va_list ap;
  char *r;
  int n;

  va_start(ap, fmt);
  n = vasprintf(&r, fmt, ap);
  va_end(ap);
  if (n < 0)
    die_oom();
  return r;
}

int write_all(int fd, const void *buf, size_t len)
{
  const char *p = buf;

  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return -errno;
    }
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

int write_file_at(int dirfd, const char *path, const char *content)
{
  _cleanup_close_ int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOCTTY);

  if (fd < 0)
    return -errno;
  return write_all(fd, content, strlen(content));
}

char *read_regular(int fd, size_t max, size_t *len)
{
  struct stat st;
  char *text = NULL;

  if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > max ||
      read_all(fd, &text, len) < 0)
    return NULL;
  return text;
}

int read_all(int fd, char **ret, size_t *ret_len)
{
  _cleanup_free_ char *buf = NULL;
  size_t len = 0, cap = 0;

  for (;;) {
    ssize_t n;

    if (cap - len < 4096) {
      char *nb;
      cap = cap ? cap * 2 : 8192;
      nb = realloc(buf, cap + 1);
      if (!nb)
        return -ENOMEM;
      buf = nb;
    }
    n = read(fd, buf + len, cap - len);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return -errno;
    }
    if (n == 0)
      break;
    len += (size_t)n;
  }
  if (!buf && !(buf = malloc(1)))
    return -ENOMEM;
  buf[len] = '\0';
  *ret = take_ptr(&buf);
  if (ret_len)
    *ret_len = len;
  return 0;
}

int parse_int_fd(const char *s, int *ret)
{
  char *end;
  long v;

  errno = 0;
  v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < 0 || v > INT_MAX)
    return -EINVAL;
  *ret = (int)v;
  return 0;
}

int parse_uint32(const char *s, unsigned *ret)
{
  char *end;
  unsigned long v;

  if (*s < '0' || *s > '9')
    return -EINVAL;
  errno = 0;
  v = strtoul(s, &end, 10);
  if (errno || *end || v > 0xfffffffeUL)
    return -EINVAL;
  *ret = (unsigned)v;
  return 0;
}

int parse_octal_mode(const char *s, unsigned *ret)
{
  char *end;
  unsigned long v;

  if (*s < '0' || *s > '7')
    return -EINVAL;
  errno = 0;
  v = strtoul(s, &end, 8);
  if (errno || *end || v > 07777)
    return -EINVAL;
  *ret = (unsigned)v;
  return 0;
}

bool path_is_root(const char *path)
{
  if (!path || path[0] != '/')
    return false;
  for (const char *c = path; *c; c++)
    if (*c != '/' && !(*c == '.' && (c[1] == '/' || c[1] == '\0') && c[-1] == '/'))
      return false;
  return true;
}

int send_with_fds(int sock, const void *data, size_t len, const int *fds, size_t n)
{
  union {
    char buf[CMSG_SPACE(UNIX_FDS_MAX * sizeof(int))];
    struct cmsghdr align;
  } u;
  struct iovec iov = {.iov_base = (void *)data, .iov_len = len};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
  ssize_t r;

  if (n > UNIX_FDS_MAX)
    return -EINVAL;
  if (n) {
    struct cmsghdr *c;
    memset(&u, 0, sizeof u);
    msg.msg_control = u.buf;
    msg.msg_controllen = CMSG_SPACE(n * sizeof(int));
    c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(n * sizeof(int));
    memcpy(CMSG_DATA(c), fds, n * sizeof(int));
  }
  while ((r = sendmsg(sock, &msg, MSG_NOSIGNAL)) < 0)
    if (errno != EINTR)
      return -errno;
  return (size_t)r == len ? 0 : -EIO;
}

ssize_t recv_with_fds(int sock, void *data, size_t len, int *fds, size_t max, size_t *n_fds,
                      int flags)
{
  union {
    char buf[CMSG_SPACE(UNIX_FDS_MAX * sizeof(int))];
    struct cmsghdr align;
  } u;
  struct iovec iov = {.iov_base = data, .iov_len = len};
  struct msghdr msg = {
      .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
  struct cmsghdr *c;
  ssize_t r;

  *n_fds = 0;
  while ((r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | flags)) < 0)
    if (errno != EINTR)
      return -errno;
  c = CMSG_FIRSTHDR(&msg);
  if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
    size_t got = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    if (got > max || (msg.msg_flags & MSG_CTRUNC)) {
      for (size_t i = 0; i < got && i < UNIX_FDS_MAX; i++)
        close(((int *)CMSG_DATA(c))[i]);
      return -EPROTO;
    }
    memcpy(fds, CMSG_DATA(c), got * sizeof(int));
    *n_fds = got;
  }
  return r;
}

/* The sources are first copied above every target: a caller started with
 * fd 0, 1 or 2 closed has its pipes and sockets there, and putting
 * /dev/null on 0 first would clobber the source bound for 3 (the D-Bus
 * proxy's sync socket: "Can't write to sync socket"). */
void exec_with_fds(char *const *argv, const int *fds, int n)
{
  int moved[8];
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);

  if (n > 8 || null < 0)
    _exit(127);
  for (int i = 0; i < n; i++) {
    moved[i] = fds[i] >= 0 ? fcntl(fds[i], F_DUPFD_CLOEXEC, n) : -1;
    if (moved[i] < 0 && (moved[i] = fcntl(null, F_DUPFD_CLOEXEC, n)) < 0)
      _exit(127);
  }
  for (int i = 0; i < n; i++)
    if (dup2(moved[i], i) < 0)
      _exit(127);
  (void)syscall(SYS_close_range, (unsigned)n, ~0U, 0U);
  execv(argv[0], argv);
  _exit(127);
}

static int cmp_int(const void *a, const void *b)
{
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

void close_fds_except(int *keep, size_t n)
{
  unsigned from = 0;

  if (n)
    qsort(keep, n, sizeof *keep, cmp_int);
  for (size_t i = 0; i < n; i++) {
    if (keep[i] < 0 || (unsigned)keep[i] < from)
      continue;
    if ((unsigned)keep[i] > from)
      (void)syscall(SYS_close_range, from, (unsigned)keep[i] - 1, 0U);
    from = (unsigned)keep[i] + 1;
  }
  (void)syscall(SYS_close_range, from, ~0U, 0U);
}
