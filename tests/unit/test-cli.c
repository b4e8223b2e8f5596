/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The command-line parser: bwrap's rules and wording, without running. */
#include <fcntl.h>
#include <unistd.h>

#include "cli.h"
#include "idmap.h"
#include "profile.h"
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
  ok(plan_builds_own_root(&p), "a /usr bind gives a system of its own: a bwrap command line");

  ok(parse(a2) == 0, "--unshare-all --share-net");
  ok((p.ns & NS_NET) == 0 && (p.ns & NS_PID) && (p.ns_try & NS_USER),
     "share-net after unshare-all");
  ok(!plan_builds_own_root(&p), "no mount: not a bwrap command line");

  {
    static const char *const own[][4] = {{"--ro-bind", "/", "/", NULL},
                                         {"--bind", "/rt", "//usr/", NULL},
                                         {"--symlink", "usr/lib", "lib64", NULL}};
    static const char *const add[][4] = {{"--tmpfs", "/usr/local", NULL},
                                         {"--tmpfs", "/usrx", NULL},
                                         {"--ro-bind", "/usr", "/opt/usr", NULL}};
    for (size_t i = 0; i < ELEMENTSOF(own); i++)
      ok(parse(own[i]) == 0 && plan_builds_own_root(&p), "%s ... %s: a system of its own",
         own[i][0], own[i][2]);
    for (size_t i = 0; i < ELEMENTSOF(add); i++)
      ok(parse(add[i]) == 0 && !plan_builds_own_root(&p), "%s %s: adds to the default profile",
         add[i][0], add[i][1]);
  }

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

/* Who loses host root: root under a profile, never a plain bwrap line. */
static void test_root_identity(void)
{
  static const char *const plain[] = {"--unshare-user", "true", NULL};
  static const char *const bare[] = {"--ro-bind", "/", "/", "true", NULL};

  ok(parse(bare) == 0 && plan_finalize(&p, 0, 0, &d) == 0 && !(p.ns & NS_USER),
     "root, plain bwrap line: no user namespace is implied");
  ok(!idmap_wanted(&p, 0, false), "root, plain bwrap line: keeps host root");
  ok(parse(plain) == 0 && plan_finalize(&p, 0, 0, &d) == 0 && !idmap_wanted(&p, 0, true),
     "root, plain bwrap line with --unshare-user: keeps uid 0 of the host");
  ok(parse(bare) == 0 && (p.used_profile = true) && plan_finalize(&p, 0, 0, &d) == 0 &&
         (p.ns & NS_USER),
     "root under a profile: a user namespace is implied");
  ok(idmap_wanted(&p, 0, true), "root under a profile: an unprivileged host uid");
  ok(!idmap_wanted(&p, 1000, true), "an unprivileged caller: nothing to take away");
  p.userns_block_fd = 5;
  ok(!idmap_wanted(&p, 0, true), "--userns-block-fd: the caller maps the ids itself");
  p.userns_block_fd = -1;
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

/* For people at a prompt: suggestions, --opt=value, -h. Invoked as
 * bwrap, bwrap's own rules and wording. */
static void test_people(void)
{
  static const char *const typo[] = {"--profle", "default", "true", NULL};
  static const char *const far[] = {"--frobnicate", "true", NULL};
  static const char *const eq[] = {"--chdir=/tmp", "--setenv", "A", "b", "true", NULL};
  static const char *const eq2[] = {"--bind=/a", "/b", "true", NULL};
  static const char *const eq0[] = {"--new-session=yes", "true", NULL};
  static const char *const h[] = {"-h", NULL};
  static const char *const pty[] = {"--pty", "true", NULL};
  static const char *const nopty[] = {"--pty", "--no-pty", "true", NULL};

  ok(parse(typo) == -EINVAL, "a mistyped option is refused");
  is_str(d.msg, "Unknown option --profle (did you mean --profile?)", "... with a suggestion");
  parse(far);
  is_str(d.msg, "Unknown option --frobnicate", "nothing close: no suggestion");
  ok(parse(eq) == 0 && p.chdir && strcmp(p.chdir, "/tmp") == 0 && p.argc == 1,
     "--chdir=/tmp takes the value after '='");
  ok(p.n_env == 1, "... and parsing goes on after it");
  ok(parse(eq2) == -EINVAL, "--bind=/a /b: refused");
  is_str(d.msg, "--bind takes two arguments: write them as separate words, not after '='",
         "... saying how to write it");
  ok(parse(eq0) == -EINVAL, "--new-session=yes: an option without value takes none");
  ok(parse(h) == 0 && p.help, "-h is --help");
  ok(parse(pty) == 0 && p.pty == 1, "--pty");
  ok(parse(nopty) == 0 && p.pty == 0, "--no-pty after --pty: the last wins");

  set_prog_name("/usr/bin/bwrap");
  parse(typo);
  is_str(d.msg, "Unknown option --profle", "as bwrap: bwrap's wording, no suggestion");
  ok(parse(eq) == -EINVAL, "as bwrap: no --opt=value");
  ok(parse(h) == -EINVAL, "as bwrap: -h is unknown");
  set_prog_name("sandbox");
}

static const char *fake_var(void *ctx, const char *name)
{
  (void)ctx;
  if (strcmp(name, "CWD") == 0)
    return "/work/proj";
  if (strcmp(name, "HOME") == 0)
    return "/home/u";
  return NULL;
}

/* --read, --write, --net, --no-net, --home: binds and namespaces in a
 * person's terms, which keep the default profile. */
static void test_intent(void)
{
  static const struct profile_env env = {NULL, fake_var, NULL};
  static const char *const rw[] = {"--read", "/a/./b/../c/", "--write", "../out", "true", NULL};
  static const char *const rel[] = {"--read", "data", "true", NULL};
  static const char *const root[] = {"--write", "/x/..", "true", NULL};
  static const char *const net[] = {"--unshare-all", "--net", "true", NULL};
  static const char *const nonet[] = {"--net", "--no-net", "true", NULL};
  static const char *const home[] = {"--tmpfs", "/home", "--bind", "/work/proj", "/home/u/proj",
                                     "--home",  "box",   "true",   NULL};
  ok(parse(rel) == -EINVAL, "no current directory known: a relative --read is refused");
  is_str(d.msg, "--read takes an absolute path, got 'data'", "... saying so");
  p.penv = &env;
  ok(cli_parse(&p, 4, (char *const *)rw, &d) == 0 && p.n_ops == 2, "--read and --write parse");
  ok(p.ops[0].type == OP_BIND && (p.ops[0].flags & BIND_READONLY) &&
         strcmp(p.ops[0].src, "/a/c") == 0 && strcmp(p.ops[0].dest, "/a/c") == 0,
     "--read: a read-only bind at the same path, normalized");
  ok(!(p.ops[1].flags & BIND_READONLY) && strcmp(p.ops[1].src, "/work/out") == 0,
     "--write: writable, relative to the current directory");
  ok(!plan_builds_own_root(&p), "they add to the default profile");
  ok(p.ops[0].origin.line == 1 && p.ops[1].origin.line == 3, "each with its origin");
  plan_free(&p);
  plan_init(&p);
  p.penv = &env;
  ok(cli_parse(&p, 3, (char *const *)root, &d) == -EINVAL, "--write of / refused");
  ok(parse(net) == 0 && !(p.ns & NS_NET) && (p.ns_cleared & NS_NET), "--net: the host's network");
  ok(p.opt_origin[OPT_SHARE_NET].line == 2, "... with its origin for --explain");
  ok(parse(nonet) == 0 && (p.ns & NS_NET) && !(p.ns_cleared & NS_NET), "--no-net after --net");

  plan_free(&p);
  plan_init(&p);
  p.penv = &env;
  ok(cli_parse(&p, 8, (char *const *)home, &d) == 0, "--home parses");
  ok(plan_finalize(&p, 0, 0, &d) == 0 && p.n_ops == 3, "--home adds one bind");
  ok(p.ops[0].type == OP_TMPFS && p.ops[1].type == OP_BIND &&
         strcmp(p.ops[1].src, "/work/proj/box") == 0 && strcmp(p.ops[1].dest, "/home/u") == 0 &&
         strcmp(p.ops[2].dest, "/home/u/proj") == 0,
     "--home: after the tmpfs above $HOME, before the bind inside it");
  plan_free(&p);
  plan_init(&p);
  ok(parse(home) == -EINVAL, "--home without a known HOME: refused");
}

int main(void)
{
  plan_init(&p);
  test_help_groups();
  test_basic();
  test_errors();
  test_finalize();
  test_root_identity();
  test_net();
  test_args_fd();
  test_people();
  test_intent();
  plan_free(&p);
  return tap_done();
}
