/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "dbusproxy.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "util.h"

/* How long the proxy may take to listen: it is one exec and a bind. */
#define INNER            "b"
#define READY_TIMEOUT_MS 10000

static const char *const policy_names[] = {"see", "talk", "own", "call", "broadcast"};

const char *dbus_policy_name(enum dbus_policy policy)
{
  return (size_t)policy < ELEMENTSOF(policy_names) ? policy_names[policy] : "?";
}

static bool element_char(char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

/* The D-Bus specification's well-known names: at most 255 bytes, two or
 * more dot-separated elements of [A-Za-z0-9_-], none starting with a
 * digit. A unique name (":1.42") is refused: it is one connection, which
 * a rule could not mean across runs. */
bool dbus_name_valid(const char *name, bool wildcard)
{
  size_t len = strlen(name), elements = 0;
  const char *s = name;

  if (wildcard && len > 2 && strcmp(name + len - 2, ".*") == 0)
    len -= 2;
  if (len == 0 || len > 255)
    return false;
  while (s < name + len) {
    const char *start = s;
    if (*s >= '0' && *s <= '9')
      return false;
    while (s < name + len && element_char(*s))
      s++;
    if (s == start)
      return false;
    elements++;
    if (s < name + len && *s++ != '.')
      return false;
    if (s == name + len && s[-1] == '.')
      return false;
  }
  return elements >= 2;
}

/* [METHOD][@PATH]: METHOD "*", "IFACE.*" or "IFACE.MEMBER"; PATH an
 * object path, ending in "/" "*" for a subtree. Only the characters those
 * take: anything else is a typo, or an attempt to smuggle an option. */
static bool rule_valid(const char *rule)
{
  const char *at = strchr(rule, '@');

  if (!*rule || strlen(rule) > 1024)
    return false;
  for (const char *s = rule; *s; s++)
    if (!element_char(*s) && *s != '.' && *s != '*' && *s != '/' && *s != '@')
      return false;
  if (at && (strchr(at + 1, '@') || at[1] != '/'))
    return false;
  return true;
}

int dbus_parse_rule(enum dbus_bus bus, enum dbus_policy policy, const char *arg,
                    const struct origin *o, struct dbus_rule *ret, struct diag *d)
{
  bool with_rule = policy == DBUS_CALL || policy == DBUS_BROADCAST;
  const char *eq = strchr(arg, '=');
  _cleanup_free_ char *name = xstrndup(arg, eq ? (size_t)(eq - arg) : strlen(arg));
  const char *prefix = bus == DBUS_SYSTEM ? "dbus-system-" : "dbus-";

  if (with_rule && (!eq || !rule_valid(eq + 1)))
    return diag_set(d, EINVAL,
                    "%s%s takes NAME=RULE (RULE: [INTERFACE.METHOD|INTERFACE.*|*][@/OBJECT/PATH]), "
                    "got '%s'",
                    prefix, policy_names[policy], arg);
  if (!with_rule && eq)
    return diag_set(d, EINVAL, "%s%s takes a bus name, got '%s'", prefix, policy_names[policy],
                    arg);
  if (!dbus_name_valid(name, true))
    return diag_set(d, EINVAL,
                    "%s%s: '%s' is not a bus name (two or more dot-separated elements of letters, "
                    "digits, '_' and '-', or such a prefix followed by '.*')",
                    prefix, policy_names[policy], name);
  *ret = (struct dbus_rule){.bus = bus, .policy = policy, .arg = xstrdup(arg), .origin = *o};
  return 0;
}

/* Names that no built-in profile grants (tests/unit/test-dbus.c checks):
 * each runs code outside the sandbox or hands out secrets on request. */
static const char *const dangerous[] = {
    "org.freedesktop.systemd1",       /* StartTransientUnit: systemd-run --user */
    "org.freedesktop.secrets",        /* the Secret Service: every stored password */
    "org.freedesktop.impl.portal.*",  /* portal back-ends: the checks are in front of them */
    "org.freedesktop.portal.Flatpak", /* Spawn */
    "org.freedesktop.Flatpak",        /* Development.HostCommand: a command on the host */
    "org.gnome.keyring",
    "org.gnome.Shell",    /* Eval */
    "org.gnome.Terminal", /* a terminal running any command */
    "org.gnome.SessionManager",
    "org.kde.kwalletd5",
    "org.kde.kwalletd6",
    "org.kde.klauncher5",
    "org.gtk.vfs.*",  /* the whole home through gvfs */
    "ca.desrt.dconf", /* settings: a custom key binding runs a command */
    "org.freedesktop.login1",
    "org.freedesktop.PolicyKit1",
    "org.freedesktop.PackageKit",
};

/* Would a rule on a (maybe "P.*") reach a name b (maybe "Q.*")? */
static bool overlaps(const char *a, const char *b)
{
  size_t la = strlen(a), lb = strlen(b);
  bool wa = la > 2 && strcmp(a + la - 2, ".*") == 0, wb = lb > 2 && strcmp(b + lb - 2, ".*") == 0;
  size_t pa = wa ? la - 2 : la, pb = wb ? lb - 2 : lb;

  if (!wa && !wb)
    return strcmp(a, b) == 0;
  /* a prefix covers the name itself and everything below it */
  if (wa && (pb == pa || (pb > pa && b[pa] == '.')) && strncmp(a, b, pa) == 0)
    return true;
  return wb && (pa == pb || (pa > pb && a[pb] == '.')) && strncmp(a, b, pb) == 0;
}

const char *dbus_name_dangerous(const char *name)
{
  for (size_t i = 0; i < ELEMENTSOF(dangerous); i++)
    if (overlaps(name, dangerous[i]))
      return dangerous[i];
  return NULL;
}

/* The app may own its own name, as under Flatpak (a GApplication quits
 * when it cannot): not a service's (org.freedesktop.*: the portals, the
 * notification daemon...), which it would then impersonate, and none of
 * the dangerous. */
bool dbusproxy_app_owns(const struct plan *p)
{
  return p->app && dbus_name_valid(p->app, false) && !dbus_name_dangerous(p->app) &&
         strncmp(p->app, "org.freedesktop.", 16) != 0;
}

char **dbusproxy_argv(const struct plan *p, const char *exe, int fd, const char *const addr[2],
                      const char *const path[2])
{
  /* exe, --fd; per bus: address, path, --filter; the app's two names;
   * the rules; NULL */
  char **argv = xcalloc(2 + 2 * 3 + 2 + p->n_dbus + 1, sizeof *argv);
  size_t n = 0;

  argv[n++] = xstrdup(exe);
  argv[n++] = xasprintf("--fd=%d", fd);
  for (int bus = DBUS_SESSION; bus <= DBUS_SYSTEM; bus++) {
    if (!addr[bus] || !path[bus])
      continue;
    argv[n++] = xstrdup(addr[bus]);
    argv[n++] = xstrdup(path[bus]);
    argv[n++] = xstrdup("--filter");
    if (bus == DBUS_SESSION && dbusproxy_app_owns(p)) {
      argv[n++] = xasprintf("--own=%s", p->app);
      argv[n++] = xasprintf("--own=%s.*", p->app);
    }
    for (size_t i = 0; i < p->n_dbus; i++)
      if ((int)p->dbus[i].bus == bus)
        argv[n++] = xasprintf("--%s=%s", policy_names[p->dbus[i].policy], p->dbus[i].arg);
  }
  return argv;
}

void dbusproxy_argv_free(char **argv)
{
  for (size_t i = 0; argv && argv[i]; i++)
    free(argv[i]);
  free(argv);
}

static bool plan_has_bus(const struct plan *p, enum dbus_bus bus)
{
  for (size_t i = 0; i < p->n_dbus; i++)
    if (p->dbus[i].bus == bus)
      return true;
  return false;
}

/* The caller's bus: its variable (unix:path= and unix:abstract= alike:
 * the proxy runs outside and reaches both), else the usual socket. */
static char *bus_address(enum dbus_bus bus)
{
  const char *v =
      getenv(bus == DBUS_SESSION ? "DBUS_SESSION_BUS_ADDRESS" : "DBUS_SYSTEM_BUS_ADDRESS");
  const char *rt = getenv("XDG_RUNTIME_DIR");
  _cleanup_free_ char *path = NULL;

  if (v && *v)
    return xstrdup(v);
  if (bus == DBUS_SYSTEM)
    path = xstrdup("/run/dbus/system_bus_socket");
  else if (rt && rt[0] == '/')
    path = xasprintf("%s/bus", rt);
  if (!path || access(path, F_OK) < 0)
    return NULL;
  return xasprintf("unix:path=%s", path);
}

/* Is the socket at dir/name dead (there, and nobody listening)? */
static bool dead_socket(int dir, const char *name)
{
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  _cleanup_close_ int fd = -1;
  struct stat st;
  int n = snprintf(sa.sun_path, sizeof sa.sun_path, "/proc/self/fd/%d/%s", dir, name);

  if (n < 0 || (size_t)n >= sizeof sa.sun_path ||
      fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISSOCK(st.st_mode))
    return false;
  fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  return fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 && errno == ECONNREFUSED;
}

/* Removes a proxy's directory: its sockets, its inner and outer
 * directories (what the proxy made and what we made, nothing else). */
static void remove_dir(int base, const char *name)
{
  _cleanup_close_ int dir = openat(base, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

  if (dir >= 0) {
    (void)unlinkat(dir, INNER "/bus", 0);
    (void)unlinkat(dir, INNER "/system_bus", 0);
    (void)unlinkat(dir, INNER, AT_REMOVEDIR);
  }
  (void)unlinkat(base, name, AT_REMOVEDIR);
}

/* What a run killed with SIGKILL left (its proxy died with it, see
 * exec_proxy): our directories whose sockets nobody listens on. A
 * directory without a socket may be another run's, starting: left alone. */
static void sweep_stale(const char *base)
{
  _cleanup_close_ int bfd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = bfd >= 0 ? fdopendir(dup(bfd)) : NULL;
  struct dirent *e;

  while (d && (e = readdir(d))) {
    _cleanup_close_ int dir = -1;
    struct stat st;

    if (strncmp(e->d_name, "sandbox-dbus-", 13) != 0 ||
        (dir = openat(bfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
        fstat(dir, &st) < 0 || st.st_uid != getuid())
      continue;
    if (dead_socket(dir, INNER "/bus") || dead_socket(dir, INNER "/system_bus"))
      remove_dir(bfd, e->d_name);
  }
  if (d)
    closedir(d);
}

/* Its private directory: in $XDG_RUNTIME_DIR (the caller's, 0700, a
 * tmpfs emptied at logout) when it has one, else in /tmp. Two levels: the
 * outer one 0700, so that no one else on the host reaches the sockets
 * (made 0777: a root caller's sandbox runs as another host uid); the
 * inner one, which the sandbox gets, 0711 for that uid too. */
static char *make_dir(void)
{
  const char *rt = getenv("XDG_RUNTIME_DIR");
  _cleanup_free_ char *inner = NULL;
  struct stat st;
  char *dir;
  const char *base =
      rt && rt[0] == '/' && stat(rt, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == getuid()
          ? rt
          : "/tmp";

  sweep_stale(base);
  dir = xasprintf("%s/sandbox-dbus-XXXXXX", base);
  if (!mkdtemp(dir))
    die_errno(errno, "Can't make a directory for the D-Bus proxy (%s)", dir);
  inner = xasprintf("%s/" INNER, dir);
  if (mkdir(inner, 0711) < 0 || chmod(inner, 0711) < 0)
    die_errno(errno, "Can't make a directory for the D-Bus proxy (%s)", inner);
  return dir;
}

static _noreturn_ void exec_proxy(char **argv, int sync, int err, pid_t parent)
{
  /* Killed with its parent, whatever way that goes (SIGKILL included):
   * no proxy outlives the run. Checked after: the parent may be gone. */
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != parent)
    _exit(127);
  /* Out of the terminal's process group: ^C is the sandbox's to handle,
   * and the proxy must serve until the command has quit. */
  (void)setsid();
  /* Its sockets 0777 (in our 0700 directory): the sandbox of a root
   * caller connects as another host uid. */
  umask(0);
  /* Nothing else of ours: the caller's fds are not the proxy's. */
  exec_with_fds(argv, (const int[]){-1, -1, err >= 0 ? err : 2, sync}, 4);
}

static void add_op(struct plan *p, enum op_type type, unsigned flags, char *src, char *dest,
                   const struct origin *o)
{
  struct op *op = plan_add_op(p, type);

  op->flags = flags;
  op->src = src;
  op->dest = dest;
  op->origin = *o;
}

/* The proxy's inner directory, read-only, at /run/user/UID/dbus-proxy
 * (bound before the proxy listens: its sockets appear in it), and the
 * buses at their usual paths as symbolic links into it. */
static void add_binds(struct plan *p, struct dbus_proxy *dp)
{
  const struct origin *o = &p->dbus[0].origin;
  unsigned uid = (unsigned)getuid();
  char *in = xasprintf("/run/user/%u/dbus-proxy", uid);

  add_op(p, OP_BIND, BIND_READONLY, xasprintf("%s/" INNER, dp->dir), in, o);
  if (dp->sock[DBUS_SESSION]) {
    add_op(p, OP_SYMLINK, 0, xstrdup("dbus-proxy/bus"), xasprintf("/run/user/%u/bus", uid), o);
    plan_add_env(p, ENV_SET, "DBUS_SESSION_BUS_ADDRESS",
                 xasprintf("unix:path=/run/user/%u/bus", uid), o);
  }
  if (dp->sock[DBUS_SYSTEM]) {
    add_op(p, OP_SYMLINK, 0, xasprintf("%s/system_bus", in), xstrdup("/run/dbus/system_bus_socket"),
           o);
    plan_add_env(p, ENV_SET, "DBUS_SYSTEM_BUS_ADDRESS",
                 xstrdup("unix:path=/run/dbus/system_bus_socket"), o);
  }
}

void dbusproxy_wait_ready(struct dbus_proxy *dp, pid_t sandbox)
{
  struct pollfd pfd = {.fd = dp->sync, .events = POLLIN};
  char b = 0, why[512];
  int r;

  do
    r = poll(&pfd, 1, READY_TIMEOUT_MS);
  while (r < 0 && errno == EINTR);
  if (r > 0 && read(dp->sync, &b, 1) == 1 && b == 'x')
    return;
  fd_last_line(dp->err, why, sizeof why);
  if (sandbox > 0)
    kill(sandbox, SIGKILL);
  dbusproxy_stop(dp);
  die("xdg-dbus-proxy did not start%s%s", *why ? ": " : (r == 0 ? " (timed out)" : ""), why);
}

void dbusproxy_start(struct plan *p, struct dbus_proxy *dp)
{
  _cleanup_free_ char *exe = NULL;
  _cleanup_free_ char *session_addr = NULL, *system_addr = NULL;
  char *addr[2];
  char **argv;
  int sv[2];

  *dp = (struct dbus_proxy){.pid = -1, .sync = -1, .err = -1};
  /* No bus in the session: nothing to pass, as for an absent display. */
  session_addr = plan_has_bus(p, DBUS_SESSION) ? bus_address(DBUS_SESSION) : NULL;
  system_addr = plan_has_bus(p, DBUS_SYSTEM) ? bus_address(DBUS_SYSTEM) : NULL;
  addr[DBUS_SESSION] = session_addr;
  addr[DBUS_SYSTEM] = system_addr;
  if (!addr[0] && !addr[1])
    return;
  if (!(exe = find_in_path("xdg-dbus-proxy"))) {
    warnx_("xdg-dbus-proxy is not installed (Debian package xdg-dbus-proxy): no D-Bus is passed "
           "to the sandbox");
    return;
  }
  dp->dir = make_dir();
  for (int bus = DBUS_SESSION; bus <= DBUS_SYSTEM; bus++)
    if (addr[bus])
      dp->sock[bus] =
          xasprintf("%s/" INNER "/%s", dp->dir, bus == DBUS_SESSION ? "bus" : "system_bus");
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    die_errno(errno, "socketpair()");
  dp->err = memfd_create("xdg-dbus-proxy-stderr", MFD_CLOEXEC);
  argv = dbusproxy_argv(p, exe, 3, (const char *const *)addr, (const char *const *)dp->sock);
  {
    pid_t parent = getpid();
    dp->pid = fork();
    if (dp->pid < 0)
      die_errno(errno, "fork for xdg-dbus-proxy");
    if (dp->pid == 0)
      exec_proxy(argv, sv[1], dp->err, parent);
  }
  dbusproxy_argv_free(argv);
  close(sv[1]);
  dp->sync = sv[0];
  add_binds(p, dp);
}

void dbusproxy_stop(struct dbus_proxy *dp)
{
  if (dp->pid > 0) {
    kill(dp->pid, SIGKILL);
    while (waitpid(dp->pid, NULL, 0) < 0 && errno == EINTR)
      ;
    dp->pid = -1;
  }
  if (dp->sync >= 0)
    close(take_fd(&dp->sync));
  if (dp->err >= 0)
    close(take_fd(&dp->err));
  for (int bus = DBUS_SESSION; bus <= DBUS_SYSTEM; bus++)
    free(take_ptr(&dp->sock[bus]));
  if (dp->dir) {
    _cleanup_free_ char *parent = xstrdup(dp->dir);
    char *slash = strrchr(parent, '/');
    _cleanup_close_ int base = -1;
    *slash = '\0';
    base = open(*parent ? parent : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (base >= 0)
      remove_dir(base, slash + 1);
  }
  free(take_ptr(&dp->dir));
}
