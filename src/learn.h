/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* --learn FILE: one run of the command under a base profile, watched
 * through a seccomp user-notification filter that only observes (every
 * notification is answered "continue": what the program sees is the base
 * profile's doing), then folded into a profile. The supervisor (learn.c)
 * runs in a thread of the monitor, outside the sandbox's process tree;
 * the records and their folding (learn-fold.c) are pure. */

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "syscalls.h"

struct plan;

enum learn_kind {
  LEARN_READ,    /* opened for reading, stat'ed, executed: the path itself */
  LEARN_LIST,    /* a directory opened to list its entries */
  LEARN_WRITE,   /* an existing file opened for writing, truncated, chmod'ed */
  LEARN_CREATE,  /* an entry made, removed or renamed: its directory is written */
  LEARN_EXEC,    /* execve'd */
  LEARN_CONNECT, /* "ADDR:PORT" (inet) */
  LEARN_BIND,    /* "ADDR:PORT" (inet) */
  LEARN_NS,      /* namespaces created or joined: the flags, by name */
  LEARN_PROXY,   /* "HOST:PORT" the learning proxy was asked for */
};

struct learn_rec {
  enum learn_kind kind;
  char *what;
  const char *syscall; /* the first syscall that needed it */
  char prog[16];       /* the program that made it (comm) */
  unsigned long count;
};

struct learn_log {
  struct learn_rec *recs;
  size_t n, cap;
  size_t *slots; /* open addressing over recs, n_slots a power of two */
  size_t n_slots;
  sc_set syscalls; /* every syscall number seen after the first execve */
  bool exec_seen;
  unsigned long notifications;
};

void learn_log_free(struct learn_log *l);
/* The record's program, as a comment may hold it. */
void learn_set_prog(struct learn_rec *r, const char *prog);
/* Counts one more use of (kind, what); the first one's syscall and
 * program are kept. prog may be NULL (filled later by learn_log_named). */
struct learn_rec *learn_log_add(struct learn_log *l, enum learn_kind kind, const char *what,
                                const char *syscall, const char *prog);

/* The --net-log lines of the learning proxy: each "host" and "port" is a
 * LEARN_PROXY record (names re-checked as --net-allow would). Pure: the
 * bytes come from a file the sandboxed command could influence. Returns
 * the number of records added. */
size_t learn_parse_netlog(struct learn_log *l, const char *buf, size_t len);

/* What folding asks of the host (injected: folding itself is pure). */
struct learn_host {
  /* entries of directory path (without . and ..), or -1: not a directory */
  int (*entries)(void *ctx, const char *path);
  bool (*exists)(void *ctx, const char *path);
  bool (*is_symlink)(void *ctx, const char *path); /* lstat: a symbolic link */
  void *ctx;
};

/* A directory replaces the files read in it when the run read at least
 * LEARN_FOLD_MIN of them and at least LEARN_FOLD_NUM/LEARN_FOLD_DEN of
 * its entries (sandbox(1), --learn). */
#define LEARN_FOLD_MIN 3
#define LEARN_FOLD_NUM 2
#define LEARN_FOLD_DEN 3

struct learn_fold_in {
  const char *command; /* for the header, one line */
  const char *program; /* for the description: a plain word */
  const char *cwd;     /* the run's working directory */
  const char *home;    /* the home directory, or NULL */
  const char *include; /* the profile the learned one starts from */
  /* The learning run's mount points, and which of them that profile
   * makes too: a path whose deepest mount point is one of those (/usr,
   * /etc, a fresh /tmp...) is the profile's already. */
  const char *const *mounts;
  const bool *from_include;
  const bool *writable; /* the run could write there (and plant links) */
  size_t n_mounts;
  const char *const *hidden; /* masked paths: never granted */
  size_t n_hidden;
  bool proxy;      /* the run's network went through the learning proxy */
  bool shared_net; /* the run had the host's network */
  bool syscalls;   /* --learn-syscalls: an allow-list of syscalls */
  int status;      /* the run's exit status */
};

/* The learned profile's text (malloc'd); *n_lines counts its directive
 * lines (neither blank nor comment). Pure. */
char *learn_fold(const struct learn_log *l, const struct learn_fold_in *in,
                 const struct learn_host *host, size_t *n_lines);

/* ---- the run (learn.c) ---- */

/* Turns a parsed command line with --learn into the learning run's plan:
 * the "learn" base unless a profile was given, and with it the learning
 * proxy. Pure. */
int learn_plan(struct plan *p, struct diag *d);

struct learn_run;
/* Before the sandbox is cloned: the channel the command sends its
 * listener over, the filter it installs, and the learning proxy's log
 * (p->net_log, a temporary file). */
struct learn_run *learn_prepare(struct plan *p);
/* The command's end: in the command, just before its own filters. */
void learn_attach(const struct learn_run *lr);
/* In the monitor, after the clone: the supervisor thread starts. */
void learn_start(struct learn_run *lr);
/* After the sandbox is gone: the thread ends, FILE is written. Returns 0
 * or -errno (the message printed). */
int learn_finish(struct learn_run *lr, const struct plan *p, int status);
