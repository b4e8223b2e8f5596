/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The session (and, when a line asks, the system) bus, filtered: the
 * sandbox never sees the bus itself, only the socket of an xdg-dbus-proxy
 * (Debian package xdg-dbus-proxy, Flatpak's) that runs on the caller's
 * side with the plan's dbus-* rules, as long as the sandbox and no
 * longer. The rule half of this file is pure; the process half runs in the
 * caller before the sandbox is spawned. */

#include <stdbool.h>
#include <sys/types.h>

#include "plan.h"

/* A dbus-* line's argument: NAME (a well-known bus name, or a prefix of
 * at least two elements followed by ".*") for see, talk and own;
 * NAME=RULE for call and broadcast, RULE being [METHOD][@PATH] as
 * xdg-dbus-proxy reads it. Pure. */
int dbus_parse_rule(enum dbus_bus bus, enum dbus_policy policy, const char *arg,
                    const struct origin *o, struct dbus_rule *ret, struct diag *d);
/* A well-known bus name; with wildcard, "PREFIX.*" too. Pure. */
bool dbus_name_valid(const char *name, bool wildcard);
/* "see", "talk", "own", "call", "broadcast": the policy's word in rules,
 * options (--dbus-talk) and xdg-dbus-proxy's arguments (--talk=). */
const char *dbus_policy_name(enum dbus_policy policy);
/* Names whose owner runs code outside or holds credentials on request
 * (the service manager, the secrets service, portal back-ends, ...):
 * NULL, or the one a rule on name (maybe "PREFIX.*") would reach. */
const char *dbus_name_dangerous(const char *name);

/* --app NAME: may the app own NAME and NAME.* on the session bus? Pure. */
bool dbusproxy_app_owns(const struct plan *p);

/* The proxy's argument vector (NULL-terminated, strings owned by the
 * caller: free with dbusproxy_argv_free). addr/path NULL: bus not proxied.
 * Pure. */
char **dbusproxy_argv(const struct plan *p, const char *exe, int fd, const char *const addr[2],
                      const char *const path[2]);
void dbusproxy_argv_free(char **argv);

struct dbus_proxy {
  pid_t pid; /* -1: none */
  int sync;  /* our end of --fd: the proxy quits when it is closed */
  int err;   /* its standard error (a memfd), for its complaint */
  char *dir; /* private directory (0700) holding the sockets */
  char *sock[2];
};

/* Caller side, before the sandbox: starts the proxy for the buses the
 * plan's rules name and adds the read-only bind of its directory and the
 * bus variables to the plan. Without a bus nothing is passed; without
 * xdg-dbus-proxy one line says so and no bus is passed. */
void dbusproxy_start(struct plan *p, struct dbus_proxy *dp);
/* Monitor, while the sandbox sets itself up and before its command may
 * start: until the proxy listens. Dies (after killing the sandbox) with
 * the proxy's complaint when it does not. */
void dbusproxy_wait_ready(struct dbus_proxy *dp, pid_t sandbox);
/* Once the sandbox is gone (also called at exit): the proxy is killed and
 * reaped, its sockets and directory removed. Idempotent. */
void dbusproxy_stop(struct dbus_proxy *dp);
