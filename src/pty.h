/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

#include "plan.h"

/* A terminal of the sandbox's own: a pseudo-terminal from the devpts
 * instance inside, relayed by the monitor. The command never holds an fd
 * of the caller's terminal, so TIOCSTI and TIOCLINUX can at worst reach
 * the inner one (CVE-2017-5226, CVE-2023-28100). */

/* Whether this run gets a pty: --pty / --no-pty, else when a profile
 * applies, stdin is a terminal, we are in its foreground and the sandbox
 * has a /dev of its own. Reads the process's terminal state. */
bool pty_wanted(const struct plan *p);

/* The sandbox's side. sock is the channel to the monitor (-1: no pty). */
struct pty_inner {
  int sock, master, slave;
  unsigned replace; /* bit n: fd n becomes the pty */
};

/* After set-up, in the sandbox's root: opens /dev/ptmx there, with the
 * outer terminal's modes and size. Dies on failure (child only). */
void pty_open_inner(struct pty_inner *t);
/* Before seccomp, in the process that becomes init or the command: a
 * session of its own with the pty as controlling terminal and on its
 * terminal fds (the caller's terminal let go), the master sent out to the
 * monitor. */
void pty_attach_session(struct pty_inner *t);
/* In the command, just before exec: its own foreground process group.
 * Changes nothing in t: the command may share init's memory (vfork). */
void pty_take(const struct pty_inner *t);
/* In init, once the command is started: the fds it kept for it. */
void pty_close_inner(struct pty_inner *t);

/* The monitor's side: relays between the caller's terminal and the
 * master that arrives on sock, in a thread of its own; the caller's
 * terminal is raw meanwhile, and restored by pty_relay_stop, at exit, or
 * on a fatal signal. */
struct pty_relay;
struct pty_relay *pty_relay_start(int sock);
/* The command is done: drains what it wrote, stops, restores. */
void pty_relay_stop(struct pty_relay *r);
