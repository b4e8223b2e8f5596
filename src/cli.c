/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "caps.h"
#include "dbusproxy.h"
#include "desktop.h"
#include "rlimits.h"
#include "syscalls.h"
#include "profile.h"
#include "util.h"

/* One table drives parsing, --help and (later) profile lines. The order
 * here is the order of bwrap's --help. */
const struct opt_def cli_options[] = {
    {"help", OPT_HELP, 0, "", "Print this help", OPTF_CLI_ONLY},
    {"version", OPT_VERSION, 0, "", "Print version", OPTF_CLI_ONLY},
    {"args", OPT_ARGS, 1, "FD", "Parse NUL-separated args from FD", OPTF_CLI_ONLY},
    {"argv0", OPT_ARGV0, 1, "VALUE", "Set argv[0] to the value VALUE before running the program"},
    {"level-prefix", OPT_LEVEL_PREFIX, 0, "", "Prepend e.g. <3> to diagnostic messages"},
    {"unshare-all", OPT_UNSHARE_ALL, 0, "", "Unshare every namespace we support by default"},
    {"share-net", OPT_SHARE_NET, 0, "",
     "Keep the host's network namespace after --unshare-all or a profile that unshares it"},
    {"unshare-user", OPT_UNSHARE_USER, 0, "",
     "Create new user namespace (may be automatically implied if not setuid)"},
    {"unshare-user-try", OPT_UNSHARE_USER_TRY, 0, "",
     "Create new user namespace if possible else continue by skipping it"},
    {"unshare-ipc", OPT_UNSHARE_IPC, 0, "", "Create new ipc namespace"},
    {"unshare-pid", OPT_UNSHARE_PID, 0, "", "Create new pid namespace"},
    {"unshare-net", OPT_UNSHARE_NET, 0, "", "Create new network namespace"},
    {"unshare-uts", OPT_UNSHARE_UTS, 0, "", "Create new uts namespace"},
    {"unshare-cgroup", OPT_UNSHARE_CGROUP, 0, "", "Create new cgroup namespace"},
    {"unshare-cgroup-try", OPT_UNSHARE_CGROUP_TRY, 0, "",
     "Create new cgroup namespace if possible else continue by skipping it"},
    {"userns", OPT_USERNS, 1, "FD", "Use this user namespace (cannot combine with --unshare-user)",
     OPTF_CLI_ONLY},
    {"userns2", OPT_USERNS2, 1, "FD",
     "After setup switch to this user namespace, only useful with --userns", OPTF_CLI_ONLY},
    {"disable-userns", OPT_DISABLE_USERNS, 0, "",
     "Disable further use of user namespaces inside sandbox"},
    {"assert-userns-disabled", OPT_ASSERT_USERNS_DISABLED, 0, "",
     "Fail unless further use of user namespace inside sandbox is disabled"},
    {"pidns", OPT_PIDNS, 1, "FD",
     "Use this pid namespace (as parent namespace if using --unshare-pid)", OPTF_CLI_ONLY},
    {"uid", OPT_UID, 1, "UID", "Custom uid in the sandbox (requires --unshare-user or --userns)"},
    {"gid", OPT_GID, 1, "GID", "Custom gid in the sandbox (requires --unshare-user or --userns)"},
    {"hostname", OPT_HOSTNAME, 1, "NAME",
     "Custom hostname in the sandbox (requires --unshare-uts)"},
    {"chdir", OPT_CHDIR, 1, "DIR", "Change directory to DIR"},
    {"clearenv", OPT_CLEARENV, 0, "", "Unset all environment variables"},
    {"setenv", OPT_SETENV, 2, "VAR VALUE", "Set an environment variable"},
    {"unsetenv", OPT_UNSETENV, 1, "VAR", "Unset an environment variable"},
    {"drop-secret-env", OPT_DROP_SECRET_ENV, 0, "",
     "Leave out inherited variables named like secrets (TOKEN, PASSWORD, KEY, AWS_...)"},
    {"keep-env", OPT_KEEP_ENV, 1, "VAR", "Keep VAR although its name looks like a secret"},
    {"lock-file", OPT_LOCK_FILE, 1, "DEST", "Take a lock on DEST while sandbox is running"},
    {"sync-fd", OPT_SYNC_FD, 1, "FD", "Keep this fd open while sandbox is running", OPTF_CLI_ONLY},
    {"bind", OPT_BIND, 2, "SRC DEST", "Bind mount the host path SRC on DEST"},
    {"bind-try", OPT_BIND_TRY, 2, "SRC DEST", "Equal to --bind but ignores non-existent SRC"},
    {"dev-bind", OPT_DEV_BIND, 2, "SRC DEST",
     "Bind mount the host path SRC on DEST, allowing device access"},
    {"dev-bind-try", OPT_DEV_BIND_TRY, 2, "SRC DEST",
     "Equal to --dev-bind but ignores non-existent SRC"},
    {"ro-bind", OPT_RO_BIND, 2, "SRC DEST", "Bind mount the host path SRC readonly on DEST"},
    {"ro-bind-try", OPT_RO_BIND_TRY, 2, "SRC DEST",
     "Equal to --ro-bind but ignores non-existent SRC"},
    {"bind-fd", OPT_BIND_FD, 2, "FD DEST", "Bind open directory or path fd on DEST", OPTF_CLI_ONLY},
    {"ro-bind-fd", OPT_RO_BIND_FD, 2, "FD DEST", "Bind open directory or path fd read-only on DEST",
     OPTF_CLI_ONLY},
    {"remount-ro", OPT_REMOUNT_RO, 1, "DEST",
     "Remount DEST as readonly; does not recursively remount"},
    {"overlay-src", OPT_OVERLAY_SRC, 1, "SRC", "Read files from SRC in the following overlay"},
    {"overlay", OPT_OVERLAY, 3, "RWSRC WORKDIR DEST",
     "Mount overlayfs on DEST, with RWSRC as the host path for writes and\n"
     "                                 WORKDIR an empty directory on the same filesystem as RWSRC"},
    {"tmp-overlay", OPT_TMP_OVERLAY, 1, "DEST",
     "Mount overlayfs on DEST, with writes going to an invisible tmpfs"},
    {"ro-overlay", OPT_RO_OVERLAY, 1, "DEST", "Mount overlayfs read-only on DEST"},
    {"exec-label", OPT_EXEC_LABEL, 1, "LABEL", "Exec label for the sandbox"},
    {"file-label", OPT_FILE_LABEL, 1, "LABEL", "File label for temporary sandbox content"},
    {"proc", OPT_PROC, 1, "DEST", "Mount new procfs on DEST"},
    {"dev", OPT_DEV, 1, "DEST", "Mount new dev on DEST"},
    {"tmpfs", OPT_TMPFS, 1, "DEST", "Mount new tmpfs on DEST"},
    {"mqueue", OPT_MQUEUE, 1, "DEST", "Mount new mqueue on DEST"},
    {"dir", OPT_DIR, 1, "DEST", "Create dir at DEST"},
    {"file", OPT_FILE, 2, "FD DEST", "Copy from FD to destination DEST", OPTF_CLI_ONLY},
    {"bind-data", OPT_BIND_DATA, 2, "FD DEST", "Copy from FD to file which is bind-mounted on DEST",
     OPTF_CLI_ONLY},
    {"ro-bind-data", OPT_RO_BIND_DATA, 2, "FD DEST",
     "Copy from FD to file which is readonly bind-mounted on DEST", OPTF_CLI_ONLY},
    {"symlink", OPT_SYMLINK, 2, "SRC DEST", "Create symlink at DEST with target SRC"},
    {"seccomp", OPT_SECCOMP, 1, "FD", "Load and use seccomp rules from FD (not repeatable)",
     OPTF_CLI_ONLY},
    {"add-seccomp-fd", OPT_ADD_SECCOMP_FD, 1, "FD",
     "Load and use seccomp rules from FD (repeatable)", OPTF_CLI_ONLY},
    {"block-fd", OPT_BLOCK_FD, 1, "FD", "Block on FD until some data to read is available",
     OPTF_CLI_ONLY},
    {"userns-block-fd", OPT_USERNS_BLOCK_FD, 1, "FD",
     "Block on FD until the user namespace is ready", OPTF_CLI_ONLY},
    {"info-fd", OPT_INFO_FD, 1, "FD", "Write information about the running container to FD",
     OPTF_CLI_ONLY},
    {"json-status-fd", OPT_JSON_STATUS_FD, 1, "FD",
     "Write container status to FD as multiple JSON documents", OPTF_CLI_ONLY},
    {"new-session", OPT_NEW_SESSION, 0, "", "Create a new terminal session"},
    {"die-with-parent", OPT_DIE_WITH_PARENT, 0, "",
     "Kill COMMAND with SIGKILL when sandbox or its parent dies"},
    {"as-pid-1", OPT_AS_PID_1, 0, "", "Do not install a reaper process with PID=1"},
    {"pty", OPT_PTY, 0, "",
     "Give the command a terminal of its own, relayed to ours (default under a profile when "
     "stdin is a terminal)"},
    {"no-pty", OPT_NO_PTY, 0, "", "Let the command use our terminal directly"},
    {"cap-add", OPT_CAP_ADD, 1, "CAP", "Add cap CAP when running as privileged user"},
    {"cap-drop", OPT_CAP_DROP, 1, "CAP", "Drop cap CAP when running as privileged user"},
    {"perms", OPT_PERMS, 1, "OCTAL",
     "Set permissions of next argument (--bind-data, --file, etc.)"},
    {"size", OPT_SIZE, 1, "BYTES", "Set size of next argument (only for --tmpfs)"},
    {"chmod", OPT_CHMOD, 2, "OCTAL PATH", "Change permissions of PATH (must already exist)"},
    /* Beyond bwrap: after the tree is built. */
    {"protect", OPT_PROTECT, 1, "PATH",
     "At the end of set-up, make PATH read-only if it is in the sandbox"},
    {"landlock", OPT_LANDLOCK, 0, "",
     "Confine the command with Landlock rules mirroring the mounts (always under a profile)"},
    {"protect", OPT_PROTECT, 1, "PATH|NAME",
     "Keep PATH, or entry NAME of every writable bind, read-only (even if absent)"},
    {"hide", OPT_MASK, 1, "PATH", "Hide PATH: an empty read-only dir or file in its place"},
    {"mask", OPT_MASK, 1, "PATH", "Same as --hide"},
    /* Beyond bwrap: network policy. */
    {"net-allow", OPT_NET_ALLOW, 1, "HOST[:PORT]",
     "Own network namespace, out only through a proxy to HOST (*.DOMAIN: its subdomains; "
     "default ports 80 and 443); repeatable"},
    {"net-private", OPT_NET_PRIVATE, 0, "",
     "Own network namespace with outbound network through pasta (package passt); the host's "
     "loopback unreachable"},
    {"net-log", OPT_NET_LOG, 1, "FILE",
     "Append one JSON line per proxied connection, allowed or refused, to FILE"},
    {"require-namespaces", OPT_REQUIRE_NAMESPACES, 0, "",
     "Fail where user namespaces are refused, instead of the no-namespace mode"},
    /* Beyond bwrap: desktop apps (desktop.c, dbusproxy.c, x11.c). */
    {"dbus-see", OPT_DBUS_SEE, 1, "NAME",
     "Session bus, through xdg-dbus-proxy: the command may see NAME (NAME.*: names below it)"},
    {"dbus-talk", OPT_DBUS_TALK, 1, "NAME",
     "Session bus, through xdg-dbus-proxy: the command may call NAME and get its signals"},
    {"dbus-own", OPT_DBUS_OWN, 1, "NAME",
     "Session bus, through xdg-dbus-proxy: the command may own NAME"},
    {"dbus-call", OPT_DBUS_CALL, 1, "NAME=RULE",
     "Session bus, through xdg-dbus-proxy: the command may make calls RULE "
     "([IFACE.METHOD|IFACE.*|*][@/PATH[/*]]) on NAME"},
    {"dbus-broadcast", OPT_DBUS_BROADCAST, 1, "NAME=RULE",
     "Session bus, through xdg-dbus-proxy: the command gets NAME's signals matching RULE"},
    {"dbus-system-see", OPT_DBUS_SYSTEM_SEE, 1, "NAME", "As --dbus-see, on the system bus"},
    {"dbus-system-talk", OPT_DBUS_SYSTEM_TALK, 1, "NAME", "As --dbus-talk, on the system bus"},
    {"dbus-system-own", OPT_DBUS_SYSTEM_OWN, 1, "NAME", "As --dbus-own, on the system bus"},
    {"dbus-system-call", OPT_DBUS_SYSTEM_CALL, 1, "NAME=RULE", "As --dbus-call, on the system bus"},
    {"dbus-system-broadcast", OPT_DBUS_SYSTEM_BROADCAST, 1, "NAME=RULE",
     "As --dbus-broadcast, on the system bus"},
    {"x11", OPT_X11, 0, "",
     "Pass the X11 display: its socket and its cookie only (an X11 client can read and inject "
     "the input of the display's other clients)"},
    {"pipewire", OPT_PIPEWIRE, 0, "", "Pass PipeWire's socket (camera, screen capture, sound)"},
    {"app", OPT_APP, 1, "NAME",
     "A persistent home of its own for app NAME: ~/.local/share/sandbox/apps/NAME/home"},
    /* Beyond bwrap: resource bounds. */
    {"rlimit", OPT_RLIMIT, 1, "NAME=SOFT[:HARD]",
     "Set a resource limit (nofile, nproc, as, core, cpu, fsize, ...)"},
    {"timeout", OPT_TIMEOUT, 1, "SECONDS",
     "Kill the whole sandbox after SECONDS; exit status 124 (implies --unshare-pid)"},
    {"kill-leftovers", OPT_KILL_LEFTOVERS, 0, "",
     "When the command exits, kill what it left running (default under a profile)"},
    {"memory-max", OPT_MEMORY_MAX, 1, "BYTES",
     "Limit memory in a cgroup of its own (needs a delegated cgroup v2 subtree)"},
    {"pids-max", OPT_PIDS_MAX, 1, "N",
     "Limit the number of tasks in a cgroup of its own (needs delegation)"},
    /* Beyond bwrap: what to give the command, in its terms. They add to
     * the profile: no default profile is dropped for them. */
    {"read", OPT_READ, 1, "PATH", "Let the command read PATH (read-only, at the same path)"},
    {"write", OPT_WRITE, 1, "PATH", "Let the command read and write PATH (at the same path)"},
    {"net", OPT_NET, 0, "", "Give the command the host's network"},
    {"no-net", OPT_NO_NET, 0, "", "No network: only a loopback of its own"},
    {"home", OPT_HOME, 1, "DIR",
     "Use DIR as the home directory (at $HOME), kept from run to run; DIR must exist"},
    /* Beyond bwrap: policy. */
    {"profile", OPT_PROFILE, 1, "NAME|FILE", "Apply a profile here among the options",
     OPTF_CLI_ONLY},
    {"syscall", OPT_SYSCALL, 1, "RULE", "Add a syscall rule: 'NAMES ACTION [if COND]'", OPTF_REST},
    {"syscall-default", OPT_SYSCALL_DEFAULT, 1, "ACTION",
     "Action for known syscalls no rule names (default: allow)"},
    {"syscall-arch", OPT_SYSCALL_ARCH, 1, "ARCH",
     "Also accept syscalls of ARCH (e.g. x86); native only by default"},
    {"check", OPT_CHECK, 0, "",
     "Probe what this host allows (namespaces, mounts, seccomp, Landlock, cgroups) and exit",
     OPTF_CLI_ONLY},
    {"list-profiles", OPT_LIST_PROFILES, 0, "", "List profiles: name, source, description",
     OPTF_CLI_ONLY},
    {"explain", OPT_EXPLAIN, 0, "",
     "Print the resolved plan with where each part came from, and exit", OPTF_CLI_ONLY},
    {"learn", OPT_LEARN, 1, "FILE",
     "Watch one run of the command (under the 'learn' profile, or --profile BASE) and write a "
     "profile for it to FILE",
     OPTF_CLI_ONLY},
    {"learn-syscalls", OPT_LEARN_SYSCALLS, 0, "",
     "With --learn: also an allow-list of the syscalls the run used (every syscall is watched: "
     "slower)",
     OPTF_CLI_ONLY},
    {"export-bpf", OPT_EXPORT_BPF, 1, "FILE",
     "Write the compiled filter as raw BPF (for bwrap --seccomp), and exit", OPTF_CLI_ONLY},
    {"syscalls", OPT_SYSCALLS, 1, "@GROUP|all", "List a syscall group's members, and exit",
     OPTF_CLI_ONLY},
};
const size_t cli_n_options = ELEMENTSOF(cli_options);

static int cmp_opt(const void *a, const void *b)
{
  return strcmp((*(const struct opt_def *const *)a)->name,
                (*(const struct opt_def *const *)b)->name);
}

/* Every profile line looks its directive up: a binary search over a
 * sorted index, built once. */
const struct opt_def *cli_find_option(const char *name)
{
  static const struct opt_def *index[ELEMENTSOF(cli_options)];
  static bool sorted;
  size_t lo = 0, hi = cli_n_options;

  if (!sorted) {
    for (size_t i = 0; i < cli_n_options; i++)
      index[i] = &cli_options[i];
    qsort(index, cli_n_options, sizeof *index, cmp_opt);
    sorted = true;
  }
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strcmp(name, index[mid]->name);
    if (c == 0)
      return index[mid];
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return NULL;
}

/* --help as sandbox: by concern, each description wrapped to fit 80
 * columns. As bwrap: bwrap's own flat list, in bwrap's order. */
static const struct {
  const char *heading;
  const char *names; /* space-separated */
} help_groups[] = {
    {"General", "help version check args argv0 level-prefix"},
    {"Access (added to the profile)", "read write net no-net home"},
    {"Policy (profiles and syscall rules)",
     "profile syscall syscall-default syscall-arch list-profiles explain export-bpf syscalls learn "
     "learn-syscalls"},
    {"Namespaces", "unshare-all share-net unshare-user unshare-user-try unshare-ipc unshare-pid "
                   "unshare-net unshare-uts unshare-cgroup unshare-cgroup-try userns userns2 "
                   "disable-userns assert-userns-disabled pidns uid gid hostname"},
    {"Filesystem (applied in order onto a fresh tmpfs root)",
     "bind bind-try dev-bind dev-bind-try ro-bind ro-bind-try bind-fd ro-bind-fd remount-ro "
     "overlay-src overlay tmp-overlay ro-overlay proc dev tmpfs mqueue dir file bind-data "
     "ro-bind-data symlink chmod perms size protect hide mask"},
    {"Process and environment",
     "chdir clearenv setenv unsetenv drop-secret-env keep-env new-session die-with-parent as-pid-1 "
     "kill-leftovers pty no-pty"},
    {"Capabilities and security",
     "cap-add cap-drop seccomp add-seccomp-fd exec-label file-label landlock "
     "require-namespaces"},
    {"Network policy", "net-allow net-log net-private"},
    {"Desktop apps", "app x11 pipewire dbus-talk dbus-own dbus-see dbus-call dbus-broadcast "
                     "dbus-system-talk dbus-system-own dbus-system-see dbus-system-call "
                     "dbus-system-broadcast"},
    {"Resource bounds", "rlimit timeout memory-max pids-max"},
    {"Status and synchronisation",
     "info-fd json-status-fd block-fd userns-block-fd sync-fd lock-file"},
};

/* As bwrap, bwrap's own words where ours differ. */
static const char *bwrap_help(const struct opt_def *o)
{
  switch (o->id) {
  case OPT_SHARE_NET:
    return "Retain the network namespace (can only combine with --unshare-all)";
  case OPT_DIE_WITH_PARENT:
    return "Kills with SIGKILL child process (COMMAND) when bwrap or bwrap's parent dies.";
  default:
    return o->help;
  }
}

static void print_option(FILE *out, const struct opt_def *o, bool wrap)
{
  const char *h = wrap ? o->help : bwrap_help(o);
  char left[64];
  int col = 0;

  snprintf(left, sizeof left, "--%s%s%s", o->name, *o->arghelp ? " " : "", o->arghelp);
  if (!wrap) {
    fprintf(out, "    %-28s %s\n", left, h);
    return;
  }
  fprintf(out, "  %-28s", left);
  if (strlen(left) > 28)
    fprintf(out, "\n  %-28s", "");
  while (*h) {
    size_t w = strcspn(h, " \n");
    if (col > 0 && col + 1 + (int)w > 48) {
      fprintf(out, "\n  %-28s", "");
      col = 0;
    }
    fprintf(out, "%s%.*s", col ? " " : " ", (int)w, h);
    col += (int)w + 1;
    h += w;
    while (*h == ' ' || *h == '\n')
      h++;
  }
  fputc('\n', out);
}

static bool in_group(const char *names, const char *name)
{
  size_t n = strlen(name);

  for (const char *p = names; (p = strstr(p, name)); p += n)
    if ((p == names || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
      return true;
  return false;
}

const char *cli_option_group(const char *name)
{
  for (size_t g = 0; g < ELEMENTSOF(help_groups); g++)
    if (in_group(help_groups[g].names, name))
      return help_groups[g].heading;
  return NULL;
}

void cli_usage(FILE *out, const char *argv0)
{
  bool as_bwrap = strcmp(prog_name(), "bwrap") == 0;

  fprintf(out, "usage: %s [OPTIONS...] [--] COMMAND [ARGS...]\n", argv0 ? argv0 : prog_name());
  if (as_bwrap) {
    fputc('\n', out);
    for (size_t i = 0; i < cli_n_options; i++)
      print_option(out, &cli_options[i], false);
    return;
  }
  for (size_t g = 0; g < ELEMENTSOF(help_groups); g++) {
    fprintf(out, "\n%s:\n", help_groups[g].heading);
    for (size_t i = 0; i < cli_n_options; i++)
      if (in_group(help_groups[g].names, cli_options[i].name))
        print_option(out, &cli_options[i], true);
  }
  fprintf(out, "\nWithout --profile, the built-in 'default' profile applies and the options\n"
               "add to it; --profile none, or a command line that mounts / or /usr as a\n"
               "bwrap command line does, starts from an empty root. See sandbox(1) and\n"
               "sandbox-profile(5).\n");
}

static int add_env(struct plan *p, enum env_kind kind, const char *name, const char *value,
                   const struct origin *o)
{
  plan_add_env(p, kind, name, xstrdup(value), o);
  return 0;
}

static int add_cap(struct plan *p, bool add, const char *name, const struct origin *o,
                   struct diag *d)
{
  int cap = -1;

  if (strcasecmp(name, "ALL") != 0) {
    cap = caps_from_name(name);
    if (cap < 0)
      return diag_set(d, EINVAL, "unknown cap: %s", name);
  }
  p->caps = xreallocarray(p->caps, p->n_caps + 1, sizeof *p->caps);
  p->caps[p->n_caps++] = (struct cap_op){.add = add, .cap = cap, .origin = *o};
  return 0;
}

static int add_bind(struct plan *p, unsigned flags, char *const *args, const struct origin *o)
{
  struct op *op = plan_add_op(p, OP_BIND);

  op->flags = flags;
  op->src = xstrdup(args[0]);
  op->dest = xstrdup(args[1]);
  op->origin = *o;
  return 0;
}

static struct op *add_dest_op(struct plan *p, enum op_type type, const char *dest,
                              const struct origin *o)
{
  struct op *op = plan_add_op(p, type);

  op->dest = xstrdup(dest);
  op->origin = *o;
  return op;
}

static void replace_str(char **slot, const char *v)
{
  free(*slot);
  *slot = xstrdup(v);
}

static int parse_size(const char *s, uint64_t *ret)
{
  char *end;
  unsigned long long v;

  if (*s < '0' || *s > '9')
    return -EINVAL;
  errno = 0;
  v = strtoull(s, &end, 0);
  if (errno || *end || v == 0)
    return -EINVAL;
  if (v > (SIZE_MAX >> 1))
    return -E2BIG;
  *ret = v;
  return 0;
}

/* Options whose effect is a setup step consume the pending --perms/--size. */
static int take_perms(struct plan *p, int dflt)
{
  int r = p->next_perms == PERMS_UNSET ? dflt : p->next_perms;
  p->next_perms = PERMS_UNSET;
  return r;
}

static int apply_ns(struct plan *p, enum opt_id id)
{
  switch (id) {
  case OPT_UNSHARE_ALL:
    /* bwrap's meaning: user and cgroup only "if possible". */
    p->ns |= NS_IPC | NS_PID | NS_NET | NS_UTS;
    p->ns_try |= NS_USER | NS_CGROUP;
    break;
  case OPT_SHARE_NET:
    p->ns &= ~NS_NET;
    p->ns_cleared |= NS_NET;
    break;
  case OPT_UNSHARE_USER:
    p->ns |= NS_USER;
    break;
  case OPT_UNSHARE_USER_TRY:
    p->ns_try |= NS_USER;
    break;
  case OPT_UNSHARE_IPC:
    p->ns |= NS_IPC;
    break;
  case OPT_UNSHARE_PID:
    p->ns |= NS_PID;
    break;
  case OPT_UNSHARE_NET:
    p->ns |= NS_NET;
    break;
  case OPT_UNSHARE_UTS:
    p->ns |= NS_UTS;
    break;
  case OPT_UNSHARE_CGROUP:
    p->ns |= NS_CGROUP;
    break;
  case OPT_UNSHARE_CGROUP_TRY:
    p->ns_try |= NS_CGROUP;
    break;
  default:
    return -EINVAL;
  }
  return 0;
}

static int apply_id(long *slot, const char *v, const char *what, struct diag *d)
{
  unsigned u;

  if (parse_uint32(v, &u) < 0)
    return diag_set(d, EINVAL, "Invalid %s: %s", what, v);
  if (*slot >= 0)
    warnx_("Only the last --%s option will take effect", what);
  *slot = u;
  return 0;
}

static int apply_fs(struct plan *p, const struct opt_def *def, char *const *a,
                    const struct origin *o, struct diag *d)
{
  struct op *op;
  unsigned mode;

  switch (def->id) {
  case OPT_BIND:
    return add_bind(p, 0, a, o);
  case OPT_BIND_TRY:
    return add_bind(p, BIND_TRY, a, o);
  case OPT_DEV_BIND:
    return add_bind(p, BIND_DEVICES, a, o);
  case OPT_DEV_BIND_TRY:
    return add_bind(p, BIND_DEVICES | BIND_TRY, a, o);
  case OPT_RO_BIND:
    return add_bind(p, BIND_READONLY, a, o);
  case OPT_RO_BIND_TRY:
    return add_bind(p, BIND_READONLY | BIND_TRY, a, o);
  case OPT_REMOUNT_RO:
    add_dest_op(p, OP_REMOUNT_RO, a[0], o);
    return 0;
  case OPT_PROC:
    add_dest_op(p, OP_PROC, a[0], o);
    return 0;
  case OPT_DEV:
    add_dest_op(p, OP_DEV, a[0], o);
    return 0;
  case OPT_MQUEUE:
    add_dest_op(p, OP_MQUEUE, a[0], o);
    return 0;
  case OPT_TMPFS:
    op = add_dest_op(p, OP_TMPFS, a[0], o);
    op->perms = take_perms(p, 0755);
    op->size = p->next_size;
    p->next_size = 0;
    p->have_next_size = false;
    return 0;
  case OPT_DIR:
    op = add_dest_op(p, OP_DIR, a[0], o);
    op->perms = take_perms(p, PERMS_UNSET);
    return 0;
  case OPT_SYMLINK:
    op = add_dest_op(p, OP_SYMLINK, a[1], o);
    op->src = xstrdup(a[0]);
    return 0;
  case OPT_CHMOD:
    if (parse_octal_mode(a[0], &mode) < 0)
      return diag_set(d, EINVAL, "--chmod takes an octal argument <= 07777");
    op = add_dest_op(p, OP_CHMOD, a[1], o);
    op->perms = (int)mode;
    return 0;
  case OPT_PERMS:
    if (p->next_perms != PERMS_UNSET)
      return diag_set(d, EINVAL, "--perms given twice for the same action");
    if (parse_octal_mode(a[0], &mode) < 0)
      return diag_set(d, EINVAL, "--perms takes an octal argument <= 07777");
    p->next_perms = (int)mode;
    return 0;
  case OPT_SIZE:
    if (p->have_next_size)
      return diag_set(d, EINVAL, "--size given twice for the same action");
    switch (parse_size(a[0], &p->next_size)) {
    case 0:
      p->have_next_size = true;
      return 0;
    case -E2BIG:
      return diag_set(d, EINVAL, "--size (for tmpfs) is limited to %zu", (size_t)SIZE_MAX >> 1);
    default:
      return diag_set(d, EINVAL, "--size takes a non-zero number of bytes");
    }
  default:
    return diag_set(d, EINVAL, "internal: not a filesystem option");
  }
}

static bool is_fs_option(enum opt_id id)
{
  return (id >= OPT_BIND && id <= OPT_SYMLINK) || id == OPT_CHMOD || id == OPT_PERMS ||
         id == OPT_SIZE;
}

static int apply_policy(struct plan *p, const struct opt_def *def, char *const *a,
                        const struct origin *o, struct diag *d);

/* A path for --read/--write/--home: on the command line a relative one is
 * taken from the current directory, as a person means it; in a profile it
 * must be absolute (the profile's ${CWD} says so explicitly). */
/* "/a/./b/../c/" -> "/a/c", lexically: what a person typing ../out means. */
static char *normalize(char *path)
{
  char *out = path, *w = path;
  const char *r = path;

  while (*r) {
    size_t n;
    while (*r == '/')
      r++;
    n = strcspn(r, "/");
    if (n == 0 || (n == 1 && r[0] == '.')) {
      r += n;
      continue;
    }
    if (n == 2 && r[0] == '.' && r[1] == '.') {
      while (w > out && *--w != '/')
        ;
      r += n;
      continue;
    }
    *w++ = '/';
    memmove(w, r, n);
    w += n;
    r += n;
  }
  if (w == out)
    *w++ = '/';
  *w = '\0';
  return out;
}

static char *intent_path(const struct plan *p, const char *opt, const char *path,
                         const struct origin *o, struct diag *d)
{
  const char *cwd = p->penv && !o->file ? p->penv->getvar(p->penv->ctx, "CWD") : NULL;

  if (!path[0]) {
    diag_set(d, EINVAL, "--%s takes a path, got an empty one", opt);
    return NULL;
  }
  if (path[0] == '/')
    return normalize(xstrdup(path));
  if (!cwd || cwd[0] != '/') {
    diag_set(d, EINVAL, "--%s takes an absolute path, got '%s'", opt, path);
    return NULL;
  }
  return normalize(xasprintf("%s/%s", cwd, path));
}

static int apply_intent(struct plan *p, const struct opt_def *def, char *const *a,
                        const struct origin *o, struct diag *d)
{
  _cleanup_free_ char *path = NULL;
  const char *home;

  switch (def->id) {
  case OPT_NET:
    /* --explain reads the origin of the namespace options */
    p->opt_origin[OPT_SHARE_NET] = *o;
    return apply_ns(p, OPT_SHARE_NET);
  case OPT_NO_NET:
    p->opt_origin[OPT_UNSHARE_NET] = *o;
    p->ns_cleared &= ~NS_NET;
    return apply_ns(p, OPT_UNSHARE_NET);
  case OPT_READ:
  case OPT_WRITE:
    if (!(path = intent_path(p, def->name, a[0], o, d)))
      return -EINVAL;
    if (path_is_root(path))
      return diag_set(d, EINVAL,
                      "--%s /: the whole host is not something to give; name the "
                      "directories the command needs",
                      def->name);
    {
      char *args[2] = {path, path};
      return add_bind(p, def->id == OPT_READ ? BIND_READONLY : 0, args, o);
    }
  case OPT_HOME:
    home = p->penv ? p->penv->getvar(p->penv->ctx, "HOME") : NULL;
    if (!home || home[0] != '/' || path_is_root(home))
      return diag_set(d, EINVAL, "--home needs HOME set to your home directory (it is '%s')",
                      home ? home : "");
    if (!(path = intent_path(p, def->name, a[0], o, d)))
      return -EINVAL;
    free(p->home_src);
    free(p->home_dest);
    p->home_src = take_ptr(&path);
    p->home_dest = xstrdup(home);
    p->home_origin = *o;
    p->home_is_app = false;
    return 0;
  default:
    return 1;
  }
}

static int set_fd(int *slot, const char *v, const char *name, struct diag *d)
{
  int fd;

  if (parse_int_fd(v, &fd) < 0)
    return diag_set(d, EINVAL, "Invalid fd: %s", v);
  if (*slot >= 0)
    warnx_("Only the last --%s option will take effect", name);
  *slot = fd;
  return 0;
}

static int add_fd_op(struct plan *p, enum op_type type, unsigned flags, char *const *a,
                     const struct origin *o, struct diag *d)
{
  struct op *op;
  int fd;

  if (parse_int_fd(a[0], &fd) < 0)
    return diag_set(d, EINVAL, "Invalid fd: %s", a[0]);
  op = add_dest_op(p, type, a[1], o);
  op->fd = fd;
  op->flags = flags;
  if (type == OP_FILE)
    op->perms = take_perms(p, 0666);
  else if (type == OP_BIND_DATA)
    op->perms = take_perms(p, 0600);
  return 0;
}

static int add_overlay(struct plan *p, enum overlay_kind kind, char *const *a,
                       const struct origin *o, struct diag *d)
{
  static const char *const names[] = {"--overlay", "--tmp-overlay", "--ro-overlay"};
  size_t need = kind == OVERLAY_RO ? 2 : 1;
  struct op *op;

  if (p->n_overlay_src < need)
    return diag_set(d, EINVAL, "%s requires at least %s --overlay-src", names[kind],
                    need == 2 ? "two" : "one");
  op = add_dest_op(p, OP_OVERLAY, a[kind == OVERLAY_RW ? 2 : 0], o);
  op->overlay = kind;
  op->layers = take_ptr(&p->overlay_src);
  op->n_layers = p->n_overlay_src;
  p->n_overlay_src = 0;
  if (kind == OVERLAY_RW) {
    op->src = xstrdup(a[0]);
    op->work = xstrdup(a[1]);
  }
  return 0;
}

/* SELinux labels need a kernel with SELinux; say so instead of pretending. */
static bool selinux_enabled(void)
{
  return access("/sys/fs/selinux/enforce", F_OK) == 0;
}

static int apply_fd_option(struct plan *p, const struct opt_def *def, char *const *a,
                           const struct origin *o, struct diag *d)
{
  switch (def->id) {
  case OPT_BIND_FD:
    return add_fd_op(p, OP_BIND_FD, 0, a, o, d);
  case OPT_RO_BIND_FD:
    return add_fd_op(p, OP_BIND_FD, BIND_READONLY, a, o, d);
  case OPT_FILE:
    return add_fd_op(p, OP_FILE, 0, a, o, d);
  case OPT_BIND_DATA:
    return add_fd_op(p, OP_BIND_DATA, 0, a, o, d);
  case OPT_RO_BIND_DATA:
    return add_fd_op(p, OP_BIND_DATA, BIND_READONLY, a, o, d);
  case OPT_INFO_FD:
    return set_fd(&p->info_fd, a[0], def->name, d);
  case OPT_JSON_STATUS_FD:
    return set_fd(&p->json_status_fd, a[0], def->name, d);
  case OPT_BLOCK_FD:
    return set_fd(&p->block_fd, a[0], def->name, d);
  case OPT_USERNS_BLOCK_FD:
    return set_fd(&p->userns_block_fd, a[0], def->name, d);
  case OPT_SYNC_FD:
    return set_fd(&p->sync_fd, a[0], def->name, d);
  case OPT_USERNS:
    return set_fd(&p->userns_fd, a[0], def->name, d);
  case OPT_USERNS2:
    return set_fd(&p->userns2_fd, a[0], def->name, d);
  case OPT_PIDNS:
    return set_fd(&p->pidns_fd, a[0], def->name, d);
  case OPT_SECCOMP:
    if (p->n_add_seccomp_fds)
      return diag_set(d, EINVAL, "--seccomp cannot be combined with --add-seccomp-fd");
    return set_fd(&p->seccomp_fd, a[0], def->name, d);
  case OPT_ADD_SECCOMP_FD: {
    int fd;
    if (p->seccomp_fd >= 0)
      return diag_set(d, EINVAL, "--add-seccomp-fd cannot be combined with --seccomp");
    if (parse_int_fd(a[0], &fd) < 0)
      return diag_set(d, EINVAL, "Invalid fd: %s", a[0]);
    p->add_seccomp_fds =
        xreallocarray(p->add_seccomp_fds, p->n_add_seccomp_fds + 1, sizeof *p->add_seccomp_fds);
    p->add_seccomp_fds[p->n_add_seccomp_fds++] = fd;
    return 0;
  }
  default:
    return 1; /* not an fd option */
  }
}

/* Desktop apps: bus rules, display, sound, a home per app. */
static int apply_desktop(struct plan *p, const struct opt_def *def, char *const *a,
                         const struct origin *o, struct diag *d)
{
  struct dbus_rule rule;
  const char *v;
  int r;

  if (def->id >= OPT_DBUS_SEE && def->id <= OPT_DBUS_SYSTEM_BROADCAST) {
    unsigned k = (unsigned)(def->id - OPT_DBUS_SEE);
    r = dbus_parse_rule(k >= 5 ? DBUS_SYSTEM : DBUS_SESSION, (enum dbus_policy)(k % 5), a[0], o,
                        &rule, d);
    if (r < 0)
      return r;
    p->dbus = xreallocarray(p->dbus, p->n_dbus + 1, sizeof *p->dbus);
    p->dbus[p->n_dbus++] = rule;
    return 0;
  }
  switch (def->id) {
  case OPT_X11:
    p->x11 = true;
    return 0;
  case OPT_PIPEWIRE:
    /* Its socket only: the directory around it is the caller's runtime
     * directory, with every other service's socket. */
    v = p->penv ? p->penv->getvar(p->penv->ctx, "XDG_RUNTIME_DIR") : NULL;
    if (v && v[0] == '/') {
      struct op *op = plan_add_op(p, OP_BIND);
      const char *uid = p->penv->getvar(p->penv->ctx, "UID");
      op->flags = BIND_READONLY | BIND_TRY;
      op->src = xasprintf("%s/pipewire-0", v);
      op->dest = xasprintf("/run/user/%s/pipewire-0", uid ? uid : "0");
      op->origin = *o;
    }
    return 0;
  case OPT_APP:
    v = p->penv ? p->penv->getvar(p->penv->ctx, "HOME") : NULL;
    return app_apply(p, a[0], v, o, d);
  default:
    return 1;
  }
}

static int apply_misc(struct plan *p, const struct opt_def *def, char *const *a,
                      const struct origin *o, struct diag *d)
{
  switch (def->id) {
  case OPT_LOCK_FILE:
    p->lock_files = xreallocarray(p->lock_files, p->n_lock_files + 1, sizeof *p->lock_files);
    p->lock_files[p->n_lock_files++] = xstrdup(a[0]);
    return 0;
  case OPT_DISABLE_USERNS:
    p->disable_userns = true;
    return 0;
  case OPT_ASSERT_USERNS_DISABLED:
    p->assert_userns_disabled = true;
    return 0;
  case OPT_OVERLAY_SRC:
    p->overlay_src = xreallocarray(p->overlay_src, p->n_overlay_src + 1, sizeof *p->overlay_src);
    p->overlay_src[p->n_overlay_src++] = xstrdup(a[0]);
    return 0;
  case OPT_OVERLAY:
    return add_overlay(p, OVERLAY_RW, a, o, d);
  case OPT_TMP_OVERLAY:
    return add_overlay(p, OVERLAY_TMP, a, o, d);
  case OPT_RO_OVERLAY:
    return add_overlay(p, OVERLAY_RO, a, o, d);
  case OPT_RLIMIT: {
    struct rlimit_op op;
    int r = rlimit_parse(a[0], &op, d);
    if (r < 0)
      return r;
    p->rlimits = xreallocarray(p->rlimits, p->n_rlimits + 1, sizeof *p->rlimits);
    p->rlimits[p->n_rlimits++] = op;
    return 0;
  }
  case OPT_TIMEOUT:
    if (parse_duration(a[0], &p->timeout) < 0)
      return diag_set(d, EINVAL, "--timeout takes a positive number of seconds, got '%s'", a[0]);
    return 0;
  case OPT_KILL_LEFTOVERS:
    p->kill_leftovers = true;
    return 0;
  case OPT_LANDLOCK:
    p->landlock = true;
    return 0;
  case OPT_NET_ALLOW: {
    struct net_rule rule = {.origin = *o};
    int r = np_parse_rule(a[0], &rule, d);
    if (r < 0)
      return r;
    p->net_allow = xreallocarray(p->net_allow, p->n_net_allow + 1, sizeof *p->net_allow);
    p->net_allow[p->n_net_allow++] = rule;
    return 0;
  }
  case OPT_NET_PRIVATE:
    p->net_private = true;
    return 0;
  case OPT_NET_LOG:
    replace_str(&p->net_log, a[0]);
    return 0;
  case OPT_REQUIRE_NAMESPACES:
    p->require_namespaces = true;
    return 0;
  case OPT_PROTECT:
    /* A name stands for that entry of every writable bind; anything else
     * must be a whole path. */
    if (a[0][0] != '/' &&
        (strchr(a[0], '/') || !*a[0] || strcmp(a[0], ".") == 0 || strcmp(a[0], "..") == 0))
      return diag_set(d, EINVAL, "--protect takes an absolute path or a name, got '%s'", a[0]);
    plan_add_protect(p, a[0], o);
    return 0;
  case OPT_MASK:
    if (a[0][0] != '/')
      return diag_set(d, EINVAL, "--%s takes an absolute path, got '%s'", def->name, a[0]);
    plan_add_mask(p, a[0], o);
    return 0;
  case OPT_MEMORY_MAX:
    if (parse_bytes(a[0], &p->memory_max) < 0 || p->memory_max == 0)
      return diag_set(d, EINVAL, "--memory-max takes a size in bytes (K, M, G suffixes), got '%s'",
                      a[0]);
    return 0;
  case OPT_PIDS_MAX:
    if (parse_bytes(a[0], &p->pids_max) < 0 || p->pids_max == 0)
      return diag_set(d, EINVAL, "--pids-max takes a positive number, got '%s'", a[0]);
    return 0;
  case OPT_EXEC_LABEL:
  case OPT_FILE_LABEL:
    if (!selinux_enabled())
      return diag_set(d, ENOTSUP, "labeling not supported on this system");
    if ((def->id == OPT_EXEC_LABEL ? p->exec_label : p->file_label))
      warnx_("Only the last --%s option will take effect", def->name);
    replace_str(def->id == OPT_EXEC_LABEL ? &p->exec_label : &p->file_label, a[0]);
    return 0;
  default:
    return 1;
  }
}

int cli_apply(struct plan *p, const struct opt_def *def, char *const *a, const struct origin *o,
              struct diag *d)
{
  /* A repeat on the command line is the user's; a profile's value that
   * the command line overrides is the point of options after --profile. */
  bool repeated = false;
  int r;

  if ((size_t)def->id < ELEMENTSOF(p->opt_origin)) {
    repeated = p->opt_origin[def->id].line && !p->opt_origin[def->id].file && !o->file;
    p->opt_origin[def->id] = *o;
  }
  if ((r = apply_fd_option(p, def, a, o, d)) <= 0)
    return r;
  if ((r = apply_intent(p, def, a, o, d)) <= 0)
    return r;
  if ((r = apply_desktop(p, def, a, o, d)) <= 0)
    return r;
  if ((r = apply_misc(p, def, a, o, d)) <= 0)
    return r;
  if (is_fs_option(def->id))
    return apply_fs(p, def, a, o, d);
  if (def->id >= OPT_UNSHARE_ALL && def->id <= OPT_UNSHARE_CGROUP_TRY)
    return apply_ns(p, def->id);

  switch (def->id) {
  case OPT_HELP:
    p->help = true;
    return 0;
  case OPT_VERSION:
    p->version = true;
    return 0;
  case OPT_ARGV0:
    if (p->argv0)
      return diag_set(d, EINVAL, "--argv0 used multiple times");
    p->argv0 = xstrdup(a[0]);
    return 0;
  case OPT_LEVEL_PREFIX:
    p->level_prefix = true;
    set_level_prefix(true);
    return 0;
  case OPT_UID:
    return apply_id(&p->uid, a[0], "uid", d);
  case OPT_GID:
    return apply_id(&p->gid, a[0], "gid", d);
  case OPT_HOSTNAME:
    if (p->hostname && repeated)
      warnx_("Only the last --hostname option will take effect");
    replace_str(&p->hostname, a[0]);
    return 0;
  case OPT_CHDIR:
    if (p->chdir && repeated)
      warnx_("Only the last --chdir option will take effect");
    replace_str(&p->chdir, a[0]);
    return 0;
  case OPT_CLEARENV:
    return add_env(p, ENV_CLEAR, NULL, NULL, o);
  case OPT_SETENV:
    return add_env(p, ENV_SET, a[0], a[1], o);
  case OPT_UNSETENV:
    return add_env(p, ENV_UNSET, a[0], NULL, o);
  case OPT_DROP_SECRET_ENV:
    p->drop_secret_env = true;
    p->drop_secret_origin = *o;
    return 0;
  case OPT_KEEP_ENV:
    if (!a[0][0] || strchr(a[0], '='))
      return diag_set(d, EINVAL, "--keep-env takes a variable name, got '%s'", a[0]);
    p->keep_env = xreallocarray(p->keep_env, p->n_keep_env + 1, sizeof *p->keep_env);
    p->keep_env[p->n_keep_env].name = xstrdup(a[0]);
    p->keep_env[p->n_keep_env++].origin = *o;
    return 0;
  case OPT_NEW_SESSION:
    p->new_session = true;
    return 0;
  case OPT_DIE_WITH_PARENT:
    p->die_with_parent = true;
    return 0;
  case OPT_AS_PID_1:
    p->as_pid_1 = true;
    return 0;
  case OPT_PTY:
  case OPT_NO_PTY:
    p->pty = def->id == OPT_PTY;
    return 0;
  case OPT_CAP_ADD:
    return add_cap(p, true, a[0], o, d);
  case OPT_CAP_DROP:
    return add_cap(p, false, a[0], o, d);
  default:
    return apply_policy(p, def, a, o, d);
  }
}

static int apply_policy(struct plan *p, const struct opt_def *def, char *const *a,
                        const struct origin *o, struct diag *d)
{
  struct origin here = *o;

  switch (def->id) {
  case OPT_PROFILE:
    if (!p->penv)
      return diag_set(d, EINVAL, "--profile is not available here");
    if (!p->learn_base && !o->file)
      p->learn_base = xstrdup(a[0]);
    return profile_apply_named(p, a[0], p->penv, NULL, d);
  case OPT_SYSCALL:
    /* On the command line, columns count inside the rule text. */
    if (!here.file) {
      here.file = "command line";
      here.col = 1;
    }
    return sc_policy_add_rule(&p->sc, a[0], &here, d);
  case OPT_SYSCALL_DEFAULT:
    return sc_policy_set_default(&p->sc, a[0], o, d);
  case OPT_SYSCALL_ARCH:
    return sc_policy_add_arch(&p->sc, a[0], d);
  case OPT_LIST_PROFILES:
    p->list_profiles = true;
    return 0;
  case OPT_EXPLAIN:
    p->explain = true;
    return 0;
  case OPT_CHECK:
    p->check = true;
    return 0;
  case OPT_EXPORT_BPF:
    replace_str(&p->export_bpf, a[0]);
    return 0;
  case OPT_LEARN:
    if (!a[0][0])
      return diag_set(d, EINVAL, "--learn takes the file to write the profile to");
    replace_str(&p->learn_file, a[0]);
    return 0;
  case OPT_LEARN_SYSCALLS:
    p->learn_syscalls = true;
    return 0;
  case OPT_SYSCALLS:
    replace_str(&p->list_syscalls, a[0]);
    return 0;
  default:
    return diag_set(d, EINVAL, "internal: unhandled option --%s", def->name);
  }
}

static const char *arg_count_msg(unsigned n)
{
  switch (n) {
  case 1:
    return "takes an argument";
  case 2:
    return "takes two arguments";
  case 3:
    return "takes three arguments";
  default:
    return "takes arguments";
  }
}

/* bwrap words a few "missing argument" errors its own way. */
static int missing_args(const struct opt_def *def, struct diag *d)
{
  if (def->id == OPT_ARGV0 || def->id == OPT_CHDIR || def->id == OPT_REMOUNT_RO)
    return diag_set(d, EINVAL, "--%s takes one argument", def->name);
  if (def->id == OPT_RO_BIND_FD)
    return diag_set(d, EINVAL, "--bind-fd takes two arguments");
  return diag_set(d, EINVAL, "--%s %s", def->name, arg_count_msg(def->nargs));
}

static int check_pending(struct plan *p, enum opt_id id, struct diag *d)
{
  if (p->n_overlay_src && id != OPT_OVERLAY_SRC)
    return diag_set(d, EINVAL,
                    "--overlay-src must be followed by another --overlay-src or one of --overlay, "
                    "--tmp-overlay, or --ro-overlay");
  if (p->next_perms != PERMS_UNSET && id != OPT_PERMS && id != OPT_SIZE)
    return diag_set(d, EINVAL, "--perms must be followed by an option that creates a file");
  if (p->have_next_size && id != OPT_PERMS && id != OPT_SIZE)
    return diag_set(d, EINVAL, "--size must be followed by --tmpfs");
  return 0;
}

static int parse_args_fd(struct plan *p, const char *fdstr, int depth, int *total, struct diag *d);

/* The closest option name, for "did you mean": at most two edits away,
 * and for short words at most one. */
static const char *suggest_option(const char *w)
{
  const char *best = NULL;
  unsigned best_d = strlen(w) > 4 ? 3 : 2;

  for (size_t i = 0; i < cli_n_options; i++) {
    unsigned dd = edit_distance(w, cli_options[i].name);
    if (dd < best_d) {
      best_d = dd;
      best = cli_options[i].name;
    }
  }
  return best;
}

/* The option a word names. As bwrap: "--NAME" only, bwrap's wording when
 * unknown. Under its own name, for people at a prompt, also "-h",
 * "--NAME=VALUE" for options with one value (*value points into w), and a
 * suggestion for a mistyped name. */
static const struct opt_def *find_word(const char *w, char **value, struct diag *d)
{
  bool people = strcmp(prog_name(), "bwrap") != 0;
  const struct opt_def *def = strncmp(w, "--", 2) == 0 ? cli_find_option(w + 2) : NULL;
  const char *eq = strchr(w, '=');
  const char *s;

  if (def)
    return def;
  if (people && strcmp(w, "-h") == 0)
    return cli_find_option("help");
  if (people && eq && strncmp(w, "--", 2) == 0) {
    _cleanup_free_ char *name = xasprintf("%.*s", (int)(eq - w - 2), w + 2);

    def = cli_find_option(name);
    if (def && def->nargs == 1) {
      *value = (char *)eq + 1;
      return def;
    }
    if (def) {
      diag_set(d, EINVAL, "--%s %s: write them as separate words, not after '='", def->name,
               arg_count_msg(def->nargs));
      return NULL;
    }
  }
  s = people && w[1] ? suggest_option(w + 1 + (w[1] == '-')) : NULL;
  if (s)
    diag_set(d, EINVAL, "Unknown option %s (did you mean --%s?)", w, s);
  else
    diag_set(d, EINVAL, "Unknown option %s", w);
  return NULL;
}

static int parse_words(struct plan *p, int argc, char *const *argv, int depth, int *total,
                       int *consumed, struct diag *d)
{
  int i = 0, r;

  *total += argc;
  if (*total > MAX_ARGS)
    return diag_set(d, E2BIG, "Exceeded maximum number of arguments %u", MAX_ARGS);

  while (i < argc) {
    const char *w = argv[i];
    char *value = NULL;
    const struct opt_def *def;
    struct origin o = {NULL, (unsigned)i + 1, 0};

    if (strcmp(w, "--") == 0) {
      i++;
      break;
    }
    if (w[0] != '-')
      break;
    def = find_word(w, &value, d);
    if (!def)
      return -EINVAL;
    if (!value && (unsigned)(argc - i - 1) < def->nargs)
      return missing_args(def, d);

    if (def->id == OPT_ARGS) {
      if (depth > 0)
        return diag_set(d, EINVAL, "--args not supported in arguments file");
      r = parse_args_fd(p, value ? value : argv[i + 1], depth, total, d);
    } else {
      r = cli_apply(p, def, value ? &value : argv + i + 1, &o, d);
    }
    if (r < 0)
      return r;
    if (p->help || p->version || p->list_profiles || p->list_syscalls) {
      *consumed = argc;
      return 0;
    }
    if (def->id != OPT_ARGS && (r = check_pending(p, def->id, d)) < 0)
      return r;
    i += 1 + (value ? 0 : (int)def->nargs);
  }
  *consumed = i;
  return 0;
}

static int parse_args_fd(struct plan *p, const char *fdstr, int depth, int *total, struct diag *d)
{
  _cleanup_free_ char *buf = NULL;
  _cleanup_free_ char **words = NULL;
  size_t len, n = 0;
  int fd, r, consumed;

  if (parse_int_fd(fdstr, &fd) < 0)
    return diag_set(d, EINVAL, "Invalid fd: %s", fdstr);
  r = read_all(fd, &buf, &len);
  if (r < 0)
    return diag_set(d, -r, "Can't read --args data: %s", strerror(-r));
  close(fd);

  for (size_t i = 0; i < len; i += strlen(buf + i) + 1) {
    words = xreallocarray(words, n + 1, sizeof *words);
    words[n++] = buf + i;
  }
  r = parse_words(p, (int)n, words, depth + 1, total, &consumed, d);
  if (r < 0)
    return r;
  /* Words after the options of an --args file (a "--" or a command) are
   * ignored, as bwrap ignores them: the command comes from argv. */
  (void)consumed;
  return check_pending(p, OPT_ARGS, d);
}

int cli_parse(struct plan *p, int argc, char *const *argv, struct diag *d)
{
  int consumed = 0, total = 0, r;

  r = parse_words(p, argc, argv, 0, &total, &consumed, d);
  if (r < 0)
    return r;
  if (p->help || p->version || p->list_profiles || p->list_syscalls)
    return 0;
  p->argc = argc - consumed;
  p->argv = xcalloc((size_t)p->argc + 1, sizeof *p->argv);
  for (int i = 0; i < p->argc; i++)
    p->argv[i] = xstrdup(argv[consumed + i]);
  return 0;
}
