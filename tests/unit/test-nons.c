/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The no-namespace planner: what a plan becomes without a mount namespace,
 * and what it cannot become. Pure. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "nons.h"
#include "tap.h"
#include "util.h"

static struct plan p;

static int parse(const char *const *argv)
{
  struct diag d = {0};
  int argc = 0;

  while (argv[argc])
    argc++;
  plan_free(&p);
  plan_init(&p);
  if (cli_parse(&p, argc, (char *const *)argv, &d) < 0) {
    printf("# parse: %s\n", d.msg);
    return -1;
  }
  return 0;
}

static uint64_t grant_of(const struct nons_plan *np, const char *path)
{
  for (size_t i = 0; i < np->n_grants; i++)
    if (strcmp(np->grants[i].path, path) == 0)
      return np->grants[i].access;
  return 0;
}

static bool has(char **v, size_t n, const char *s)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp(v[i], s) == 0)
      return true;
  return false;
}

static uint64_t rule(const struct ll_plan *lp, const char *path)
{
  uint64_t a = 0;

  for (size_t i = 0; i < lp->n_rules; i++)
    if (strcmp(lp->rules[i].path, path) == 0)
      a |= lp->rules[i].access;
  return a;
}

#define RO (LL_FS_EXECUTE | LL_FS_READ_FILE | LL_FS_READ_DIR)

static void test_default_like(void)
{
  static const char *const a[] = {"--unshare-all",
                                  "--ro-bind",
                                  "/usr",
                                  "/usr",
                                  "--ro-bind",
                                  "/etc",
                                  "/etc",
                                  "--ro-bind",
                                  "/dev/null",
                                  "/etc/shadow",
                                  "--proc",
                                  "/proc",
                                  "--dev",
                                  "/dev",
                                  "--tmpfs",
                                  "/tmp",
                                  "--tmpfs",
                                  "/run",
                                  "--dir",
                                  "/run/user/1000",
                                  "--setenv",
                                  "XDG_RUNTIME_DIR",
                                  "/run/user/1000",
                                  "--bind",
                                  "/w",
                                  "/w",
                                  "--protect",
                                  "/w/.git/hooks",
                                  "--protect",
                                  "/etc/ssh",
                                  "true",
                                  NULL};
  struct nons_plan np;
  struct diag d = {0};
  struct ll_plan ll;

  if (parse(a) < 0 || nons_plan(&p, &np, &d) < 0) {
    ok(0, "the default profile's shape plans: %s", d.msg);
    return;
  }
  ok(grant_of(&np, "/usr") == RO && grant_of(&np, "/etc") == RO,
     "same-path read-only binds: read, list, execute");
  ok((grant_of(&np, "/w") & LL_FS_WRITE_FILE) && (grant_of(&np, "/w") & LL_FS_MAKE_REG),
     "a writable bind: written and made in");
  ok(grant_of(&np, "/proc") == (LL_FS_READ_FILE | LL_FS_READ_DIR),
     "the host's /proc: read only (no sysctl written, nothing run)");
  ok(grant_of(&np, "/dev") == LL_FS_READ_DIR && (grant_of(&np, "/dev/null") & LL_FS_WRITE_FILE) &&
         grant_of(&np, "/dev/shm") == 0 && grant_of(&np, "/dev/pts") == 0,
     "the host's /dev: listed; null and friends read and written; no shm, no terminals");
  ok(has(np.masks, np.n_masks, "/etc/shadow") && grant_of(&np, "/etc/shadow") == 0,
     "ro-bind /dev/null X: X masked, nothing granted there");
  ok(has(np.scratch, np.n_scratch, "/tmp") && has(np.scratch, np.n_scratch, "/run") && np.tmpdir,
     "tmpfs /tmp and /run: private directories, TMPDIR set");
  ok(has(np.masks, np.n_masks, "/tmp") && has(np.masks, np.n_masks, "/run"),
     "... and the host's own /tmp, /run: nothing");
  ok(has(np.dirs, np.n_dirs, "/run/user/1000"), "--dir in a private tree: made there");
  ok(np.n_env == 1 && strcmp(np.env[0].name, "XDG_RUNTIME_DIR") == 0 &&
         strcmp(np.env[0].rel, "/run/user/1000") == 0,
     "a variable naming a path in a private tree follows it");
  ok(has(np.unheld, np.n_unheld, "/w/.git/hooks") && !has(np.unheld, np.n_unheld, "/etc/ssh"),
     "--protect inside a writable tree: stated as not held; inside a read-only one: held");
  ok(np.no_net && np.no_ipc, "no network, no ipc namespace in the plan: both refused");

  nons_landlock_plan(&np, "/P", 7, &ll);
  ok(ll.net == (LL_NET_BIND_TCP | LL_NET_CONNECT_TCP),
     "ABI 7: every TCP bind and connect refused (no private loopback to keep)");
  ok(ll.scope == (LL_SCOPE_ABSTRACT_UNIX | LL_SCOPE_SIGNAL),
     "... abstract sockets, signals scoped");
  ok((rule(&ll, "/P/tmp") & LL_FS_WRITE_FILE) && (rule(&ll, "/P/run") & LL_FS_MAKE_DIR),
     "... the private trees writable");
  ok(rule(&ll, "/tmp") == 0 && rule(&ll, "/") == 0, "... the host's /tmp and / get no rule");
  ok(ll.stdio && ll.full, "... stdio files reopenable");
  landlock_plan_free(&ll);
  nons_landlock_plan(&np, "/P", 3, &ll);
  ok(ll.net == 0 && ll.scope == 0 && !(rule(&ll, "/w") & LL_FS_IOCTL_DEV) &&
         (rule(&ll, "/w") & LL_FS_TRUNCATE),
     "ABI 3: no TCP, no scopes (seccomp alone refuses inet sockets), rights masked");
  landlock_plan_free(&ll);
  {
    struct sock_filter *prog = NULL;
    size_t len = 0;
    ok(nons_filter(&np, &prog, &len) == 0 && len > 10, "the stacked filter compiles");
    free(prog);
  }
  nons_plan_free(&np);
}

/* Each of these needs a mount namespace (or another one): the plan fails,
 * naming the option. */
static void test_refused(void)
{
  static const struct {
    const char *argv[8];
    const char *msg;
  } cases[] = {
      {{"--tmpfs", "/home/u", "true"}, "--tmpfs /home/u needs a mount namespace"},
      {{"--bind", "/a", "/b", "true"}, "--bind /b needs a mount namespace (its source"},
      {{"--hostname", "x", "--unshare-uts", "true"}, "--hostname x needs a uts namespace"},
      {{"--unshare-user", "--uid", "5", "true"}, "--uid needs a user namespace"},
      {{"--symlink", "a", "/b", "true"}, "--symlink /b needs a mount namespace"},
      {{"--mqueue", "/dev/mqueue", "true"}, "--mqueue /dev/mqueue needs an ipc namespace"},
      {{"--proc", "/p", "true"}, "--proc /p needs a mount namespace"},
      {{"--dir", "/x", "true"}, "--dir /x needs a mount namespace"},
      {{"--bind", "/w", "/w", "--ro-bind", "/w/s", "/w/s", "true"},
       "/w/s, read-only inside the writable /w, needs a mount namespace"},
  };

  for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
    struct nons_plan np;
    struct diag d = {0};
    int r = parse(cases[i].argv);

    r = r < 0 ? 0 : nons_plan(&p, &np, &d);
    ok(r < 0 && strstr(d.msg, cases[i].msg), "refused: %s", cases[i].msg);
    if (r >= 0 || !strstr(d.msg, cases[i].msg))
      printf("#   got: [%s]\n", d.msg);
    if (r >= 0)
      nons_plan_free(&np);
  }
}

static void test_cover(void)
{
  static const char *const a[] = {"--ro-bind", "/w/s", "/w/s", "--bind", "/w", "/w", "true", NULL};
  static const char *const b[] = {"--share-net", "--bind", "/w", "/w", "true", NULL};
  struct nons_plan np;
  struct diag d = {0};

  parse(a);
  ok(nons_plan(&p, &np, &d) == 0 && np.n_grants == 1 && grant_of(&np, "/w"),
     "a bind covered by a later one at its parent goes, as under mounts");
  nons_plan_free(&np);
  parse(b);
  ok(nons_plan(&p, &np, &d) == 0 && !np.no_net && !np.no_ipc,
     "network shared and no ipc namespace asked: neither refused");
  nons_plan_free(&np);
}

static void test_eligible(void)
{
  static const char *const a[] = {"--ro-bind", "/", "/", "true", NULL};

  parse(a);
  ok(!nons_eligible(&p), "a plain bwrap line never falls back");
  p.used_profile = true;
  ok(nons_eligible(&p), "a profile run does");
  p.userns_fd = 5;
  ok(!nons_eligible(&p), "... unless it joins a user namespace");
}

/* Masks inside a granted tree: the tree is granted entry by entry
 * (reads a directory made here). */
static void test_expand(void)
{
  char dir[] = "/tmp/test-nons.XXXXXX";
  struct nons_run nr = {0};
  struct diag d = {0};
  struct ll_plan ll;
  char *path[8];
  const char *names[] = {"a", "secret", "sub", "sub/x", "sub/hidden", "link"};

  if (landlock_abi() <= 0) {
    printf("ok %d # SKIP no Landlock in this kernel\n", ++tap_n);
    return;
  }
  if (!mkdtemp(dir)) {
    ok(0, "mkdtemp");
    return;
  }
  for (size_t i = 0; i < ELEMENTSOF(names); i++)
    path[i] = xasprintf("%s/%s", dir, names[i]);
  mkdir(path[2], 0755);
  for (size_t i = 0; i < ELEMENTSOF(names); i++)
    if (i != 2 && i != 5)
      close(open(path[i], O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
  (void)!symlink("secret", path[5]);
  {
    const char *a[] = {"--ro-bind", dir,         dir,     "--ro-bind", "/dev/null", path[1],
                       "--ro-bind", "/dev/null", path[4], "true",      NULL};
    parse(a);
  }
  if (nons_plan(&p, &nr.plan, &d) < 0) {
    ok(0, "plan: %s", d.msg);
    return;
  }
  nons_landlock(&nr, &ll);
  ok(rule(&ll, dir) == LL_FS_READ_DIR, "the tree itself: listed only");
  ok(rule(&ll, path[0]) == RO, "an entry: read, execute");
  ok(rule(&ll, path[1]) == 0 && rule(&ll, path[4]) == 0, "masked entries, at any depth: nothing");
  ok(rule(&ll, path[2]) == LL_FS_READ_DIR && rule(&ll, path[3]) == RO,
     "a directory holding a mask: expanded in turn");
  ok(rule(&ll, path[5]) == 0, "a symlink: no rule (its target's decide)");
  landlock_plan_free(&ll);
  nons_plan_free(&nr.plan);
  for (size_t i = ELEMENTSOF(names); i-- > 0;) {
    (i == 2 ? rmdir : unlink)(path[i]);
    free(path[i]);
  }
  rmdir(dir);
}

int main(void)
{
  test_default_like();
  test_refused();
  test_cover();
  test_eligible();
  test_expand();
  plan_free(&p);
  return tap_done();
}
