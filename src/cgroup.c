/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Memory and pids limits through a cgroup v2 subtree the caller owns (a
 * systemd user session delegates one with `systemd-run --user --scope -p
 * Delegate=yes`). Nothing here needs privilege beyond that delegation. */
#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "plan.h"
#include "util.h"

/* The unified hierarchy's mount point, from our mountinfo. */
static char *cgroup2_root(void)
{
  _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
  char line[4096];

  while (f && fgets(line, sizeof line, f)) {
    char *sep = strstr(line, " - "), mnt[4096];

    if (!sep || strncmp(sep, " - cgroup2 ", 11) != 0)
      continue;
    if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1)
      return xstrdup(mnt);
  }
  return NULL;
}

static char *own_cgroup(void)
{
  _cleanup_fclose_ FILE *f = fopen("/proc/self/cgroup", "re");
  char line[4096];

  while (f && fgets(line, sizeof line, f))
    if (strncmp(line, "0::", 3) == 0) {
      line[strcspn(line, "\n")] = '\0';
      return xstrdup(line + 3);
    }
  return NULL;
}

char *cgroup_own_dir(void)
{
  _cleanup_free_ char *root = cgroup2_root();
  _cleanup_free_ char *own = own_cgroup();

  if (!root || !own)
    return NULL;
  return xasprintf("%s%s", root, own);
}

static int write_at(const char *dir, const char *file, const char *value)
{
  _cleanup_free_ char *p = xasprintf("%s/%s", dir, file);
  return write_file_at(AT_FDCWD, p, value);
}

static bool has_controller(const char *dir, const char *name)
{
  _cleanup_free_ char *p = xasprintf("%s/cgroup.controllers", dir);
  _cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC);
  _cleanup_free_ char *buf = NULL;
  size_t n = strlen(name);

  if (fd < 0 || read_all(fd, &buf, NULL) < 0)
    return false;
  for (char *t = strtok(buf, " \n"); t; t = strtok(NULL, " \n"))
    if (strlen(t) == n && strcmp(t, name) == 0)
      return true;
  return false;
}

/* cgroup v2 forbids processes in a cgroup whose children use domain
 * controllers: when we share ours, step into a leaf of our own first. */
static int enable_controllers(struct sandbox_cgroup *cg, const char *want, struct diag *d)
{
  int r = write_at(cg->base, "cgroup.subtree_control", want);
  char pid[32];

  if (r != -EBUSY)
    goto done;
  cg->moved_to = xasprintf("%s/sandbox-monitor-%d", cg->base, (int)getpid());
  if (mkdir(cg->moved_to, 0755) < 0 && errno != EEXIST)
    return diag_set(d, errno, "cannot create %s: %s", cg->moved_to, strerror(errno));
  snprintf(pid, sizeof pid, "%d", (int)getpid());
  r = write_at(cg->moved_to, "cgroup.procs", pid);
  if (r == 0)
    r = write_at(cg->base, "cgroup.subtree_control", want);
done:
  if (r == -EBUSY)
    return diag_set(d, EBUSY,
                    "cgroup %s holds other processes; run under a scope of its own "
                    "(systemd-run --user --scope -p Delegate=yes)",
                    cg->base);
  if (r < 0)
    return diag_set(d, -r, "cannot enable %s in %s/cgroup.subtree_control: %s", want, cg->base,
                    strerror(-r));
  return 0;
}

int cgroup_create(uint64_t memory_max, uint64_t pids_max, struct sandbox_cgroup *cg, struct diag *d)
{
  _cleanup_free_ char *root = cgroup2_root();
  _cleanup_free_ char *own = own_cgroup();
  char want[32] = "", val[32];
  int r;

  memset(cg, 0, sizeof *cg);
  cg->fd = cg->procs_fd = -1;
  if (!root || !own)
    return diag_set(d, ENOTSUP, "--memory-max/--pids-max need cgroup v2, which is not mounted");
  cg->base = xasprintf("%s%s", root, strcmp(own, "/") == 0 ? "" : own);
  if (memory_max && !has_controller(cg->base, "memory"))
    return diag_set(d, ENOTSUP,
                    "--memory-max needs the cgroup v2 memory controller, which %s "
                    "does not offer",
                    cg->base);
  if (pids_max && !has_controller(cg->base, "pids"))
    return diag_set(d, ENOTSUP,
                    "--pids-max needs the cgroup v2 pids controller, which %s does "
                    "not offer",
                    cg->base);
  if (access(cg->base, W_OK) < 0)
    return diag_set(d, EACCES, "cgroup %s is not delegated to us (not writable)", cg->base);
  snprintf(want, sizeof want, "%s%s%s", memory_max ? "+memory" : "",
           memory_max && pids_max ? " " : "", pids_max ? "+pids" : "");
  if ((r = enable_controllers(cg, want, d)) < 0)
    return r;

  cg->path = xasprintf("%s/sandbox-%d", cg->base, (int)getpid());
  if (mkdir(cg->path, 0755) < 0)
    return diag_set(d, errno, "cannot create %s: %s", cg->path, strerror(errno));
  if (memory_max) {
    snprintf(val, sizeof val, "%llu", (unsigned long long)memory_max);
    if ((r = write_at(cg->path, "memory.max", val)) < 0)
      return diag_set(d, -r, "cannot set memory.max: %s", strerror(-r));
    /* Swap would only move the limit, not enforce it. */
    (void)write_at(cg->path, "memory.swap.max", "0");
  }
  if (pids_max) {
    snprintf(val, sizeof val, "%llu", (unsigned long long)pids_max);
    if ((r = write_at(cg->path, "pids.max", val)) < 0)
      return diag_set(d, -r, "cannot set pids.max: %s", strerror(-r));
  }
  cg->fd = open(cg->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cg->fd < 0)
    return diag_set(d, errno, "cannot open %s: %s", cg->path, strerror(errno));
  return 0;
}

void cgroup_destroy(struct sandbox_cgroup *cg)
{
  if (cg->fd >= 0)
    close(cg->fd);
  if (cg->procs_fd >= 0)
    close(cg->procs_fd);
  if (cg->path)
    (void)write_at(cg->path, "cgroup.kill", "1");
  /* rmdir succeeds once the last process is reaped; give it a moment. */
  for (int i = 0; cg->path && i < 100 && rmdir(cg->path) < 0 && errno == EBUSY; i++)
    usleep(10000);
  if (cg->moved_to) {
    char pid[32];
    /* Leave no debris: step back to where we came from. */
    snprintf(pid, sizeof pid, "%d", (int)getpid());
    (void)write_at(cg->base, "cgroup.subtree_control", "-memory -pids");
    if (write_at(cg->base, "cgroup.procs", pid) == 0)
      (void)rmdir(cg->moved_to);
  }
  free(cg->path);
  free(cg->moved_to);
  free(cg->base);
  memset(cg, 0, sizeof *cg);
  cg->fd = cg->procs_fd = -1;
}

/* The mount point of the v1 hierarchy with the pids controller. */
static char *v1_pids_root(void)
{
  _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
  char line[4096];

  while (f && fgets(line, sizeof line, f)) {
    char *sep = strstr(line, " - "), mnt[4096], opts[1024];

    if (!sep || sscanf(sep, " - cgroup %*s %1023s", opts) != 1)
      continue;
    for (char *t = strtok(opts, ","); t; t = strtok(NULL, ","))
      if (strcmp(t, "pids") == 0 && sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1)
        return xstrdup(mnt);
  }
  return NULL;
}

static char *v1_own_pids(void)
{
  _cleanup_fclose_ FILE *f = fopen("/proc/self/cgroup", "re");
  char line[4096];

  while (f && fgets(line, sizeof line, f)) {
    char *c = strstr(line, ":pids:");
    if (c) {
      line[strcspn(line, "\n")] = '\0';
      return xstrdup(c + 6);
    }
  }
  return NULL;
}

static int v1_pids_create(uint64_t pids_max, struct sandbox_cgroup *cg, struct diag *d)
{
  _cleanup_free_ char *root = v1_pids_root();
  _cleanup_free_ char *own = v1_own_pids();
  _cleanup_free_ char *procs = NULL;
  char val[32];
  int r;

  if (!root || !own)
    return diag_set(d, ENOTSUP, "no cgroup pids controller (v2 or v1) to bound nproc for root");
  cg->path = xasprintf("%s%s/sandbox-%d", root, strcmp(own, "/") == 0 ? "" : own, (int)getpid());
  if (mkdir(cg->path, 0755) < 0) {
    r = diag_set(d, errno, "cannot create %s: %s", cg->path, strerror(errno));
    free(cg->path);
    cg->path = NULL;
    return r;
  }
  snprintf(val, sizeof val, "%llu", (unsigned long long)pids_max);
  if ((r = write_at(cg->path, "pids.max", val)) < 0)
    return diag_set(d, -r, "cannot set pids.max: %s", strerror(-r));
  /* v1 has no clone3(CLONE_INTO_CGROUP): the monitor moves the child
   * through this fd, and the child waits for that before it forks. */
  procs = xasprintf("%s/cgroup.procs", cg->path);
  cg->procs_fd = open(procs, O_WRONLY | O_CLOEXEC);
  if (cg->procs_fd < 0)
    return diag_set(d, errno, "cannot open %s: %s", procs, strerror(errno));
  return 0;
}

int cgroup_root_pids(uint64_t pids_max, struct sandbox_cgroup *cg, struct diag *d)
{
  if (cgroup_create(0, pids_max, cg, NULL) == 0)
    return 0;
  cgroup_destroy(cg);
  return v1_pids_create(pids_max, cg, d);
}
