/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "check.h"

#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "cgroup.h"
#include "landlock.h"
#include "nons.h"
#include "ns.h"
#include "profile.h"
#include "util.h"

/* Each probe runs in a child of its own, so that nothing it changes (a
 * namespace, a mount, a filter) reaches this process or the host; it
 * returns 0 or an errno. */
typedef int (*probe_fn)(void);

struct result {
  int err;  /* 0: works */
  int sig;  /* the probe was killed by this signal (a filter's kill) */
  bool ran; /* fork worked */
};

static void run_probe(probe_fn fn, struct result *r)
{
  int st;
  pid_t pid = fork();

  *r = (struct result){0};
  if (pid < 0)
    return;
  if (pid == 0)
    _exit(fn() & 0xff);
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR)
      return;
  r->ran = true;
  if (WIFSIGNALED(st))
    r->sig = WTERMSIG(st);
  else
    r->err = WEXITSTATUS(st);
}

static bool works(const struct result *r)
{
  return r->ran && !r->err && !r->sig;
}

/* A user namespace with our ids mapped to root, as the sandbox makes. */
static int enter_userns(void)
{
  uid_t uid = getuid();
  gid_t gid = getgid();
  _cleanup_close_ int proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
  int r;

  if (proc < 0)
    return errno;
  if (unshare(CLONE_NEWUSER) < 0)
    return errno;
  r = ns_write_uid_map(proc, 0, uid);
  if (r == 0)
    r = ns_write_gid_map(proc, 0, gid);
  return -r;
}

static int in_userns_unshare(int flag)
{
  int r = enter_userns();
  return r ? r : unshare(flag) < 0 ? errno : 0;
}

static int p_userns(void)
{
  return enter_userns();
}
static int p_mnt(void)
{
  return in_userns_unshare(CLONE_NEWNS);
}
static int p_pid(void)
{
  return in_userns_unshare(CLONE_NEWPID);
}
static int p_net(void)
{
  return in_userns_unshare(CLONE_NEWNET);
}
static int p_ipc(void)
{
  return in_userns_unshare(CLONE_NEWIPC);
}
static int p_uts(void)
{
  return in_userns_unshare(CLONE_NEWUTS);
}
static int p_cgroup(void)
{
  return in_userns_unshare(CLONE_NEWCGROUP);
}

/* A private mount namespace with a tmpfs on /tmp: where the other mount
 * probes work (the host's /tmp is only covered in the child's copy). */
static int private_tmp(void)
{
  int r = in_userns_unshare(CLONE_NEWNS);

  if (r)
    return r;
  if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0 ||
      mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
    return errno;
  return 0;
}

static int p_mount(void)
{
  return private_tmp();
}

static int p_loopback(void)
{
  int r = in_userns_unshare(CLONE_NEWNET);
  return r ? r : -ns_loopback_up();
}

static int p_overlay(void)
{
  int r = private_tmp();

  if (r)
    return r;
  if (mkdir("/tmp/l", 0755) < 0 || mkdir("/tmp/u", 0755) < 0 || mkdir("/tmp/w", 0755) < 0 ||
      mkdir("/tmp/m", 0755) < 0)
    return errno;
  if (mount("overlay", "/tmp/m", "overlay", 0,
            "lowerdir=/tmp/l,upperdir=/tmp/u,workdir=/tmp/w,userxattr") < 0)
    return errno;
  return 0;
}

static int p_pivot_root(void)
{
  int r = private_tmp();

  if (r)
    return r;
  if (mkdir("/tmp/old", 0755) < 0)
    return errno;
  return syscall(SYS_pivot_root, "/tmp", "/tmp/old") < 0 ? errno : 0;
}

static int p_seccomp(void)
{
  struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  struct sock_fprog prog = {.len = 1, .filter = &allow};

  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return errno;
  return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0 ? errno : 0;
}

static const char *why(int err)
{
  switch (err) {
  case EPERM:
    return "EPERM: refused (a container's seccomp profile, AppArmor, or a sysctl)";
  case ENOSPC:
    return "ENOSPC: user.max_*_namespaces is 0 or used up";
  case EINVAL:
    return "EINVAL: not supported here (pivot_root: an initramfs root?)";
  case EACCES:
    return "EACCES: refused";
  default:
    return strerror(err);
  }
}

/* Runs the probe and prints its line. */
static void probe_line(FILE *out, const char *what, probe_fn fn, struct result *r)
{
  run_probe(fn, r);
  if (!r->ran)
    fprintf(out, "  %-26s unknown (fork failed)\n", what);
  else if (r->sig)
    fprintf(out, "  %-26s no (killed by signal %d: a seccomp filter?)\n", what, r->sig);
  else if (r->err)
    fprintf(out, "  %-26s no (%s)\n", what, why(r->err));
  else
    fprintf(out, "  %-26s yes\n", what);
}

static int seccomp_mode(void)
{
  _cleanup_fclose_ FILE *f = fopen("/proc/self/status", "re");
  char buf[256];
  int mode = -1;

  while (f && fgets(buf, sizeof buf, f))
    if (sscanf(buf, "Seccomp: %d", &mode) == 1)
      break;
  return mode;
}

static void landlock_line(FILE *out)
{
  static const char *const features[] = {
      "",    "files",         "rename across directories",    "truncate",
      "tcp", "device ioctls", "abstract sockets and signals", "audit"};
  int abi = landlock_abi();

  if (abi <= 0) {
    fprintf(out, "  %-26s no (kernel without Landlock, or disabled)\n", "landlock");
    return;
  }
  fprintf(out, "  %-26s ABI %d:", "landlock", abi);
  for (int i = 1; i <= abi && i < (int)ELEMENTSOF(features); i++)
    fprintf(out, "%s %s", i > 1 ? "," : "", features[i]);
  fputc('\n', out);
}

/* cgroup v2: the caller's own cgroup, and whether it may make children
 * there (--memory-max, --pids-max). */
static void cgroup_line(FILE *out)
{
  _cleanup_free_ char *dir = cgroup_own_dir();
  _cleanup_close_ int dfd = -1;
  _cleanup_close_ int fd = -1;
  char ctl[256] = "";
  ssize_t n;

  if (!dir) {
    fprintf(out, "  %-26s no (no cgroup v2 hierarchy here)\n", "cgroup delegation");
    return;
  }
  if (access(dir, W_OK) < 0) {
    fprintf(out,
            "  %-26s no (%s is not writable: run under systemd-run --user --scope -p "
            "Delegate=yes)\n",
            "cgroup delegation", dir);
    return;
  }
  dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  fd = dfd >= 0 ? openat(dfd, "cgroup.controllers", O_RDONLY | O_CLOEXEC) : -1;
  n = fd >= 0 ? read(fd, ctl, sizeof ctl - 1) : -1;
  ctl[n > 0 ? n : 0] = '\0';
  ctl[strcspn(ctl, "\n")] = '\0';
  fprintf(out, "  %-26s yes (%s; controllers: %s)\n", "cgroup delegation", dir,
          *ctl ? ctl : "none");
}

/* Without user namespaces: what the no-namespace mode makes of it. */
static void nons_line(FILE *out, const char *name, const struct plan *p)
{
  struct nons_plan np;
  struct diag d = {0};

  if (landlock_abi() <= 0) {
    fprintf(out, "  %-14s would fail: needs user and mount namespaces, or Landlock\n", name);
    return;
  }
  if (nons_plan(p, &np, &d) < 0) {
    fprintf(out, "  %-14s would fail: no user namespaces, and %s\n", name, d.msg);
    return;
  }
  fprintf(out,
          "  %-14s runs without namespaces (Landlock and seccomp; --explain shows what differs)\n",
          name);
  nons_plan_free(&np);
}

/* What each built-in profile needs of the above. */
static void profile_lines(FILE *out, const struct result *net_lo, const struct result *pid,
                          const struct result *base, const struct result *overlay)
{
  for (size_t i = 0; i < n_builtin_profiles; i++) {
    struct plan p;
    struct diag d = {0};
    const char *missing = NULL;
    struct ll_plan ll;

    plan_init(&p);
    p.penv = &profile_env_real;
    if (profile_apply_named(&p, builtin_profiles[i].name, p.penv, NULL, &d) < 0) {
      fprintf(out, "  %-14s cannot be read here: %s\n", builtin_profiles[i].name, d.msg);
      plan_free(&p);
      continue;
    }
    if (!works(base)) {
      nons_line(out, builtin_profiles[i].name, &p);
      plan_free(&p);
      continue;
    } else if ((p.ns & NS_NET) && !works(net_lo))
      missing = "a network namespace with loopback";
    else if ((p.ns & NS_PID) && !works(pid))
      missing = "a pid namespace";
    for (size_t j = 0; !missing && j < p.n_ops; j++)
      if (p.ops[j].type == OP_OVERLAY && !works(overlay))
        missing = "overlayfs in a user namespace";
    landlock_plan(&p, landlock_abi(), &ll);
    if (missing)
      fprintf(out, "  %-14s would fail: needs %s\n", builtin_profiles[i].name, missing);
    else
      fprintf(out, "  %-14s runs; Landlock: %s%s%s\n", builtin_profiles[i].name,
              !landlock_plan_active(&ll) ? "none (pid 1 made non-dumpable)"
              : ll.fs                    ? "files"
                                         : "scopes only",
              ll.net ? ", no tcp" : "", ll.scope & LL_SCOPE_ABSTRACT_UNIX ? ", scoped" : "");
    landlock_plan_free(&ll);
    plan_free(&p);
  }
}

int check_environment(FILE *out)
{
  static const struct {
    const char *what;
    probe_fn fn;
  } ns[] = {{"mount namespace", p_mnt}, {"pid namespace", p_pid}, {"network namespace", p_net},
            {"ipc namespace", p_ipc},   {"uts namespace", p_uts}, {"cgroup namespace", p_cgroup}};
  struct result userns, mount_r, lo, pid = {0}, overlay, other;
  int mode = seccomp_mode();

  fprintf(out, "sandbox --check: this host, as uid %u\n", (unsigned)getuid());
  probe_line(out, "user namespace", p_userns, &userns);
  for (size_t i = 0; i < ELEMENTSOF(ns); i++)
    probe_line(out, ns[i].what, ns[i].fn, ns[i].fn == p_pid ? &pid : &other);
  probe_line(out, "mounts in a user namespace", p_mount, &mount_r);
  probe_line(out, "loopback in a network ns", p_loopback, &lo);
  probe_line(out, "overlayfs in a user ns", p_overlay, &overlay);
  probe_line(out, "pivot_root", p_pivot_root, &other);
  probe_line(out, "seccomp filters", p_seccomp, &other);
  if (mode > 0)
    fprintf(out, "  %-26s mode %d: already filtered (a container's or an outer sandbox's)\n",
            "seccomp on this process", mode);
  landlock_line(out);
  cgroup_line(out);
  fprintf(out, "profiles:\n");
  profile_lines(out, &lo, &pid, &mount_r, &overlay);
  return works(&userns) && works(&mount_r) ? 0 : 1;
}
