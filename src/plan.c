/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "plan.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

void plan_init(struct plan *p)
{
  memset(p, 0, sizeof *p);
  p->uid = -1;
  p->gid = -1;
  p->next_perms = PERMS_UNSET;
  p->pty = -1;
  p->info_fd = p->json_status_fd = p->block_fd = p->userns_block_fd = p->sync_fd = -1;
  p->userns_fd = p->userns2_fd = p->pidns_fd = p->seccomp_fd = -1;
}

static void strv_free(char **v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free(v[i]);
  free(v);
}

void plan_free(struct plan *p)
{
  for (size_t i = 0; i < p->n_ops; i++) {
    free(p->ops[i].src);
    free(p->ops[i].dest);
    free(p->ops[i].work);
    strv_free(p->ops[i].layers, p->ops[i].n_layers);
  }
  free(p->add_seccomp_fds);
  free(p->rlimits);
  for (size_t i = 0; i < p->n_protect; i++)
    free(p->protect[i].path);
  free(p->protect);
  for (size_t i = 0; i < p->n_masks; i++)
    free(p->masks[i].path);
  free(p->masks);
  free(p->notice);
  for (size_t i = 0; i < p->n_keep_env; i++)
    free(p->keep_env[i].name);
  free(p->keep_env);
  strv_free(p->lock_files, p->n_lock_files);
  strv_free(p->profile_files, p->n_profile_files);
  strv_free(p->overlay_src, p->n_overlay_src);
  for (size_t i = 0; i < p->n_net_allow; i++)
    free(p->net_allow[i].host);
  free(p->net_allow);
  free(p->net_log);
  for (size_t i = 0; i < p->n_dbus; i++)
    free(p->dbus[i].arg);
  free(p->dbus);
  free(p->app);
  free(p->learn_file);
  free(p->learn_base);
  free(p->exec_label);
  free(p->file_label);
  free(p->ops);
  for (size_t i = 0; i < p->n_env; i++) {
    free(p->env[i].name);
    free(p->env[i].value);
  }
  free(p->env);
  free(p->caps);
  free(p->hostname);
  free(p->chdir);
  free(p->home_src);
  free(p->home_dest);
  free(p->argv0);
  if (p->argv)
    for (int i = 0; i < p->argc; i++)
      free(p->argv[i]);
  free(p->argv);
  sc_policy_free(&p->sc);
  free(p->export_bpf);
  free(p->list_syscalls);
  for (size_t i = 0; i < p->n_files; i++)
    free(p->files[i]);
  free(p->files);
  plan_init(p);
}

/* memcpy from NULL is undefined even for zero bytes: skip empty lists. */
#define APPEND(field, n)                                                                           \
  do {                                                                                             \
    if (src->n) {                                                                                  \
      dst->field = xreallocarray(dst->field, dst->n + src->n, sizeof *dst->field);                 \
      memcpy(dst->field + dst->n, src->field, src->n * sizeof *src->field);                        \
      dst->n += src->n;                                                                            \
    }                                                                                              \
    free(src->field);                                                                              \
    src->field = NULL;                                                                             \
    src->n = 0;                                                                                    \
  } while (0)

static void take_str(char **dst, char **src)
{
  if (*src) {
    free(*dst);
    *dst = take_ptr(src);
  }
}

/* DEST names the top-level directory NAME: "usr", "/usr", "//usr/" (a
 * bwrap destination is taken from the new root, with or without '/'). */
static bool is_top_dir(const char *dest, const char *name)
{
  size_t n = strlen(name);

  dest += strspn(dest, "/");
  return strncmp(dest, name, n) == 0 && dest[n + strspn(dest + n, "/")] == '\0';
}

void plan_add_env(struct plan *p, enum env_kind kind, const char *name, char *value,
                  const struct origin *o)
{
  p->env = xreallocarray(p->env, p->n_env + 1, sizeof *p->env);
  p->env[p->n_env++] =
      (struct env_op){.kind = kind, .name = xstrdup(name), .value = value, .origin = *o};
}

bool plan_builds_own_root(const struct plan *p)
{
  static const char *const system_dirs[] = {"usr",   "bin",   "sbin",  "lib",
                                            "lib32", "lib64", "libx32"};

  for (size_t i = 0; i < p->n_ops; i++) {
    const char *dest = p->ops[i].dest;

    if (!dest)
      continue;
    if (path_is_root(dest))
      return true;
    for (size_t j = 0; j < ELEMENTSOF(system_dirs); j++)
      if (is_top_dir(dest, system_dirs[j]))
        return true;
  }
  return false;
}

void plan_append(struct plan *dst, struct plan *src)
{
  APPEND(ops, n_ops);
  APPEND(env, n_env);
  APPEND(caps, n_caps);
  /* Origins point into the file table: move it, never copy it. */
  APPEND(files, n_files);

  dst->ns = (dst->ns & ~src->ns_cleared) | src->ns;
  dst->ns_try = (dst->ns_try & ~src->ns_cleared) | src->ns_try;
  dst->ns_cleared |= src->ns_cleared;
  for (size_t i = 0; i < ELEMENTSOF(dst->opt_origin); i++)
    if (src->opt_origin[i].line)
      dst->opt_origin[i] = src->opt_origin[i];
  if (src->uid >= 0)
    dst->uid = src->uid;
  if (src->gid >= 0)
    dst->gid = src->gid;
  take_str(&dst->hostname, &src->hostname);
  if (src->home_src) {
    take_str(&dst->home_src, &src->home_src);
    take_str(&dst->home_dest, &src->home_dest);
    dst->home_origin = src->home_origin;
    dst->home_is_app = src->home_is_app;
  }
  take_str(&dst->chdir, &src->chdir);
  take_str(&dst->argv0, &src->argv0);
  take_str(&dst->export_bpf, &src->export_bpf);
  take_str(&dst->list_syscalls, &src->list_syscalls);
  APPEND(add_seccomp_fds, n_add_seccomp_fds);
  APPEND(rlimits, n_rlimits);
  if (src->timeout > 0)
    dst->timeout = src->timeout;
  if (src->memory_max)
    dst->memory_max = src->memory_max;
  if (src->pids_max)
    dst->pids_max = src->pids_max;
  dst->kill_leftovers |= src->kill_leftovers;
  dst->landlock |= src->landlock;
  dst->require_namespaces |= src->require_namespaces;
  APPEND(lock_files, n_lock_files);
  APPEND(profile_files, n_profile_files);
  APPEND(protect, n_protect);
  APPEND(masks, n_masks);
  take_str(&dst->notice, &src->notice);
  APPEND(keep_env, n_keep_env);
  if (src->drop_secret_env) {
    dst->drop_secret_env = true;
    dst->drop_secret_origin = src->drop_secret_origin;
  }
  APPEND(net_allow, n_net_allow);
  take_str(&dst->net_log, &src->net_log);
  dst->net_private |= src->net_private;
  APPEND(dbus, n_dbus);
  dst->x11 |= src->x11;
  take_str(&dst->app, &src->app);
  take_str(&dst->learn_file, &src->learn_file);
  take_str(&dst->learn_base, &src->learn_base);
  dst->learn_syscalls |= src->learn_syscalls;
  dst->learn_proxy |= src->learn_proxy;
#define TAKE_FD(f)                                                                                 \
  if (src->f >= 0)                                                                                 \
  dst->f = src->f
  TAKE_FD(info_fd);
  TAKE_FD(json_status_fd);
  TAKE_FD(block_fd);
  TAKE_FD(userns_block_fd);
  TAKE_FD(sync_fd);
  TAKE_FD(userns_fd);
  TAKE_FD(userns2_fd);
  TAKE_FD(pidns_fd);
  TAKE_FD(seccomp_fd);
#undef TAKE_FD
  take_str(&dst->exec_label, &src->exec_label);
  take_str(&dst->file_label, &src->file_label);
  dst->disable_userns |= src->disable_userns;
  dst->assert_userns_disabled |= src->assert_userns_disabled;
  dst->new_session |= src->new_session;
  dst->die_with_parent |= src->die_with_parent;
  dst->as_pid_1 |= src->as_pid_1;
  if (src->pty >= 0)
    dst->pty = src->pty;
  dst->level_prefix |= src->level_prefix;
  dst->explain |= src->explain;
  dst->list_profiles |= src->list_profiles;
  dst->used_profile |= src->used_profile;
  sc_policy_merge(&dst->sc, &src->sc);
  if (src->argv) {
    for (int i = 0; i < dst->argc; i++)
      free(dst->argv[i]);
    free(dst->argv);
    dst->argv = take_ptr(&src->argv);
    dst->argc = src->argc;
    src->argc = 0;
  }
  plan_free(src);
}

void plan_add_protect(struct plan *p, const char *path, const struct origin *o)
{
  p->protect = xreallocarray(p->protect, p->n_protect + 1, sizeof *p->protect);
  p->protect[p->n_protect++] = (struct protect){xstrdup(path), o ? *o : (struct origin){0}, false};
}

void plan_add_mask(struct plan *p, const char *path, const struct origin *o)
{
  p->masks = xreallocarray(p->masks, p->n_masks + 1, sizeof *p->masks);
  p->masks[p->n_masks++] = (struct protect){xstrdup(path), o ? *o : (struct origin){0}, false};
}

struct op *plan_add_op(struct plan *p, enum op_type type)
{
  struct op *o;

  p->ops = xreallocarray(p->ops, p->n_ops + 1, sizeof *p->ops);
  o = &p->ops[p->n_ops++];
  memset(o, 0, sizeof *o);
  o->type = type;
  o->fd = -1;
  o->perms = PERMS_UNSET;
  return o;
}

void origin_print(FILE *out, const struct origin *o)
{
  if (o->file)
    fprintf(out, "  [%s:%u]\n", o->file, o->line);
  else if (o->line)
    fprintf(out, "  [command line, argument %u]\n", o->line);
  else
    fprintf(out, "  [built in]\n");
}

int diag_set(struct diag *d, int err, const char *fmt, ...)
{
  va_list ap;

  if (d) {
    va_start(ap, fmt);
    vsnprintf(d->msg, sizeof d->msg, fmt, ap);
    va_end(ap);
  }
  return -err;
}

/* Is path "dir" itself or below it? */
static bool path_within(const char *path, const char *dir, bool strictly)
{
  size_t n = strlen(dir);

  while (n > 1 && dir[n - 1] == '/')
    n--;
  if (n == 1 && dir[0] == '/')
    return !strictly || path[1] != '\0';
  if (strncmp(path, dir, n) != 0)
    return false;
  return path[n] == '/' ? path[n + 1] != '\0' || !strictly : path[n] == '\0' && !strictly;
}

/* --home DIR: DIR goes on $HOME after whatever makes $HOME or a parent
 * (a profile's tmpfs ${HOME}), and before the binds inside $HOME (the
 * current directory's), which would be hidden under it otherwise. */
static void place_home(struct plan *p)
{
  size_t last_parent = 0, at;
  bool any_parent = false;
  struct op *op;

  if (!p->home_src)
    return;
  for (size_t i = 0; i < p->n_ops; i++)
    if (path_within(p->home_dest, p->ops[i].dest, false)) {
      last_parent = i;
      any_parent = true;
    }
  at = any_parent ? last_parent + 1 : 0;
  while (at < p->n_ops && !path_within(p->ops[at].dest, p->home_dest, true))
    at++;
  plan_add_op(p, OP_BIND);
  memmove(p->ops + at + 1, p->ops + at, (p->n_ops - 1 - at) * sizeof *p->ops);
  op = &p->ops[at];
  memset(op, 0, sizeof *op);
  op->type = OP_BIND;
  op->fd = -1;
  op->perms = PERMS_UNSET;
  op->src = take_ptr(&p->home_src);
  op->dest = xstrdup(p->home_dest);
  op->origin = p->home_origin;
  /* Its source is $HOME/.local/share/sandbox/apps/NAME/home: below the
   * home, opened through no symbolic link (one planted since desktop.c
   * made the directories would redirect the bind), as a profile's binds
   * in the home are. */
  if (p->home_is_app) {
    op->flags |= BIND_APP_HOME;
    op->src_anchor = strlen(op->dest);
  }
}

/* A later rlimit for a resource replaces an earlier one, as later lines
 * override a profile's: applied in turn, the first would have lowered the
 * hard limit below the second. */
static void drop_overridden_rlimits(struct plan *p)
{
  size_t n = 0;

  for (size_t i = 0; i < p->n_rlimits; i++) {
    bool later = false;
    for (size_t j = i + 1; j < p->n_rlimits && !later; j++)
      later = p->rlimits[j].resource == p->rlimits[i].resource;
    if (!later)
      p->rlimits[n++] = p->rlimits[i];
  }
  p->n_rlimits = n;
}

/* --net-allow (the proxy is the only way out) and --net-private (pasta):
 * a network namespace of their own, and a user namespace too, so that no
 * capability over the host's network namespace (root's, kept by bwrap's
 * rules) comes inside: with one, setns() back to the host's network would
 * succeed. Both win over --share-net. */
static int finalize_net(struct plan *p, struct diag *d)
{
  const char *opt = p->net_private ? "--net-private" : "--net-allow";

  if (p->net_private && p->n_net_allow)
    return diag_set(d, EINVAL, "--net-private and --net-allow cannot be combined");
  if (p->net_log && !p->n_net_allow)
    return diag_set(d, EINVAL, "--net-log requires --net-allow");
  if (!p->net_private && !p->n_net_allow)
    return 0;
  if (p->userns_fd >= 0)
    return diag_set(d, EINVAL, "%s cannot be combined with --userns", opt);
  p->ns |= NS_NET | NS_USER;
  return 0;
}

int plan_finalize(struct plan *p, unsigned real_uid, unsigned real_gid, struct diag *d)
{
  bool userns;
  int r;

  place_home(p);

  if (p->next_perms != PERMS_UNSET)
    return diag_set(d, EINVAL, "--perms must be followed by an option that creates a file");
  if (p->have_next_size)
    return diag_set(d, EINVAL, "--size must be followed by --tmpfs");

  if (p->userns_block_fd >= 0 && !(p->ns & NS_USER))
    return diag_set(d, EINVAL, "--userns-block-fd requires --unshare-user");
  if (p->userns_block_fd >= 0 && p->info_fd < 0)
    return diag_set(d, EINVAL, "--userns-block-fd requires --info-fd");
  if (p->userns_fd >= 0 && (p->ns & NS_USER))
    return diag_set(d, EINVAL, "--userns not compatible --unshare-user");
  if (p->userns_fd >= 0 && (p->ns_try & NS_USER))
    return diag_set(d, EINVAL, "--userns not compatible --unshare-user-try");
  if (p->disable_userns && !(p->ns & NS_USER))
    return diag_set(d, EINVAL, "--disable-userns requires --unshare-user");
  if (p->disable_userns && p->userns_block_fd >= 0)
    return diag_set(d, EINVAL, "--disable-userns is not compatible with  --userns-block-fd");
  if (p->n_overlay_src)
    return diag_set(d, EINVAL,
                    "--overlay-src must be followed by another --overlay-src or one of --overlay, "
                    "--tmp-overlay, or --ro-overlay");

  if ((r = finalize_net(p, d)) < 0)
    return r;
  /* Without setuid, an unprivileged caller can only get the other
   * namespaces through a user namespace, so it is implied (as bwrap). */
  if (real_uid != 0 && p->userns_fd < 0)
    p->ns |= NS_USER;
  /* Under a profile, root gets one too: the sandbox's uid 0 is then an
   * unprivileged host uid (see idmap.c), never host root. */
  if (real_uid == 0 && p->used_profile && p->userns_fd < 0)
    p->ns |= NS_USER;
  userns = (p->ns & NS_USER) || (p->ns_try & NS_USER) || p->userns_fd >= 0;
  /* A user namespace an unprivileged caller makes maps only its own uid:
   * nothing owned by host root is writable inside. Joining one (--userns)
   * may be otherwise. */
  p->host_root_possible = real_uid == 0 || p->userns_fd >= 0;

  if (!userns && p->uid >= 0 && (unsigned long)p->uid != real_uid)
    return diag_set(d, EINVAL, "Specifying --uid requires --unshare-user or --userns");
  if (!userns && p->gid >= 0 && (unsigned long)p->gid != real_gid)
    return diag_set(d, EINVAL, "Specifying --gid requires --unshare-user or --userns");
  if (p->hostname && !(p->ns & NS_UTS))
    return diag_set(d, EINVAL, "Specifying --hostname requires --unshare-uts");
  drop_overridden_rlimits(p);
  /* Under a profile the command's exit ends the sandbox, and a timeout
   * must be able to kill the whole tree: both need a pid namespace, whose
   * end takes every process in it along. Every tmpfs is bounded. */
  if (p->used_profile) {
    p->kill_leftovers = true;
    p->tmpfs_bound = TMPFS_PROFILE_SIZE;
    for (size_t i = 0; i < p->n_ops; i++)
      if (p->ops[i].type == OP_TMPFS && !p->ops[i].size)
        p->ops[i].size = TMPFS_PROFILE_SIZE;
  }
  if (p->kill_leftovers || p->timeout > 0)
    p->ns |= NS_PID;

  if (p->as_pid_1 && !(p->ns & NS_PID))
    return diag_set(d, EINVAL, "Specifying --as-pid-1 requires --unshare-pid");
  if (p->as_pid_1 && p->n_lock_files)
    return diag_set(d, EINVAL, "Specifying --as-pid-1 and --lock-file is not permitted");
  return 0;
}
