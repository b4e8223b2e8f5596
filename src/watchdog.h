/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "gitscan.h"

/* The caller's after-run work (the git check, the placeholders' removal)
 * when the caller cannot do it: killed with SIGKILL (an agent runtime's
 * timeout, the OOM killer) while its sandbox runs. */

/* argv[1] of the watchdog: sandbox runs its own binary with it. */
#define WATCHDOG_ARG "--after-run-watchdog"

/* Once the inventory is taken; sandbox is the sandbox's pid 1, whose end
 * is the end of every process in it. Returns the descriptor to release
 * the watchdog through, or -1 (none could be started: no pidfd, no
 * /proc/self/exe). */
int watchdog_start(pid_t sandbox, const struct gitscan *gs);

/* The caller did the work itself: the watchdog ends. */
void watchdog_release(int fd);

/* main() of the watchdog process. */
int watchdog_main(void);

/* The state handed over (pure, for tests): the git check's roots and
 * inventory, and the placeholders, with the descriptor numbers they have
 * in the watchdog. */
struct wd_place {
  size_t top; /* in tops */
  char *rel;  /* below it */
};

struct wd_state {
  struct gitscan gs;
  int *tops; /* the placeholders' binds */
  size_t n_tops;
  struct wd_place *places;
  size_t n_places;
};

/* The watchdog's descriptors: 3 the state, 4 the caller's pipe, 5 the
 * sandbox's pidfd, then one per root and one per bind with placeholders
 * (binds are the caller's to choose: no more than WD_MAX_FDS). */
#define WD_FD_STATE 3
#define WD_FD_PIPE  4
#define WD_FD_PIDFD 5
#define WD_FD_FIRST 6
#define WD_MAX_FDS  256

int wd_encode(const struct wd_state *st, unsigned char **buf, size_t *len);
int wd_decode(const unsigned char *buf, size_t len, struct wd_state *st);
void wd_state_free(struct wd_state *st);
