/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

#include "diag.h"
#include "netproxy.h"
#include "rlimits.h"

struct profile_env;
struct learn_run;

enum dbus_bus { DBUS_SESSION, DBUS_SYSTEM };
enum dbus_policy { DBUS_SEE, DBUS_TALK, DBUS_OWN, DBUS_CALL, DBUS_BROADCAST };

/* One xdg-dbus-proxy rule: arg is "NAME" (see, talk, own) or "NAME=RULE"
 * (call, broadcast), as Flatpak's permissions. */
struct dbus_rule {
  enum dbus_bus bus;
  enum dbus_policy policy;
  char *arg;
  struct origin origin;
};

enum op_type {
  OP_BIND,
  OP_BIND_FD,
  OP_REMOUNT_RO,
  OP_PROC,
  OP_DEV,
  OP_TMPFS,
  OP_MQUEUE,
  OP_DIR,
  OP_SYMLINK,
  OP_CHMOD,
  OP_FILE,
  OP_BIND_DATA,
  OP_OVERLAY,
};

enum overlay_kind { OVERLAY_RW, OVERLAY_TMP, OVERLAY_RO };

enum {
  BIND_READONLY = 1u << 0,
  BIND_DEVICES = 1u << 1,
  BIND_TRY = 1u << 2,
  /* --app's home: the app's own, which nothing on the host runs from: the
   * protections of the real home's paths (start-up files, ~/.config...)
   * do not apply in it, those of names (.git...) do */
  BIND_APP_HOME = 1u << 3,
};

#define PERMS_UNSET (-1)
/* Under a profile, every tmpfs the sandbox mounts (its root, which also
 * holds --tmp-overlay upper layers and --file data, /dev with /dev/shm, and
 * each tmpfs line without a size line before it) is bounded to this many
 * bytes, and to one inode per page of it: the kernel's default is half of
 * the host's memory for each instance. */
#define TMPFS_PROFILE_SIZE (UINT64_C(1) << 30)
/* bwrap's limit on the number of arguments, --args included. */
#define MAX_ARGS 9000

/* One filesystem set-up step, executed in command-line order inside the
 * new root. */
struct op {
  enum op_type type;
  unsigned flags;
  char *src;     /* host path, symlink target */
  char *dest;    /* path inside the sandbox */
  int fd;        /* --file, --bind-data, --bind-fd */
  int perms;     /* PERMS_UNSET or a mode */
  uint64_t size; /* tmpfs size, 0 = kernel default */
  /* overlays: lower layers bottom first; src = upper, work = workdir */
  enum overlay_kind overlay;
  char **layers;
  size_t n_layers;
  char *work;
  /* > 0: src is under the home directory, and its part after the first
   * src_anchor bytes is opened without following any symlink (a link
   * planted in the home must not redirect a profile's bind). */
  size_t src_anchor;
  /* An overlay (overlay-home's throwaway layer) that the kernel refuses
   * because something is mounted below its one layer (overlayfs cannot
   * take a tree with locked submounts in a user namespace) becomes a
   * read-only bind of that layer instead: still no write reaches it. */
  bool ro_fallback;
  struct origin origin;
};

enum env_kind { ENV_SET, ENV_UNSET, ENV_CLEAR };

struct env_op {
  enum env_kind kind;
  char *name, *value;
  struct origin origin;
};

struct cap_op {
  bool add;
  int cap; /* -1 = ALL */
  struct origin origin;
};

enum {
  NS_USER = 1u << 0,
  NS_IPC = 1u << 1,
  NS_PID = 1u << 2,
  NS_NET = 1u << 3,
  NS_UTS = 1u << 4,
  NS_CGROUP = 1u << 5,
};

/* A protected entry (a plain name: the entry of every writable bind; an
 * absolute path: the entry on its way that is a direct child of a writable
 * bind), or a masked path. */
struct protect {
  char *path;
  struct origin origin;
  bool if_present; /* an absent entry gets no placeholder */
};

/* keep-env NAME: an inherited variable drop-secret-env leaves alone. */
struct keep_env {
  char *name;
  struct origin origin;
};

struct plan {
  struct op *ops;
  size_t n_ops;
  struct env_op *env;
  size_t n_env;
  struct cap_op *caps;
  size_t n_caps;

  unsigned ns;     /* NS_* requested */
  unsigned ns_try; /* NS_* requested "if possible" */
  long uid, gid;   /* -1 = caller's */
  char *hostname;
  char *chdir;
  char *argv0;
  bool new_session, die_with_parent, as_pid_1, level_prefix;
  int pty; /* -1 decide (pty_wanted), 0 --no-pty, 1 --pty */
  /* a command not found says the default profile did not apply */
  /* --home DIR: bound on $HOME (home_dest) before the binds inside it */
  char *home_src, *home_dest;
  bool home_is_app; /* the home is --app's (BIND_APP_HOME) */
  struct origin home_origin;
  bool landlock;           /* --landlock: file rules mirroring the mounts on a bwrap line */
  bool require_namespaces; /* no fallback to the no-namespace mode (nons.c) */

  /* bwrap's fd protocols; -1 when unused */
  int info_fd, json_status_fd, block_fd, userns_block_fd, sync_fd;
  int userns_fd, userns2_fd, pidns_fd;
  int seccomp_fd;
  int *add_seccomp_fds;
  size_t n_add_seccomp_fds;
  char **lock_files;
  size_t n_lock_files;
  /* the profile files this plan was read from (as named, maybe relative):
   * protected like the policy directories when a writable bind holds one */
  char **profile_files;
  size_t n_profile_files;
  bool disable_userns, assert_userns_disabled;
  char *exec_label, *file_label;
  /* made read-only inside after set-up, where present: --protect and the
   * directories profiles are read from */
  struct protect *protect;
  size_t n_protect;
  /* hidden: an empty read-only directory or file in their place */
  struct protect *masks;
  size_t n_masks;
  /* one line for stderr about how the plan was adapted (a home shown
   * through a throwaway layer), or NULL */
  char *notice;

  /* drop-secret-env: inherited secret-looking variables stay outside,
   * except those named by keep-env */
  bool drop_secret_env;
  struct origin drop_secret_origin;
  struct keep_env *keep_env;
  size_t n_keep_env;

  /* resource bounds */
  struct rlimit_op *rlimits;
  size_t n_rlimits;
  double timeout;          /* seconds, 0 = none */
  bool kill_leftovers;     /* the command's exit ends the sandbox */
  bool host_root_possible; /* the sandbox may hold host uid 0 (plan_finalize) */
  uint64_t memory_max, pids_max;
  uint64_t tmpfs_bound; /* TMPFS_PROFILE_SIZE under a profile, else 0 */

  /* --net-allow: own network namespace, out only through the proxy */
  struct net_rule *net_allow;
  size_t n_net_allow;
  char *net_log;
  bool net_private; /* own network namespace, out through pasta */

  /* dbus-talk/own/see/call/broadcast (and dbus-system-*): the bus is
   * passed only through xdg-dbus-proxy, filtered by these (dbusproxy.c) */
  struct dbus_rule *dbus;
  size_t n_dbus;
  /* x11: the display's own socket and cookie (x11.c) */
  bool x11;
  /* --app NAME: the persistent home ~/.local/share/sandbox/apps/NAME/home */
  char *app;
  /* --learn FILE: the run is watched and a profile written to FILE */
  char *learn_file;
  char *learn_base;        /* the first --profile of the command line, or NULL */
  bool learn_syscalls;     /* --learn-syscalls */
  bool learn_proxy;        /* the network through the learning proxy (learn_plan) */
  struct learn_run *learn; /* the run's supervisor (main sets it) */

  char **overlay_src; /* pending --overlay-src, consumed by an overlay */
  size_t n_overlay_src;

  char **argv; /* the command; NULL-terminated */
  int argc;

  unsigned ns_cleared;           /* NS_* explicitly kept (--share-net) */
  struct origin opt_origin[128]; /* where each option was last given */
  struct sc_policy sc;

  /* What the command line asked for besides running something. */
  bool explain, list_profiles, check;
  char *export_bpf;
  char *list_syscalls;

  /* Provenance: file names that origins point into. */
  char **files;
  size_t n_files;
  bool used_profile;
  const struct profile_env *penv; /* how --profile finds profiles */
  const char *include_stack[16];
  unsigned include_depth;

  /* parse state that spans options */
  int next_perms;
  uint64_t next_size;
  bool have_next_size;
  bool help, version;
};

void plan_init(struct plan *p);
void plan_free(struct plan *p);

struct op *plan_add_op(struct plan *p, enum op_type type);

/* Checks rules that depend on the whole command line and on who runs it.
 * Pure: real_uid is passed in. */
int plan_finalize(struct plan *p, unsigned real_uid, unsigned real_gid, struct diag *d);

/* Appends src after dst, as if src's options came later on the same
 * command line. src is left empty. */
void plan_append(struct plan *dst, struct plan *src);
/* The plan's mounts give the command a system of their own: something on
 * "/", "/usr" or another top-level system directory (/bin, /sbin, /lib*).
 * That is what a bwrap command line does; a person adding one path to the
 * default profile does not. */
bool plan_builds_own_root(const struct plan *p);
/* PATH is kept read-only where a writable bind would expose it. */
void plan_add_protect(struct plan *p, const char *path, const struct origin *o);
/* PATH is hidden at the end of set-up, if it is in the sandbox. */
void plan_add_mask(struct plan *p, const char *path, const struct origin *o);
/* An environment step (set, unset, clear) at the end; value (malloc'd, or
 * NULL) is the plan's from now on. */
void plan_add_env(struct plan *p, enum env_kind kind, const char *name, char *value,
                  const struct origin *o);
