/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the compiled policies decide, checked on the BPF itself with an
 * interpreter: no kernel, no fork. */
#include <linux/personality.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "bpf-sim.h"
#include "memenv.h"
#include "policy.h"
#include "tap.h"

#define ERRNO(e) (SECCOMP_RET_ERRNO | (e))
#define ALLOW    SECCOMP_RET_ALLOW

static struct sc_compiled compiled;
static const char *extra_arch; /* --syscall-arch, when set */

static int load_policy(const char *profile, const char *const *rules)
{
  static const struct memfile none[] = {{NULL, NULL}};
  struct memenv m = {none, default_vars};
  struct profile_env env = {mem_load, mem_getvar, &m};
  struct plan p;
  struct diag d = {0};
  int r = 0;

  plan_init(&p);
  p.penv = &env;
  if (profile)
    r = profile_apply_named(&p, profile, &env, NULL, &d);
  if (r == 0 && extra_arch)
    r = sc_policy_add_arch(&p.sc, extra_arch, &d);
  for (size_t i = 0; r == 0 && rules && rules[i]; i++) {
    struct origin o = {"test", (unsigned)i + 1, 1};
    r = sc_policy_add_rule(&p.sc, rules[i], &o, &d);
  }
  sc_compiled_free(&compiled);
  if (r == 0)
    r = sc_compile(&p.sc, &compiled, &d);
  if (r < 0)
    printf("# %s:%u:%u: %s\n", d.where.file ? d.where.file : "-", d.where.line, d.where.col, d.msg);
  plan_free(&p);
  return r;
}

static uint32_t decide_arch(uint32_t arch, int nr, uint64_t a0, uint64_t a1)
{
  struct seccomp_data sd = {.nr = nr, .arch = arch, .args = {a0, a1}};
  return bpf_sim_stack(compiled.prog, compiled.len, compiled.n, &sd);
}

static uint32_t decide(int nr, uint64_t a0, uint64_t a1)
{
  return decide_arch(AUDIT_ARCH_X86_64, nr, a0, a1);
}

static void test_default(void)
{
  ok(load_policy("default", NULL) == 0, "default compiles");
  ok(compiled.n == 1, "default is a single program (exportable to bwrap)");
  ok(decide(SYS_getppid, 0, 0) == ALLOW, "getppid allowed");
  ok(decide(SYS_read, 0, 0) == ALLOW, "read allowed");
  ok(decide(999, 0, 0) == ERRNO(ENOSYS), "unknown syscall number: ENOSYS, not EPERM");
  ok(decide(0x40000000 | SYS_getppid, 0, 0) == ERRNO(ENOSYS), "x32 numbers: ENOSYS");
  ok(decide(400, 0, 0) == ERRNO(ENOSYS), "a number in the table's gap: ENOSYS");
  ok(decide(SYS_pidfd_open, 0, 0) == ALLOW, "a number past the gap (pidfd_open): allowed");
  ok(decide_arch(AUDIT_ARCH_I386, 20, 0, 0) == ERRNO(ENOSYS), "foreign architecture: ENOSYS");
  ok(decide(SYS_clone3, 0, 0) == ERRNO(ENOSYS), "clone3: ENOSYS so libc falls back");
  ok(decide(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0) == ERRNO(EPERM), "clone(CLONE_NEWUSER) denied");
  ok(decide(SYS_clone, CLONE_NEWNS, 0) == ERRNO(EPERM), "clone(CLONE_NEWNS) denied");
  ok(decide(SYS_clone, SIGCHLD, 0) == ALLOW, "fork-like clone allowed");
  ok(decide(SYS_clone, CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD, 0) ==
         ALLOW,
     "thread clone allowed");
  ok(decide(SYS_unshare, CLONE_NEWUSER, 0) == ERRNO(EPERM), "unshare denied");
  ok(decide(SYS_setns, 0, 0) == ERRNO(EPERM), "setns denied");
  ok(decide(SYS_mount, 0, 0) == ERRNO(EPERM), "mount denied");
  ok(decide(SYS_open_tree, 0, 0) == ERRNO(ENOSYS), "open_tree: ENOSYS");
  ok(decide(SYS_fsopen, 0, 0) == ERRNO(ENOSYS), "fsopen: ENOSYS");
  ok(decide(SYS_keyctl, 0, 0) == ERRNO(EPERM), "keyctl denied");
  ok(decide(SYS_bpf, 0, 0) == ERRNO(EPERM), "bpf denied");
  ok(decide(SYS_perf_event_open, 0, 0) == ERRNO(EPERM), "perf_event_open denied");
  ok(decide(SYS_userfaultfd, 0, 0) == ERRNO(EPERM), "userfaultfd denied");
  ok(decide(SYS_io_uring_setup, 0, 0) == ERRNO(ENOSYS), "io_uring_setup: ENOSYS");
  ok(decide(SYS_init_module, 0, 0) == ERRNO(EPERM), "init_module denied");
  ok(decide(SYS_kexec_load, 0, 0) == ERRNO(EPERM), "kexec_load denied");
  ok(decide(SYS_open_by_handle_at, 0, 0) == ERRNO(EPERM), "open_by_handle_at denied");
  ok(decide(SYS_ioctl, 0, TIOCSTI) == ERRNO(EPERM), "ioctl TIOCSTI denied");
  ok(decide(SYS_ioctl, 0, 0x100000000ULL | TIOCSTI) == ERRNO(EPERM),
     "ioctl TIOCSTI with high bits set denied (the kernel truncates to int)");
  ok(decide(SYS_ioctl, 0, TIOCLINUX) == ERRNO(EPERM), "ioctl TIOCLINUX denied");
  ok(decide(SYS_ioctl, 0, TCGETS) == ALLOW, "ioctl TCGETS allowed");
  ok(decide(SYS_personality, PER_LINUX, 0) == ALLOW, "personality(PER_LINUX) allowed");
  ok(decide(SYS_personality, ADDR_NO_RANDOMIZE, 0) == ERRNO(EPERM),
     "personality(ADDR_NO_RANDOMIZE) denied");
  ok(decide(SYS_socket, AF_UNIX, 0) == ALLOW, "socket(AF_UNIX) allowed");
  ok(decide(SYS_socket, AF_INET6, 0) == ALLOW, "socket(AF_INET6) allowed");
  ok(decide(SYS_socket, AF_NETLINK, 0) == ALLOW, "socket(AF_NETLINK) allowed");
  ok(decide(SYS_socket, AF_VSOCK, 0) == ERRNO(EAFNOSUPPORT), "socket(AF_VSOCK) refused");
  ok(decide(SYS_socket, AF_PACKET, 0) == ERRNO(EAFNOSUPPORT), "socket(AF_PACKET) refused");
  ok(decide(SYS_socket, 0x100000000ULL | AF_INET, 0) == ERRNO(EAFNOSUPPORT),
     "socket family with high bits refused");
}

static void test_strict(void)
{
  ok(load_policy("strict", NULL) == 0, "strict compiles");
  ok(decide(SYS_getppid, 0, 0) == ALLOW, "strict: getppid allowed");
  ok(decide(SYS_execve, 0, 0) == ALLOW, "strict: execve allowed");
  ok(decide(SYS_wait4, 0, 0) == ALLOW, "strict: wait4 allowed (init needs it)");
  ok(decide(SYS_socket, AF_INET, 0) == ERRNO(EPERM), "strict: socket(AF_INET) denied");
  ok(decide(SYS_socket, AF_UNIX, 0) == ALLOW, "strict: socket(AF_UNIX) allowed");
  ok(decide(SYS_ioctl, 0, TIOCSTI) == ERRNO(EPERM), "strict: TIOCSTI denied");
  ok(decide(SYS_ioctl, 0, TCGETS) == ALLOW, "strict: TCGETS allowed");
  ok(decide(SYS_ptrace, 0, 0) == ERRNO(EPERM), "strict: ptrace denied");
  ok(decide(SYS_mount, 0, 0) == ERRNO(EPERM), "strict: mount denied");
  ok(decide(999, 0, 0) == ERRNO(ENOSYS), "strict: unknown syscall ENOSYS");
  ok(decide(SYS_clone, CLONE_NEWUSER, 0) != ALLOW, "strict: clone(CLONE_NEWUSER) not allowed");
  ok(decide(SYS_clone, SIGCHLD, 0) == ALLOW, "strict: fork-like clone allowed");
}

static void test_precedence(void)
{
  static const char *const loosen[] = {"ioctl allow", NULL};
  static const char *const tighten[] = {"getppid errno(EACCES)", NULL};
  static const char *const stacked[] = {"ioctl allow", "ioctl errno(EPERM) if a1 == TIOCSTI", NULL};
  static const char *const looser[] = {"ioctl errno(EPERM)", "ioctl allow if a1 == TCGETS",
                                       "ioctl kill", NULL};
  static const char *const bad[] = {"getppid errno(EACCES)", "getppid allow if a0 == 1", NULL};

  ok(load_policy("default", loosen) == 0, "default + ioctl allow compiles");
  ok(decide(SYS_ioctl, 0, TIOCSTI) == ALLOW, "a later unconditional rule replaces exceptions");
  ok(load_policy("default", tighten) == 0, "default + getppid errno compiles");
  ok(decide(SYS_getppid, 0, 0) == ERRNO(EACCES), "a later rule tightens one syscall");
  ok(decide(SYS_getpid, 0, 0) == ALLOW, "others unchanged");

  ok(load_policy("strict", stacked) == 0, "strict + allow ioctl except TIOCSTI compiles");
  ok(compiled.n == 2, "a stricter exception on a non-default action needs a second filter");
  ok(decide(SYS_ioctl, 0, TIOCSTI) == ERRNO(EPERM), "stacked: TIOCSTI denied");
  ok(decide(SYS_ioctl, 0, FIONREAD) == ALLOW, "stacked: other ioctls allowed");
  ok(decide(999, 0, 0) == ERRNO(ENOSYS), "stacked: unknown syscalls still ENOSYS");

  ok(load_policy(NULL, looser) == 0, "a later unconditional kill drops earlier exceptions");
  ok(decide(SYS_ioctl, 0, TCGETS) == SECCOMP_RET_KILL_PROCESS, "ioctl is killed");

  ok(load_policy("strict", bad) < 0, "a looser exception on a non-default action is refused");
}

/* A policy too large to compile in reasonable time is refused before
 * libseccomp sees it: conditions count once per syscall a rule names. */
static void test_size_limits(void)
{
  char big[512], *at = big;
  const char *rules[] = {"ioctl errno(EPERM) if a1 == 7", big, NULL};

  at += sprintf(at, "@file-system errno(EPERM) if a1 == 0");
  for (int i = 1; i < 20; i++)
    at += sprintf(at, " || a1 == %d", i);
  ok(load_policy(NULL, rules) == -E2BIG, "20 alternatives on @file-system: too large");
  rules[1] = "@file-system errno(EPERM) if a1 == 0 || a1 == 1";
  ok(load_policy(NULL, rules) == 0, "2 alternatives on @file-system: compiles");
  ok(decide(SYS_openat, 0, 1) == ERRNO(EPERM) && decide(SYS_openat, 0, 5) == ALLOW, "and decides");
}

/* i386 numbers, from the x86-64 process's point of view (int 0x80). */
#define I386_SOCKETCALL  102
#define I386_SOCKET      359
#define I386_PERSONALITY 136
#define I386_GETPPID     64
#define I386_STATMOUNT   457

/* Every stacked program covers an added architecture, and it behaves like
 * the native one for every rule. */
static void test_foreign_arch(void)
{
  static const char *const pers[] = {
      "personality allow",
      "personality errno(EPERM) if a0 & ADDR_NO_RANDOMIZE == ADDR_NO_RANDOMIZE", NULL};

  extra_arch = "x86";
  ok(load_policy("strict", pers) == 0, "strict + x86 compiles");
  ok(compiled.n == 2, "strict + a stricter condition: two programs");
  ok(decide(SYS_personality, ADDR_NO_RANDOMIZE, 0) == ERRNO(EPERM),
     "x86_64: the stricter condition holds");
  ok(decide_arch(AUDIT_ARCH_I386, I386_PERSONALITY, ADDR_NO_RANDOMIZE, 0) == ERRNO(EPERM),
     "i386: the second program's condition holds too");
  ok(decide_arch(AUDIT_ARCH_I386, I386_PERSONALITY, 0, 0) == ALLOW,
     "i386: personality(PER_LINUX) allowed");
  ok(decide_arch(AUDIT_ARCH_I386, I386_GETPPID, 0, 0) == ALLOW, "i386: getppid allowed");
  ok(decide_arch(AUDIT_ARCH_I386, I386_SOCKET, AF_UNIX, 0) == ALLOW, "i386: socket(AF_UNIX)");
  ok(decide_arch(AUDIT_ARCH_I386, I386_SOCKET, 40, 0) == ERRNO(EPERM),
     "i386: socket(AF_VSOCK) denied");
  /* socketcall's arguments are in memory: the strictest the rule gives. */
  ok(decide_arch(AUDIT_ARCH_I386, I386_SOCKETCALL, 1, 0x1000) == ERRNO(EPERM),
     "i386: socketcall(SYS_SOCKET) denied (its family is out of the filter's sight)");
  ok(decide_arch(AUDIT_ARCH_I386, I386_SOCKETCALL, 3, 0x1000) == ALLOW,
     "i386: socketcall(SYS_CONNECT) allowed like connect");
  ok(load_policy("default", NULL) == 0, "default + x86 compiles");
  ok(decide_arch(AUDIT_ARCH_I386, I386_SOCKETCALL, 1, 0x1000) == ERRNO(EAFNOSUPPORT),
     "default, i386: socketcall(SYS_SOCKET) gets the rule's strictest action");
  ok(decide_arch(AUDIT_ARCH_I386, I386_PERSONALITY, ADDR_NO_RANDOMIZE, 0) == ERRNO(EPERM),
     "default, i386: personality(ADDR_NO_RANDOMIZE) denied");
  ok(decide_arch(AUDIT_ARCH_ARM, 20, 0, 0) == ERRNO(ENOSYS), "arm, not added: ENOSYS");
  /* Numbers i386's table does not know get ENOSYS, as native ones do,
   * also under a default-allow policy. */
  ok(decide_arch(AUDIT_ARCH_I386, I386_STATMOUNT, 0, 0) == ERRNO(ENOSYS),
     "default, i386: statmount (past libseccomp's table): ENOSYS like native");
  ok(decide_arch(AUDIT_ARCH_I386, 222, 0, 0) == ERRNO(ENOSYS), "default, i386: a gap: ENOSYS");
  ok(decide_arch(AUDIT_ARCH_I386, I386_SOCKET, AF_UNIX, 0) == ALLOW,
     "default, i386: socket(AF_UNIX) allowed");
  ok(decide_arch(AUDIT_ARCH_I386, I386_GETPPID, 0, 0) == ALLOW, "default, i386: getppid allowed");
  /* x32: x86-64's audit arch, numbers with bit 30 set. */
  extra_arch = "x32";
  ok(load_policy("default", NULL) == 0, "default + x32 compiles");
  ok(decide(0x40000000 | SYS_getppid, 0, 0) == ALLOW, "x32: getppid allowed");
  ok(decide(0x40000000 | SYS_mount, 0, 0) == ERRNO(EPERM), "x32: mount denied like native");
  ok(decide(0x40000000 | SYS_personality, ADDR_NO_RANDOMIZE, 0) == ERRNO(EPERM),
     "x32: a conditional rule holds");
  ok(decide(SYS_getppid, 0, 0) == ALLOW && decide(999, 0, 0) == ERRNO(ENOSYS),
     "x32 added: native unchanged");
  extra_arch = NULL;
}

int main(void)
{
  test_default();
  test_strict();
  test_precedence();
  test_foreign_arch();
  test_size_limits();
  sc_compiled_free(&compiled);
  return tap_done();
}
