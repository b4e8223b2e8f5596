/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "netprivate.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "util.h"

char *netprivate_find_pasta(void)
{
  return find_in_path("pasta");
}

void netprivate_wait(int sock)
{
  char b = 'r';

  if (write(sock, &b, 1) != 1 || read(sock, &b, 1) != 1 || b != 'y')
    _exit(1); /* the monitor says why */
  close(sock);
}

#define MAX_KNOWN 8

/* Our children now, up to max of them. */
static size_t list_children(pid_t *out, size_t max)
{
  char path[64];
  _cleanup_fclose_ FILE *f = NULL;
  size_t n = 0;
  int pid;

  snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)gettid());
  f = fopen(path, "re");
  while (f && n < max && fscanf(f, "%d", &pid) == 1)
    out[n++] = pid;
  return n;
}

/* Our child that is neither the sandbox, nor the one we forked, nor one
 * we had before (the D-Bus proxy): pasta's daemon, which came to us (a
 * subreaper) when its parent exited. */
static pid_t adopted_child(pid_t sandbox, pid_t forked, const pid_t *known, size_t n_known)
{
  pid_t now[MAX_KNOWN * 2];
  size_t n = list_children(now, ELEMENTSOF(now));

  for (size_t i = 0; i < n; i++) {
    bool old = now[i] == sandbox || now[i] == forked;
    for (size_t j = 0; j < n_known && !old; j++)
      old = now[i] == known[j];
    if (!old)
      return now[i];
  }
  return -1;
}

void netprivate_stop(pid_t pasta)
{
  if (pasta <= 0)
    return;
  /* (pasta is pid 1 of a pid namespace of its own: only SIGKILL reaches it) */
  kill(pasta, SIGKILL);
  while (waitpid(pasta, NULL, 0) < 0 && errno == EINTR)
    ;
}

void netprivate_attach(const char *pasta, int sock, pid_t sandbox, pid_t *ret_pasta)
{
  char pid[16], why[512], b;
  /* No gateway-to-host mapping, no forwarding of ports either way (pasta
   * forwards the host's bound ports into the namespace by default: the
   * host's loopback services). Root's pasta would drop to nobody, which
   * cannot enter a user namespace root owns: it keeps our ids. */
  const char *argv[] = {pasta,     "--config-net", "--no-map-gw", "-t", "none", "-u",
                        "none",    "-T",           "none",        "-U", "none", "-q",
                        "--runas", "0:0",          pid,           NULL};
  _cleanup_close_ int err = memfd_create("pasta-stderr", MFD_CLOEXEC);
  pid_t child, known[MAX_KNOWN];
  size_t n_known;
  int st;

  if (read(sock, &b, 1) != 1)
    return; /* set-up failed before the network; its message is out */
  snprintf(pid, sizeof pid, "%d", (int)sandbox);
  /* pasta daemonizes: its daemon comes to us, not to init, so that it can
   * be stopped with the sandbox (else one pasta a run stays forever). */
  (void)prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  if (getuid() != 0) {
    argv[12] = pid;
    argv[13] = NULL;
  }
  n_known = list_children(known, ELEMENTSOF(known));
  child = fork();
  if (child < 0)
    die_errno(errno, "fork for pasta");
  if (child == 0)
    exec_with_fds((char *const *)argv, (const int[]){-1, -1, err >= 0 ? err : 2}, 3);
  /* pasta forks into the background once the namespace is configured */
  while (waitpid(child, &st, 0) < 0)
    if (errno != EINTR)
      die_errno(errno, "waitpid");
  *ret_pasta = adopted_child(sandbox, child, known, n_known);
  (void)prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    kill(sandbox, SIGKILL);
    fd_last_line(err, why, sizeof why);
    die("--net-private: %s failed (%s)%s%s", pasta, WIFEXITED(st) ? "exit status" : "killed",
        *why ? ": " : "", why);
  }
  b = 'y';
  if (write(sock, &b, 1) != 1)
    die_errno(errno, "--net-private: cannot release the sandbox");
}
