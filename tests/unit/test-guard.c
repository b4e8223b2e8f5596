/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Where protections sit, masks following binds, and the home rules of
 * profile lines. Pure: an in-memory world. */
#include "guard.h"
#include "memenv.h"
#include "tap.h"

static struct plan p;
static struct diag d;

static int apply_text(const char *text, const char *const *vars)
{
  static struct memenv m;
  static struct profile_env env;
  static struct memfile f[2];

  f[0] = (struct memfile){"p", text};
  m = (struct memenv){f, vars};
  env = (struct profile_env){mem_load, mem_getvar, &m, NULL};
  plan_free(&p);
  plan_init(&p);
  p.penv = &env;
  memset(&d, 0, sizeof d);
  return profile_apply_named(&p, "p", &env, NULL, &d);
}

static void test_paths(void)
{
  static const char *const cases[][2] = {
      {"/a//b/", "/a/b"}, {"/a/./b", "/a/b"}, {"/a/b/../c", "/a/c"},
      {"/..", "/"},       {"//", "/"},        {"/a/b/../../..", "/"},
  };
  for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
    _cleanup_free_ char *c = path_clean(cases[i][0]);
    is_str(c, cases[i][1], "path_clean(%s)", cases[i][0]);
  }
  is_str(path_below("/a/b/c", "/a"), "b/c", "path_below: the rest");
  is_str(path_below("/a", "/a"), "", "path_below: equal");
  ok(path_below("/ab", "/a") == NULL, "path_below: /ab is not below /a");
  is_str(path_below("/a", "/"), "a", "path_below: everything is below /");
}

/* The guards of the plan as "DEST:NAME" (NAME "*" for the whole bind). */
static char *guards_str(void)
{
  struct guards gs;
  char *s = xstrdup("");

  guards_plan(&p, &gs);
  for (size_t i = 0; i < gs.n; i++) {
    char *n = xasprintf("%s%s%s:%s", s, *s ? " " : "", p.ops[gs.g[i].op].dest,
                        gs.g[i].name ? gs.g[i].name : "*");
    free(s);
    s = n;
  }
  guards_free(&gs);
  return s;
}

static void test_guards(void)
{
  _cleanup_free_ char *g = NULL;

  ok(apply_text("bind /w /w\n"
                "ro-bind /r /r\n"
                "bind /x /home/u\n"
                "bind /c /home/u/.config\n"
                "bind /s /home/u/.config/sandbox/profiles\n"
                "protect .git\n"
                "protect /home/u/.config/sandbox\n"
                "protect /home/u/.local/bin\n",
                default_vars) == 0,
     "a plan with writable and read-only binds");
  g = guards_str();
  is_str(g,
         "/w:.git /home/u:.git /home/u:.config /home/u:.local /home/u/.config:.git "
         "/home/u/.config:sandbox /home/u/.config/sandbox/profiles:.git "
         "/home/u/.config/sandbox/profiles:*",
         "names in every writable bind; a path at the direct child of each bind holding it; "
         "a bind inside the path whole; read-only binds none");
  free(g);
  ok(apply_text("bind /w /w\nif-present protect .idea\nif-present protect .git\nprotect .git\n",
                default_vars) == 0 &&
         p.protect[0].if_present && p.protect[1].if_present && !p.protect[2].if_present,
     "if-present marks its protect line only");
  {
    struct guards gs;
    guards_plan(&p, &gs);
    ok(gs.n == 2 && gs.g[0].if_present && !gs.g[1].if_present,
       "a name protected both ways gets its placeholder");
    guards_free(&gs);
  }
  ok(apply_text("if-present bind /a /b\n", default_vars) == -EINVAL && d.where.col == 1,
     "if-present before a line that is no protect is an error");
  ok(apply_text("bind /a /w\nbind /b /w\nprotect .git\n", default_vars) == 0, "two binds on /w");
  g = guards_str();
  is_str(g, "/w:.git", "only the top one of two binds on one destination");
}

static void test_masks(void)
{
  ok(apply_text("ro-bind /home/u /h\n"
                "ro-bind /home/u/.ssh /k\n"
                "ro-bind /home/u/proj /home/u/proj\n"
                "mask /home/u/.ssh\n",
                default_vars) == 0,
     "binds showing a masked path elsewhere");
  masks_follow_binds(&p);
  ok(p.n_masks == 3, "two more masks");
  is_str(p.masks[1].path, "/h/.ssh", "a bind of the home: the mask below its destination");
  is_str(p.masks[2].path, "/k", "a bind of the masked path itself: its destination is masked");
  ok(p.masks[1].origin.line == 4, "the added mask keeps the mask's origin");
}

static void test_gitmodules(void)
{
  static const char text[] = "[submodule \"a\"]\n"
                             "\tpath = lib/a\n"
                             "\turl = x\n"
                             "[submodule \"b\"]\n"
                             "  path=\"b\" \r\n"
                             "\tpath = ../up\n"
                             "\tpath = /abs\n"
                             "\tpath = a//b\n"
                             "\tpathological = x\n"
                             "\tpath = c\\d\n"
                             "\tpath = last";
  char *paths[8];
  size_t n = gitmodules_paths(text, sizeof text - 1, paths, 8);
  struct guards gs;

  ok(n == 3, "three usable submodule paths of nine 'path' lines");
  is_str(n > 0 ? paths[0] : NULL, "lib/a", "a nested path");
  is_str(n > 1 ? paths[1] : NULL, "b", "quotes and trailing blanks dropped");
  is_str(n > 2 ? paths[2] : NULL, "last", "a last line without newline");
  ok(gitmodules_paths(text, sizeof text - 1, paths + 3, 1) == 1, "at most max paths");
  free(paths[3]);
  ok(apply_text("bind /w /w\nprotect .git\n", default_vars) == 0, "a bind with .git protected");
  guards_plan(&p, &gs);
  for (size_t i = 0; i < n; i++)
    guards_add_under(&gs, 0, paths[i], ".git");
  ok(gs.n == 4 && strcmp(gs.g[1].name, "lib/a/.git") == 0 &&
         strcmp(gs.g[3].name, "last/.git") == 0 && gs.g[1].op == 0 &&
         gs.g[1].origin == gs.g[0].origin,
     "each submodule's .git guarded below the bind, with .git's origin");
  guards_free(&gs);
  for (size_t i = 0; i < n; i++)
    free(paths[i]);
}

static void test_hooks_path(void)
{
  static const char cfg[] = "[core]\n"
                            "\tbare = false\n"
                            "\thooksPath = first\n"
                            "[core \"x\"]\n"
                            "\thookspath = sub-section\n"
                            "[CORE]\n"
                            "  HooksPath = \"tools/my hooks\"  ; a comment\n"
                            "[alias]\n"
                            "\thooksPath = alias\n";
  char *h = gitconfig_hooks_path(cfg, sizeof cfg - 1);
  char *r;

  is_str(h, "tools/my hooks", "the last core.hooksPath, any case, quotes and comment dropped");
  free(h);
  {
    static const char esc[] = "[core]\n\thooksPath = a\\nb\n";
    h = gitconfig_hooks_path(esc, sizeof esc - 1);
  }
  ok(h == NULL, "a value with an escape other than \\\" or \\\\ is no path");
  free(h);
  r = worktree_rel("tools/hooks", "/w");
  is_str(r, "tools/hooks", "a relative hooksPath is below the work tree");
  free(r);
  r = worktree_rel("/w/x/../.husky", "/w");
  is_str(r, ".husky", "an absolute one below it too, folded");
  free(r);
  ok(worktree_rel("/elsewhere/hooks", "/w") == NULL && worktree_rel("../up", "/w") == NULL &&
         worktree_rel("~/hooks", "/w") == NULL && worktree_rel(".", "/w") == NULL,
     "outside the work tree, in the home, or the top itself: none");
  {
    static const char inc[] = "[include]\n"
                              "\tpath = ../.gitconfig\n"
                              "[includeIf \"onbranch:main\"]\n"
                              "  Path = \"../conf/a b.cfg\" # shared\n"
                              "[includeIfx]\n"
                              "\tpath = not-a-section-of-include\n"
                              "[core]\n"
                              "\tpath = core\n"
                              "[INCLUDE]\n"
                              "\tpathx = no\n"
                              "\tpath=~/.gitconfig.local\n";
    char *paths[8];
    size_t n = gitconfig_include_paths(inc, sizeof inc - 1, paths, 8);

    ok(n == 3, "three include paths (include, includeIf, any case), none from other sections");
    if (n == 3) {
      is_str(paths[0], "../.gitconfig", "include.path as written");
      is_str(paths[1], "../conf/a b.cfg", "includeIf's path, quotes and comment dropped");
      is_str(paths[2], "~/.gitconfig.local", "a home path too (worktree_rel drops it)");
    }
    for (size_t i = 0; i < n; i++)
      free(paths[i]);
    n = gitconfig_include_paths(inc, sizeof inc - 1, paths, 1);
    ok(n == 1, "at most max");
    free(paths[0]);
    r = worktree_rel(".git/../.gitconfig", "/w");
    is_str(r, ".gitconfig", "an include relative to .git/ lands in the work tree");
    free(r);
  }
  {
    static const char cmds[] = "[core]\n\tfsmonitor = tools/fsmon.sh\n\tpager = less\n"
                               "[alias]\n\tx = \"!sh ./scripts/x.sh --flag|tee out/log\"\n"
                               "[remote \"origin\"]\n\turl = https://example.com/a/b.git\n"
                               "[filter \"lfs\"]\n\tclean = bin/clean %f ; comment a/b\n";
    char *words[8];
    size_t n = gitconfig_path_words(cmds, sizeof cmds - 1, words, 8);

    ok(n == 4, "the words with a '/' in any value: four (no URL, no comment, no plain word)");
    if (n == 4) {
      is_str(words[0], "tools/fsmon.sh", "core.fsmonitor's script");
      is_str(words[1], "./scripts/x.sh", "an alias's script, '!' and quote cut");
      is_str(words[2], "out/log", "a word after a blank; '|' cut from the one before");
      is_str(words[3], "bin/clean", "a filter's command");
    }
    for (size_t i = 0; i < n; i++)
      free(words[i]);
  }
}

static void test_home(void)
{
  static const char *const vars[] = {"HOME", "/home/u", "CWD", "/home/u", NULL};
  static const char *const anc[] = {"HOME", "/home/u", "CWD", "/home", NULL};

  ok(apply_text("bind ${CWD} ${CWD}\n", vars) == -EPERM && d.where.line == 1 && d.where.col == 6 &&
         strstr(d.msg, "is or holds the home directory"),
     "a writable bind of the home is refused at its source");
  ok(apply_text("bind ${CWD} ${CWD}\n", anc) == -EPERM, "... and of a directory holding it");
  ok(apply_text("ro-bind ${CWD} ${CWD}\n", vars) == 0, "a read-only bind of the home is fine");
  ok(apply_text("unsafe-home bind ${CWD} ${CWD}\n", vars) == 0 && p.ops[0].type == OP_BIND &&
         !(p.ops[0].flags & BIND_READONLY),
     "unsafe-home: writable as asked");
  ok(apply_text("optional overlay-home bind ${CWD} ${CWD}\n", vars) == 0 &&
         p.ops[0].type == OP_OVERLAY && p.ops[0].overlay == OVERLAY_TMP && p.ops[0].n_layers == 1 &&
         strcmp(p.ops[0].layers[0], "/home/u") == 0 && p.notice &&
         strstr(p.notice, "throwaway layer (p:1)"),
     "overlay-home: a throwaway overlay, and a notice naming the line");
  ok(apply_text("overlay-home bind /home/u/proj /home/u/proj\n", vars) == 0 &&
         p.ops[0].type == OP_BIND && !p.notice,
     "overlay-home on a bind below the home changes nothing");
  ok(apply_text("overlay-home tmpfs /x\n", vars) == -EINVAL && d.where.col == 1,
     "overlay-home before a line that is no bind is an error");
  ok(apply_text("ro-bind-try ${HOME}/.config/gtk-3.0 /g\n", vars) == 0 &&
         p.ops[0].src_anchor == strlen("/home/u"),
     "a bind of a path in the home opens it below the home without symlinks");
  ok(apply_text("ro-bind-try /usr/share /s\n", vars) == 0 && p.ops[0].src_anchor == 0,
     "a bind elsewhere follows symlinks as usual");
}

int main(void)
{
  test_paths();
  test_guards();
  test_masks();
  test_gitmodules();
  test_hooks_path();
  test_home();
  plan_free(&p);
  return tap_done();
}
