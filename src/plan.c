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
}

void plan_free(struct plan *p)
{
  for (size_t i = 0; i < p->n_ops; i++) {
    free(p->ops[i].src);
    free(p->ops[i].dest);
  }
  free(p->ops);
  for (size_t i = 0; i < p->n_env; i++) {
    free(p->env[i].name);
    free(p->env[i].value);
  }
  free(p->env);
  free(p->caps);
  free(p->hostname);
  free(p->chdir);
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

#define APPEND(field, n)                                                                           \
  do {                                                                                             \
    dst->field = xreallocarray(dst->field, dst->n + src->n, sizeof *dst->field);                   \
    memcpy(dst->field + dst->n, src->field, src->n * sizeof *src->field);                          \
    dst->n += src->n;                                                                              \
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
  take_str(&dst->chdir, &src->chdir);
  take_str(&dst->argv0, &src->argv0);
  take_str(&dst->export_bpf, &src->export_bpf);
  take_str(&dst->list_syscalls, &src->list_syscalls);
  dst->new_session |= src->new_session;
  dst->die_with_parent |= src->die_with_parent;
  dst->as_pid_1 |= src->as_pid_1;
  dst->level_prefix |= src->level_prefix;
  dst->explain |= src->explain;
  dst->list_profiles |= src->list_profiles;
  dst->used_profile |= src->used_profile;
  dst->n_fs_options += src->n_fs_options;
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

int plan_finalize(struct plan *p, unsigned real_uid, unsigned real_gid, struct diag *d)
{
  bool userns;

  if (p->next_perms != PERMS_UNSET)
    return diag_set(d, EINVAL, "--perms must be followed by an option that creates a file");
  if (p->have_next_size)
    return diag_set(d, EINVAL, "--size must be followed by --tmpfs");

  /* Without setuid, an unprivileged caller can only get the other
   * namespaces through a user namespace, so it is implied (as bwrap). */
  if (real_uid != 0)
    p->ns |= NS_USER;
  userns = (p->ns & NS_USER) || (p->ns_try & NS_USER);

  if (!userns && p->uid >= 0 && (unsigned long)p->uid != real_uid)
    return diag_set(d, EINVAL, "Specifying --uid requires --unshare-user or --userns");
  if (!userns && p->gid >= 0 && (unsigned long)p->gid != real_gid)
    return diag_set(d, EINVAL, "Specifying --gid requires --unshare-user or --userns");
  if (p->hostname && !(p->ns & NS_UTS))
    return diag_set(d, EINVAL, "Specifying --hostname requires --unshare-uts");
  if (p->as_pid_1 && !(p->ns & NS_PID))
    return diag_set(d, EINVAL, "Specifying --as-pid-1 requires --unshare-pid");
  return 0;
}
