/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* --learn's folding, on a made-up host: the threshold, what the base
 * already gives, hidden and absent paths, directories written, the
 * network lines, the syscall allow-list, the proxy log's parser; and the
 * learned text is a profile the parser takes. */
#include "learn.h"
#include "memenv.h"
#include "tap.h"
#include "util.h"

/* The made-up host: directories with their number of entries, files. */
static const struct {
  const char *path;
  int entries; /* -1: a file */
} world[] = {
    {"/p", 6},
    {"/p/Makefile", -1},
    {"/p/notes", -1},
    {"/p/src", 3},
    {"/p/src/a.c", -1},
    {"/p/src/b.c", -1},
    {"/p/src/a.h", -1},
    {"/p/out", 0},
    {"/p/d", 5},
    {"/p/d/1", -1},
    {"/p/d/2", -1},
    {"/p/d/3", -1},
    {"/p/d/4", -1},
    {"/p/d/5", -1},
    {"/p/two", 2},
    {"/p/two/x", -1},
    {"/p/two/y", -1},
    {"/p/seen", 4},
    {"/h", 3},
    {"/h/.ssh", 1},
    {"/h/.ssh/id", -1},
    {"/h/.cfg", -1},
    {"/tmp", 10},
    {"/tmp/proj", 1},
    {"/tmp/proj/f", -1},
    {"/tmp/x", -1},
    {"/usr/lib/x", -1},
    {"/q", 9},
    {"/q/a b$c\"d\\e#", -1},
    {"/q/x\nwrite /", -1},
    /* -2: a symbolic link */
    {"/p/link", -2},
    {"/p/linkdir", -2},
    {"/p/linkdir/f", -1},
    {"/h/lnk", -2},
};

static int fake_entries(void *ctx, const char *path)
{
  (void)ctx;
  for (size_t i = 0; i < ELEMENTSOF(world); i++)
    if (strcmp(world[i].path, path) == 0)
      return world[i].entries;
  return -1;
}

static bool fake_exists(void *ctx, const char *path)
{
  (void)ctx;
  for (size_t i = 0; i < ELEMENTSOF(world); i++)
    if (strcmp(world[i].path, path) == 0)
      return true;
  return false;
}

static bool fake_is_symlink(void *ctx, const char *path)
{
  return fake_entries(ctx, path) == -2;
}

static const struct learn_host host = {fake_entries, fake_exists, fake_is_symlink, NULL};
static const char *const mounts[] = {"/usr", "/etc", "/tmp", "/tmp/proj", "/p"};
static const bool base[] = {true, true, true, false, false};
static const bool writable[] = {false, false, true, true, true};
static const char *const hidden[] = {"/h/.ssh"};

static void input(struct learn_fold_in *in)
{
  *in = (struct learn_fold_in){.command = "make \"all\" # x",
                               .program = "make",
                               .cwd = "/p",
                               .include = "system",
                               .mounts = mounts,
                               .from_include = base,
                               .writable = writable,
                               .n_mounts = ELEMENTSOF(mounts),
                               .hidden = hidden,
                               .n_hidden = ELEMENTSOF(hidden),
                               .proxy = true};
}

static bool has_line(const char *text, const char *prefix)
{
  size_t n = strlen(prefix);

  for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
    if (strncmp(l, prefix, n) == 0)
      return true;
  return false;
}

static void add(struct learn_log *l, enum learn_kind k, const char *what, unsigned times)
{
  for (unsigned i = 0; i < times; i++)
    learn_log_add(l, k, what, "openat", "prog");
}

static void test_paths(void)
{
  struct learn_log l = {0};
  struct learn_fold_in in;

  input(&in);
  size_t n = 0;
  char *t;

  add(&l, LEARN_READ, "/p", 3); /* traversed */
  add(&l, LEARN_READ, "/p/Makefile", 2);
  add(&l, LEARN_READ, "/p/src/a.c", 1);
  add(&l, LEARN_READ, "/p/src/../src/b.c", 1);
  add(&l, LEARN_READ, "/p/src/a.h", 1);
  add(&l, LEARN_READ, "/p/d/1", 1);
  add(&l, LEARN_READ, "/p/d/2", 1);
  add(&l, LEARN_READ, "/p/d/3", 1);
  add(&l, LEARN_READ, "/p/two/x", 1);
  add(&l, LEARN_READ, "/p/two/y", 1);
  add(&l, LEARN_READ, "/p/seen", 1);
  add(&l, LEARN_CREATE, "/p/out/new.o", 2);
  add(&l, LEARN_READ, "/p/out/new.o", 1);
  add(&l, LEARN_READ, "/p/missing", 4);
  add(&l, LEARN_READ, "/usr/lib/x", 1);
  add(&l, LEARN_READ, "/h/.ssh/id", 1);
  add(&l, LEARN_READ, "/h/.cfg", 1);
  add(&l, LEARN_READ, "/tmp/proj/f", 1);
  add(&l, LEARN_READ, "/tmp/x", 1);
  t = learn_fold(&l, &in, &host, &n);
  ok(has_line(t, "include system  # 2 paths the run used are this profile's"),
     "what the base gives (/usr/lib/x, a fresh /tmp's file) is counted, not listed");
  ok(has_line(t, "read /p/src  # 3 of its 3 entries read: openat by prog, 3x"),
     "3 of 3 entries read: the directory (.. resolved)");
  ok(!has_line(t, "read /p/src/"), "and not its files");
  ok(has_line(t, "read /p/d/1  #") && !has_line(t, "read /p/d  #"),
     "3 of 5 entries (below two thirds): the files");
  ok(has_line(t, "read /p/two/x  #") && !has_line(t, "read /p/two  #"),
     "2 of 2 entries (below the minimum of 3): the files");
  ok(has_line(t, "write /p/out  # entries made or removed in it"), "a file made: its directory");
  ok(!has_line(t, "read /p/out/"), "what the written directory holds is not listed");
  ok(!strstr(t, "/p/missing"), "a path absent after the run is not granted");
  ok(!strstr(t, "/h/.ssh"), "a hidden path is not granted");
  ok(strstr(t, "# 1 path the run asked for are hidden") != NULL, "and it says so");
  ok(has_line(t, "read /h/.cfg  #"), "a file of the home is");
  ok(has_line(t, "read /tmp/proj/f  #"), "below a mount of the run that the base lacks: granted");
  ok(!strstr(t, "/tmp/x"), "below the base's fresh /tmp: not");
  ok(has_line(t, "dir /p/seen  # looked up"), "a directory only looked up: an empty one");
  ok(!has_line(t, "read /p  #"), "a directory traversed on the way is no line");
  ok(has_line(t, "chdir /p  #") && !has_line(t, "dir /p  #"), "chdir, the directory is there");
  ok(has_line(t, "description Learned from one run of make"), "the description is one word");
  ok(strstr(t, "make \"all\" # x") != NULL, "the whole command line in a comment");
  ok(n == 14, "14 directive lines (%zu)", n);
  {
    struct plan p;
    struct diag d = {0};
    static const struct memenv m = {NULL, default_vars};
    static const struct profile_env env = {mem_load, mem_getvar, (void *)&m};
    int r;

    plan_init(&p);
    p.penv = &env;
    r = profile_apply_text(&p, t, strlen(t), "learned", &env, &d);
    ok(r == 0, "the learned text is a profile (%s)", r < 0 ? d.msg : "ok");
    plan_free(&p);
  }
  free(t);
  learn_log_free(&l);
}

static void test_home(void)
{
  struct learn_log l = {0};
  struct learn_fold_in in;

  input(&in);
  size_t n = 0;
  char *t;

  in.home = "/h";
  add(&l, LEARN_CREATE, "/h/new", 1);
  t = learn_fold(&l, &in, &host, &n);
  ok(has_line(t, "overlay-home bind /h /h  # entries made or removed in it (writes to a throwaway"),
     "the home written: a throwaway layer, as in the run");
  {
    struct plan p;
    struct diag d = {0};
    static const char *const vars[] = {"HOME", "/h", "CWD", "/p", "UID", "1000", NULL};
    static const struct memenv m = {NULL, vars};
    static const struct profile_env env = {mem_load, mem_getvar, (void *)&m};
    int r;

    plan_init(&p);
    p.penv = &env;
    r = profile_apply_text(&p, t, strlen(t), "learned", &env, &d);
    ok(r == 0, "and the parser takes it (%s)", r < 0 ? d.msg : "ok");
    plan_free(&p);
  }
  free(t);
  learn_log_free(&l);
}

/* Names are the program's to choose: one with a newline must not become
 * lines of the learned profile, odd ones must still name the file. */
static void test_names(void)
{
  struct learn_log l = {0};
  struct learn_fold_in in;

  input(&in);
  struct plan p;
  struct diag d = {0};
  static const struct memenv m = {NULL, default_vars};
  static const struct profile_env env = {mem_load, mem_getvar, (void *)&m};
  size_t n = 0;
  char *t;
  int r;
  bool found = false;

  add(&l, LEARN_READ, "/q/a b$c\"d\\e#", 1);
  add(&l, LEARN_CREATE, "/q/x\nwrite /", 1);
  learn_log_add(&l, LEARN_READ, "/p/Makefile", "openat", "evil\nwrite /");
  t = learn_fold(&l, &in, &host, &n);
  ok(!has_line(t, "write /"), "a newline in a name starts no line");
  ok(strstr(t, "# 1 path with a control character") != NULL, "it is counted in a comment");
  ok(has_line(t, "read \"/q/a b$$c\\\"d\\\\e#\"  #"), "odd characters: quoted");
  ok(has_line(t, "read /p/Makefile  # read: openat by evil?write?/, 1x"),
     "a program's name: printable only");
  plan_init(&p);
  p.penv = &env;
  r = profile_apply_text(&p, t, strlen(t), "learned", &env, &d);
  ok(r == 0, "the parser takes it (%s)", r < 0 ? d.msg : "ok");
  for (size_t i = 0; i < p.n_ops; i++)
    found |= p.ops[i].src && strcmp(p.ops[i].src, "/q/a b$c\"d\\e#") == 0;
  ok(found, "and binds the file of that odd name");
  plan_free(&p);
  free(t);
  learn_log_free(&l);
}

/* A link the run could have planted in its writable directory would
 * point the learned profile's bind wherever it likes. */
static void test_links(void)
{
  struct learn_log l = {0};
  struct learn_fold_in in;

  input(&in);
  size_t n = 0;
  char *t;

  add(&l, LEARN_READ, "/p/link", 1);
  add(&l, LEARN_READ, "/p/linkdir/f", 1);
  add(&l, LEARN_READ, "/h/lnk", 1);
  add(&l, LEARN_READ, "/p/Makefile", 1);
  t = learn_fold(&l, &in, &host, &n);
  ok(!strstr(t, "read /p/link"), "a link in the run's writable directory: not granted");
  ok(!strstr(t, "/p/linkdir/f  #"), "nor a path through one");
  ok(strstr(t, "# 2 paths through a symbolic link") != NULL, "counted in a comment");
  ok(has_line(t, "read /h/lnk  #"), "a link where the run could not write: granted");
  ok(has_line(t, "read /p/Makefile  #"), "the rest: granted");
  free(t);
  learn_log_free(&l);
}

static void test_fold_upwards(void)
{
  struct learn_log l = {0};
  struct learn_fold_in in;

  input(&in);
  size_t n = 0;
  char *t;

  /* d: 4 of 5 (12 >= 10) folds, src: 3 of 3; then /p: src, d, Makefile,
   * notes = 4 of 6 entries (12 >= 12) folds too */
  add(&l, LEARN_READ, "/p/notes", 1);
  add(&l, LEARN_READ, "/p/d/1", 1);
  add(&l, LEARN_READ, "/p/d/2", 1);
  add(&l, LEARN_READ, "/p/d/3", 1);
  add(&l, LEARN_READ, "/p/d/4", 1);
  add(&l, LEARN_READ, "/p/src/a.c", 1);
  add(&l, LEARN_READ, "/p/src/b.c", 1);
  add(&l, LEARN_READ, "/p/src/a.h", 1);
  add(&l, LEARN_READ, "/p/Makefile", 1);
  t = learn_fold(&l, &in, &host, &n);
  ok(has_line(t, "read /p  # 4 of its 6 entries read: openat by prog, 9x"),
     "folded directories count as entries of their parent");
  ok(!has_line(t, "read /p/d  #") && !has_line(t, "read /p/src  #"), "and are then no lines");
  free(t);
  learn_log_free(&l);
}

static void test_net_and_syscalls(void)
{
  struct learn_log l = {0};
  struct learn_fold_in in;

  input(&in);
  const char log[] =
      "{\"time\":\"t\",\"proto\":\"http\",\"host\":\"learn.test\",\"port\":8080,\"action\":"
      "\"allow\"}\n"
      "{\"time\":\"t\",\"proto\":\"socks5\",\"host\":\"b.test\",\"port\":443,\"action\":\"allow\"}"
      "\n"
      "{\"time\":\"t\",\"proto\":\"http\",\"host\":\"gone.test\",\"port\":80,\"action\":\"fail\"}\n"
      "{\"proto\":\"http\",\"host\":\"evil@x.test\",\"port\":80,\"action\":\"allow\"}\n"
      "{\"proto\":\"http\",\"host\":\"*.x.test\",\"port\":80,\"action\":\"allow\"}\n"
      "{\"proto\":\"http\",\"host\":\"a\\\"b\",\"port\":80,\"action\":\"allow\"}\n"
      "{\"proto\":\"http\",\"host\":\"noport.test\",\"action\":\"allow\"}\n"
      "garbage\n"
      "{\"time\":\"t\",\"proto\":\"http\",\"host\":\"learn.test\",\"port\":8080,\"action\":"
      "\"allow\"}";
  size_t n = 0, added = learn_parse_netlog(&l, log, strlen(log));
  char *t;

  ok(added == 3, "proxy log: 3 allowed requests of good names (%zu)", added);
  add(&l, LEARN_CONNECT, "127.0.0.1:3128", 1);
  add(&l, LEARN_CONNECT, "127.0.0.1:9999", 1);
  add(&l, LEARN_CONNECT, "192.0.2.1:443", 1);
  learn_log_add(&l, LEARN_NS, "user", "unshare", "prog");
  sc_set_add(&l.syscalls, syscall_lookup("read"));
  sc_set_add(&l.syscalls, syscall_lookup("getppid"));
  in.syscalls = true;
  t = learn_fold(&l, &in, &host, &n);
  ok(has_line(t, "net-allow learn.test:8080  # asked of the proxy (http), 2x"),
     "a name asked of the proxy: net-allow, counted");
  ok(has_line(t, "net-allow b.test:443  # asked of the proxy (socks5), 1x"), "SOCKS5 too");
  ok(!strstr(t, "gone.test") && !strstr(t, "evil") && !strstr(t, "*.x") && !strstr(t, "noport"),
     "failed, malformed or wildcard entries are not allowed");
  ok(!strstr(t, "3128"), "the proxy's own port is no line");
  ok(has_line(t, "# connect to 127.0.0.1:9999"), "a loopback connect: a comment");
  ok(has_line(t, "# connect to 192.0.2.1:443") && !has_line(t, "net  #"),
     "by address through the proxy's namespace: a comment, no 'net'");
  ok(has_line(t, "# namespaces user by prog"), "namespaces made: a comment");
  ok(has_line(t, "syscall read,") && strstr(t, ",getppid") != NULL,
     "--learn-syscalls: the syscalls used, allowed");
  ok(strstr(t, "prctl") && strstr(t, "execve"), "with the sandbox's own prctl and execve");
  ok(strstr(t, "allow\ninclude system") != NULL, "ahead of the include (its rules on top)");
  ok(has_line(t, "syscall-default errno(EPERM)"), "every other one EPERM");
  free(t);
  in.syscalls = false;
  in.proxy = false;
  in.shared_net = true;
  t = learn_fold(&l, &in, &host, &n);
  ok(has_line(t, "net  # connect to 192.0.2.1:443"), "with the host's network: 'net'");
  ok(!has_line(t, "syscall"), "no syscall lines without --learn-syscalls");
  free(t);
  learn_log_free(&l);
}

/* A large build's log: /big has 80 directories of 60 files; the run read
 * all of 40 of them and 10 files of each of the other 40. Folding asks
 * the host about each directory a bounded number of times (it used to
 * ask again for every file on every pass, one pass per fold, and scan
 * every grant for each: tens of thousands of paths took minutes). */
static unsigned big_calls;

static int big_entries(void *ctx, const char *path)
{
  (void)ctx;
  big_calls++;
  if (strcmp(path, "/big") == 0)
    return 80;
  if (strncmp(path, "/big/d", 6) == 0 && !strchr(path + 6, '/'))
    return 60;
  return -1;
}

static bool big_exists(void *ctx, const char *path)
{
  (void)ctx;
  return strncmp(path, "/big", 4) == 0;
}

static bool big_is_symlink(void *ctx, const char *path)
{
  (void)ctx;
  (void)path;
  return false;
}

static void test_large(void)
{
  static const char *const big_mounts[] = {"/big"};
  static const bool big_base[] = {false};
  static const bool big_writable[] = {true};
  const struct learn_host big_host = {big_entries, big_exists, big_is_symlink, NULL};
  struct learn_fold_in in;
  struct learn_log l = {0};
  size_t n = 0, grants = 0;
  char *t;

  input(&in);
  in.cwd = "/big";
  in.mounts = big_mounts;
  in.from_include = big_base;
  in.writable = big_writable;
  in.n_mounts = 1;
  /* the directories that do not fold first: every pass of the old loop
   * asked about each of their files before reaching one that folds */
  for (int d = 0; d < 80; d++)
    for (int f = 0; f < (d < 40 ? 10 : 60); f++) {
      char path[64];
      snprintf(path, sizeof path, "/big/d%02d/f%02d", d, f);
      add(&l, LEARN_READ, path, 1);
      grants++;
    }
  big_calls = 0;
  t = learn_fold(&l, &in, &big_host, &n);
  ok(has_line(t, "read /big/d40  # 60 of its 60 entries read") &&
         has_line(t, "read /big/d79  # 60 of its 60 entries read"),
     "a large log: each fully read directory folds");
  ok(has_line(t, "read /big/d00/f09  #") && !has_line(t, "read /big/d00  #"),
     "a large log: a directory read a sixth is its files");
  ok(!has_line(t, "read /big  #"), "a large log: /big, 40 of 80 entries folded, is not folded");
  ok(big_calls < 2 * grants, "a large log: %u host lookups for %zu paths (bounded by the paths)",
     big_calls, grants);
  free(t);
  learn_log_free(&l);
}

int main(void)
{
  test_paths();
  test_fold_upwards();
  test_large();
  test_home();
  test_names();
  test_links();
  test_net_and_syscalls();
  return tap_done();
}
