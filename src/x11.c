/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "x11.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "cli.h"
#include "util.h"

#define FAMILY_LOCAL   256
#define FAMILY_WILD    65535
#define XAUTHORITY_MAX (1 << 20)
#define X11_SOCKET_DIR "/tmp/.X11-unix"

int x11_display_number(const char *display, char *num)
{
  const char *s = display;
  size_t n;

  if (strncmp(s, "unix:", 5) == 0)
    s += 4;
  if (*s++ != ':')
    return -EINVAL;
  n = strspn(s, "0123456789");
  if (n == 0 || n >= X11_MAX_NUMBER || (s[n] != '\0' && s[n] != '.'))
    return -EINVAL;
  if (s[n] == '.' && (!s[n + 1] || strspn(s + n + 1, "0123456789") != strlen(s + n + 1)))
    return -EINVAL;
  memcpy(num, s, n);
  num[n] = '\0';
  return 0;
}

/* A counted string of the format: big-endian 16-bit length, then bytes. */
static int field(const uint8_t *buf, size_t len, size_t *at, const uint8_t **ret, size_t *ret_len)
{
  size_t n;

  if (len - *at < 2)
    return -EINVAL;
  n = (size_t)buf[*at] << 8 | buf[*at + 1];
  *at += 2;
  if (len - *at < n)
    return -EINVAL;
  *ret = buf + *at;
  *ret_len = n;
  *at += n;
  return 0;
}

static bool same(const uint8_t *a, size_t n, const char *s)
{
  return n == strlen(s) && memcmp(a, s, n) == 0;
}

size_t xauth_out_size(size_t len)
{
  /* an entry is at least 10 bytes; each may grow by a longer number */
  return len + (len / 10 + 1) * X11_MAX_NUMBER;
}

static void put16(uint8_t *out, size_t *at, size_t v)
{
  out[(*at)++] = (uint8_t)(v >> 8);
  out[(*at)++] = (uint8_t)(v & 0xff);
}

static void put_field(uint8_t *out, size_t *at, const void *data, size_t n)
{
  put16(out, at, n);
  memcpy(out + *at, data, n);
  *at += n;
}

/* Each entry: family (16 bits), address, display number, auth name, auth
 * data (counted strings). A truncated one makes the whole file suspect. */
int xauth_extract(const uint8_t *buf, size_t len, const char *host, const char *num,
                  const char *new_num, uint8_t *out, size_t *out_len)
{
  size_t at = 0;
  int count = 0;

  *out_len = 0;
  while (at < len) {
    size_t n[4];
    const uint8_t *f[4];
    unsigned family;

    if (len - at < 2)
      return -EINVAL;
    family = (unsigned)buf[at] << 8 | buf[at + 1];
    at += 2;
    for (int i = 0; i < 4; i++)
      if (field(buf, len, &at, &f[i], &n[i]) < 0)
        return -EINVAL;
    if (!same(f[1], n[1], num))
      continue;
    if (family != FAMILY_WILD && !(family == FAMILY_LOCAL && same(f[0], n[0], host)))
      continue;
    put16(out, out_len, FAMILY_WILD);
    put_field(out, out_len, f[0], n[0]);
    put_field(out, out_len, new_num, strlen(new_num));
    put_field(out, out_len, f[2], n[2]);
    put_field(out, out_len, f[3], n[3]);
    count++;
  }
  return count;
}

#define FREE_FIRST 1024
#define FREE_SPAN  256

unsigned x11_free_number(const char *unix_list, size_t len)
{
  static const char pat[] = "@" X11_SOCKET_DIR "/X";
  bool used[FREE_SPAN] = {false};
  const char *s = unix_list, *end = unix_list + len;

  while (s < end && (s = memmem(s, (size_t)(end - s), pat, sizeof pat - 1))) {
    unsigned v = 0;
    size_t digits = 0;
    s += sizeof pat - 1;
    while (s < end && *s >= '0' && *s <= '9' && digits < 9) {
      v = v * 10 + (unsigned)(*s++ - '0');
      digits++;
    }
    if (digits && v >= FREE_FIRST && v < FREE_FIRST + FREE_SPAN)
      used[v - FREE_FIRST] = true;
  }
  for (unsigned i = 0; i < FREE_SPAN; i++)
    if (!used[i])
      return FREE_FIRST + i;
  return FREE_FIRST + FREE_SPAN;
}

/* The caller's Xauthority: $XAUTHORITY, else ~/.Xauthority (where the
 * display manager or startx leaves it when the variable is unset). */
static char *xauthority_path(void)
{
  const char *x = getenv("XAUTHORITY"), *home = getenv("HOME");

  if (x && *x)
    return xstrdup(x);
  if (home && home[0] == '/')
    return xasprintf("%s/.Xauthority", home);
  return NULL;
}

/* The display's cookies in a memfd, or -1 (none, or no file: the server
 * may admit the caller otherwise, e.g. "xhost +si:localuser:NAME"). */
static int cookie_fd(const char *num, const char *new_num)
{
  _cleanup_free_ char *path = xauthority_path();
  _cleanup_free_ char *buf = NULL;
  _cleanup_free_ uint8_t *out = NULL;
  _cleanup_close_ int fd = -1;
  char host[256] = "";
  size_t len, out_len;
  int n, mfd;

  if (!path)
    return -1;
  /* O_NONBLOCK: a FIFO in its place would hang us */
  fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    return -1;
  if (!(buf = read_regular(fd, XAUTHORITY_MAX, &len))) {
    warnx_("x11: %s is not a readable Xauthority file: no cookie is passed", path);
    return -1;
  }
  (void)gethostname(host, sizeof host - 1);
  out = xmalloc(xauth_out_size(len));
  n = xauth_extract((const uint8_t *)buf, len, host, num, new_num, out, &out_len);
  if (n < 0)
    warnx_("x11: %s is malformed: no cookie is passed", path);
  if (n <= 0)
    return -1;
  mfd = memfd_create("xauthority", MFD_CLOEXEC);
  if (mfd < 0 || write_all(mfd, out, out_len) < 0 || lseek(mfd, 0, SEEK_SET) < 0)
    die_errno(errno, "Can't hold the X11 cookie");
  return mfd;
}

/* The host's abstract sockets, as the sandbox (which shares the host's
 * network namespace, or has one of its own with none) would see them. */
static unsigned inside_number(void)
{
  _cleanup_close_ int fd = open("/proc/net/unix", O_RDONLY | O_CLOEXEC);
  _cleanup_free_ char *buf = NULL;
  size_t len = 0;

  if (fd < 0 || read_all(fd, &buf, &len) < 0)
    return x11_free_number("", 0);
  return x11_free_number(buf, len);
}

void x11_prepare(struct plan *p)
{
  const char *display = getenv("DISPLAY");
  const struct origin *o = &p->opt_origin[OPT_X11];
  char num[X11_MAX_NUMBER], inside_num[X11_MAX_NUMBER];
  _cleanup_free_ char *sock = NULL;
  const char *screen;
  unsigned inside;
  struct stat st;
  struct op *op;
  int fd;

  if (!p->x11)
    return;
  if (!display || !*display) {
    warnx_("x11: DISPLAY is not set: no X11 display is passed");
    return;
  }
  if (x11_display_number(display, num) < 0) {
    warnx_("x11: DISPLAY '%s' is not a local display (:N): it is not passed", display);
    return;
  }
  sock = xasprintf(X11_SOCKET_DIR "/X%s", num);
  if (lstat(sock, &st) < 0 || !S_ISSOCK(st.st_mode)) {
    warnx_("x11: %s is not a socket: no X11 display is passed", sock);
    return;
  }
  /* The display's socket alone, read-only: the directory holds the other
   * displays', other users' too. */
  op = plan_add_op(p, OP_BIND);
  op->flags = BIND_READONLY;
  op->src = xstrdup(sock);
  op->origin = *o;
  inside = inside_number();
  snprintf(inside_num, sizeof inside_num, "%u", inside);
  op->dest = xasprintf(X11_SOCKET_DIR "/X%u", inside);
  screen = strchr(display + strcspn(display, ":"), '.');
  plan_add_env(p, ENV_SET, "DISPLAY", xasprintf(":%u%s", inside, screen ? screen : ""), o);
  if ((fd = cookie_fd(num, inside_num)) < 0) {
    plan_add_env(p, ENV_UNSET, "XAUTHORITY", NULL, o);
    return;
  }
  op = plan_add_op(p, OP_BIND_DATA);
  op->flags = BIND_READONLY;
  op->fd = fd;
  op->perms = 0600;
  op->dest = xasprintf("/run/user/%u/Xauthority", (unsigned)getuid());
  op->origin = *o;
  plan_add_env(p, ENV_SET, "XAUTHORITY", xstrdup(op->dest), o);
}
