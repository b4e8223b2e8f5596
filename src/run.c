/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "run.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <linux/seccomp.h>
#include <linux/sched.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "caps.h"
#include "cgroup.h"
#include "gitscan.h"
#include "idmap.h"
#include "landlock.h"
#include "learn.h"
#include "rlimits.h"
#include "secret-env.h"
#include "ucounts.h"
#include "mounts.h"
#include "desktop.h"
#include "netprivate.h"
#include "netproxy.h"
#include "nons.h"
#include "ns.h"
#include "placeholder.h"
#include "pty.h"
#include "util.h"
#include "watchdog.h"

static const int forwarded_signals[] = {SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2};

/* Who a forwarded signal goes to: the sandbox's init or command from the
 * monitor, the command from init. */
static volatile pid_t forward_to;
/* Init passes on only what comes from outside its pid namespace. */
static volatile bool forward_outside_only;

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
   * on signals someone sent us by hand, or the command would get two. A
   * hang-up is the exception: the kernel sends it to the session's leader
   * alone (init, under a pty of the sandbox's own). */
  if (forward_to > 0 && (si->si_code != SI_KERNEL || sig == SIGHUP) &&
      !(forward_outside_only && si->si_pid != 0))
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

/* Programs the caller handed over with --seccomp / --add-seccomp-fd. */
struct caller_filters {
  struct sock_filter *prog[64];
  size_t len[64];
  size_t n;
};

struct child_ctx {
  const struct plan *plan;
  const struct sc_compiled *filters;
  unsigned real_uid, real_gid;
  unsigned sandbox_uid, sandbox_gid;
  unsigned ns_uid, ns_gid;             /* ids in the sandbox's own user namespace */
  unsigned plain_ns_uid, plain_ns_gid; /* the same, without drop_root */
  bool userns, pid_ns;
  /* host root under a profile: the monitor maps us to IDMAP_HOST_ID, then
   * sends the writable binds' idmapped clones over maps_sock, per op */
  bool drop_root;
  int maps_sock[2];
  int *trees;
  int alive_fd; /* read end: hangs up when the monitor is gone */
  /* The caller's side finishes its host work (placeholders, the git
   * inventory) while the sandbox makes its namespaces: a message on
   * ready_fd (the caller's ucount limits) says it is done, before any
   * mount. -1: nothing to wait for. */
  int ready_fd, ready_wr;
  bool late_net; /* the network namespace is made here, not by clone */
  int status_fd; /* eventfd: init -> monitor, command's status + 1 */
  int exec_fd;   /* pipe: one byte just before exec, two if exec failed */
  int net_fd;    /* --net-allow: socket to hand the proxy its listeners */
  int net_peer;  /* the proxy's end of it */
  int net_log;   /* --net-log, the proxy's */
  bool need_init;
  const struct caller_filters *caller;
  const char *old_cwd;
  sigset_t sigmask;
  const struct ll_plan *ll;    /* the command's Landlock domain, planned */
  int ll_fd;                   /* its ruleset, made after set-up; -1: none */
  bool init_nondumpable;       /* no domain keeps the command off pid 1 */
  const struct nons_run *nons; /* no-namespace mode: no set-up but the domain */
  struct guards guards;        /* where the protected entries sit */
  bool lower_ucounts;          /* under a profile, in a user namespace of our own */
  bool wait_cgroup;            /* moved into the pids cgroup by the monitor */
  bool wait_go;                /* for a byte on alive_fd before the command starts */
  struct ucount_limits ucounts;
  struct pty_inner pty; /* pty.sock < 0: no terminal of its own */
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
  /* The caller's secrets first: an explicit setenv of the same name,
   * later in the plan, is meant and stays. */
  char **drop = env_secret_drops(environ, p);

  for (char **n = drop; n && *n; n++)
    if (unsetenv(*n) < 0)
      die_errno(errno, "unsetenv failed");
  env_strv_free(drop);
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

  if (c->nons) {
    r = nons_drop_caps();
    if (r < 0)
      die_errno(-r, "capset failed");
    return;
  }
  /* Root with no cap options keeps its capabilities, as bwrap. */
  if (p->n_caps == 0 && c->real_uid == 0)
    return;
  /* "ALL" is only needed to resolve cap options: skip ~40 prctl calls. */
  r = caps_apply(caps_resolve(p, c->real_uid == 0, p->n_caps ? caps_all_supported() : 0));
  if (r < 0)
    die_errno(-r, "capset failed");
}

static void load_filters(const struct child_ctx *c);

/* The command alone enters the Landlock domain, then the filters: pid 1
 * started it and stays outside both, so no route that Landlock keeps
 * inside the domain (ptrace, /proc/1/mem, process_vm_writev, pidfd_getfd,
 * signals with ABI 6) reaches pid 1's memory, fds or status eventfd. The
 * filters come last, as bwrap loads them: a policy need not allow the
 * landlock calls, and none of our code runs under them. */
static void confine_command(const struct child_ctx *c)
{
  /* --learn's observer first: its listener goes to the monitor before
   * anything it watches runs (learn.c). */
  if (c->plan->learn)
    learn_attach(c->plan->learn);
  if (c->ll_fd >= 0) {
    int r = landlock_enforce(c->ll_fd);
    if (r < 0)
      die_errno(-r, "landlock_restrict_self");
    close(c->ll_fd);
  }
  load_filters(c);
}

static _noreturn_ void exec_command(const struct child_ctx *c)
{
  const struct plan *p = c->plan;
  char **argv = xcalloc((size_t)p->argc + 1, sizeof *argv);

  for (int i = 0; i < p->argc; i++)
    argv[i] = p->argv[i];
  if (p->argv0)
    argv[0] = p->argv0;
  pty_take(&c->pty);
  reset_signals(&c->sigmask);
  {
    const char *which = NULL;
    int r = rlimit_apply(p->rlimits, p->n_rlimits, &which);
    if (r < 0)
      die_errno(-r, "Can't set resource limit %s", which);
  }
  if (p->exec_label && write_file_at(AT_FDCWD, "/proc/thread-self/attr/exec", p->exec_label) < 0)
    die_errno(errno, "label_exec %s", p->argv[0]);
  confine_command(c);
  if (c->exec_fd >= 0)
    (void)!write(c->exec_fd, "x", 1);
  execvp(p->argv[0], argv);
  {
    int err = errno;
    if (c->exec_fd >= 0)
      (void)!write(c->exec_fd, "x", 1);
    die_errno(err, "execvp %s", p->argv[0]);
  }
}

/* PID 1 of the sandbox: reaps every orphan, passes signals on to the
 * command, reports the command's status as soon as it has one, and stays
 * until the last process is gone (bwrap's semantics). */
static void take_locks(const struct plan *p)
{
  for (size_t i = 0; i < p->n_lock_files; i++) {
    struct flock l = {.l_type = F_RDLCK, .l_whence = SEEK_SET};
    int fd = open(p->lock_files[i], O_RDONLY | O_CLOEXEC);

    if (fd < 0)
      die_errno(errno, "Unable to open lock file %s", p->lock_files[i]);
    if (fcntl(fd, F_SETLK, &l) < 0)
      die_errno(errno, "Unable to lock file %s", p->lock_files[i]);
    /* held open, and locked, for init's lifetime */
  }
}

static _noreturn_ void run_init(const struct child_ctx *c, pid_t command)
{
  int command_status = 1;

  /* Without a pid namespace this "init" is no pid 1: make orphans come to
   * it anyway. It holds the --sync-fd and the locks until the end. */
  if (!c->pid_ns)
    (void)prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  if (c->exec_fd >= 0)
    close(c->exec_fd);
  /* Nothing of set-up stays open in init but the status channel (which
   * /proc/1/fd cannot reopen: an eventfd). Init stays dumpable, as bwrap's
   * (callers open its /proc/PID/ns/ entries to join the sandbox); the
   * command cannot use that: it runs in a Landlock domain init is outside
   * of (confine_command), or, without one, init is not dumpable. */
  if (c->alive_fd >= 0)
    close(c->alive_fd);
  if (c->ll_fd >= 0)
    close(c->ll_fd);
  /* A signal a process of the sandbox sends pid 1 (si_pid names it; one
   * from the caller's side has si_pid 0) is not passed to the command:
   * SIGUSR1 bounced off pid 1 would choose the status the caller sees. */
  forward_outside_only = c->pid_ns;
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
      /* pid 1 leaving kills everything else in the namespace. */
      if (c->plan->kill_leftovers)
        break;
    }
  }
  _exit(command_status);
}

/* Last, just before exec, in the command only (init runs unfiltered, as
 * bwrap's): nothing of ours runs after it. Compiled in the parent; only
 * loaded here. */
static void load_one(struct sock_filter *f, size_t len)
{
  struct sock_fprog prog = {.len = (unsigned short)len, .filter = f};

  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == 0)
    return;
  if (errno == EINVAL)
    die("Unable to set up system call filtering as requested: prctl(PR_SET_SECCOMP) "
        "reported EINVAL. (Hint: this requires a kernel configured with CONFIG_SECCOMP and "
        "CONFIG_SECCOMP_FILTER.)");
  die_errno(errno, "prctl(PR_SET_SECCOMP)");
}

/* Ours first, then the caller's (as bwrap loads them, last). The kernel
 * applies all of them: the strictest answer wins. */
static void load_filters(const struct child_ctx *c)
{
  for (size_t i = 0; c->filters && i < c->filters->n; i++)
    load_one(c->filters->prog[i], c->filters->len[i]);
  for (size_t i = 0; c->caller && i < c->caller->n; i++)
    load_one(c->caller->prog[i], c->caller->len[i]);
}

/* --disable-userns: a limit of one user namespace below ours, used up by
 * the nested namespace entered after set-up. The sysctl is per user
 * namespace: this changes ours, not the host's. */
static void limit_userns(int proc_fd)
{
  _cleanup_close_ int fd =
      openat(proc_fd, "sys/user/max_user_namespaces", O_WRONLY | O_CLOEXEC | O_NOCTTY);

  if (fd < 0)
    die_errno(errno, "cannot open /proc/sys/user/max_user_namespaces");
  if (write_all(fd, "1", 1) < 0)
    die_errno(errno, "sysctl user.max_user_namespaces = 1");
}

static int command_main(void *arg)
{
  const struct child_ctx *c = arg;

  if (c->status_fd >= 0)
    close(c->status_fd);
  if (c->plan->sync_fd >= 0)
    close(c->plan->sync_fd);
  die_with_parent(c);
  exec_command(c);
}

/* The command starts the way posix_spawn starts one: in init's memory,
 * init suspended until the exec. A fork would copy init's page tables only
 * for the exec to throw them away, and on a virtual machine that is most of
 * what starting a process costs (here 0.8 ms for fork + exit against 26 us
 * for vfork + exit). The child only closes fds, sets its death signal and
 * execs; it has a stack of its own and default signal handlers, and every
 * way out is exec or _exit. A caller's --seccomp filter may refuse a clone
 * that shares memory: then it is an ordinary fork. */
static pid_t spawn_command(struct child_ctx *c)
{
  pid_t pid;
#if !SANITIZE_ADDRESS
  /* (AddressSanitizer cannot follow a switch to a stack it did not make.)
   * The largest user of the stack: execvp re-runs a script without #!
   * through /bin/sh with a copy of argv in a variable-length array. */
  static char stack[256 * 1024] __attribute__((aligned(16)));
  _Static_assert(sizeof stack >= (MAX_ARGS + 2) * sizeof(char *) + 128 * 1024,
                 "the command's first stack holds execvp's copy of argv");

  pid = clone(command_main, stack + sizeof stack, CLONE_VM | CLONE_VFORK | SIGCHLD, c);
  if (pid >= 0 || (errno != EPERM && errno != ENOSYS && errno != EINVAL))
    return pid;
#endif
  pid = fork();
  if (pid == 0)
    _exit(command_main(c));
  return pid;
}

/* Host root's sandbox: the monitor writes our maps (to an id other than
 * our own, which only a writer privileged outside can), then idmaps the
 * writable binds through our user namespace. Until then uid 0 inside is
 * nobody's. */
static void wait_for_maps(const struct child_ctx *c)
{
  if (idmap_recv_trees(c->maps_sock[0], c->trees, c->plan->n_ops) < 0)
    _exit(1); /* the monitor failed and said why */
  close(c->maps_sock[0]);
}

/* Once every source is open with root's rights: the sandbox's own ids
 * from here on, for everything set-up makes and for the command. */
static void become_sandbox_root(void *ctx)
{
  const struct child_ctx *c = ctx;
  int r = idmap_become(c->ns_uid, c->ns_gid);

  if (r < 0)
    die_errno(-r, "Can't switch to uid %u in the sandbox", c->ns_uid);
  /* The kernel clears the death signal when the uid changes: without this
   * a root caller's sandbox killed with SIGKILL leaves init and the
   * command running on the host, --die-with-parent or not. */
  die_with_parent(c);
}

/* The placeholders are mount points and the git inventory must predate
 * anything the command makes: both are done once the message, the
 * caller's ucount limits, arrives. EOF: the caller died (or failed)
 * first. */
static void wait_host_ready(struct child_ctx *c)
{
  ssize_t n;

  if (c->ready_fd < 0)
    return;
  while ((n = read(c->ready_fd, &c->ucounts, sizeof c->ucounts)) < 0 && errno == EINTR)
    ;
  if (n != sizeof c->ucounts)
    _exit(1);
  close(take_fd(&c->ready_fd));
}

static _noreturn_ void child_main(struct child_ctx *c)
{
  const struct plan *p = c->plan;
  const unsigned ns_uid = c->ns_uid, ns_gid = c->ns_gid;
  struct mount_prep prep = {.trees = c->trees};
  /* The host's procfs, for the id maps written after pivot_root: the
   * sandbox need not have a /proc of its own. */
  _cleanup_close_ int proc_fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
  pid_t command;

  /* A signal forwarded during set-up ends it (default actions): a sandbox
   * stuck in set-up (say on --block-fd) must still stop on SIGTERM. */
  reset_signals(&c->sigmask);
  die_with_parent(c);
  placeholders_forget();
  /* The reports are the monitor's (bwrap closes them here too): a caller
   * reading --info-fd to EOF must not wait for the command as well. */
  if (p->info_fd >= 0)
    close(p->info_fd);
  if (p->json_status_fd >= 0)
    close(p->json_status_fd);
  if (proc_fd < 0)
    die_errno(errno, "Can't open /proc");
  /* No namespace to set up: the host's tree, confined by Landlock. */
  if (c->nons) {
    wait_host_ready(c);
    goto tree_done;
  }
  /* Made here rather than by clone: the namespace costs about a
   * millisecond of kernel time, during which the caller's side, no
   * longer inside clone, does its host work on another CPU. */
  if (c->late_net && unshare(CLONE_NEWNET) < 0)
    die_errno(errno, "Creating new namespace failed");
  if (p->userns_block_fd >= 0) {
    /* The caller maps our ids itself (it read our pid from --info-fd). */
    char b;
    (void)!read(p->userns_block_fd, &b, 1);
    close(p->userns_block_fd);
  } else if (c->drop_root) {
    wait_for_maps(c);
    prep.sources_open = become_sandbox_root;
    prep.ctx = c;
  } else if (c->userns) {
    map_ids(proc_fd, ns_uid, c->real_uid, ns_gid, c->real_gid);
  }
  wait_host_ready(c);
  if (c->lower_ucounts) {
    const char *which = NULL;
    int r = ucounts_lower(proc_fd, &c->ucounts, &which);
    if (r < 0)
      die_errno(-r, "cannot lower sysctl user.%s in the sandbox's user namespace", which);
  }
  /* After the line above: --disable-userns' limit of one wins. */
  if (p->disable_userns)
    limit_userns(proc_fd);
  if (p->hostname && sethostname(p->hostname, strlen(p->hostname)) < 0)
    die_errno(errno, "Can't set hostname to %s", p->hostname);
  if ((p->ns & NS_NET)) {
    int r = ns_loopback_up();
    if (r < 0)
      die_errno(-r, "loopback: Failed RTM_NEWLINK");
  }
  if (c->net_fd >= 0 && p->net_private)
    netprivate_wait(take_fd(&c->net_fd));
  else if (c->net_fd >= 0)
    netproxy_make_listeners(take_fd(&c->net_fd));

  /* A joined pid namespace (--pidns) needs its own procfs too: the
   * host's /proc would show the host's processes, not the joined ones. */
  mounts_setup(p, &c->guards, c->pid_ns || p->pidns_fd >= 0, &prep);
tree_done:
  /* --file, --bind-data and --bind-fd fds are used up: like bwrap, none
   * of them reaches the command. */
  for (size_t i = 0; i < p->n_ops; i++)
    if (p->ops[i].fd >= 0)
      close(p->ops[i].fd);
  /* bwrap edits its environment while parsing, so --clearenv cannot lose
   * PWD and the $HOME fallback sees --setenv/--unsetenv HOME. */
  apply_env(p);
  if (p->n_net_allow)
    netproxy_set_env();
  if (c->nons)
    nons_child_env(c->nons);
  enter_cwd(c);
  if (c->pty.sock >= 0)
    pty_open_inner(&c->pty);
  /* Rules name inodes: the tree must be final. */
  if (landlock_plan_active(c->ll)) {
    c->ll_fd = landlock_prepare(c->ll);
    if (c->ll_fd < 0)
      die_errno(-c->ll_fd, "Landlock ruleset");
  }

  /* devpts is mounted; now switch to the ids the command asked for. A
   * nested namespace also seals --disable-userns' limit of one. */
  if (c->userns && p->userns_block_fd < 0 &&
      (ns_uid != c->sandbox_uid || ns_gid != c->sandbox_gid || p->disable_userns)) {
    if (unshare(CLONE_NEWUSER) < 0)
      die_errno(errno, "unshare user ns");
    map_ids(proc_fd, c->sandbox_uid, ns_uid, c->sandbox_gid, ns_gid);
  }
  if (p->userns2_fd >= 0 && setns(p->userns2_fd, CLONE_NEWUSER) < 0)
    die_errno(errno, "Setting userns2 failed");
  /* Init outlives set-up; it must not hold a door to the host's /proc. */
  close(take_fd(&proc_fd));
  if ((p->disable_userns || p->assert_userns_disabled) && unshare(CLONE_NEWUSER) == 0)
    die("creation of new user namespaces was not disabled as requested");
  drop_caps(c);
  if (p->block_fd >= 0) {
    char b;
    (void)!read(p->block_fd, &b, 1);
    close(p->block_fd);
  }
  if (p->new_session && setsid() < 0)
    die_errno(errno, "setsid");
  pty_attach_session(&c->pty);
  /* The monitor moves us into the cgroup v1 that bounds a root caller's
   * nproc meanwhile; nothing has forked yet, nothing forks before it is
   * done. (No CLONE_INTO_CGROUP in v1, and a move waits for an RCU grace
   * period, 5 ms here: in parallel with set-up, not before it.) It also
   * reads our namespaces for --info-fd and --json-status-fd meanwhile: a
   * short command would otherwise be gone, namespaces and all, first. */
  if (c->wait_go) {
    char b;
    if (read(c->alive_fd, &b, 1) != 1)
      _exit(1);
  }

  if (!c->need_init)
    exec_command(c);

  /* Without a Landlock domain around the command (a kernel without
   * Landlock; or below ABI 6 for a plain bwrap line, which then keeps
   * bwrap's semantics), a profile run keeps the command off init the older
   * way: ptrace, /proc/PID/mem, process_vm_writev and pidfd_getfd of a
   * non-dumpable task need CAP_SYS_PTRACE in the namespace init was
   * exec'd in, the caller's. The cost: unprivileged callers can then no
   * longer join the sandbox through /proc/PID/ns. Set before the command
   * exists (its exec gives it a dumpable mm of its own). */
  if (c->init_nondumpable)
    (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  command = spawn_command(c);
  if (command < 0)
    die_errno(errno, "Can't fork for pid 1");
  pty_close_inner(&c->pty);
  take_locks(p);
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
  placeholders_remove(); /* no sandbox was made: nothing is mounted on them */
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

/* A one-shot timer (-1: seconds <= 0, none). */
static int timer_fd(double seconds)
{
  struct itimerspec its = {
      .it_value = {.tv_sec = (time_t)seconds,
                   .tv_nsec = (long)((seconds - (double)(time_t)seconds) * 1e9)}};
  int fd;

  if (seconds <= 0)
    return -1;
  fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
  if (fd < 0 || timerfd_settime(fd, 0, &its, NULL) < 0)
    die_errno(errno, "timerfd");
  return fd;
}

/* The after-run watchdog (watchdog.c) starts once the command has run
 * this long: a command that ends sooner pays nothing for it (a process
 * exec'd, 3 % of the start of `true`), and the caller killed by a
 * runtime's timeout has lived longer than that. */
#define WATCHDOG_DELAY 0.05

struct lazy_watchdog {
  bool armed;
  pid_t sandbox;
  const struct gitscan *gs;
  int fd; /* watchdog_release's */
};

/* Waits for the command's status: from init's eventfd when there is an
 * init (the command may die while init still reaps others), else from the
 * child itself. A --timeout kills the child, which as pid 1 of its
 * namespace takes every process in it along. */
static int wait_command(pid_t child, pid_t sandbox, int status_fd, double timeout,
                        struct lazy_watchdog *wd)
{
  _cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, child, 0);
  _cleanup_close_ int tfd = timer_fd(timeout);
  _cleanup_close_ int wfd = wd->armed ? timer_fd(WATCHDOG_DELAY) : -1;
  uint64_t v;
  int st;

  while (pidfd >= 0 && (status_fd >= 0 || tfd >= 0)) {
    struct pollfd pfd[4] = {{.fd = pidfd, .events = POLLIN},
                            {.fd = status_fd, .events = POLLIN},
                            {.fd = tfd, .events = POLLIN},
                            {.fd = wfd, .events = POLLIN}};

    if (poll(pfd, 4, -1) < 0) {
      if (errno == EINTR)
        continue;
      die_errno(errno, "poll");
    }
    /* The eventfd first: when the command dies init often follows, and
     * init's own status must not hide the command's. */
    if (status_fd >= 0 && read(status_fd, &v, sizeof v) == sizeof v)
      return (int)v - 1;
    if (pfd[2].revents) {
      kill(sandbox, SIGKILL);
      while (waitpid(child, &st, 0) < 0 && errno == EINTR)
        ;
      warnx_("timed out after %g seconds; the sandbox was killed", timeout);
      return SANDBOX_EXIT_TIMEOUT;
    }
    if (pfd[3].revents) {
      close(take_fd(&wfd));
      wd->fd = watchdog_start(wd->sandbox, wd->gs);
      if (wd->fd < 0)
        warnx_("cannot start the after-run watchdog: if sandbox is killed now, the check for "
               "repositories made inside will not run");
    }
    if (pfd[0].revents)
      break;
  }
  while (waitpid(child, &st, 0) < 0)
    if (errno != EINTR)
      die_errno(errno, "waitpid");
  if (status_fd >= 0 && read(status_fd, &v, sizeof v) == sizeof v)
    return (int)v - 1;
  return exit_status_of(st);
}

/* "child-pid" and the inode of each namespace made, in bwrap's order and
 * format (pretty for --info-fd, one line for --json-status-fd). */
static char *ns_json(pid_t child, unsigned flags, bool pretty)
{
  static const struct {
    const char *name;
    unsigned flag;
  } ns[] = {{"cgroup", CLONE_NEWCGROUP}, {"ipc", CLONE_NEWIPC}, {"mnt", CLONE_NEWNS},
            {"net", CLONE_NEWNET},       {"pid", CLONE_NEWPID}, {"uts", CLONE_NEWUTS}};
  const char *sep = pretty ? ",\n    " : ", ";
  char *out = xasprintf(pretty ? "{\n    \"child-pid\": %i" : "{ \"child-pid\": %i", (int)child);

  for (size_t i = 0; i < ELEMENTSOF(ns); i++) {
    char path[64];
    struct stat st;
    char *n;

    if (!(flags & ns[i].flag))
      continue;
    snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)child, ns[i].name);
    if (stat(path, &st) < 0)
      continue;
    n = xasprintf("%s%s\"%s-namespace\": %ju", out, sep, ns[i].name, (uintmax_t)st.st_ino);
    free(out);
    out = n;
  }
  {
    char *n = xasprintf("%s%s", out, pretty ? "\n}\n" : " }\n");
    free(out);
    out = n;
  }
  return out;
}

static void report_start(const struct plan *p, pid_t child, unsigned flags)
{
  if (p->info_fd >= 0) {
    _cleanup_free_ char *j = ns_json(child, flags, true);
    if (write_all(p->info_fd, j, strlen(j)) < 0)
      die_errno(errno, "Write to info_fd");
    close(p->info_fd);
  }
  if (p->json_status_fd >= 0) {
    _cleanup_free_ char *j = ns_json(child, flags, false);
    if (write_all(p->json_status_fd, j, strlen(j)) < 0)
      die_errno(errno, "Write to info_fd");
  }
}

/* The exit code goes out only if the command was exec'd: exactly one
 * byte in the pipe (none: set-up failed; two: exec failed). */
static void report_exit(const struct plan *p, int exec_rd, int code)
{
  char b[2];
  char *line;

  if (p->json_status_fd < 0 || exec_rd < 0 || read(exec_rd, b, sizeof b) != 1)
    return;
  line = xasprintf("{ \"exit-code\": %i }\n", code);
  (void)write_all(p->json_status_fd, line, strlen(line));
  free(line);
  close(p->json_status_fd);
}

/* --seccomp / --add-seccomp-fd: raw BPF programs, read in the parent. */
static void read_caller_filters(const struct plan *p, struct caller_filters *cf)
{
  int fds[65];
  size_t n = 0;

  if (p->seccomp_fd >= 0)
    fds[n++] = p->seccomp_fd;
  for (size_t i = 0; i < p->n_add_seccomp_fds && n < ELEMENTSOF(fds) - 1; i++)
    fds[n++] = p->add_seccomp_fds[i];
  for (size_t i = 0; i < n && cf->n < ELEMENTSOF(cf->prog); i++) {
    char *buf;
    size_t len;
    int r = read_all(fds[i], &buf, &len);

    if (r < 0)
      die_errno(-r, "Can't read seccomp data");
    if (len % 8 != 0 || len == 0)
      die("Invalid seccomp data, must be multiple of 8");
    close(fds[i]);
    cf->prog[cf->n] = (struct sock_filter *)buf;
    cf->len[cf->n++] = len / 8;
  }
}

static void join_namespaces(const struct plan *p)
{
  if (p->userns_fd >= 0 && setns(p->userns_fd, CLONE_NEWUSER) < 0) {
    if (errno == EINVAL)
      die("Joining the specified user namespace failed, it might not be a descendant of the "
          "current user namespace.");
    die_errno(errno, "Joining specified user namespace failed");
  }
  /* Children are created in that pid namespace (nested, if also
   * --unshare-pid); the pid clone returns is still ours to report. */
  if (p->pidns_fd >= 0 && setns(p->pidns_fd, CLONE_NEWPID) < 0)
    die_errno(errno, "Setting pidns failed");
}

/* The monitor keeps nothing of the caller's it does not need: the sync
 * fd must close when the sandbox (init) ends, not when we do. */
static void close_caller_fds(const struct plan *p)
{
  const int fds[] = {p->sync_fd,   p->block_fd,   p->userns_block_fd,
                     p->userns_fd, p->userns2_fd, p->pidns_fd};

  for (size_t i = 0; i < ELEMENTSOF(fds); i++)
    if (fds[i] > 2)
      close(fds[i]);
  for (size_t i = 0; i < p->n_ops; i++)
    if (p->ops[i].fd > 2)
      close(p->ops[i].fd);
}

/* Host root under a profile: the sandbox gets an unprivileged host uid
 * (uid 0 of its own user namespace; --uid in a nested one, as for
 * devpts), its writable binds idmapped so that what it writes is root's on
 * disk. A writable mount that cannot be idmapped keeps today's identity,
 * said in one line. */
static void prepare_identity(struct child_ctx *c)
{
  const char *path;

  c->maps_sock[0] = c->maps_sock[1] = -1;
  if (!idmap_wanted(c->plan, c->real_uid, c->userns) || !idmap_host_id_available())
    return;
  if ((path = idmap_unmappable(c->plan))) {
    warnx_("%s: a writable mount that cannot be idmapped: the sandbox keeps the caller's uid 0",
           path);
    return;
  }
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, c->maps_sock) < 0)
    die_errno(errno, "socketpair()");
  c->trees = xcalloc(c->plan->n_ops ? c->plan->n_ops : 1, sizeof *c->trees);
  for (size_t i = 0; i < c->plan->n_ops; i++)
    c->trees[i] = -1;
  c->ns_uid = c->ns_gid = 0;
  c->drop_root = true;
}

/* Maps the sandbox and hands it its idmapped binds. False when a file
 * system refuses idmapping: the sandbox, still waiting for its maps, is
 * gone then, and the caller starts it again with today's identity. */
static bool hand_over_identity(struct child_ctx *c, pid_t child, pid_t waiter)
{
  const char *refused = NULL;
  int r = idmap_write_maps(child, c->ns_uid, c->ns_gid);

  if (r < 0)
    die_errno(-r, "setting up uid map");
  r = idmap_send_trees(c->plan, child, c->maps_sock[1], &refused);
  if (r < 0 && !refused)
    die_errno(-r, "Can't hand the writable binds over to the sandbox");
  close(c->maps_sock[0]);
  close(c->maps_sock[1]);
  c->maps_sock[0] = c->maps_sock[1] = -1;
  free(c->trees);
  c->trees = NULL;
  if (r == 0) {
    idmap_share_pipes();
    return true;
  }
  warnx_("%s: no idmapped mount here (%s): the sandbox keeps the caller's uid 0", refused,
         strerror(-r));
  kill(child, SIGKILL);
  while (waitpid(waiter, NULL, 0) < 0 && errno == EINTR)
    ;
  c->drop_root = false;
  c->ns_uid = c->plain_ns_uid;
  c->ns_gid = c->plain_ns_gid;
  return false;
}

/* A raw clone, like fork, but entering the namespaces in one step; with a
 * cgroup, clone3 puts the child there before it runs a single instruction. */
static pid_t spawn(unsigned flags, int cgroup_fd)
{
  struct clone_args args = {
      .flags = flags | CLONE_INTO_CGROUP, .exit_signal = SIGCHLD, .cgroup = (uint64_t)cgroup_fd};

  if (cgroup_fd < 0)
    return (pid_t)syscall(SYS_clone, (unsigned long)(flags | SIGCHLD), NULL, NULL, NULL, NULL);
  return (pid_t)syscall(SYS_clone3, &args, sizeof args);
}

static _noreturn_ void start_child(struct child_ctx *c, int alive[2], int exec_pipe[2])
{
  close(alive[1]);
  if (c->ready_wr >= 0)
    close(take_fd(&c->ready_wr));
  if (c->maps_sock[1] >= 0)
    close(c->maps_sock[1]);
  if (c->net_peer >= 0)
    close(c->net_peer);
  /* init never execs: an fd it kept could be reopened, writable, through
   * /proc/1/fd by the command, which would then rewrite its own log. */
  if (c->net_log >= 0)
    close(c->net_log);
  if (exec_pipe[0] >= 0)
    close(exec_pipe[0]);
  c->alive_fd = alive[0];
  c->exec_fd = exec_pipe[1];
  child_main(c);
}

/* The kernel makes a pid namespace below a joined one (--pidns with
 * --unshare-pid) only for a process already inside the joined one: an
 * intermediate steps in, clones the sandbox and passes its status on. The
 * sandbox's pid as we see it comes from the intermediate's children list.
 * Returns the intermediate's pid; *ret_child is the sandbox's (0 in the
 * sandbox itself). */
static pid_t spawn_below_joined_pidns(struct child_ctx *c, unsigned flags, int cgroup_fd,
                                      int alive[2], int exec_pipe[2], pid_t *ret_child)
{
  int ready[2];
  pid_t waiter, child;
  char path[64], b;
  _cleanup_fclose_ FILE *f = NULL;

  if (pipe2(ready, O_CLOEXEC) < 0)
    die_errno(errno, "pipe2()");
  waiter = fork();
  if (waiter < 0)
    die_errno(errno, "Can't fork for --pidns");
  if (waiter == 0) {
    int st;

    close(ready[0]);
    if (c->plan->die_with_parent)
      (void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    child = spawn(flags, cgroup_fd);
    if (child < 0)
      die_clone(errno, c->userns);
    if (child == 0) {
      close(ready[1]);
      *ret_child = 0;
      start_child(c, alive, exec_pipe);
    }
    close(alive[0]);
    close(alive[1]);
    /* The sandbox must see EOF on its host-ready pipe if we die. */
    if (c->ready_wr >= 0)
      close(take_fd(&c->ready_wr));
    (void)!write(ready[1], "x", 1);
    while (waitpid(child, &st, 0) < 0)
      if (errno != EINTR)
        _exit(1);
    _exit(exit_status_of(st));
  }
  close(ready[1]);
  if (read(ready[0], &b, 1) != 1) {
    /* the intermediate could not clone; its message is out already */
    int st;
    waitpid(waiter, &st, 0);
    exit(exit_status_of(st));
  }
  close(ready[0]);
  /* Our child's pid as we see it (the intermediate's own clone names it in
   * the joined namespace). The sandbox waits for the monitor's byte
   * (wait_go), so it cannot have been reaped yet. */
  snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)waiter, (int)waiter);
  f = fopen(path, "re");
  if (!f || fscanf(f, "%d", &child) != 1)
    die_errno(errno ? errno : EIO, "Can't find the sandbox's pid under --pidns");
  *ret_child = child;
  return waiter;
}

/* Every fd the caller named must be open before we create our own: a
 * closed number could otherwise land on one of ours (and --file would read
 * our own pipe forever). */
static void check_caller_fds(const struct plan *p)
{
  const struct {
    int fd;
    const char *opt;
  } fds[] = {{p->info_fd, "--info-fd"},    {p->json_status_fd, "--json-status-fd"},
             {p->block_fd, "--block-fd"},  {p->userns_block_fd, "--userns-block-fd"},
             {p->sync_fd, "--sync-fd"},    {p->userns_fd, "--userns"},
             {p->userns2_fd, "--userns2"}, {p->pidns_fd, "--pidns"},
             {p->seccomp_fd, "--seccomp"}};

  for (size_t i = 0; i < ELEMENTSOF(fds); i++)
    if (fds[i].fd >= 0 && fcntl(fds[i].fd, F_GETFD) < 0)
      die_errno(errno, "Can't use fd %d given to %s", fds[i].fd, fds[i].opt);
  for (size_t i = 0; i < p->n_add_seccomp_fds; i++)
    if (fcntl(p->add_seccomp_fds[i], F_GETFD) < 0)
      die_errno(errno, "Can't use fd %d given to --add-seccomp-fd", p->add_seccomp_fds[i]);
  for (size_t i = 0; i < p->n_ops; i++) {
    const struct op *op = &p->ops[i];
    if (op->fd < 0 || fcntl(op->fd, F_GETFD) >= 0)
      continue;
    if (op->type == OP_BIND_FD)
      die_errno(errno, "Can't find source path /proc/self/fd/%d", op->fd);
    die_errno(errno, "Can't write data to file %s", op->dest);
  }
}

/* Before the sandbox is made: where its protected entries sit (with the
 * submodules found on the host). The placeholders for the absent ones
 * come after clone (host_work). */
static void plan_guards(const struct plan *p, struct guards *gs)
{
  guards_plan(p, gs);
  guards_add_from_git(p, gs);
}

/* While the sandbox makes its namespaces: placeholders for the absent
 * protected entries (the sandbox's mount points), then the inventory of
 * the git directories that exist before the command (gitscan.c). */
static void host_work(const struct plan *p, struct child_ctx *c, struct gitscan *gs)
{
  placeholders_make(p, &c->guards);
  gitscan_begin(p, &c->guards, gs);
  if (c->lower_ucounts)
    ucounts_read(&c->ucounts);
  /* Smaller than PIPE_BUF: one atomic write. */
  if (write(c->ready_wr, &c->ucounts, sizeof c->ucounts) != sizeof c->ucounts)
    die_errno(errno, "write to the sandbox");
  close(take_fd(&c->ready_wr));
  close(take_fd(&c->ready_fd));
}

/* The kernel does not apply RLIMIT_NPROC to the host's root user (nor to
 * holders of CAP_SYS_RESOURCE there): for a root caller, a fork bomb in
 * strict ran past nproc=512. pids.max in a cgroup of the sandbox's own is
 * the bound that holds; without a pids controller, a warning says so. */
static void bound_root_nproc(const struct plan *p, struct sandbox_cgroup *cg)
{
  struct diag d = {0};
  rlim_t n = RLIM_INFINITY;

  for (size_t i = 0; i < p->n_rlimits; i++)
    if (p->rlimits[i].resource == RLIMIT_NPROC)
      n = p->rlimits[i].hard;
  if (n == RLIM_INFINITY)
    return;
  if (cgroup_root_pids(n ? (uint64_t)n : 1, cg, &d) < 0) {
    cgroup_destroy(cg);
    warnx_("rlimit nproc=%llu does not bind the host's root user, and no cgroup pids.max can "
           "stand in: %s",
           (unsigned long long)n, d.msg);
  }
}

/* Into the cgroup v1 while the child waits (wait_go); a child that died
 * in set-up meanwhile (ESRCH) is reported as usual, by wait. */
static void enter_cgroup_v1(struct sandbox_cgroup *cg, pid_t child)
{
  char pid[32];
  int n = snprintf(pid, sizeof pid, "%d", (int)child);

  if (write(cg->procs_fd, pid, (size_t)n) != n) {
    int err = errno;
    if (err == ESRCH)
      return;
    cgroup_destroy(cg);
    die_errno(err, "cannot move the sandbox into its pids cgroup");
  }
}

/* A byte that lets the child go on; if the monitor stops first, the
 * child reads EOF instead and stops too. A child that died in set-up
 * meanwhile is reported as usual, by wait: the byte must not kill us with
 * SIGPIPE (exit 141, a cgroup left behind). */
static void release_child(int alive_wr)
{
  struct sigaction ign = {.sa_handler = SIG_IGN}, old;

  sigaction(SIGPIPE, &ign, &old);
  (void)!write(alive_wr, "x", 1);
  sigaction(SIGPIPE, &old, NULL);
}

/* --net-allow: the channel the sandbox hands its listening sockets over,
 * and the --net-log file, opened as the caller. */
static void open_net_channel(const struct plan *p, struct child_ctx *c)
{
  int sv[2];

  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    die_errno(errno, "socketpair()");
  c->net_fd = sv[0];
  c->net_peer = sv[1];
  if (p->net_log &&
      (c->net_log = open(p->net_log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0644)) <
          0)
    die_errno(errno, "Can't open --net-log file %s", p->net_log);
}

static pid_t start_proxy(const struct plan *p, struct child_ctx *c, pid_t sandbox)
{
  pid_t pid;

  close(take_fd(&c->net_fd));
  pid = netproxy_start(p, c->net_peer, c->net_log, sandbox);
  if (pid < 0)
    die_errno(errno, "Can't fork the network proxy");
  close(take_fd(&c->net_peer));
  if (c->net_log >= 0)
    close(take_fd(&c->net_log));
  return pid;
}

/* No-namespace mode (nons.c): the host's tree, the command in a Landlock
 * domain mirroring the plan, the mode's own filter stacked last (the
 * kernel applies every filter). */
static void enter_nons(struct child_ctx *c, struct nons_run *nr, struct ll_plan *ll,
                       struct caller_filters *cf)
{
  const struct plan *p = c->plan;

  c->nons = nr;
  c->userns = c->pid_ns = false;
  /* No user namespace: no host id to move a root caller to. */
  if (c->drop_root) {
    c->drop_root = false;
    for (int i = 0; i < 2; i++)
      if (c->maps_sock[i] >= 0)
        close(take_fd(&c->maps_sock[i]));
    free(c->trees);
    c->trees = NULL;
  }
  c->need_init = (p->n_lock_files || p->sync_fd >= 0) && !p->as_pid_1;
  if (!c->need_init && c->status_fd >= 0) {
    close(c->status_fd);
    c->status_fd = -1;
  }
  landlock_plan_free(ll);
  nons_landlock(nr, ll);
  c->init_nondumpable = false;
  cf->prog[cf->n] = take_ptr(&nr->filter);
  cf->len[cf->n++] = nr->filter_len;
  /* Without a pid namespace, what the command leaves running comes to us
   * when its parent dies (a double fork, setsid and all). */
  if (p->kill_leftovers)
    (void)prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

int run_plan(const struct plan *p, const struct sc_compiled *filters)
{
  struct sandbox_cgroup cg = {.fd = -1, .procs_fd = -1};
  struct caller_filters caller = {.n = 0};
  struct ll_plan ll;
  struct child_ctx c = {.plan = p,
                        .filters = filters,
                        .alive_fd = -1,
                        .ready_fd = -1,
                        .ready_wr = -1,
                        .status_fd = -1,
                        .exec_fd = -1,
                        .net_fd = -1,
                        .net_peer = -1,
                        .net_log = -1,
                        .caller = &caller,
                        .ll = &ll,
                        .ll_fd = -1,
                        .pty = {.sock = -1, .master = -1, .slave = -1}};
  struct pty_relay *relay = NULL;
  int pty_sv[2] = {-1, -1};
  _cleanup_free_ char *pasta = NULL;
  pid_t proxy = -1, pasta_pid = -1;
  _cleanup_free_ char *cwd = getcwd(NULL, 0);
  struct nons_run *nons;
  struct gitscan gitscan;
  int alive[2], exec_pipe[2] = {-1, -1}, ready[2] = {-1, -1}, code;
  struct lazy_watchdog watchdog = {.fd = -1};
  unsigned flags;
  pid_t child, waiter;

  c.real_uid = getuid();
  c.real_gid = getgid();
  c.sandbox_uid = p->uid >= 0 ? (unsigned)p->uid : c.real_uid;
  c.sandbox_gid = p->gid >= 0 ? (unsigned)p->gid : c.real_gid;
  c.userns =
      p->userns_fd < 0 && ((p->ns & NS_USER) || ((p->ns_try & NS_USER) && ns_userns_available()));
  /* devpts refuses to mount in a user namespace whose root is unmapped:
   * map 0 first, switch to the asked ids in a nested one after set-up. */
  c.ns_uid = c.sandbox_uid;
  c.ns_gid = c.sandbox_gid;
  if (plan_needs_root_map(p) || p->disable_userns)
    c.ns_uid = c.ns_gid = 0;
  c.plain_ns_uid = c.ns_uid;
  c.plain_ns_gid = c.ns_gid;
  prepare_identity(&c);
  c.pid_ns = p->ns & NS_PID;
  c.need_init = (c.pid_ns || p->n_lock_files || p->sync_fd >= 0) && !p->as_pid_1;
  c.old_cwd = cwd;
  landlock_plan(p, landlock_abi(), &ll);
  c.init_nondumpable = p->used_profile && !landlock_plan_active(&ll);
  c.lower_ucounts = c.userns && p->used_profile;

  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    die_errno(errno, "prctl(PR_SET_NO_NEW_PRIVS) failed");
  if (p->die_with_parent && prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
    die_errno(errno, "prctl");
  check_caller_fds(p);
  read_caller_filters(p, &caller);
  nons = nons_start_early(p);
  if (nons)
    enter_nons(&c, nons, &ll, &caller);
  if (pipe2(alive, O_CLOEXEC) < 0)
    die_errno(errno, "pipe2()");
  if (p->json_status_fd >= 0 && pipe2(exec_pipe, O_CLOEXEC) < 0)
    die_errno(errno, "pipe2()");
  if (exec_pipe[0] >= 0)
    fcntl(exec_pipe[0], F_SETFL, O_NONBLOCK);
  if (c.need_init) {
    c.status_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (c.status_fd < 0)
      die_errno(errno, "eventfd()");
  }
  if (p->memory_max || p->pids_max) {
    struct diag d = {0};
    if (cgroup_create(p->memory_max, p->pids_max, &cg, &d) < 0) {
      cgroup_destroy(&cg);
      die("%s", d.msg);
    }
  } else if (c.real_uid == 0) {
    bound_root_nproc(p, &cg);
    c.wait_cgroup = cg.procs_fd >= 0;
  }
  /* (Below a joined pid namespace, the monitor finds the sandbox's pid in
   * /proc after the spawn: a short command must not be gone by then.) */
  c.wait_go = c.wait_cgroup || p->info_fd >= 0 || p->json_status_fd >= 0 ||
              (p->pidns_fd >= 0 && (p->ns & NS_PID)) || desktop_must_wait();
  if (p->net_private && !(pasta = netprivate_find_pasta()))
    die("--net-private needs pasta (Debian package passt), which is not in PATH");
  if (p->n_net_allow || p->net_private)
    open_net_channel(p, &c);
  join_namespaces(p);
  plan_guards(p, &c.guards);
  gitscan = (struct gitscan){0};
  if ((p->used_profile || c.guards.n > 0) && pipe2(ready, O_CLOEXEC) < 0)
    die_errno(errno, "pipe2()");
  c.ready_fd = ready[0];
  c.ready_wr = ready[1];
  if (p->pty > 0 && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pty_sv) < 0)
    die_errno(errno, "socketpair()");
  c.pty.sock = pty_sv[1];

  block_forwarded(&c.sigmask);
  install_forwarding();
  flags = nons ? 0 : clone_flags(&c, p);
  /* Not when the namespace must exist as soon as clone returns: reported
   * to the caller (--info-fd), or joined by pasta (--net-private). */
  c.late_net = (flags & CLONE_NEWNET) && (flags & CLONE_NEWUSER) && c.ready_wr >= 0 &&
               p->info_fd < 0 && p->json_status_fd < 0 && !p->net_private && p->userns_block_fd < 0;
  if (c.late_net)
    flags &= ~(unsigned)CLONE_NEWNET;
  do {
    if (p->pidns_fd >= 0 && (flags & CLONE_NEWPID))
      waiter = spawn_below_joined_pidns(&c, flags, cg.fd, alive, exec_pipe, &child);
    else
      child = waiter = spawn(flags, cg.fd);
    if (child < 0 && !nons) {
      /* Refused here (a container's filter, a sysctl, a chroot): a profile
       * run falls back, at no cost where namespaces work. */
      int err = errno;
      if ((nons = nons_start_refused(p, err, c.userns))) {
        enter_nons(&c, nons, &ll, &caller);
        child = waiter = spawn(flags = 0, cg.fd);
      }
      errno = nons ? errno : err;
    }
    if (child < 0)
      die_clone(errno, c.userns);
    if (child == 0)
      start_child(&c, alive, exec_pipe);
  } while (c.drop_root && !hand_over_identity(&c, child, waiter));
  close(alive[0]);
  if (c.ready_wr >= 0)
    host_work(p, &c, &gitscan);
  /* Its after-run work must happen even if we are killed (with a pid
   * namespace, whose end says that nothing of the sandbox runs on: the
   * watchdog watches its pid 1 itself, not an intermediate below a joined
   * one, which dies with us a moment before it). */
  watchdog =
      (struct lazy_watchdog){.armed = p->kill_leftovers && !nons && (gitscan.n || c.guards.n),
                             .sandbox = child,
                             .gs = &gitscan,
                             .fd = -1};
  if (p->learn)
    learn_start(p->learn);
  if (c.wait_cgroup)
    enter_cgroup_v1(&cg, child);
  if (exec_pipe[1] >= 0)
    close(exec_pipe[1]);
  if (c.net_fd >= 0 && p->n_net_allow)
    proxy = start_proxy(p, &c, child);
  else if (c.net_fd >= 0)
    close(take_fd(&c.net_fd));
  forward_to = child;
  close_caller_fds(p);
  report_start(p, child, flags);
  /* The D-Bus proxy started while the sandbox set itself up: the command
   * starts once it listens. */
  desktop_wait(child);
  if (c.wait_go)
    release_child(alive[1]);
  if (pasta) {
    netprivate_attach(pasta, c.net_peer, child, &pasta_pid);
    close(take_fd(&c.net_peer));
  }
  sigprocmask(SIG_SETMASK, &c.sigmask, NULL);
  if (pty_sv[0] >= 0) {
    close(pty_sv[1]);
    relay = pty_relay_start(pty_sv[0]);
  }
  code = wait_command(waiter, child, c.status_fd, p->timeout, &watchdog);
  if (nons && p->kill_leftovers)
    nons_kill_leftovers();
  /* The command is done; with kill-leftovers init is on its way out and
   * takes the namespace along: wait, so that nothing outlives us. With
   * --net-private, pasta serves the namespace until the sandbox is gone,
   * and then goes too: wait for that as well. */
  if (p->kill_leftovers || cg.path || pasta_pid > 0)
    while (waitpid(waiter, NULL, 0) < 0 && errno == EINTR)
      ;
  pty_relay_stop(relay);
  /* The sandbox is gone (or left running, bwrap's way): the proxy follows
   * it on its own; when it is gone, reap the proxy before returning. */
  netprivate_stop(pasta_pid);
  if (proxy > 0 && (p->kill_leftovers || cg.path)) {
    kill(proxy, SIGKILL);
    while (waitpid(proxy, NULL, 0) < 0 && errno == EINTR)
      ;
  }
  cgroup_destroy(&cg);
  /* Only with the sandbox gone: its mounts on them are gone with it. */
  if (p->kill_leftovers || cg.path) {
    placeholders_remove();
    gitscan_finish(&gitscan);
  }
  watchdog_release(watchdog.fd);
  report_exit(p, exec_pipe[0], code);
  for (size_t i = 0; i < caller.n; i++)
    free(caller.prog[i]);
  landlock_plan_free(&ll);
  guards_free(&c.guards);
  nons_finish(nons);
  return code;
}
