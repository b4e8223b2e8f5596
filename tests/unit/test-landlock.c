/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Landlock planner: which paths get which rights, per ABI. Pure. */
#include "cli.h"
#include "landlock.h"
#include "tap.h"
#include "util.h"

static struct plan p;

static void parse(const char *const *argv)
{
  struct diag d = {0};
  int argc = 0;

  while (argv[argc])
    argc++;
  plan_free(&p);
  plan_init(&p);
  if (cli_parse(&p, argc, (char *const *)argv, &d) < 0)
    printf("# parse: %s\n", d.msg);
}

static uint64_t rule(const struct ll_plan *lp, const char *path)
{
  uint64_t a = 0;

  for (size_t i = 0; i < lp->n_rules; i++)
    if (strcmp(lp->rules[i].path, path) == 0)
      a |= lp->rules[i].access;
  return a;
}

static void test_bwrap_line(void)
{
  static const char *const a[] = {"--ro-bind", "/usr", "/usr", "--unshare-pid", "true", NULL};
  struct ll_plan lp;

  parse(a);
  landlock_plan(&p, 7, &lp);
  ok(!lp.full && lp.fs == 0 && lp.n_rules == 0, "a plain bwrap line: no file rules");
  ok(lp.scope == LL_SCOPE_SIGNAL && lp.net == 0,
     "... with network, only signal scoping (ptrace comes with it)");
  ok(landlock_plan_active(&lp), "... which is a domain");
  landlock_plan_free(&lp);
  p.ns |= NS_NET;
  landlock_plan(&p, 7, &lp);
  ok(lp.scope == LL_SCOPE_ABSTRACT_UNIX && lp.fs == 0,
     "... without network, abstract sockets (free: the netns hides the host's); signals as bwrap");
  landlock_plan_free(&lp);
  landlock_plan(&p, 5, &lp);
  ok(!landlock_plan_active(&lp), "ABI 5: no domain for a plain bwrap line (mounts stay allowed)");
  landlock_plan_free(&lp);
  landlock_plan(&p, 0, &lp);
  ok(!landlock_plan_active(&lp) && lp.abi == 0, "no Landlock: no domain");
  landlock_plan_free(&lp);
}

static void test_mirror(void)
{
  static const char *const a[] = {
      "--landlock", "--unshare-net", "--ro-bind", "/usr", "/usr",    "--bind", "/w",   "/w",
      "--proc",     "/proc",         "--dev",     "/dev", "--tmpfs", "/tmp",   "true", NULL};
  struct ll_plan lp;

  parse(a);
  landlock_plan(&p, 7, &lp);
  ok(lp.full && lp.stdio, "--landlock: the full domain");
  ok(rule(&lp, "/") == LL_FS_READ_DIR, "/ is only listable");
  ok(rule(&lp, "/usr") == (LL_FS_EXECUTE | LL_FS_READ_FILE | LL_FS_READ_DIR),
     "a read-only bind: read, list, execute");
  ok((rule(&lp, "/w") & LL_FS_WRITE_FILE) && (rule(&lp, "/w") & LL_FS_MAKE_REG) &&
         (rule(&lp, "/w") & LL_FS_REFER) && !(rule(&lp, "/w") & LL_FS_MAKE_BLOCK),
     "a writable bind: write, create, rename; no device nodes");
  ok((rule(&lp, "/tmp") & LL_FS_REMOVE_DIR) && (rule(&lp, "/tmp") & LL_FS_EXECUTE),
     "a tmpfs: writable, executable");
  ok(!(rule(&lp, "/proc") & (LL_FS_EXECUTE | LL_FS_MAKE_REG)) &&
         (rule(&lp, "/proc") & LL_FS_WRITE_FILE),
     "/proc: existing files read and written, nothing made or run");
  ok((rule(&lp, "/dev") & LL_FS_IOCTL_DEV) && (rule(&lp, "/dev/shm") & LL_FS_MAKE_REG),
     "/dev: terminal ioctls; /dev/shm writable");
  ok(lp.net == 0, "no network: TCP left to the private network namespace (its loopback works)");
  ok(lp.scope == (LL_SCOPE_SIGNAL | LL_SCOPE_ABSTRACT_UNIX), "signals and abstract sockets scoped");
  landlock_plan_free(&lp);

  landlock_plan(&p, 3, &lp);
  ok(lp.net == 0 && lp.scope == 0, "ABI 3: no TCP rules, no scoping");
  ok(!(lp.fs & LL_FS_IOCTL_DEV) && (lp.fs & LL_FS_TRUNCATE) &&
         !(rule(&lp, "/dev") & LL_FS_IOCTL_DEV),
     "ABI 3: truncate handled, device ioctls not (nor granted)");
  landlock_plan_free(&lp);
  landlock_plan(&p, 1, &lp);
  ok(!(lp.fs & (LL_FS_REFER | LL_FS_TRUNCATE)) && !(rule(&lp, "/w") & LL_FS_REFER),
     "ABI 1: neither refer nor truncate");
  landlock_plan_free(&lp);
}

static void test_share_net(void)
{
  static const char *const a[] = {"--landlock", "--unshare-all", "--share-net", "true", NULL};
  struct ll_plan lp;

  parse(a);
  landlock_plan(&p, 7, &lp);
  ok(lp.net == 0, "a shared network: TCP left alone");
  ok(lp.scope & LL_SCOPE_ABSTRACT_UNIX, "... but the host's abstract sockets are out of reach");
  landlock_plan_free(&lp);
}

int main(void)
{
  plan_init(&p);
  test_bwrap_line();
  test_mirror();
  test_share_net();
  plan_free(&p);
  return tap_done();
}
