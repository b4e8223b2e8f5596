/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Desktop apps, the pure parts: bus names and rules, the names no
 * built-in profile may grant, the proxy's arguments, DISPLAY and
 * Xauthority parsing, app names. */
#include "cli.h"
#include "dbusproxy.h"
#include "desktop.h"
#include "guard.h"
#include "memenv.h"
#include "tap.h"
#include "x11.h"

static void test_names(void)
{
  static const char *const good[] = {"org.example.App", "a.b", "org.freedesktop.portal.*",
                                     "org.x-y.Z_1", "com.example.App1"};
  static const char *const bad[] = {"",
                                    "org",
                                    "org.",
                                    ".org.x",
                                    "org..x",
                                    "1a.b",
                                    "org.1x",
                                    ":1.42",
                                    "a.b c",
                                    "a.b/c",
                                    "*",
                                    "org.*",
                                    "a.b.*.c",
                                    "a.b*",
                                    "--talk=a.b",
                                    "a.b=",
                                    "org.example.\xc3\xa9"};

  for (size_t i = 0; i < ELEMENTSOF(good); i++)
    ok(dbus_name_valid(good[i], true), "bus name '%s' accepted", good[i]);
  for (size_t i = 0; i < ELEMENTSOF(bad); i++)
    ok(!dbus_name_valid(bad[i], true), "bus name '%s' refused", bad[i]);
  ok(!dbus_name_valid("org.example.*", false), "a wildcard only where one is allowed");
}

static void test_rules(void)
{
  static const struct origin o = {"p", 1, 1};
  struct dbus_rule r;
  struct diag d;

  ok(dbus_parse_rule(DBUS_SESSION, DBUS_CALL, "org.example.A=org.example.A.Get@/a/*", &o, &r, &d) ==
         0,
     "call rule with method and path subtree");
  free(r.arg);
  ok(dbus_parse_rule(DBUS_SESSION, DBUS_BROADCAST, "org.freedesktop.portal.*=@/org/freedesktop/*",
                     &o, &r, &d) == 0,
     "broadcast rule with a path only");
  free(r.arg);
  ok(dbus_parse_rule(DBUS_SESSION, DBUS_CALL, "org.example.A", &o, &r, &d) == -EINVAL,
     "call rule without =RULE refused");
  ok(strstr(d.msg, "dbus-call takes NAME=RULE") != NULL, "... saying what it takes");
  ok(dbus_parse_rule(DBUS_SYSTEM, DBUS_CALL, "org.example.A=a b", &o, &r, &d) == -EINVAL &&
         strstr(d.msg, "dbus-system-call") != NULL,
     "a space in a rule refused, under its system-bus name");
  ok(dbus_parse_rule(DBUS_SESSION, DBUS_CALL, "org.example.A=*@x", &o, &r, &d) == -EINVAL,
     "a path that is not absolute refused");
  ok(dbus_parse_rule(DBUS_SESSION, DBUS_TALK, "org.example.A=*", &o, &r, &d) == -EINVAL,
     "talk takes no rule");
}

static void test_dangerous(void)
{
  ok(dbus_name_dangerous("org.freedesktop.systemd1") != NULL, "the service manager");
  ok(dbus_name_dangerous("org.freedesktop.secrets") != NULL, "the secrets service");
  ok(dbus_name_dangerous("org.freedesktop.*") != NULL, "a prefix covering them");
  ok(dbus_name_dangerous("org.freedesktop.impl.portal.Secret") != NULL, "a portal back-end");
  ok(dbus_name_dangerous("org.gtk.vfs.Daemon") != NULL, "below a dangerous prefix");
  ok(dbus_name_dangerous("org.freedesktop.portal.Desktop") == NULL, "the desktop portal");
  ok(dbus_name_dangerous("org.freedesktop.systemd1x") == NULL, "no prefix match on names");
  ok(dbus_name_dangerous("org.freedesktop.portal.*") != NULL,
     "portal.* would reach the Flatpak portal (Spawn)");
}

/* Every built-in profile: no talk, own or call rule reaches a dangerous
 * name (see and broadcast grant nothing: seeing a name, receiving its
 * signals). */
static void test_builtins_grant_nothing_dangerous(void)
{
  static const struct memfile none[] = {{NULL, NULL}};
  static struct memenv m;
  static struct profile_env env;
  size_t checked = 0;

  m = (struct memenv){none, default_vars};
  env = (struct profile_env){mem_load, mem_getvar, &m};
  for (size_t i = 0; i < n_builtin_profiles; i++) {
    struct plan p;
    struct diag d = {0};
    const char *bad = NULL;

    plan_init(&p);
    p.penv = &env;
    if (profile_apply_named(&p, builtin_profiles[i].name, &env, NULL, &d) < 0) {
      ok(0, "built-in %s parses: %s", builtin_profiles[i].name, d.msg);
      plan_free(&p);
      continue;
    }
    for (size_t j = 0; j < p.n_dbus && !bad; j++) {
      _cleanup_free_ char *name = xstrndup(p.dbus[j].arg, strcspn(p.dbus[j].arg, "="));
      if (p.dbus[j].policy == DBUS_TALK || p.dbus[j].policy == DBUS_OWN ||
          p.dbus[j].policy == DBUS_CALL)
        bad = dbus_name_dangerous(name) ? p.dbus[j].arg : NULL;
    }
    checked += p.n_dbus;
    ok(!bad, "built-in %s grants no dangerous bus name%s%s", builtin_profiles[i].name,
       bad ? ": " : "", bad ? bad : "");
    plan_free(&p);
  }
  ok(checked > 0, "the built-ins have bus rules to check (%zu)", checked);
}

static void test_argv(void)
{
  static const char *const args[] = {"--profile",
                                     "desktop",
                                     "--dbus-own",
                                     "org.example.Mine",
                                     "--dbus-system-talk",
                                     "org.example.Sys",
                                     "--app",
                                     "org.example.App",
                                     "true"};
  static const char *const args2[] = {"--profile", "desktop", "--app", "org.freedesktop.secrets",
                                      "true"};
  const char *addr[2] = {"unix:abstract=/tmp/x", "unix:path=/run/dbus/system_bus_socket"};
  const char *path[2] = {"/r/bus", "/r/system_bus"};
  static const struct memfile none[] = {{NULL, NULL}};
  static struct memenv m;
  static struct profile_env env;
  struct plan p;
  struct diag d = {0};
  char **argv, *joined = xstrdup("");

  m = (struct memenv){none, default_vars};
  env = (struct profile_env){mem_load, mem_getvar, &m};
  plan_init(&p);
  p.penv = &env;
  ok(cli_parse(&p, ELEMENTSOF(args), (char *const *)args, &d) == 0, "desktop with bus lines");
  argv = dbusproxy_argv(&p, "/usr/bin/xdg-dbus-proxy", 3, addr, path);
  for (size_t i = 0; argv[i]; i++) {
    char *n = xasprintf("%s%s ", joined, argv[i]);
    free(joined);
    joined = n;
  }
  is_str(joined,
         "/usr/bin/xdg-dbus-proxy --fd=3 unix:abstract=/tmp/x /r/bus --filter "
         "--own=org.example.App --own=org.example.App.* "
         "--talk=org.freedesktop.portal.Desktop --talk=org.freedesktop.portal.Documents "
         "--broadcast=org.freedesktop.portal.*=@/org/freedesktop/portal/* "
         "--own=org.example.Mine "
         "unix:path=/run/dbus/system_bus_socket /r/system_bus --filter --talk=org.example.Sys ",
         "the proxy's arguments: each bus filtered, the app owns its name");
  is_str(p.home_src, "/home/u/" APP_HOMES "/org.example.App/home", "--app: the app's home");
  dbusproxy_argv_free(argv);
  free(joined);
  plan_free(&p);

  plan_init(&p);
  p.penv = &env;
  ok(cli_parse(&p, ELEMENTSOF(args2), (char *const *)args2, &d) == 0, "--app named like secrets");
  argv = dbusproxy_argv(&p, "x", 3, addr, path);
  joined = NULL;
  for (size_t i = 0; argv[i]; i++)
    if (strstr(argv[i], "--own="))
      joined = argv[i];
  ok(!joined, "... does not own that name");
  dbusproxy_argv_free(argv);
  plan_free(&p);
  {
    /* Both buses, no app: the vector's size once fell short here (ASan,
     * under .ci/test, sees the overflow). */
    static const char *const args3[] = {"--dbus-talk", "a.b", "--dbus-system-talk", "c.d", "true"};
    size_t n = 0;
    plan_init(&p);
    p.penv = &env;
    ok(cli_parse(&p, ELEMENTSOF(args3), (char *const *)args3, &d) == 0, "both buses, no app");
    argv = dbusproxy_argv(&p, "x", 3, addr, path);
    while (argv[n])
      n++;
    ok(n == 10, "... ten words (%zu)", n);
    dbusproxy_argv_free(argv);
    plan_free(&p);
  }
  {
    struct plan q;
    plan_init(&q);
    q.app = xstrdup("org.freedesktop.portal.Desktop");
    ok(!dbusproxy_app_owns(&q),
       "--app org.freedesktop.portal.Desktop: no impersonating the portal");
    free(q.app);
    q.app = xstrdup("firefox");
    ok(!dbusproxy_app_owns(&q), "--app firefox: not a bus name, nothing to own");
    free(q.app);
    q.app = xstrdup("org.mozilla.firefox");
    ok(dbusproxy_app_owns(&q), "--app org.mozilla.firefox: owns its name");
    plan_free(&q);
  }
}

/* --app's home bind: the real home's path protections stay off it, the
 * names' stay on. */
static void test_app_home_guards(void)
{
  static const char *const args[] = {"--profile", "desktop", "--app", "org.example.A", "true"};
  static const struct memfile none[] = {{NULL, NULL}};
  static struct memenv m;
  static struct profile_env env;
  struct plan p;
  struct diag d = {0};
  struct guards gs;
  size_t home = (size_t)-1;
  bool git = false, config = false;

  m = (struct memenv){none, default_vars};
  env = (struct profile_env){mem_load, mem_getvar, &m};
  plan_init(&p);
  p.penv = &env;
  ok(cli_parse(&p, ELEMENTSOF(args), (char *const *)args, &d) == 0 &&
         plan_finalize(&p, 1000, 1000, &d) == 0,
     "desktop --app parses and finalizes");
  for (size_t i = 0; i < p.n_ops; i++)
    if (p.ops[i].flags & BIND_APP_HOME)
      home = i;
  ok(home != (size_t)-1 && strcmp(p.ops[home].dest, "/home/u") == 0, "the app's home op, on $HOME");
  guards_plan(&p, &gs);
  for (size_t i = 0; i < gs.n; i++)
    if (gs.g[i].op == home && gs.g[i].name) {
      git |= strcmp(gs.g[i].name, ".git") == 0;
      config |= strcmp(gs.g[i].name, ".config") == 0 || strcmp(gs.g[i].name, ".local") == 0 ||
                strcmp(gs.g[i].name, ".bashrc") == 0;
    }
  ok(git, "its .git is protected");
  ok(!config, "its .config, .local, .bashrc are the app's");
  guards_free(&gs);
  plan_free(&p);

  plan_init(&p);
  p.penv = &env;
  {
    static const char *const args2[] = {"--profile", "desktop",   "--app", "org.example.A",
                                        "--home",    "/home/u/h", "true"};
    ok(cli_parse(&p, ELEMENTSOF(args2), (char *const *)args2, &d) == 0 &&
           plan_finalize(&p, 1000, 1000, &d) == 0,
       "--app then --home");
  }
  home = (size_t)-1;
  for (size_t i = 0; i < p.n_ops; i++)
    if (p.ops[i].flags & BIND_APP_HOME)
      home = i;
  ok(home == (size_t)-1, "a later --home DIR is no app home: protected as before");
  plan_free(&p);
}

static void test_app_names(void)
{
  static const char *const good[] = {"org.gnome.Calculator", "firefox", "a_b-c.1"};
  static const char *const bad[] = {"",     ".",       "..",  "a/b",  "../x",
                                    "a..b", ".hidden", "a b", "x\ny", "\xc3\xa9"};

  for (size_t i = 0; i < ELEMENTSOF(good); i++)
    ok(app_name_valid(good[i]), "app name '%s' accepted", good[i]);
  /* (by index: one holds a newline, which TAP would read as a line) */
  for (size_t i = 0; i < ELEMENTSOF(bad); i++)
    ok(!app_name_valid(bad[i]), "bad app name #%zu refused", i);
}

static void test_display(void)
{
  char num[X11_MAX_NUMBER];
  static const char *const bad[] = {"",
                                    ":",
                                    "0",
                                    "host:0",
                                    ":a",
                                    ":0.",
                                    ":0.x",
                                    "unix:",
                                    ":0:1",
                                    "localhost:10.0",
                                    ":12345678901234567890",
                                    "tcp/h:0"};

  ok(x11_display_number(":0", num) == 0 && strcmp(num, "0") == 0, ":0");
  ok(x11_display_number(":12.1", num) == 0 && strcmp(num, "12") == 0, ":12.1");
  ok(x11_display_number("unix:3", num) == 0 && strcmp(num, "3") == 0, "unix:3");
  for (size_t i = 0; i < ELEMENTSOF(bad); i++)
    ok(x11_display_number(bad[i], num) == -EINVAL, "DISPLAY '%s' refused", bad[i]);
}

static size_t entry(uint8_t *b, unsigned family, const char *addr, const char *num,
                    const char *data)
{
  const char *f[4] = {addr, num, "MIT-MAGIC-COOKIE-1", data};
  size_t n = 0;

  b[n++] = (uint8_t)(family >> 8);
  b[n++] = (uint8_t)family;
  for (int i = 0; i < 4; i++) {
    size_t l = strlen(f[i]);
    b[n++] = (uint8_t)(l >> 8);
    b[n++] = (uint8_t)l;
    memcpy(b + n, f[i], l);
    n += l;
  }
  return n;
}

static void test_xauth(void)
{
  uint8_t buf[512], want[512], out[1024];
  size_t len = 0, wlen = 0, olen;

  len += entry(buf + len, 256, "host", "0", "AAAA");     /* ours */
  len += entry(buf + len, 256, "host", "1", "BBBB");     /* another display */
  len += entry(buf + len, 256, "other", "0", "CCCC");    /* another host */
  len += entry(buf + len, 65535, "", "0", "DDDD");       /* wild */
  len += entry(buf + len, 0, "\x7f\0\0\1", "0", "EEEE"); /* TCP */
  wlen += entry(want + wlen, 65535, "host", "1024", "AAAA");
  wlen += entry(want + wlen, 65535, "", "1024", "DDDD");
  ok(xauth_out_size(len) <= sizeof out, "output size bound");
  ok(xauth_extract(buf, len, "host", "0", "1024", out, &olen) == 2, "two entries for :0 here");
  ok(olen == wlen && memcmp(out, want, wlen) == 0,
     "... rewritten to family Wild, display 1024, nothing else");
  ok(xauth_extract(buf, len - 1, "host", "0", "1", out, &olen) == -EINVAL, "truncated: refused");
  ok(xauth_extract(buf, 1, "host", "0", "1", out, &olen) == -EINVAL, "one byte: refused");
  ok(xauth_extract(buf, 0, "host", "0", "1", out, &olen) == 0 && olen == 0, "empty: none");
  ok(xauth_extract(buf, len, "host", "7", "1", out, &olen) == 0, "no entry for :7");
}

static void test_free_number(void)
{
  static const char list[] = "Num RefCount Protocol Flags Type St Inode Path\n"
                             "0000: 00000002 00000000 00010000 0001 01 1 @/tmp/.X11-unix/X1024\n"
                             "0000: 00000002 00000000 00010000 0001 01 2 /tmp/.X11-unix/X1025\n"
                             "0000: 00000002 00000000 00010000 0001 01 3 @/tmp/.X11-unix/X0\n";

  ok(x11_free_number("", 0) == 1024, "no abstract X socket: 1024");
  ok(x11_free_number(list, sizeof list - 1) == 1025,
     "1024 taken by an abstract socket (a path socket does not count)");
}

int main(void)
{
  test_names();
  test_rules();
  test_dangerous();
  test_builtins_grant_nothing_dangerous();
  test_argv();
  test_app_names();
  test_app_home_guards();
  test_display();
  test_xauth();
  test_free_number();
  return tap_done();
}
