/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The real world for the profile parser: files on disk, the built-in set,
 * the process's variables. Kept apart so the parser stays pure. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>

#include "guard.h"
#include "profile.h"
#include "util.h"

#define PROFILE_MAX_SIZE (1 << 20)

/* Regular files only. O_NONBLOCK: a FIFO (or a device) named like a
 * profile would block open() until a writer came, hanging --profile and
 * --list-profiles; opened without waiting, it is refused by its type. */
static int read_file(const char *path, char **ret, size_t *ret_len)
{
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  struct stat st;

  if (fd < 0)
    return errno == ENXIO ? -PROFILE_ENOTREG : -errno; /* ENXIO: a socket */
  if (fstat(fd, &st) < 0)
    return -errno;
  if (!S_ISREG(st.st_mode))
    return -PROFILE_ENOTREG;
  if (st.st_size > PROFILE_MAX_SIZE)
    return -EFBIG;
  return read_all(fd, ret, ret_len);
}

static char *user_dir(void)
{
  const char *x = getenv("XDG_CONFIG_HOME");
  const char *home = getenv("HOME");

  if (x && x[0] == '/')
    return xasprintf("%s/sandbox/profiles", x);
  if (home && home[0] == '/')
    return xasprintf("%s/.config/sandbox/profiles", home);
  return NULL;
}

/* "/a/b/profiles" -> "/a/b" (in a static buffer). */
static const char *dirname_of(const char *path)
{
  static char buf[4096];
  char *slash;

  snprintf(buf, sizeof buf, "%s", path);
  slash = strrchr(buf, '/');
  if (slash && slash != buf)
    *slash = '\0';
  return buf;
}

#ifndef SANDBOX_SYSCONFDIR
#define SANDBOX_SYSCONFDIR "/etc"
#endif

/* Where system profiles live: the configured sysconfdir's (where meson
 * install puts them), and /etc's, where a distribution's are. */
static size_t system_dirs(const char *dirs[2])
{
  size_t n = 0;

  dirs[n++] = SANDBOX_SYSCONFDIR "/sandbox/profiles";
  if (strcmp(SANDBOX_SYSCONFDIR, "/etc") != 0)
    dirs[n++] = "/etc/sandbox/profiles";
  return n;
}

static const struct builtin_profile *builtin(const char *name)
{
  for (size_t i = 0; i < n_builtin_profiles; i++)
    if (strcmp(builtin_profiles[i].name, name) == 0)
      return &builtin_profiles[i];
  return NULL;
}

static bool valid_name(const char *name)
{
  if (!*name || strlen(name) > 64)
    return false;
  for (const char *c = name; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
          *c == '-' || *c == '_' || *c == '.'))
      return false;
  return name[0] != '.';
}

/* A profile directory that is not there holds none of the half-dozen
 * profiles a run reads (default and its includes): looked at once a run,
 * not once per profile. (The same directories every call: the user's
 * comes from the environment, the others are fixed.) */
static bool dir_present(size_t i, const char *dir)
{
  static signed char known[3];

  if (i >= ELEMENTSOF(known))
    return true;
  if (!known[i])
    known[i] = access(dir, X_OK) == 0 || errno == EACCES ? 1 : -1;
  return known[i] > 0;
}

static int load_real(void *ctx, const char *name, const char *from, char **text, size_t *len,
                     char **display)
{
  _cleanup_free_ char *udir = NULL;
  const struct builtin_profile *b;
  char *path;
  int r;

  (void)ctx;
  if (strchr(name, '/')) {
    /* Relative to the including file's directory, also when that file was
     * itself named by a relative path (never the process's cwd). Leading
     * "./" are dropped so that a file keeps one name and an include cycle
     * is caught as one, not only by the depth limit. */
    const char *slash = from ? strrchr(from, '/') : NULL;
    if (name[0] != '/' && slash)
      while (name[0] == '.' && name[1] == '/') {
        name += 2;
        while (name[0] == '/')
          name++;
      }
    if (name[0] != '/' && slash)
      path = xasprintf("%.*s/%s", (int)(slash - from), from, name);
    else
      path = xstrdup(name);
    r = read_file(path, text, len);
    if (r < 0) {
      free(path);
      return r;
    }
    *display = path;
    return 0;
  }
  if (!valid_name(name))
    return -EINVAL;
  udir = user_dir();
  const char *dirs[3] = {udir};
  size_t n_dirs = 1 + system_dirs(dirs + 1);
  for (size_t i = 0; i < n_dirs; i++) {
    if (!dirs[i] || !dir_present(i, dirs[i]))
      continue;
    path = xasprintf("%s/%s.profile", dirs[i], name);
    r = read_file(path, text, len);
    if (r == 0) {
      *display = path;
      return 0;
    }
    free(path);
    /* A directory we may not read is one without our profile. */
    if (r != -ENOENT && r != -EACCES && r != -ENOTDIR)
      return r;
  }
  b = builtin(name);
  if (!b)
    return -ENOENT;
  *text = xstrdup(b->text);
  *len = strlen(b->text);
  *display = xasprintf("builtin:%s", name);
  return 0;
}

static const char *realhome_real(void *ctx);

/* The current directory reached through another path to the home or to a
 * directory holding it (a bind mount of /home elsewhere, an automount or
 * NFS alias): getcwd names the alias, and the home rules and the masks,
 * which compare paths, would not see the home (the whole home writable,
 * ~/.ssh readable). Named by the home's own path instead, found by inode. */
static const char *cwd_as_home(char *cwd, size_t size)
{
  const char *home = realhome_real(NULL);
  char buf[PATH_MAX];
  struct stat c, h;

  if (!home || stat(cwd, &c) < 0)
    return cwd;
  snprintf(buf, sizeof buf, "%s", home);
  for (;;) {
    char *slash = strrchr(buf, '/');

    if (stat(buf, &h) == 0 && h.st_dev == c.st_dev && h.st_ino == c.st_ino) {
      snprintf(cwd, size, "%s", buf);
      return cwd;
    }
    if (!slash || !buf[1])
      return cwd;
    slash[slash == buf] = '\0'; /* "/a" -> "/", then "/" is the last */
  }
}

static const char *getvar_real(void *ctx, const char *name)
{
  static char cwd[PATH_MAX], uid[16], gid[16];

  (void)ctx;
  /* Looked up once: a profile names ${CWD} on several lines, and each
   * lookup walks the home's ancestors (cwd_as_home). */
  static int cwd_state; /* 0 not yet, 1 known, -1 none */
  if (strcmp(name, "CWD") == 0) {
    if (!cwd_state)
      cwd_state = getcwd(cwd, sizeof cwd) ? (cwd_as_home(cwd, sizeof cwd), 1) : -1;
    return cwd_state > 0 ? cwd : NULL;
  }
  if (strcmp(name, "UID") == 0) {
    snprintf(uid, sizeof uid, "%u", (unsigned)getuid());
    return uid;
  }
  if (strcmp(name, "GID") == 0) {
    snprintf(gid, sizeof gid, "%u", (unsigned)getgid());
    return gid;
  }
  return getenv(name);
}

/* The home with its symlinks resolved, to recognise it in ${CWD} (which
 * getcwd gives resolved). */
static const char *realhome_real(void *ctx)
{
  static char buf[PATH_MAX];
  static int state; /* 0 not yet, 1 resolved, -1 none: resolved once */
  const char *home = getenv("HOME");

  (void)ctx;
  if (!state)
    state = home && home[0] == '/' && realpath(home, buf) ? 1 : -1;
  return state > 0 ? buf : NULL;
}

const struct profile_env profile_env_real = {load_real, getvar_real, NULL, realhome_real};

/* --list-profiles: rows collected first, so that the columns fit the
 * longest name and path. */
struct row {
  char *name, *source, *desc;
};
struct rows {
  struct row *v;
  size_t n;
};

static void add_row(struct rows *t, const char *name, const char *source, const char *text)
{
  t->v = xreallocarray(t->v, t->n + 1, sizeof *t->v);
  t->v[t->n].name = xstrdup(name);
  t->v[t->n].source = xstrdup(source);
  t->v[t->n++].desc = profile_description(text);
}

static void list_dir(struct rows *t, const char *dir)
{
  DIR *dp = opendir(dir);
  struct dirent *de;

  if (!dp)
    return;
  while ((de = readdir(dp))) {
    size_t n = strlen(de->d_name);
    _cleanup_free_ char *path = NULL;
    _cleanup_free_ char *text = NULL;
    _cleanup_free_ char *name = NULL;

    if (n <= 8 || strcmp(de->d_name + n - 8, ".profile") != 0)
      continue;
    path = xasprintf("%s/%s", dir, de->d_name);
    if (read_file(path, &text, NULL) < 0)
      continue;
    name = xstrdup(de->d_name);
    name[n - 8] = '\0';
    add_row(t, name, path, text);
  }
  closedir(dp);
}

void profile_protect_dirs(struct plan *p)
{
  _cleanup_free_ char *udir = user_dir();
  const char *dirs[3] = {udir};
  size_t n_dirs = 1 + system_dirs(dirs + 1);

  for (size_t i = 0; i < n_dirs; i++) {
    const char *dir;
    char *real;
    if (!dirs[i])
      continue;
    /* The whole sandbox config dir, not only profiles/: a new profiles/
     * next to it must not appear either. Protected also when it does not
     * exist yet (a planted one would rule the next run). */
    dir = dirname_of(dirs[i]);
    real = realpath(dir, NULL);
    plan_add_protect(p, real ? real : dir, NULL);
    free(real);
  }
  /* The profile files of this run, wherever they are: one in a writable
   * bind (the project's ./ci.profile) is read-only inside, or the command
   * would rewrite the policy of its next run (share-net, bind / /). Both
   * as named (made absolute: the entry the next run reads through) and
   * resolved. */
  for (size_t i = 0; i < p->n_profile_files; i++) {
    const char *f = p->profile_files[i];
    _cleanup_free_ char *cwd = f[0] == '/' ? NULL : getcwd(NULL, 0);
    _cleanup_free_ char *abs = cwd ? xasprintf("%s/%s", cwd, f) : xstrdup(f);
    _cleanup_free_ char *clean = path_clean(abs);
    _cleanup_free_ char *real = realpath(abs, NULL);

    if (f[0] != '/' && !cwd)
      continue;
    plan_add_protect(p, clean, NULL);
    if (real && strcmp(real, clean) != 0)
      plan_add_protect(p, real, NULL);
  }
}

void profile_list(FILE *out)
{
  _cleanup_free_ char *udir = user_dir();
  const char *sys[2];
  struct rows t = {NULL, 0};
  int wn = 0, ws = 0;

  /* In lookup order: the first one of a name is the one used. */
  if (udir)
    list_dir(&t, udir);
  for (size_t i = 0; i < system_dirs(sys); i++)
    list_dir(&t, sys[i]);
  for (size_t i = 0; i < n_builtin_profiles; i++)
    add_row(&t, builtin_profiles[i].name, "builtin", builtin_profiles[i].text);
  for (size_t i = 0; i < t.n; i++) {
    int a = (int)strlen(t.v[i].name), b = (int)strlen(t.v[i].source);
    wn = a > wn ? a : wn;
    ws = b > ws ? b : ws;
  }
  for (size_t i = 0; i < t.n; i++) {
    fprintf(out, "%-*s  %-*s  %s\n", wn, t.v[i].name, ws, t.v[i].source,
            t.v[i].desc ? t.v[i].desc : "");
    free(t.v[i].name);
    free(t.v[i].source);
    free(t.v[i].desc);
  }
  free(t.v);
}
