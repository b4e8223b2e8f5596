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
  plan_init(p);
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
