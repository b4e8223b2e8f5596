/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "run.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <linux/seccomp.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "caps.h"
#include "mounts.h"
#include "ns.h"
#include "util.h"

static const int forwarded_signals[] = {SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2};

/* Who a forwarded signal goes to: the sandbox's init or command from the
 * monitor, the command from init. */
static volatile pid_t forward_to;

int exit_status_of(int wstatus)
{
  if (WIFEXITED(wstatus))
    return WEXITSTATUS(wstatus);
  if (WIFSIGNALED(wstatus))
    return 128 + WTERMSIG(wstatus);
  return 255;
}

static void forward_signal(int sig, siginfo_t *si, void *uctx)
{
  int saved = errno;

  (void)uctx;
  /* A terminal's ^C already reaches the whole foreground group; only pass
   * on signals someone sent us by hand, or the command would get two. */
  if (forward_to > 0 && si->si_code != SI_KERNEL)
    kill(forward_to, sig);
  errno = saved;
}

static void install_forwarding(void)
{
  struct sigaction sa = {.sa_sigaction = forward_signal, .sa_flags = SA_SIGINFO | SA_RESTART};

  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < ELEMENTSOF(forwarded_signals); i++)
    sigaction(forwarded_signals[i], &sa, NULL);
}

static void block_forwarded(sigset_t *old)
{
  sigset_t set;

  sigemptyset(&set);
  for (size_t i = 0; i < ELEMENTSOF(forwarded_signals); i++)
    sigaddset(&set, forwarded_signals[i]);
  sigprocmask(SIG_BLOCK, &set, old);
}

static void reset_signals(const sigset_t *mask)
{
  for (size_t i = 0; i < ELEMENTSOF(forwarded_signals); i++)
    signal(forwarded_signals[i], SIG_DFL);
  sigprocmask(SIG_SETMASK, mask, NULL);
}

struct child_ctx {
  const struct plan *plan;
  const struct sc_compiled *filters;
  unsigned real_uid, real_gid;
  unsigned sandbox_uid, sandbox_gid;
  bool userns, pid_ns;
  int alive_fd;  /* read end: hangs up when the monitor is gone */
  int status_fd; /* eventfd: init -> monitor, command's status + 1 */
  const char *old_cwd;
  sigset_t sigmask;
};

static void die_with_parent(const struct child_ctx *c)
{
  struct pollfd pfd = {.fd = c->alive_fd, .events = POLLIN};

  if (!c->plan->die_with_parent)
    return;
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
    die_errno(errno, "prctl");
  /* The parent may have died before the line above. */
  if (c->alive_fd >= 0 && poll(&pfd, 1, 0) > 0 && (pfd.revents & POLLHUP))
    _exit(1);
}

static void map_ids(int proc_fd, unsigned uid, unsigned outside_uid, unsigned gid,
                    unsigned outside_gid)
{
  int r = ns_write_uid_map(proc_fd, uid, outside_uid);
  if (r < 0)
    die_errno(-r, "setting up uid map");
  r = ns_write_gid_map(proc_fd, gid, outside_gid);
  if (r < 0)
    die_errno(-r, "setting up gid map");
}

static bool plan_needs_root_map(const struct plan *p)
{
  /* devpts refuses to mount in a user namespace whose root is unmapped. */
  for (size_t i = 0; i < p->n_ops; i++)
    if (p->ops[i].type == OP_DEV)
      return true;
  return false;
}

static void enter_cwd(const struct child_ctx *c)
{
  const char *cwd = "/";
  const char *home = getenv("HOME");

  if (c->plan->chdir) {
    if (chdir(c->plan->chdir) < 0)
      die_errno(errno, "Can't chdir to %s", c->plan->chdir);
    cwd = c->plan->chdir;
  } else if (c->old_cwd && chdir(c->old_cwd) == 0) {
    cwd = c->old_cwd;
  } else if (home && chdir(home) == 0) {
    cwd = home;
  } else if (chdir("/") < 0) {
    die_errno(errno, "chdir /");
  }
  if (setenv("PWD", cwd, 1) < 0)
    die_oom();
}

static void apply_env(const struct plan *p)
{
  for (size_t i = 0; i < p->n_env; i++) {
    const struct env_op *e = &p->env[i];
    int r = 0;

    switch (e->kind) {
    case ENV_CLEAR:
      r = clearenv();
      break;
    case ENV_SET:
      r = setenv(e->name, e->value, 1);
      break;
    case ENV_UNSET:
      r = unsetenv(e->name);
      break;
    default:
      break;
    }
    if (r != 0)
      die_errno(errno, "%s failed",
                e->kind == ENV_CLEAR ? "clearenv"
                : e->kind == ENV_SET ? "setenv"
                                     : "unsetenv");
  }
}

static void drop_caps(const struct child_ctx *c)
{
  const struct plan *p = c->plan;
  int r;

  /* Root with no cap options keeps its capabilities, as bwrap. */
  if (p->n_caps == 0 && c->real_uid == 0)
    return;
  r = caps_apply(caps_resolve(p, c->real_uid == 0, caps_all_supported()));
  if (r < 0)
    die_errno(-r, "capset failed");
}

static _noreturn_ void exec_command(const struct child_ctx *c)
{
  const struct plan *p = c->plan;
  char **argv = xcalloc((size_t)p->argc + 1, sizeof *argv);

  for (int i = 0; i < p->argc; i++)
    argv[i] = p->argv[i];
  if (p->argv0)
    argv[0] = p->argv0;
  reset_signals(&c->sigmask);
  execvp(p->argv[0], argv);
  die_errno(errno, "execvp %s", p->argv[0]);
}

/* PID 1 of the sandbox: reaps every orphan, passes signals on to the
 * command, reports the command's status as soon as it has one, and stays
 * until the last process is gone (bwrap's semantics). */
static _noreturn_ void run_init(const struct child_ctx *c, pid_t command)
{
  int command_status = 1;

  forward_to = command;
  install_forwarding();
  sigprocmask(SIG_SETMASK, &c->sigmask, NULL);
  for (;;) {
    int st;
    pid_t pid = wait(&st);

    if (pid < 0) {
      if (errno == EINTR)
        continue;
      if (errno != ECHILD)
        die_errno(errno, "init wait()");
      break;
    }
    if (pid == command) {
      uint64_t v = (uint64_t)exit_status_of(st) + 1;

      command_status = exit_status_of(st);
      forward_to = 0;
      if (c->status_fd >= 0)
        (void)!write(c->status_fd, &v, sizeof v);
    }
  }
  _exit(command_status);
}

/* Last, just before exec (and fork of init): nothing of ours runs after
 * it but init's loop and exec. Compiled in the parent; only loaded here. */
static void load_filters(const struct child_ctx *c)
{
  for (size_t i = 0; c->filters && i < c->filters->n; i++) {
    struct sock_fprog prog = {.len = (unsigned short)c->filters->len[i],
                              .filter = c->filters->prog[i]};
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0) {
      if (errno == EINVAL)
        die("Unable to set up system call filtering as requested: prctl(PR_SET_SECCOMP) "
            "reported EINVAL. (Hint: this requires a kernel configured with CONFIG_SECCOMP and "
            "CONFIG_SECCOMP_FILTER.)");
      die_errno(errno, "prctl(PR_SET_SECCOMP)");
    }
  }
}

static _noreturn_ void child_main(struct child_ctx *c)
{
  const struct plan *p = c->plan;
  unsigned ns_uid = c->sandbox_uid, ns_gid = c->sandbox_gid;
  /* The host's procfs, for the id maps written after pivot_root: the
   * sandbox need not have a /proc of its own. */
  _cleanup_close_ int proc_fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
  pid_t command;

  die_with_parent(c);
  if (proc_fd < 0)
    die_errno(errno, "Can't open /proc");
  if (c->userns) {
    if (plan_needs_root_map(p))
      ns_uid = ns_gid = 0;
    map_ids(proc_fd, ns_uid, c->real_uid, ns_gid, c->real_gid);
  }
  if (p->hostname && sethostname(p->hostname, strlen(p->hostname)) < 0)
    die_errno(errno, "Can't set hostname to %s", p->hostname);
  if ((p->ns & NS_NET)) {
    int r = ns_loopback_up();
    if (r < 0)
      die_errno(-r, "loopback: Failed RTM_NEWLINK");
  }

  mounts_setup(p, c->pid_ns);
  enter_cwd(c);

  /* devpts is mounted; now switch to the ids the command asked for. */
  if (c->userns && (ns_uid != c->sandbox_uid || ns_gid != c->sandbox_gid)) {
    if (unshare(CLONE_NEWUSER) < 0)
      die_errno(errno, "unshare user ns");
    map_ids(proc_fd, c->sandbox_uid, ns_uid, c->sandbox_gid, ns_gid);
  }
  /* Init outlives set-up; it must not hold a door to the host's /proc. */
  close(take_fd(&proc_fd));
  drop_caps(c);
  if (p->new_session && setsid() < 0)
    die_errno(errno, "setsid");
  apply_env(p);
  load_filters(c);

  if (!c->pid_ns || p->as_pid_1)
    exec_command(c);

  command = fork();
  if (command < 0)
    die_errno(errno, "Can't fork for pid 1");
  if (command == 0) {
    if (c->status_fd >= 0)
      close(c->status_fd);
    die_with_parent(c);
    exec_command(c);
  }
  run_init(c, command);
}

static unsigned clone_flags(const struct child_ctx *c, const struct plan *p)
{
  unsigned f = CLONE_NEWNS;
  unsigned ns = p->ns;

  if (c->userns)
    f |= CLONE_NEWUSER;
  if ((ns & NS_CGROUP) || ((p->ns_try & NS_CGROUP) && ns_cgroupns_available()))
    f |= CLONE_NEWCGROUP;
  if (ns & NS_IPC)
    f |= CLONE_NEWIPC;
  if (ns & NS_PID)
    f |= CLONE_NEWPID;
  if (ns & NS_NET)
    f |= CLONE_NEWNET;
  if (ns & NS_UTS)
    f |= CLONE_NEWUTS;
  return f;
}

static _noreturn_ void die_clone(int err, bool userns)
{
  if (userns && err == EINVAL)
    die("Creating new namespace failed, likely because the kernel does not support user "
        "namespaces.  bwrap must be installed setuid on such systems.");
  if (userns && err == EPERM)
    die("No permissions to create a new namespace, likely because the kernel does not allow "
        "non-privileged user namespaces. On e.g. debian this can be enabled with 'sysctl "
        "kernel.unprivileged_userns_clone=1'.");
  if (err == ENOSPC)
    die("Creating new namespace failed: nesting depth or /proc/sys/user/max_*_namespaces "
        "exceeded (ENOSPC)");
  die_errno(err, "Creating new namespace failed");
}

/* Waits for the command's status: from init's eventfd when there is an
 * init (the command may die while init still reaps others), else from the
 * child itself. */
static int monitor(pid_t child, int status_fd)
{
  _cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, child, 0);
  uint64_t v;
  int st;

  while (status_fd >= 0 && pidfd >= 0) {
    struct pollfd pfd[2] = {{.fd = status_fd, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};

    if (poll(pfd, 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      die_errno(errno, "poll");
    }
    /* The eventfd first: when the command dies init often follows, and
     * init's own status must not hide the command's. */
    if (read(status_fd, &v, sizeof v) == sizeof v)
      return (int)v - 1;
    if (pfd[1].revents)
      break;
  }
  while (waitpid(child, &st, 0) < 0)
    if (errno != EINTR)
      die_errno(errno, "waitpid");
  if (status_fd >= 0 && read(status_fd, &v, sizeof v) == sizeof v)
    return (int)v - 1;
  return exit_status_of(st);
}

int run_plan(const struct plan *p, const struct sc_compiled *filters)
{
  struct child_ctx c = {.plan = p, .filters = filters, .alive_fd = -1, .status_fd = -1};
  _cleanup_free_ char *cwd = getcwd(NULL, 0);
  int alive[2];
  pid_t child;

  c.real_uid = getuid();
  c.real_gid = getgid();
  c.sandbox_uid = p->uid >= 0 ? (unsigned)p->uid : c.real_uid;
  c.sandbox_gid = p->gid >= 0 ? (unsigned)p->gid : c.real_gid;
  c.userns = (p->ns & NS_USER) || ((p->ns_try & NS_USER) && ns_userns_available());
  c.pid_ns = p->ns & NS_PID;
  c.old_cwd = cwd;

  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    die_errno(errno, "prctl(PR_SET_NO_NEW_PRIVS) failed");
  if (p->die_with_parent && prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
    die_errno(errno, "prctl");
  if (pipe2(alive, O_CLOEXEC) < 0)
    die_errno(errno, "pipe2()");
  if (c.pid_ns && !p->as_pid_1) {
    c.status_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (c.status_fd < 0)
      die_errno(errno, "eventfd()");
  }

  block_forwarded(&c.sigmask);
  install_forwarding();
  /* A raw clone, like fork, but entering the namespaces in one step. */
  child = (pid_t)syscall(SYS_clone, (unsigned long)(clone_flags(&c, p) | SIGCHLD), NULL, NULL, NULL,
                         NULL);
  if (child < 0)
    die_clone(errno, c.userns);
  if (child == 0) {
    close(alive[1]);
    c.alive_fd = alive[0];
    child_main(&c);
  }
  close(alive[0]);
  forward_to = child;
  sigprocmask(SIG_SETMASK, &c.sigmask, NULL);
  return monitor(child, c.status_fd);
}
