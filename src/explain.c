/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "explain.h"

#include "desktop.h"

#include <errno.h>
#include <cap-ng.h>
#include <seccomp.h>
#include <string.h>
#include <unistd.h>

#include "caps.h"
#include "cli.h"
#include "landlock.h"
#include "idmap.h"
#include "secret-env.h"
#include "nons.h"
#include "syscalls.h"
#include "util.h"

static const char *op_name(const struct op *op)
{
  switch (op->type) {
  case OP_BIND:
    if (op->flags & BIND_DEVICES)
      return op->flags & BIND_TRY ? "dev-bind-try" : "dev-bind";
    if (op->flags & BIND_READONLY)
      return op->flags & BIND_TRY ? "ro-bind-try" : "ro-bind";
    return op->flags & BIND_TRY ? "bind-try" : "bind";
  case OP_BIND_FD:
    return "bind-fd";
  case OP_REMOUNT_RO:
    return "remount-ro";
  case OP_PROC:
    return "proc";
  case OP_DEV:
    return "dev";
  case OP_TMPFS:
    return "tmpfs";
  case OP_MQUEUE:
    return "mqueue";
  case OP_DIR:
    return "dir";
  case OP_SYMLINK:
    return "symlink";
  case OP_CHMOD:
    return "chmod";
  case OP_FILE:
    return "file";
  case OP_BIND_DATA:
    return "bind-data";
  case OP_OVERLAY:
    return op->overlay == OVERLAY_TMP  ? "tmp-overlay"
           : op->overlay == OVERLAY_RO ? "ro-overlay"
                                       : "overlay";
  default:
    return "?";
  }
}

static void explain_namespaces(FILE *out, const struct plan *p, unsigned real_uid)
{
  static const struct {
    unsigned bit;
    const char *name;
    enum opt_id opt, opt_try;
  } ns[] = {
      {NS_USER, "user", OPT_UNSHARE_USER, OPT_UNSHARE_USER_TRY},
      {NS_IPC, "ipc", OPT_UNSHARE_IPC, OPT_UNSHARE_IPC},
      {NS_PID, "pid", OPT_UNSHARE_PID, OPT_UNSHARE_PID},
      {NS_NET, "net", OPT_UNSHARE_NET, OPT_UNSHARE_NET},
      {NS_UTS, "uts", OPT_UNSHARE_UTS, OPT_UNSHARE_UTS},
      {NS_CGROUP, "cgroup", OPT_UNSHARE_CGROUP, OPT_UNSHARE_CGROUP_TRY},
  };

  fprintf(out, "namespaces (mount always):\n");
  for (size_t i = 0; i < ELEMENTSOF(ns); i++) {
    const struct origin *o = &p->opt_origin[ns[i].opt];
    const char *how = "shared with the host";

    if (p->ns & ns[i].bit) {
      how = "new";
    } else if (p->ns_try & ns[i].bit) {
      how = "new if possible";
      o = &p->opt_origin[ns[i].opt_try];
    }
    if (!(p->ns & ns[i].bit) && !(p->ns_try & ns[i].bit))
      o = &p->opt_origin[OPT_SHARE_NET];
    if (ns[i].bit == NS_USER && real_uid != 0 && !o->line)
      how = "new (implied: unprivileged caller)";
    if (!o->line && (p->opt_origin[OPT_UNSHARE_ALL].line) && ((p->ns | p->ns_try) & ns[i].bit))
      o = &p->opt_origin[OPT_UNSHARE_ALL];
    if (!o->line && p->n_net_allow && (ns[i].bit & (NS_NET | NS_USER)))
      o = &p->opt_origin[OPT_NET_ALLOW]; /* implied by it */
    if (!o->line && p->net_private && (ns[i].bit & (NS_NET | NS_USER)))
      o = &p->opt_origin[OPT_NET_PRIVATE];
    fprintf(out, "  %-7s %s", ns[i].name, how);
    origin_print(out, o);
  }
}

/* Names only: the values are the secrets. */
static void explain_secret_env(FILE *out, const struct plan *p)
{
  char **drop = env_secret_drops(environ, p);

  if (p->drop_secret_env) {
    fprintf(out, "  drop-secret-env: inherited variables named like secrets are left out");
    origin_print(out, &p->drop_secret_origin);
  }
  for (char **n = drop; n && *n; n++)
    fprintf(out, "    dropped %s  [keep with --keep-env %s]\n", *n, *n);
  for (size_t i = 0; p->drop_secret_env && i < p->n_keep_env; i++) {
    fprintf(out, "    keep-env %s", p->keep_env[i].name);
    origin_print(out, &p->keep_env[i].origin);
  }
  env_strv_free(drop);
}

static void explain_process(FILE *out, const struct plan *p, unsigned real_uid)
{
  fprintf(out, "process:\n");
  if (p->uid >= 0) {
    fprintf(out, "  uid %ld", p->uid);
    origin_print(out, &p->opt_origin[OPT_UID]);
  }
  if (p->gid >= 0) {
    fprintf(out, "  gid %ld", p->gid);
    origin_print(out, &p->opt_origin[OPT_GID]);
  }
  if (p->hostname) {
    fprintf(out, "  hostname %s", p->hostname);
    origin_print(out, &p->opt_origin[OPT_HOSTNAME]);
  }
  if (p->chdir) {
    fprintf(out, "  chdir %s", p->chdir);
    origin_print(out, &p->opt_origin[OPT_CHDIR]);
  }
  if (p->argv0) {
    fprintf(out, "  argv0 %s", p->argv0);
    origin_print(out, &p->opt_origin[OPT_ARGV0]);
  }
  if (p->new_session) {
    fprintf(out, "  new-session");
    origin_print(out, &p->opt_origin[OPT_NEW_SESSION]);
  }
  if (p->die_with_parent) {
    fprintf(out, "  die-with-parent");
    origin_print(out, &p->opt_origin[OPT_DIE_WITH_PARENT]);
  }
  if (p->as_pid_1) {
    fprintf(out, "  as-pid-1");
    origin_print(out, &p->opt_origin[OPT_AS_PID_1]);
  }
  if (p->pty >= 0) {
    fprintf(out, "  %s", p->pty ? "pty: a terminal of its own" : "no-pty: the caller's terminal");
    origin_print(out, &p->opt_origin[p->pty ? OPT_PTY : OPT_NO_PTY]);
  } else if (p->used_profile) {
    fprintf(out,
            "  pty: a terminal of its own when run at a terminal  [default under a profile]\n");
  }
  fprintf(out, "  no_new_privs  [always]\n");
  if (idmap_wanted(p, real_uid, p->ns & NS_USER) && idmap_host_id_available())
    fprintf(out,
            "  host identity: uid/gid %u, not root (writable binds idmapped: what the command "
            "writes is root's on disk)  [root caller under a profile]\n",
            IDMAP_HOST_ID);
  fprintf(out, "capabilities:\n");
  if (p->n_caps == 0)
    fprintf(out, "  %s  [default for this caller]\n",
            real_uid == 0 ? "all of the caller's (root)" : "none");
  for (size_t i = 0; i < p->n_caps; i++) {
    char name[64] = "ALL";
    if (p->caps[i].cap >= 0) {
      const char *n = capng_capability_to_name((unsigned)p->caps[i].cap);
      snprintf(name, sizeof name, "CAP_%s", n ? n : "?");
      for (char *c = name; *c; c++)
        *c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
    }
    fprintf(out, "  %s %s", p->caps[i].add ? "add" : "drop", name);
    origin_print(out, &p->caps[i].origin);
  }
  fprintf(out, "environment:\n");
  if (p->n_env == 0)
    fprintf(out, "  inherited unchanged\n");
  for (size_t i = 0; i < p->n_env; i++) {
    const struct env_op *e = &p->env[i];
    if (e->kind == ENV_CLEAR)
      fprintf(out, "  clearenv");
    else if (e->kind == ENV_SET)
      fprintf(out, "  setenv %s %s", e->name, e->value);
    else
      fprintf(out, "  unsetenv %s", e->name);
    origin_print(out, &e->origin);
  }
  explain_secret_env(out, p);
}

static void explain_network(FILE *out, const struct plan *p)
{
  if (p->net_private) {
    fprintf(out, "network: own namespace, outbound through pasta; the host's loopback "
                 "unreachable");
    origin_print(out, &p->opt_origin[OPT_NET_PRIVATE]);
    return;
  }
  if (!p->n_net_allow) {
    fprintf(out, "network: %s\n",
            p->ns & NS_NET ? "own namespace, loopback only" : "the host's (shared)");
    return;
  }
  fprintf(out,
          "network: own namespace, out only through the proxy (HTTP and CONNECT on "
          "127.0.0.1:%u, SOCKS5 on 127.0.0.1:%u)\n",
          NP_HTTP_PORT, NP_SOCKS_PORT);
  for (size_t i = 0; i < p->n_net_allow; i++) {
    const struct net_rule *r = &p->net_allow[i];
    bool v6 = strchr(r->host, ':') != NULL;

    if (strcmp(r->host, "*") == 0)
      fprintf(out, "  allow every name and port, each one logged (--learn)");
    else if (r->port)
      fprintf(out, "  allow %s%s%s:%u", v6 ? "[" : "", r->host, v6 ? "]" : "", r->port);
    else
      fprintf(out, "  allow %s (ports 80, 443)", r->host);
    origin_print(out, &r->origin);
  }
  fprintf(out, "  everything else refused\n");
  if (p->net_log) {
    fprintf(out, "  log %s", p->net_log);
    origin_print(out, &p->opt_origin[OPT_NET_LOG]);
  }
}

static void explain_mounts(FILE *out, const struct plan *p)
{
  fprintf(out, "filesystem (a fresh tmpfs root, then in order):\n");
  for (size_t i = 0; i < p->n_ops; i++) {
    const struct op *op = &p->ops[i];
    fprintf(out, "  %s", op_name(op));
    if (op->type == OP_CHMOD ||
        ((op->type == OP_DIR || op->type == OP_TMPFS) && op->perms != PERMS_UNSET))
      fprintf(out, " %04o", (unsigned)op->perms);
    for (size_t l = 0; op->type == OP_OVERLAY && l < op->n_layers; l++)
      fprintf(out, " %s%s", l ? "" : "over ", op->layers[l]);
    if (op->src)
      fprintf(out, " %s", op->src);
    fprintf(out, " %s", op->dest);
    if (op->type == OP_TMPFS && op->size)
      fprintf(out, " (size %llu)", (unsigned long long)op->size);
    origin_print(out, &op->origin);
  }
  if (p->n_masks)
    fprintf(out, "hidden (an empty read-only directory or file), where present:\n");
  for (size_t i = 0; i < p->n_masks; i++) {
    fprintf(out, "  mask %s", p->masks[i].path);
    origin_print(out, &p->masks[i].origin);
  }
  if (p->n_protect)
    fprintf(out, "read-only wherever a writable bind reaches them (a name: in every one):\n");
  for (size_t i = 0; i < p->n_protect; i++) {
    fprintf(out, "  %sprotect %s", p->protect[i].if_present ? "if-present " : "",
            p->protect[i].path);
    origin_print(out, &p->protect[i].origin);
  }
  if (p->notice)
    fprintf(out, "note: %s\n", p->notice);
}

static const char *arch_name(uint32_t a)
{
  static const struct {
    uint32_t arch;
    const char *name;
  } t[] = {
      {SCMP_ARCH_X86, "x86"},         {SCMP_ARCH_X86_64, "x86_64"},
      {SCMP_ARCH_X32, "x32"},         {SCMP_ARCH_ARM, "arm"},
      {SCMP_ARCH_AARCH64, "aarch64"}, {SCMP_ARCH_PPC64LE, "ppc64le"},
      {SCMP_ARCH_RISCV64, "riscv64"}, {SCMP_ARCH_S390X, "s390x"},
  };
  for (size_t i = 0; i < ELEMENTSOF(t); i++)
    if (t[i].arch == a)
      return t[i].name;
  return "?";
}

static void explain_seccomp(FILE *out, const struct sc_policy *sc)
{
  char act[64];

  fprintf(out, "syscalls:\n");
  if (!sc->active) {
    fprintf(out, "  no filter\n");
    return;
  }
  sc_format_action(sc->default_action, act, sizeof act);
  fprintf(out, "  default for known syscalls: %s", act);
  origin_print(out, &sc->default_origin);
  fprintf(out, "  unknown syscalls: errno(ENOSYS)  [always, so libc falls back]\n");
  fprintf(out, "  architectures: native");
  for (size_t i = 0; i < sc->n_arches; i++) {
    fprintf(out, ", %s", arch_name(sc->arches[i]));
  }
  fprintf(out, "\n");
  for (int nr = 0; nr < SC_MAX && sc->entries; nr++) {
    const struct sc_entry *e = &sc->entries[nr];
    if (e->set) {
      sc_format_action(e->action, act, sizeof act);
      fprintf(out, "  %-20s %s", syscall_name_of(nr), act);
      origin_print(out, &e->origin);
    }
    for (size_t j = 0; j < e->n_exc; j++) {
      sc_format_action(e->exc[j].action, act, sizeof act);
      fprintf(out, "  %-20s %s if %s", syscall_name_of(nr), act, e->exc[j].key);
      origin_print(out, &e->exc[j].origin);
    }
  }
}

void explain_plan(FILE *out, const struct plan *p, unsigned real_uid)
{
  explain_namespaces(out, p, real_uid);
  explain_network(out, p);
  desktop_explain(out, p);
  explain_mounts(out, p);
  explain_process(out, p, real_uid);
  {
    struct ll_plan ll;
    if (!nons_explain(out, p)) {
      landlock_plan(p, landlock_abi(), &ll);
      landlock_explain(out, &ll);
      landlock_plan_free(&ll);
    }
  }
  explain_seccomp(out, &p->sc);
  fprintf(out, "command:");
  for (int i = 0; i < p->argc; i++)
    fprintf(out, " %s", p->argv[i]);
  fprintf(out, "%s\n", p->argc ? "" : " (none)");
}

int explain_syscalls(FILE *out, const char *group, struct diag *d)
{
  const struct syscall_group *g;
  sc_set set = {0};

  if (strcmp(group, "all") == 0) {
    for (size_t i = 0; i < n_syscall_groups; i++)
      fprintf(out, "@%-16s %s\n", syscall_groups[i].name, syscall_groups[i].description);
    return 0;
  }
  g = syscall_group_lookup(group);
  if (!g) {
    const char *s = syscall_suggest(group[0] == '@' ? group : "@");
    return diag_set(d, ENOENT, "unknown syscall group '%s'%s%s%s", group,
                    s ? " (did you mean '@" : "", s ? s : "", s ? "'?)" : "");
  }
  if (syscall_group_expand(g, &set) < 0)
    return diag_set(d, ELOOP, "group '%s' is malformed", group);
  for (size_t i = 0; i < n_syscall_names; i++)
    if (syscall_names[i].nr < SC_MAX && sc_set_has(&set, syscall_names[i].nr))
      fprintf(out, "%s\n", syscall_names[i].name);
  return 0;
}
