/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Desktop apps: a home per app (--app NAME), and what runs on the
 * caller's side for them before the sandbox starts: the D-Bus proxy
 * (dbusproxy.c) and the X11 display (x11.c). */

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "dbusproxy.h"
#include "plan.h"

/* Where the apps' homes are, under the caller's home. */
#define APP_HOMES ".local/share/sandbox/apps"

/* NAME of --app: letters, digits, '.', '_', '-'; no leading '.', no "..";
 * at most 128 bytes (a path component, never a way out of APP_HOMES).
 * Pure. */
bool app_name_valid(const char *name);

/* --app NAME / "app NAME": the home becomes HOME/APP_HOMES/NAME/home,
 * with XDG_CONFIG_HOME, XDG_DATA_HOME and XDG_CACHE_HOME in it. Pure (home
 * is the caller's $HOME). */
int app_apply(struct plan *p, const char *name, const char *home, const struct origin *o,
              struct diag *d);

/* --explain: the buses (through the proxy, with each rule and its
 * origin), the display, the app's home. Nothing when none applies. */
void desktop_explain(FILE *out, const struct plan *p);

/* Caller side, after the plan is final and before the sandbox: makes the
 * app's home on first use, passes the X11 display (x11 line) and starts
 * the D-Bus proxy (dbus-* lines), adding their binds to the plan. */
void desktop_prepare(struct plan *p);
/* Monitor: must the command wait for desktop_wait() before it starts? */
bool desktop_must_wait(void);
/* Monitor, while the sandbox sets itself up (the proxy starts meanwhile):
 * until the proxy listens. Dies, the sandbox killed, when it does not. */
void desktop_wait(pid_t sandbox);
/* Once the sandbox is gone: the proxy goes (also at exit, and with us
 * when we are killed: it dies with its parent). */
void desktop_finish(void);
