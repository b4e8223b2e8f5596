/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The command-line parser: bwrap's rules and wording, without running. */
#include <fcntl.h>
#include <unistd.h>

#include "cli.h"
#include "tap.h"
#include "util.h"

static struct plan p;
static struct diag d;

static int parse(const char *const *argv)
{
  int argc = 0;

  while (argv[argc])
    argc++;
  plan_free(&p);
  plan_init(&p);
  memset(&d, 0, sizeof d);
  return cli_parse(&p, argc, (char *const *)argv, &d);
}

static void test_basic(void)
{
  static const char *const a1[] = {"--ro-bind", "/usr", "/usr", "--tmpfs", "/tmp",
                                   "--",        "sh",   "-c",   "x",       NULL};
  static const char *const a2[] = {"--unshare-all", "--share-net", "true", NULL};
  static const char *const a3[] = {"--dir", "/x", "-notanoption", NULL};

  ok(parse(a1) == 0, "binds and a command parse");
  ok(p.n_ops == 2 && p.ops[0].type == OP_BIND && (p.ops[0].flags & BIND_READONLY),
     "ro-bind recorded first");
  ok(p.ops[1].type == OP_TMPFS && p.ops[1].perms == 0755, "tmpfs defaults to 0755");
  ok(p.argc == 3, "the command and its args follow --");
  is_str(p.argv[0], "sh", "command is sh");
  ok(p.n_fs_options == 2, "filesystem options are counted (no default profile)");

  ok(parse(a2) == 0, "--unshare-all --share-net");
  ok((p.ns & NS_NET) == 0 && (p.ns & NS_PID) && (p.ns_try & NS_USER),
     "share-net after unshare-all");
  ok(p.n_fs_options == 0, "no filesystem option");

  ok(parse(a3) == -EINVAL, "an unknown dash word is an error");
  is_str(d.msg, "Unknown option -notanoption", "bwrap's wording for unknown options");
}

static void test_errors(void)
{
  static const char *const missing[] = {"--bind", "/x", NULL};
  static const char *const perms[] = {"--perms", "0700", "--bind", "/a", "/b", "true", NULL};
  static const char *const perms2[] = {"--perms", "0700", "--perms", "0700", "--dir", "/x", NULL};
  static const char *const badperms[] = {"--perms", "0800", "--dir", "/x", "true", NULL};
  static const char *const size[] = {"--size", "100", "--dir", "/x", "true", NULL};
  static const char *const size0[] = {"--size", "0", "--tmpfs", "/x", "true", NULL};
  static const char *const cap[] = {"--cap-add", "CAP_BOGUS", "true", NULL};
  static const char *const uid[] = {"--uid", "-1", "true", NULL};
  static const char *const argv0[] = {"--argv0", "a", "--argv0", "b", "true", NULL};
  static const char *const chmod_[] = {"--chmod", "9", "/x", "true", NULL};
  static const char *const remount[] = {"--remount-ro", NULL};

  ok(parse(missing) < 0, "--bind with one argument fails");
  is_str(d.msg, "--bind takes two arguments", "bwrap's wording");
  ok(parse(perms) < 0, "--perms before --bind fails");
  is_str(d.msg, "--perms must be followed by an option that creates a file", "bwrap's wording");
  ok(parse(perms2) < 0, "--perms twice fails");
  is_str(d.msg, "--perms given twice for the same action", "bwrap's wording");
  ok(parse(badperms) < 0, "--perms 0800 fails");
  is_str(d.msg, "--perms takes an octal argument <= 07777", "bwrap's wording");
  ok(parse(size) < 0, "--size before --dir fails");
  is_str(d.msg, "--size must be followed by --tmpfs", "bwrap's wording");
  ok(parse(size0) < 0, "--size 0 fails");
  is_str(d.msg, "--size takes a non-zero number of bytes", "bwrap's wording");
  ok(parse(cap) < 0, "unknown capability fails");
  is_str(d.msg, "unknown cap: CAP_BOGUS", "bwrap's wording");
  ok(parse(uid) < 0, "negative uid fails");
  is_str(d.msg, "Invalid uid: -1", "bwrap's wording");
  ok(parse(argv0) < 0, "--argv0 twice fails");
  is_str(d.msg, "--argv0 used multiple times", "bwrap's wording");
  ok(parse(chmod_) < 0, "--chmod 9 fails");
  is_str(d.msg, "--chmod takes an octal argument <= 07777", "bwrap's wording");
  ok(parse(remount) < 0, "--remount-ro alone fails");
  is_str(d.msg, "--remount-ro takes one argument", "bwrap's wording");
}

static void test_finalize(void)
{
  static const char *const host[] = {"--hostname", "x", "true", NULL};
  static const char *const uid[] = {"--uid", "5", "true", NULL};
  static const char *const pid1[] = {"--as-pid-1", "true", NULL};

  ok(parse(host) == 0 && plan_finalize(&p, 1000, 1000, &d) < 0, "--hostname needs --unshare-uts");
  is_str(d.msg, "Specifying --hostname requires --unshare-uts", "bwrap's wording");
  ok(parse(uid) == 0 && plan_finalize(&p, 0, 0, &d) < 0, "root: --uid needs a user namespace");
  is_str(d.msg, "Specifying --uid requires --unshare-user or --userns", "bwrap's wording");
  ok(parse(uid) == 0 && plan_finalize(&p, 1000, 1000, &d) == 0,
     "unprivileged: --uid works, the user namespace is implied");
  ok(p.ns & NS_USER, "user namespace implied for an unprivileged caller");
  ok(parse(pid1) == 0 && plan_finalize(&p, 1000, 1000, &d) < 0, "--as-pid-1 needs --unshare-pid");
}

static void test_net(void)
{
  static const char *const allow[] = {"--share-net", "--net-allow", "A.test:8443",
                                      "--net-allow", "*.b.test",    "--net-log",
                                      "/tmp/l",      "true",        NULL};
  static const char *const log_only[] = {"--net-log", "/tmp/l", "true", NULL};
  static const char *const both[] = {"--net-private", "--net-allow", "a.test", "true", NULL};
  static const char *const bad[] = {"--net-allow", "a.test:http", "true", NULL};
  static const char *const priv[] = {"--net-private", "true", NULL};

  ok(parse(allow) == 0 && plan_finalize(&p, 0, 0, &d) == 0, "--net-allow twice, --net-log");
  ok(p.n_net_allow == 2 && strcmp(p.net_allow[0].host, "a.test") == 0 &&
         p.net_allow[0].port == 8443 && p.net_allow[1].port == 0,
     "rules recorded in order, lower-cased, ports");
  ok(p.net_allow[0].origin.line == 2, "a rule's origin is its argument");
  ok((p.ns & (NS_NET | NS_USER)) == (NS_NET | NS_USER),
     "root: --net-allow implies new network and user namespaces, over --share-net");
  ok(parse(log_only) == 0 && plan_finalize(&p, 1000, 1000, &d) < 0, "--net-log needs --net-allow");
  ok(parse(both) == 0 && plan_finalize(&p, 1000, 1000, &d) < 0,
     "--net-private and --net-allow exclude each other");
  ok(parse(bad) < 0 && strstr(d.msg, "--net-allow takes HOST"),
     "a bad rule is refused when parsed");
  ok(parse(priv) == 0 && plan_finalize(&p, 0, 0, &d) == 0 &&
         (p.ns & (NS_NET | NS_USER)) == (NS_NET | NS_USER),
     "root: --net-private implies new network and user namespaces");
}

static void test_args_fd(void)
{
  static const char data[] = "--setenv\0A\0b\0--unshare-pid\0";
  char fdstr[16];
  int fds[2];
  const char *argv[] = {"--args", fdstr, "true", NULL};

  ok(pipe(fds) == 0, "pipe");
  ok(write(fds[1], data, sizeof data - 1) == (ssize_t)sizeof data - 1, "write args");
  close(fds[1]);
  snprintf(fdstr, sizeof fdstr, "%d", fds[0]);
  ok(parse(argv) == 0, "--args FD parses NUL-separated options");
  ok(p.n_env == 1 && strcmp(p.env[0].name, "A") == 0 && strcmp(p.env[0].value, "b") == 0,
     "--setenv from the fd");
  ok(p.ns & NS_PID, "--unshare-pid from the fd");
  ok(p.argc == 1, "the command comes after --args");
}

static void test_help_groups(void)
{
  size_t missing = 0;

  for (size_t i = 0; i < cli_n_options; i++)
    if (!cli_option_group(cli_options[i].name)) {
      printf("# --%s is in no --help group\n", cli_options[i].name);
      missing++;
    }
  ok(missing == 0, "every option is listed under a --help heading");
}

int main(void)
{
  plan_init(&p);
  test_help_groups();
  test_basic();
  test_errors();
  test_finalize();
  test_net();
  test_args_fd();
  plan_free(&p);
  return tap_done();
}
