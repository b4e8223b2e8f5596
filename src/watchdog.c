/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The after-run watchdog. The caller starts it once the git inventory is
 * taken: its own binary again (posix_spawn, so the caller's memory is not
 * copied on write for the rest of the run), in a session of its own (a
 * SIGKILL to the caller's process group, or the terminal's hangup, does
 * not reach it), holding the directories the work needs and the state
 * written to a memfd. It waits for one byte: the caller did its after-run
 * work. End of file instead means the caller died without it, and a
 * repository the command planted in a subdirectory would stay for the
 * host's next git (and the next run would take it for one that was
 * there). So the watchdog waits for the sandbox to end (it may run on
 * without the caller) and does the work. */
#include "watchdog.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "placeholder.h"
#include "util.h"

/* ---- the state, as bytes ---- */

#define WD_MAGIC "sandbox-watchdog-1"

struct wbuf {
  unsigned char *b;
  size_t n, cap;
};

static void put(struct wbuf *w, const void *p, size_t n)
{
  if (w->n + n > w->cap) {
    w->cap = (w->n + n) * 2 + 256;
    w->b = xreallocarray(w->b, w->cap, 1);
  }
  memcpy(w->b + w->n, p, n);
  w->n += n;
}

static void put_u64(struct wbuf *w, uint64_t v)
{
  put(w, &v, sizeof v);
}

static void put_str(struct wbuf *w, const char *s)
{
  put_u64(w, strlen(s));
  put(w, s, strlen(s));
}

int wd_encode(const struct wd_state *st, unsigned char **buf, size_t *len)
{
  struct wbuf w = {0};

  put(&w, WD_MAGIC, sizeof WD_MAGIC);
  put_u64(&w, (uint64_t)st->gs.start.tv_sec);
  put_u64(&w, (uint64_t)st->gs.start.tv_nsec);
  put_u64(&w, st->gs.n_known);
  for (size_t i = 0; i < st->gs.n_known; i++) {
    put_u64(&w, st->gs.known[i].dev);
    put_u64(&w, st->gs.known[i].ino);
  }
  put_u64(&w, st->gs.n);
  for (size_t i = 0; i < st->gs.n; i++) {
    const struct gitscan_root *r = &st->gs.roots[i];
    put_u64(&w, (uint64_t)r->fd);
    put_str(&w, r->path);
    put_u64(&w, r->n_guarded);
    for (size_t j = 0; j < r->n_guarded; j++) {
      put_str(&w, r->guarded[j]);
      put_u64(&w, r->absent[j]);
    }
  }
  put_u64(&w, st->n_tops);
  for (size_t i = 0; i < st->n_tops; i++)
    put_u64(&w, (uint64_t)st->tops[i]);
  put_u64(&w, st->n_places);
  for (size_t i = 0; i < st->n_places; i++) {
    put_u64(&w, st->places[i].top);
    put_str(&w, st->places[i].rel);
  }
  *buf = w.b;
  *len = w.n;
  return 0;
}

struct rbuf {
  const unsigned char *b;
  size_t n, at;
  bool bad;
};

static uint64_t get_u64(struct rbuf *r)
{
  uint64_t v = 0;

  if (r->bad || r->n - r->at < sizeof v) {
    r->bad = true;
    return 0;
  }
  memcpy(&v, r->b + r->at, sizeof v);
  r->at += sizeof v;
  return v;
}

/* A count of items of at least min bytes each: no more than remain. */
static size_t get_count(struct rbuf *r, size_t min)
{
  uint64_t v = get_u64(r);

  if (r->bad || v > (r->n - r->at) / min) {
    r->bad = true;
    return 0;
  }
  return (size_t)v;
}

static char *get_str(struct rbuf *r)
{
  size_t n = get_count(r, 1);
  char *s;

  if (r->bad || memchr(r->b + r->at, '\0', n)) {
    r->bad = true;
    return xstrdup("");
  }
  s = xstrndup((const char *)r->b + r->at, n);
  r->at += n;
  return s;
}

static int get_fd(struct rbuf *r)
{
  uint64_t v = get_u64(r);

  if (v < WD_FD_FIRST || v >= WD_FD_FIRST + WD_MAX_FDS)
    r->bad = true;
  return r->bad ? -1 : (int)v;
}

static void decode_root(struct rbuf *r, struct gitscan_root *root)
{
  root->fd = get_fd(r);
  root->path = get_str(r);
  root->n_guarded = get_count(r, 2 * sizeof(uint64_t));
  root->guarded = xcalloc(root->n_guarded + 1, sizeof *root->guarded);
  root->absent = xcalloc(root->n_guarded + 1, sizeof *root->absent);
  for (size_t j = 0; j < root->n_guarded; j++) {
    root->guarded[j] = get_str(r);
    root->absent[j] = get_u64(r) != 0;
  }
}

int wd_decode(const unsigned char *buf, size_t len, struct wd_state *st)
{
  struct rbuf r = {.b = buf, .n = len};

  *st = (struct wd_state){0};
  if (len < sizeof WD_MAGIC || memcmp(buf, WD_MAGIC, sizeof WD_MAGIC) != 0)
    return -EINVAL;
  r.at = sizeof WD_MAGIC;
  st->gs.start.tv_sec = (time_t)get_u64(&r);
  st->gs.start.tv_nsec = (long)get_u64(&r);
  st->gs.n_known = get_count(&r, 2 * sizeof(uint64_t));
  st->gs.known = xcalloc(st->gs.n_known + 1, sizeof *st->gs.known);
  for (size_t i = 0; i < st->gs.n_known; i++) {
    st->gs.known[i].dev = get_u64(&r);
    st->gs.known[i].ino = get_u64(&r);
  }
  st->gs.n = get_count(&r, 3 * sizeof(uint64_t));
  st->gs.roots = xcalloc(st->gs.n + 1, sizeof *st->gs.roots);
  for (size_t i = 0; i < st->gs.n && !r.bad; i++)
    decode_root(&r, &st->gs.roots[i]);
  st->n_tops = r.bad ? 0 : get_count(&r, sizeof(uint64_t));
  st->tops = xcalloc(st->n_tops + 1, sizeof *st->tops);
  for (size_t i = 0; i < st->n_tops && !r.bad; i++)
    st->tops[i] = get_fd(&r);
  st->n_places = r.bad ? 0 : get_count(&r, 2 * sizeof(uint64_t));
  st->places = xcalloc(st->n_places + 1, sizeof *st->places);
  for (size_t i = 0; i < st->n_places && !r.bad; i++) {
    st->places[i].top = (size_t)get_u64(&r);
    st->places[i].rel = get_str(&r);
    if (st->places[i].top >= st->n_tops || !st->places[i].rel[0])
      r.bad = true;
  }
  /* (the watchdog keeps each of these descriptors open: a bounded list) */
  if (st->gs.n + st->n_tops > WD_MAX_FDS)
    r.bad = true;
  if (r.bad || r.at != r.n) {
    wd_state_free(st);
    return -EINVAL;
  }
  return 0;
}

void wd_state_free(struct wd_state *st)
{
  for (size_t i = 0; i < st->gs.n; i++) {
    for (size_t j = 0; j < st->gs.roots[i].n_guarded; j++)
      free(st->gs.roots[i].guarded[j]);
    free(st->gs.roots[i].guarded);
    free(st->gs.roots[i].absent);
    free(st->gs.roots[i].path);
  }
  free(st->gs.roots);
  free(st->gs.known);
  for (size_t i = 0; i < st->n_places; i++)
    free(st->places[i].rel);
  free(st->places);
  free(st->tops);
  *st = (struct wd_state){0};
}

/* ---- the caller's side ---- */

/* The state with the watchdog's descriptor numbers: roots first, then the
 * placeholders' directories, from WD_FD_FIRST on. */
static int write_state(const struct gitscan *gs, int **srcs, size_t *n_srcs)
{
  const int *top_fds;
  size_t n_tops = placeholders_tops(&top_fds), n = 0;
  struct wd_state st = {.gs = *gs, .n_tops = n_tops, .n_places = placeholders_count()};
  _cleanup_free_ unsigned char *buf = NULL;
  _cleanup_free_ struct gitscan_root *roots = NULL;
  _cleanup_free_ int *tops = NULL;
  _cleanup_free_ struct wd_place *places = NULL;
  size_t len;
  int fd;

  if (gs->n + n_tops > WD_MAX_FDS)
    return -E2BIG;
  *srcs = xcalloc(gs->n + n_tops + 1, sizeof **srcs);
  roots = xcalloc(gs->n + 1, sizeof *roots);
  tops = xcalloc(n_tops + 1, sizeof *tops);
  places = xcalloc(st.n_places + 1, sizeof *places);
  for (size_t i = 0; i < gs->n; i++, n++) {
    roots[i] = gs->roots[i];
    roots[i].fd = WD_FD_FIRST + (int)n;
    (*srcs)[n] = gs->roots[i].fd;
  }
  for (size_t i = 0; i < n_tops; i++, n++) {
    tops[i] = WD_FD_FIRST + (int)n;
    (*srcs)[n] = top_fds[i];
  }
  for (size_t i = 0; i < st.n_places; i++) {
    const char *rel;
    placeholders_get(i, &places[i].top, &rel);
    places[i].rel = (char *)rel;
  }
  st.gs.roots = roots;
  st.tops = tops;
  st.places = places;
  *n_srcs = n;
  wd_encode(&st, &buf, &len);
  fd = memfd_create("sandbox-watchdog", MFD_CLOEXEC);
  if (fd < 0 || write_all(fd, buf, len) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
    int err = errno;
    if (fd >= 0)
      close(fd);
    return -err;
  }
  return fd;
}

/* The sources are moved above every target first (the clobbering that
 * exec_with_fds avoids too). */
static pid_t spawn_watchdog(const int *from, size_t n)
{
  char *const argv[] = {(char *)"sandbox", (char *)WATCHDOG_ARG, NULL};
  char *const envp[] = {NULL};
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  sigset_t none;
  int high[WD_FD_FIRST + WD_MAX_FDS];
  pid_t pid = -1;
  int r = 0;

  posix_spawn_file_actions_init(&fa);
  posix_spawnattr_init(&attr);
  sigemptyset(&none);
  /* (No SETSIGDEF: exec resets every handled signal itself, and glibc's
   * child resets the caller's handlers before it; a sigaction for each of
   * 64 signals was most of the caller's wait.) */
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK);
  posix_spawnattr_setsigmask(&attr, &none);
  for (size_t i = 0; i < n; i++) {
    high[i] = fcntl(from[i], F_DUPFD_CLOEXEC, (int)(WD_FD_STATE + n));
    if (high[i] < 0 || posix_spawn_file_actions_adddup2(&fa, high[i], WD_FD_STATE + (int)i))
      r = -1;
  }
  if (r == 0 && posix_spawn(&pid, "/proc/self/exe", &fa, &attr, argv, envp) != 0)
    pid = -1;
  for (size_t i = 0; i < n; i++)
    if (high[i] >= 0)
      close(high[i]);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  return pid;
}

int watchdog_start(pid_t sandbox, const struct gitscan *gs)
{
  _cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, sandbox, 0);
  _cleanup_close_ int state = -1;
  _cleanup_free_ int *dirs = NULL;
  int p[2], from[WD_FD_FIRST + WD_MAX_FDS];
  size_t n_dirs = 0;

  if (pidfd < 0 || (state = write_state(gs, &dirs, &n_dirs)) < 0 || pipe2(p, O_CLOEXEC) < 0)
    return -1;
  from[0] = state;
  from[1] = p[0];
  from[2] = pidfd;
  memcpy(from + 3, dirs, n_dirs * sizeof *dirs);
  if (spawn_watchdog(from, 3 + n_dirs) < 0) {
    close(p[1]);
    p[1] = -1;
  }
  close(p[0]);
  return p[1];
}

void watchdog_release(int fd)
{
  if (fd < 0)
    return;
  (void)!write(fd, "k", 1);
  close(fd);
}

/* ---- the watchdog ---- */

int watchdog_main(void)
{
  _cleanup_free_ char *buf = NULL;
  struct pollfd pfd = {.fd = WD_FD_PIDFD, .events = POLLIN};
  struct wd_state st;
  int keep[3 + WD_MAX_FDS];
  size_t len, n = 0;
  ssize_t r;
  char b;

  signal(SIGHUP, SIG_IGN);
  signal(SIGINT, SIG_IGN);
  signal(SIGPIPE, SIG_IGN);
  if (read_all(WD_FD_STATE, &buf, &len) < 0 || wd_decode((unsigned char *)buf, len, &st) < 0) {
    fprintf(stderr,
            "sandbox: %s is for sandbox itself (its after-run watchdog), not a command line\n",
            WATCHDOG_ARG);
    return 2;
  }
  keep[n++] = 2;
  keep[n++] = WD_FD_PIPE;
  keep[n++] = WD_FD_PIDFD;
  for (size_t i = 0; i < st.gs.n; i++)
    keep[n++] = st.gs.roots[i].fd;
  for (size_t i = 0; i < st.n_tops && n < ELEMENTSOF(keep); i++)
    keep[n++] = st.tops[i];
  /* Nothing of the caller's but stderr: a pipe or terminal held open here
   * would keep whoever reads it waiting. */
  close_fds_except(keep, n);
  while ((r = read(WD_FD_PIPE, &b, 1)) < 0 && errno == EINTR)
    ;
  if (r != 1) {
    while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
      ;
    for (size_t i = 0; i < st.n_places; i++)
      placeholders_adopt(st.tops[st.places[i].top], st.places[i].rel);
    placeholders_remove();
    gitscan_finish(&st.gs);
  }
  wd_state_free(&st);
  return 0;
}
