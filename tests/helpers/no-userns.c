/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sb-no-userns CMD...: runs CMD under the part of a container's default
 * seccomp profile (Docker's, Podman's) that refuses namespaces: unshare
 * and setns get EPERM, clone with a namespace flag EPERM, clone3 ENOSYS
 * (its flags are out of a filter's reach, and libc falls back to clone).
 * sb-no-userns --mounts CMD...: namespaces are made, but mount(2) gets
 * EPERM, as in a user namespace AppArmor left without capabilities
 * (Ubuntu 23.10+).
 * sb-no-userns --allow CMD...: a filter that refuses nothing (the same
 * exec and filter costs, for bench/'s baseline). */
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static const unsigned long ns_flags[] = {CLONE_NEWNS,  CLONE_NEWCGROUP, CLONE_NEWUTS,
                                         CLONE_NEWIPC, CLONE_NEWUSER,   CLONE_NEWPID,
                                         CLONE_NEWNET, CLONE_NEWTIME};

int main(int argc, char **argv)
{
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  int r = 0;

  if (argc > 1 && strcmp(argv[1], "--allow") == 0) {
    argv++;
    argc--;
    goto load;
  }
  if (argc > 1 && strcmp(argv[1], "--mounts") == 0) {
    argv++;
    argc--;
    r |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(mount), 0);
    goto load;
  }
  if (argc < 2 || !ctx) {
    fprintf(stderr, "usage: sb-no-userns [--mounts|--allow] CMD...\n");
    return 2;
  }
  r |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(unshare), 0);
  r |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(setns), 0);
  r |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
  for (size_t i = 0; i < sizeof ns_flags / sizeof *ns_flags; i++)
    r |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                          SCMP_A0(SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i]));
load:
  if (r || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_load(ctx) < 0) {
    perror("sb-no-userns: seccomp");
    return 2;
  }
  seccomp_release(ctx);
  execvp(argv[1], argv + 1);
  perror("sb-no-userns: exec");
  return 127;
}
