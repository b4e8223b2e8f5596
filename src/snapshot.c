/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "snapshot.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* Bounds: a project's .git/hooks and .git/config are small; a tree beyond
 * these is not copied (and stays as the no-namespace mode warns). */
#define MAX_ENTRIES 4096
#define MAX_BYTES   (8u << 20)
#define MAX_DEPTH   16

struct node {
  char *name;
  mode_t mode;
  char *data; /* a file's content, a symlink's target */
  size_t len;
  struct node *kids;
  size_t n_kids;
};

/* Each directory from / down to the one holding the tree, held open: the
 * command may rename one away and put another (or a symlink) in its place;
 * the one held is put back where it was. */
struct anc {
  char *name; /* its entry in the one before */
  int fd;     /* O_PATH */
  dev_t dev;
  ino_t ino;
};

struct snap {
  char *parent; /* canonical path of the directory holding it */
  char *path;
  struct node root;
  struct anc *anc;
  size_t n_anc;
};

struct budget {
  size_t entries, bytes;
};

static void node_free(struct node *n)
{
  for (size_t i = 0; i < n->n_kids; i++)
    node_free(&n->kids[i]);
  free(n->kids);
  free(n->name);
  free(n->data);
}

static int cmp_node(const void *a, const void *b)
{
  return strcmp(((const struct node *)a)->name, ((const struct node *)b)->name);
}

static int read_node(int dfd, const char *name, struct node *n, struct budget *b, int depth);

static int read_dir(int fd, struct node *n, struct budget *b, int depth)
{
  DIR *d = fdopendir(fd);
  struct dirent *e;
  int r = 0;

  if (!d) {
    close(fd);
    return -errno;
  }
  while (r == 0 && (e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    n->kids = xreallocarray(n->kids, n->n_kids + 1, sizeof *n->kids);
    r = read_node(dirfd(d), e->d_name, &n->kids[n->n_kids++], b, depth + 1);
  }
  closedir(d);
  if (r == 0)
    qsort(n->kids, n->n_kids, sizeof *n->kids, cmp_node);
  return r;
}

/* Never follows a symlink: one is recorded as one. */
static int read_node(int dfd, const char *name, struct node *n, struct budget *b, int depth)
{
  struct stat st;
  int fd;

  *n = (struct node){.name = xstrdup(name)};
  if (++b->entries > MAX_ENTRIES || depth > MAX_DEPTH)
    return -E2BIG;
  if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return -errno;
  n->mode = st.st_mode;
  if (S_ISLNK(st.st_mode)) {
    n->data = xcalloc(1, PATH_MAX);
    ssize_t l = readlinkat(dfd, name, n->data, PATH_MAX - 1);
    if (l < 0)
      return -errno;
    n->len = (size_t)l;
    return 0;
  }
  if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
    return -EOPNOTSUPP; /* sockets, fifos, devices: not copied */
  fd = openat(dfd, name,
              O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY |
                  (S_ISDIR(st.st_mode) ? O_DIRECTORY : O_NONBLOCK));
  if (fd < 0)
    return -errno;
  if (S_ISDIR(st.st_mode))
    return read_dir(fd, n, b, depth);
  {
    int r = read_all(fd, &n->data, &n->len);
    close(fd);
    if (r < 0)
      return r;
  }
  b->bytes += n->len;
  return b->bytes > MAX_BYTES ? -E2BIG : 0;
}

static bool node_equal(const struct node *a, const struct node *b)
{
  if (strcmp(a->name, b->name) != 0 || a->mode != b->mode || a->len != b->len ||
      a->n_kids != b->n_kids || (a->len && memcmp(a->data, b->data, a->len) != 0))
    return false;
  for (size_t i = 0; i < a->n_kids; i++)
    if (!node_equal(&a->kids[i], &b->kids[i]))
      return false;
  return true;
}

/* NAME becomes NAME.sandbox-changed.N in the same directory. */
static int move_aside(int dfd, const char *name, char **ret)
{
  for (unsigned i = 0; i < 100; i++) {
    char *aside = xasprintf("%s.sandbox-changed.%u", name, i);

    if (renameat2(dfd, name, dfd, aside, RENAME_NOREPLACE) == 0) {
      *ret = aside;
      return 0;
    }
    free(aside);
    if (errno != EEXIST)
      return -errno;
  }
  return -EEXIST;
}

static int hold_ancestors(struct snap *s)
{
  _cleanup_free_ char *p = xstrdup(s->parent);
  char *save = NULL;
  int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

  for (char *c = strtok_r(p, "/", &save);; c = strtok_r(NULL, "/", &save)) {
    struct stat st;

    if (fd < 0 || fstat(fd, &st) < 0)
      return -errno;
    s->anc = xreallocarray(s->anc, s->n_anc + 1, sizeof *s->anc);
    s->anc[s->n_anc++] =
        (struct anc){.name = xstrdup(c ? c : ""), .fd = fd, .dev = st.st_dev, .ino = st.st_ino};
    if (!c)
      break;
    fd = openat(fd, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  }
  /* names are shifted by one: anc[i].name is anc[i+1]'s entry in anc[i] */
  return 0;
}

/* Puts each held directory back at its path: whatever stands there now
 * (another directory, a symlink) goes aside. */
static int fix_ancestors(struct snap *s)
{
  for (size_t i = 0; i + 1 < s->n_anc; i++) {
    const char *name = s->anc[i].name;
    struct stat st;
    char link[64], where[PATH_MAX];
    ssize_t n;

    int r = fstatat(s->anc[i].fd, name, &st, AT_SYMLINK_NOFOLLOW);

    if (r == 0 && st.st_dev == s->anc[i + 1].dev && st.st_ino == s->anc[i + 1].ino)
      continue;
    if (r < 0 && errno != ENOENT)
      return -errno;
    if (r == 0) {
      _cleanup_free_ char *aside = NULL;
      if ((r = move_aside(s->anc[i].fd, name, &aside)) < 0)
        return r;
      warnx_("the command put something else at %s (above %s): kept beside it as %s; the "
             "directory put back",
             name, s->path, aside);
    }
    snprintf(link, sizeof link, "/proc/self/fd/%d", s->anc[i + 1].fd);
    n = readlink(link, where, sizeof where - 1);
    if (n <= 0)
      return -ENOENT;
    where[n] = '\0';
    if (renameat(AT_FDCWD, where, s->anc[i].fd, name) < 0)
      return -errno;
  }
  return 0;
}

static const char *base_of(const char *path)
{
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

struct snap *snapshot_take(const char *path)
{
  struct snap *s = xcalloc(1, sizeof *s);
  _cleanup_free_ char *dir = xstrdup(path);
  struct budget b = {0};
  char *slash = strrchr(dir, '/');
  int pfd;

  if (slash)
    *(slash == dir ? slash + 1 : slash) = '\0';
  s->parent = realpath(dir, NULL);
  s->path = xstrdup(path);
  if (!s->parent || hold_ancestors(s) < 0) {
    snapshot_free(s);
    return NULL;
  }
  pfd = s->anc[s->n_anc - 1].fd;
  if (read_node(pfd, base_of(path), &s->root, &b, 0) < 0) {
    snapshot_free(s);
    return NULL;
  }
  return s;
}

static int write_node(int dfd, const struct node *n)
{
  int fd, r = 0;

  if (S_ISLNK(n->mode))
    return symlinkat(n->data, dfd, n->name) < 0 ? -errno : 0;
  if (S_ISREG(n->mode)) {
    fd =
        openat(dfd, n->name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, n->mode & 07777);
    if (fd < 0)
      return -errno;
    if (write_all(fd, n->data, n->len) < 0 || fchmod(fd, n->mode & 07777) < 0)
      r = -errno;
    close(fd);
    return r;
  }
  if (mkdirat(dfd, n->name, 0700) < 0)
    return -errno;
  fd = openat(dfd, n->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  for (size_t i = 0; r == 0 && i < n->n_kids; i++)
    r = write_node(fd, &n->kids[i]);
  if (r == 0 && fchmod(fd, n->mode & 07777) < 0)
    r = -errno;
  close(fd);
  return r;
}

int snapshot_restore(struct snap *s, char **aside)
{
  struct budget b = {0};
  struct node now;
  bool same;
  int pfd, r;

  *aside = NULL;
  r = fix_ancestors(s);
  if (r < 0)
    return r;
  /* the directory held, not a path the command may have changed */
  pfd = s->anc[s->n_anc - 1].fd;
  r = read_node(pfd, s->root.name, &now, &b, 0);
  same = r == 0 && node_equal(&s->root, &now);
  node_free(&now);
  if (same)
    return 0;
  if (r != -ENOENT) {
    /* the command's version, kept beside for review */
    _cleanup_free_ char *name = NULL;
    if ((r = move_aside(pfd, s->root.name, &name)) < 0)
      return r;
    *aside = xasprintf("%s/%s", s->parent, name);
  }
  r = write_node(pfd, &s->root);
  return r < 0 ? r : 1;
}

const char *snapshot_path(const struct snap *s)
{
  return s->path;
}

void snapshot_free(struct snap *s)
{
  if (!s)
    return;
  node_free(&s->root);
  for (size_t i = 0; i < s->n_anc; i++) {
    close(s->anc[i].fd);
    free(s->anc[i].name);
  }
  free(s->anc);
  free(s->parent);
  free(s->path);
  free(s);
}
