/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include <stdlib.h>
#include <unistd.h>

#define _noreturn_     __attribute__((noreturn))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _unused_       __attribute__((unused))

/* GCC says __SANITIZE_ADDRESS__; older clang only answers __has_feature. */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZE_ADDRESS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZE_ADDRESS 1
#endif
#endif
#ifndef SANITIZE_ADDRESS
#define SANITIZE_ADDRESS 0
#endif

static inline void freep(void *p)
{
  free(*(void **)p);
}
static inline void closep(int *fd)
{
  if (*fd >= 0) {
    int saved = errno;
    close(*fd);
    errno = saved;
  }
}
static inline void fclosep(FILE **f)
{
  if (*f)
    fclose(*f);
}

#define _cleanup_(f)     __attribute__((cleanup(f)))
#define _cleanup_free_   _cleanup_(freep)
#define _cleanup_close_  _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))

static inline int take_fd(int *fd)
{
  int r = *fd;
  *fd = -1;
  return r;
}

static inline void *take_ptr(void *pp)
{
  void **p = pp;
  void *r = *p;
  *p = NULL;
  return r;
}

/* The name diagnostics speak as: "bwrap" when invoked as bwrap, so
 * scripts that grep bwrap's messages keep working. */
const char *prog_name(void);
void set_prog_name(const char *argv0);
void set_level_prefix(bool on);

void warnx_(const char *fmt, ...) _printf_(1, 2);
/* "/", "//", "/./" ...: the root itself. */
bool path_is_root(const char *path);
void die(const char *fmt, ...) _printf_(1, 2) _noreturn_;
void die_errno(int err, const char *fmt, ...) _printf_(2, 3) _noreturn_;
void die_oom(void) _noreturn_;

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xreallocarray(void *p, size_t n, size_t m);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) _printf_(1, 2);

int write_all(int fd, const void *buf, size_t len);
int write_file_at(int dirfd, const char *path, const char *content);
/* Reads a whole fd; returns -errno or 0 and a NUL-terminated buffer. */
int read_all(int fd, char **ret, size_t *ret_len);
/* fd's content when it is a regular file of at most max bytes (a config
 * from a tree a sandbox may write: no FIFO to block on, no endless file),
 * else NULL. Closes nothing. */
char *read_regular(int fd, size_t max, size_t *len);

/* In a forked child, for a helper program (xdg-dbus-proxy, pasta): fds[i]
 * becomes fd i, for i < n (at most 8): -1, or a descriptor that is not
 * open, gives /dev/null. Every other fd is closed; then argv[0] runs.
 * Never returns (127: it could not). */
_noreturn_ void exec_with_fds(char *const *argv, const int *fds, int n);

/* Closes every descriptor but the n in keep (which it sorts). */
void close_fds_except(int *keep, size_t n);

/* The last line of what fd (a memfd a helper wrote its stderr to) holds,
 * at most size - 1 bytes of it; "" when empty. */
void fd_last_line(int fd, char *out, size_t size);
/* NAME's path from $PATH (or /usr/local/bin:/usr/bin:/bin), or NULL. */
char *find_in_path(const char *name);

int parse_int_fd(const char *s, int *ret);
int parse_uint32(const char *s, unsigned *ret);
int parse_octal_mode(const char *s, unsigned *ret);

/* SCM_RIGHTS: up to UNIX_FDS_MAX descriptors along with len bytes of data
 * (at least one). send_with_fds: 0 or -errno (EINTR retried, no SIGPIPE).
 * recv_with_fds: the bytes read or -errno, *n_fds those received (opened
 * O_CLOEXEC); -EPROTO when more came than max. flags: e.g. MSG_DONTWAIT. */
#define UNIX_FDS_MAX 2
int send_with_fds(int sock, const void *data, size_t len, const int *fds, size_t n);
ssize_t recv_with_fds(int sock, void *data, size_t len, int *fds, size_t max, size_t *n_fds,
                      int flags);
