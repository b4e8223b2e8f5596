/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The "x11" line: the caller's X display, and only it. The sandbox gets
 * that display's socket (/tmp/.X11-unix/XN, never the directory: other
 * displays, other users' among them, stay out) and that display's cookies
 * (as "xauth extract" would give them), written into the sandbox; never
 * the caller's whole Xauthority. Any X11 client can still read and inject
 * the input of every other client of the same display: X11 has no
 * isolation to offer, which is why it is only given when asked. The
 * parsing half is pure and fuzzed; the Xauthority file is untrusted. */

#include <stddef.h>
#include <stdint.h>

#include "plan.h"

#define X11_MAX_NUMBER 16

/* ":N", ":N.S", "unix:N", "unix:N.S" -> "N" in num (X11_MAX_NUMBER
 * bytes). -EINVAL for anything else (a TCP display "host:N" among them).
 * Pure. */
int x11_display_number(const char *display, char *num);

/* The entries of an Xauthority buffer for display num on this host
 * (family Local with address host, or family Wild), written to out with
 * family Wild (the sandbox's host name may differ) and display number
 * new_num. out must hold xauth_out_size(len) bytes. Returns how many, or
 * -EINVAL for a malformed buffer. Pure. */
int xauth_extract(const uint8_t *buf, size_t len, const char *host, const char *num,
                  const char *new_num, uint8_t *out, size_t *out_len);
size_t xauth_out_size(size_t len);

/* The display number the sandbox sees: one that no abstract socket of
 * unix_list (/proc/net/unix's text) is named after. X clients (libxcb)
 * try the abstract socket "@/tmp/.X11-unix/XN" first and give up on any
 * error but "not there": the host's, which the sandbox's Landlock domain
 * refuses (EPERM), would leave them without their display. With a number
 * of no abstract socket, they come to the bound one. Pure. */
unsigned x11_free_number(const char *unix_list, size_t len);

/* Caller side, before the sandbox: binds the display's socket, writes its
 * cookies, sets DISPLAY and XAUTHORITY. Without a usable display, one line
 * says why and no X11 is passed. */
void x11_prepare(struct plan *p);
