/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdio.h>

#include "plan.h"

enum opt_id {
  OPT_HELP,
  OPT_VERSION,
  OPT_ARGS,
  OPT_ARGV0,
  OPT_LEVEL_PREFIX,
  OPT_UNSHARE_ALL,
  OPT_SHARE_NET,
  OPT_UNSHARE_USER,
  OPT_UNSHARE_USER_TRY,
  OPT_UNSHARE_IPC,
  OPT_UNSHARE_PID,
  OPT_UNSHARE_NET,
  OPT_UNSHARE_UTS,
  OPT_UNSHARE_CGROUP,
  OPT_UNSHARE_CGROUP_TRY,
  OPT_UID,
  OPT_GID,
  OPT_HOSTNAME,
  OPT_CHDIR,
  OPT_CLEARENV,
  OPT_SETENV,
  OPT_UNSETENV,
  OPT_BIND,
  OPT_BIND_TRY,
  OPT_DEV_BIND,
  OPT_DEV_BIND_TRY,
  OPT_RO_BIND,
  OPT_RO_BIND_TRY,
  OPT_REMOUNT_RO,
  OPT_PROC,
  OPT_DEV,
  OPT_TMPFS,
  OPT_MQUEUE,
  OPT_DIR,
  OPT_SYMLINK,
  OPT_NEW_SESSION,
  OPT_DIE_WITH_PARENT,
  OPT_AS_PID_1,
  OPT_CAP_ADD,
  OPT_CAP_DROP,
  OPT_PERMS,
  OPT_SIZE,
  OPT_CHMOD,
  OPT_PROFILE,
  OPT_SYSCALL,
  OPT_SYSCALL_DEFAULT,
  OPT_SYSCALL_ARCH,
  OPT_LIST_PROFILES,
  OPT_EXPLAIN,
  OPT_EXPORT_BPF,
  OPT_SYSCALLS,
  OPT_BIND_FD,
  OPT_RO_BIND_FD,
  OPT_FILE,
  OPT_BIND_DATA,
  OPT_RO_BIND_DATA,
  OPT_INFO_FD,
  OPT_JSON_STATUS_FD,
  OPT_BLOCK_FD,
  OPT_USERNS_BLOCK_FD,
  OPT_SYNC_FD,
  OPT_LOCK_FILE,
  OPT_USERNS,
  OPT_USERNS2,
  OPT_PIDNS,
  OPT_DISABLE_USERNS,
  OPT_ASSERT_USERNS_DISABLED,
  OPT_OVERLAY_SRC,
  OPT_OVERLAY,
  OPT_TMP_OVERLAY,
  OPT_RO_OVERLAY,
  OPT_SECCOMP,
  OPT_ADD_SECCOMP_FD,
  OPT_EXEC_LABEL,
  OPT_FILE_LABEL,
  OPT_RLIMIT,
  OPT_TIMEOUT,
  OPT_KILL_LEFTOVERS,
  OPT_MEMORY_MAX,
  OPT_PIDS_MAX,
  OPT_PROTECT,
  OPT_PTY,
  OPT_NO_PTY,
  OPT_READ,
  OPT_WRITE,
  OPT_NET,
  OPT_NO_NET,
  OPT_HOME,
  OPT_LANDLOCK,
  OPT_CHECK,
  OPT_MASK,
  OPT_DROP_SECRET_ENV,
  OPT_KEEP_ENV,
  OPT_NET_ALLOW,
  OPT_NET_LOG,
  OPT_NET_PRIVATE,
  OPT_REQUIRE_NAMESPACES,
  OPT_DBUS_SEE,
  OPT_DBUS_TALK,
  OPT_DBUS_OWN,
  OPT_DBUS_CALL,
  OPT_DBUS_BROADCAST,
  OPT_DBUS_SYSTEM_SEE,
  OPT_DBUS_SYSTEM_TALK,
  OPT_DBUS_SYSTEM_OWN,
  OPT_DBUS_SYSTEM_CALL,
  OPT_DBUS_SYSTEM_BROADCAST,
  OPT_X11,
  OPT_PIPEWIRE,
  OPT_APP,
  OPT_LEARN,
  OPT_LEARN_SYSCALLS,
};

enum {
  OPTF_CLI_ONLY = 1u << 0, /* not valid as a profile line */
  OPTF_REST = 1u << 1,     /* in a profile, the rest of the line is the argument */
};

struct opt_def {
  const char *name; /* without leading dashes */
  enum opt_id id;
  unsigned nargs;
  const char *arghelp; /* e.g. "SRC DEST" */
  const char *help;
  unsigned flags;
};

extern const struct opt_def cli_options[];
extern const size_t cli_n_options;

const struct opt_def *cli_find_option(const char *name);

/* Applies one option with its arguments to the plan. Pure: never touches
 * the process (except reading an --args fd). Returns -errno and fills d. */
int cli_apply(struct plan *p, const struct opt_def *def, char *const *args, const struct origin *o,
              struct diag *d);

/* Parses argv (without argv[0]) into p, bwrap's rules: options stop at
 * "--" or the first word not starting with "-". */
int cli_parse(struct plan *p, int argc, char *const *argv, struct diag *d);

void cli_usage(FILE *out, const char *argv0);

/* The --help heading an option is listed under, or NULL. */
const char *cli_option_group(const char *name);
