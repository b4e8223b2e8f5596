/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The profile parser: lines as options, includes, variables, and every
 * error with its file:line:col. Pure: an in-memory world. */
#include "memenv.h"
#include "tap.h"

static struct plan p;
static struct diag d;

static int apply_vars(const struct memfile *files, const char *name, const char *const *vars)
{
  static struct memenv m;
  static struct profile_env env;

  m = (struct memenv){files, vars};
  env = (struct profile_env){mem_load, mem_getvar, &m};
  plan_free(&p);
  plan_init(&p);
  p.penv = &env;
  memset(&d, 0, sizeof d);
  return profile_apply_named(&p, name, &env, NULL, &d);
}

static int apply(const struct memfile *files, const char *name)
{
  return apply_vars(files, name, default_vars);
}

static void expect_error(const struct memfile *files, const char *name, const char *file,
                         unsigned line, unsigned col, const char *msg_prefix, const char *what)
{
  int r = apply(files, name);
  bool pos =
      d.where.file && strcmp(d.where.file, file) == 0 && d.where.line == line && d.where.col == col;

  ok(r < 0 && pos && strncmp(d.msg, msg_prefix, strlen(msg_prefix)) == 0, "%s", what);
  if (!(r < 0 && pos && strncmp(d.msg, msg_prefix, strlen(msg_prefix)) == 0))
    printf("#   got %s:%u:%u: %s\n", d.where.file ? d.where.file : "-", d.where.line, d.where.col,
           d.msg);
}

static void test_lines(void)
{
  static const struct memfile f[] = {
      {"p", "# comment\n"
            "description A test\n"
            "ro-bind /usr /usr   # trailing comment\n"
            "bind ${CWD} \"/with space\"\n"
            "optional bind ${NOPE} /x\n"
            "setenv A $${HOME}\n"
            "syscall getppid,getpid errno(EPERM) if a0 == 1 # a comment\n"
            "unshare-pid\n"},
      {NULL, NULL},
  };

  ok(apply(f, "p") == 0, "a profile with comments, quotes, variables, optional lines");
  ok(p.n_ops == 2, "two mounts (the optional line was skipped)");
  is_str(p.ops[1].src, "/home/u/proj", "${CWD} expanded");
  is_str(p.ops[1].dest, "/with space", "double quotes group words");
  ok(p.ops[0].origin.line == 3 && p.ops[0].origin.col == 1, "origin of the first mount is line 3");
  is_str(p.env[0].value, "${HOME}", "$$ is a literal dollar");
  ok(p.ns & NS_PID, "unshare-pid applied");
  ok(p.sc.active && p.sc.entries[39].n_exc == 1, "syscall rule recorded as an exception");
  is_str(p.sc.entries[39].exc[0].key, "a0 == 1", "the rule's comment is not part of it");
  ok(p.used_profile, "used_profile set");
}

static void test_errors(void)
{
  static const struct memfile unknown[] = {{"u", "\n  ro-bnd /a /a\n"}, {NULL, NULL}};
  static const struct memfile badsys[] = {{"s", "syscall opne allow\n"}, {NULL, NULL}};
  static const struct memfile badgrp[] = {{"g", "syscall getpid,@mout allow\n"}, {NULL, NULL}};
  static const struct memfile badact[] = {{"a", "syscall getpid deny\n"}, {NULL, NULL}};
  static const struct memfile baderr[] = {{"e", "syscall getpid errno(ENOPE)\n"}, {NULL, NULL}};
  static const struct memfile badcond[] = {{"c", "syscall ioctl allow if a1 = 3\n"}, {NULL, NULL}};
  static const struct memfile twice[] = {{"t", "syscall ioctl allow if a1 == 1 && a1 == 2\n"},
                                         {NULL, NULL}};
  static const struct memfile cycle[] = {
      {"a", "include b\n"}, {"b", "dir /x\ninclude a\n"}, {NULL, NULL}};
  static const struct memfile missing[] = {{"m", "tmpfs /t\ninclude nothere\n"}, {NULL, NULL}};
  static const struct memfile undef[] = {{"v", "bind ${UNDEFINED} /x\n"}, {NULL, NULL}};
  static const struct memfile nargs[] = {{"n", "bind /a\n"}, {NULL, NULL}};
  static const struct memfile cli[] = {{"c", "args 3\n"}, {NULL, NULL}};
  static const struct memfile quote[] = {{"q", "bind \"/a /b\n"}, {NULL, NULL}};
  static const struct memfile konst[] = {{"k", "syscall ioctl allow if a1 == TIOCST\n"},
                                         {NULL, NULL}};

  expect_error(unknown, "u", "u", 2, 3, "unknown directive 'ro-bnd' (did you mean 'ro-bind'?)",
               "unknown directive, with a suggestion, at line 2 col 3");
  expect_error(badsys, "s", "s", 1, 9, "unknown syscall 'opne' (did you mean 'open'?)",
               "unknown syscall with a suggestion, column of the name");
  expect_error(badgrp, "g", "g", 1, 16, "unknown syscall group '@mout' (did you mean '@mount'?)",
               "unknown group with a suggestion");
  expect_error(badact, "a", "a", 1, 16, "unknown action 'deny'", "unknown action");
  expect_error(baderr, "e", "e", 1, 16, "unknown errno", "unknown errno name");
  expect_error(badcond, "c", "c", 1, 27, "expected a comparison", "bad comparison operator");
  expect_error(twice, "t", "t", 1, 35, "argument compared twice", "same argument twice");
  expect_error(cycle, "a", "b", 2, 9, "include cycle", "include cycle, reported where it closes");
  expect_error(missing, "m", "m", 2, 9, "cannot include profile 'nothere'", "missing include");
  expect_error(undef, "v", "v", 1, 6, "undefined variable 'UNDEFINED'", "undefined variable");
  expect_error(nargs, "n", "n", 1, 1, "'bind' takes 2 arguments, got 1", "too few arguments");
  expect_error(cli, "c", "c", 1, 1, "'args' is only valid on the command line",
               "a command-line-only option in a profile");
  expect_error(quote, "q", "q", 1, 6, "unterminated quote", "unterminated quote");
  expect_error(konst, "k", "k", 1, 30, "unknown constant 'TIOCST' (did you mean 'TIOCSTI'?)",
               "unknown constant with a suggestion");
}

/* A NUL byte is an error where it stands, not the end of the profile (the
 * lines after it were dropped silently). */
static void test_nul(void)
{
  static const char text[] = "dir /a\ndir /b\0\ndir /c\n";
  static const struct memfile nul[] = {{"n", text, sizeof text - 1}, {NULL, NULL, 0}};
  static const struct memfile inc[] = {
      {"i", "dir /x\ninclude n\n", 0}, {"n", text, sizeof text - 1}, {NULL, NULL, 0}};

  expect_error(nul, "n", "n", 2, 7, "NUL byte in a profile", "a NUL byte: error at its line:col");
  expect_error(inc, "i", "n", 2, 7, "NUL byte in a profile", "a NUL byte in an included profile");
}

/* A rule too large to compile in reasonable time is refused while it is
 * parsed, with the position of the alternative past the limit. */
static void test_rule_limits(void)
{
  static struct memfile big[] = {{"b", NULL, 0}, {NULL, NULL, 0}};
  const char *head = "syscall ioctl errno(EPERM) if a1 == 0";
  size_t cap = strlen(head) + 20 * (SC_MAX_ALTS + 1) + 2, col = 0;
  char *text = xmalloc(cap), *at = text;

  at += sprintf(at, "%s", head);
  for (int i = 1; i <= SC_MAX_ALTS; i++) {
    if (i == SC_MAX_ALTS)
      col = (size_t)(at - text) + 5;
    at += sprintf(at, " || a1 == %d", i);
  }
  strcpy(at, "\n");
  big[0].text = text;
  expect_error(big, "b", "b", 1, (unsigned)col, "more than 256 alternatives in one rule",
               "a rule of 257 alternatives: refused at the 257th");
  /* One fewer is accepted. */
  *strrchr(text, '|') = '\0';
  *strrchr(text, '|') = '\0';
  strcat(text, "\n");
  ok(apply(big, "b") == 0, "a rule of 256 alternatives: accepted");
  free(text);
}

/* A variable that is "/" must not turn a mount into one over the whole
 * root (the default profile run from /, the desktop one with HOME=/). */
static void test_root_destination(void)
{
  static const char *const vars[] = {"CWD", "/", "HOME", "//", "EMPTY", "", NULL};
  static const struct {
    const char *text;
    unsigned col; /* 0: accepted */
    const char *what;
  } cases[] = {
      {"bind ${CWD} ${CWD}\n", 13, "bind ${CWD} ${CWD} with CWD=/: refused"},
      {"tmpfs ${HOME}\n", 7, "tmpfs ${HOME} with HOME=//: refused"},
      {"ro-bind /usr ${CWD}/.\n", 14, "a destination that normalizes to /: refused"},
      {"dev-bind /dev ${EMPTY}/\n", 15, "an empty variable then /: refused"},
      {"bind ${CWD} /srv\n", 0, "/ from a variable as a source: accepted"},
      {"chdir ${CWD}\n", 0, "chdir to / from a variable: accepted"},
      {"remount-ro ${CWD}\n", 0, "remount-ro of / from a variable: accepted"},
      {"ro-bind / /\n", 0, "a literal / destination: accepted"},
      {"bind ${CWD}/x ${CWD}x\n", 0, "a destination that is not / after all: accepted"},
  };

  for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
    const struct memfile f[] = {{"r", cases[i].text}, {NULL, NULL}};
    int r = apply_vars(f, "r", vars);

    if (!cases[i].col) {
      ok(r == 0, "%s", cases[i].what);
      continue;
    }
    ok(r == -EINVAL && d.where.line == 1 && d.where.col == cases[i].col &&
           (strstr(d.msg, "is '/'") != NULL),
       "%s", cases[i].what);
  }
  {
    const struct memfile f[] = {{"r", "bind ${CWD} ${CWD}\n"}, {NULL, NULL}};
    apply_vars(f, "r", vars);
    is_str(d.msg,
           "the current directory is '/', and 'bind ${CWD}' would put the whole host there; cd to "
           "the directory the command should work in",
           "CWD=/: the message says what to do, in a user's terms");
  }
  {
    const struct memfile f[] = {{"r", "ro-bind /usr ${CWD}/.\n"}, {NULL, NULL}};
    apply_vars(f, "r", vars);
    is_str(
        d.msg,
        "'ro-bind': ${CWD}/. is '/' here, and a mount there would replace the whole sandbox root "
        "(write '/' literally if that is meant)",
        "other forms: the message names the option and the variable");
  }
  {
    const struct memfile f[] = {{"r", "chdir ${EMPTY}\n"}, {NULL, NULL}};
    int r = apply_vars(f, "r", vars);
    ok(r == -EINVAL && d.where.col == 7, "an empty variable as a path: refused at its column");
    is_str(d.msg,
           "'chdir': ${EMPTY} is empty here; set it (e.g. HOME=/home/you) or use another profile",
           "... naming the variable (not \"Can't chdir to :\")");
  }
  {
    const struct memfile f[] = {{"r", "setenv X ${EMPTY}\n"}, {NULL, NULL}};
    ok(apply_vars(f, "r", vars) == 0, "an empty variable as a value (setenv): accepted");
  }
}

static void test_builtins(void)
{
  static const char *const names[] = {"default", "net", "build", "desktop", "strict"};
  static const struct memfile none[] = {{NULL, NULL}};

  for (size_t i = 0; i < ELEMENTSOF(names); i++) {
    char *desc = NULL;
    struct sc_compiled c;
    int r = apply(none, names[i]);

    if (r < 0)
      printf("# %s:%u:%u: %s\n", d.where.file, d.where.line, d.where.col, d.msg);
    ok(r == 0, "built-in profile %s parses", names[i]);
    ok(sc_compile(&p.sc, &c, &d) == 0, "built-in profile %s compiles", names[i]);
    sc_compiled_free(&c);
    for (size_t j = 0; j < n_builtin_profiles; j++)
      if (strcmp(builtin_profiles[j].name, names[i]) == 0)
        desc = profile_description(builtin_profiles[j].text);
    ok(desc && *desc, "built-in profile %s has a description", names[i]);
    free(desc);
  }
}

int main(void)
{
  plan_init(&p);
  test_lines();
  test_errors();
  test_nul();
  test_rule_limits();
  test_root_destination();
  test_builtins();
  plan_free(&p);
  return tap_done();
}
