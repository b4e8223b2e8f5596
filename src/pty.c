/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "pty.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>

#include "util.h"

static bool has_dev(const struct plan *p)
{
  for (size_t i = 0; i < p->n_ops; i++)
    if (p->ops[i].type == OP_DEV && strcmp(p->ops[i].dest, "/dev") == 0)
      return true;
  return false;
}

bool pty_wanted(const struct plan *p)
{
  pid_t fg;

  if (p->pty >= 0)
    return p->pty;
  /* A person at a terminal: its keys come in, and what the command says
   * goes out to it. Not a program that captures output (a test harness,
   * a pipeline's first stage runs with stderr still on the terminal). */
  if (!p->used_profile || !isatty(STDIN_FILENO) || !has_dev(p))
    return false;
  if (!isatty(STDOUT_FILENO) && !isatty(STDERR_FILENO))
    return false;
  /* In the background (cmd &), raw mode would stop us with SIGTTOU. */
  fg = tcgetpgrp(STDIN_FILENO);
  return fg > 0 && fg == getpgrp();
}

/* The caller's terminal among our stdio: where modes and size are read. */
static int outer_tty(void)
{
  for (int fd = 0; fd <= 2; fd++)
    if (isatty(fd))
      return fd;
  return -1;
}

void pty_open_inner(struct pty_inner *t)
{
  int unlock = 0, outer = outer_tty();
  struct termios tio;
  struct winsize ws;

  /* The devpts instance of the sandbox's own /dev (newinstance): the
   * inner terminal is no node of the host's /dev/pts. */
  t->master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (t->master < 0)
    die_errno(errno, "--pty: can't open /dev/ptmx in the sandbox (it needs --dev /dev)");
  if (ioctl(t->master, TIOCSPTLCK, &unlock) < 0)
    die_errno(errno, "--pty: unlocking the pty");
  /* The peer by fd, not by a path someone could swap. */
  t->slave = ioctl(t->master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (t->slave < 0)
    die_errno(errno, "--pty: opening the pty's terminal side");
  /* Set here, before the command can read them: the monitor only
   * follows later changes. */
  if (outer >= 0 && tcgetattr(outer, &tio) == 0)
    (void)tcsetattr(t->slave, TCSANOW, &tio);
  if (outer >= 0 && ioctl(outer, TIOCGWINSZ, &ws) == 0)
    (void)ioctl(t->slave, TIOCSWINSZ, &ws);
  t->replace = 0;
  for (int fd = 0; fd <= 2; fd++)
    if (isatty(fd))
      t->replace |= 1u << fd;
  /* --pty without a terminal (a pipe, a file): the command still gets a
   * terminal on all three. */
  if (!t->replace)
    t->replace = 7;
}

void pty_attach_session(struct pty_inner *t)
{
  sigset_t hup;
  int r;

  if (t->sock < 0)
    return;
  /* The hang-up of the pty goes to the session's leader alone; as pid 1
   * of its namespace, init drops a signal it has no handler for yet. Kept
   * pending until init's handlers are in (or the command's exec). */
  sigemptyset(&hup);
  sigaddset(&hup, SIGHUP);
  sigprocmask(SIG_BLOCK, &hup, NULL);
  /* With --new-session we lead one already; setsid would fail then. */
  if (getsid(0) != getpid() && setsid() < 0)
    die_errno(errno, "setsid");
  if (ioctl(t->slave, TIOCSCTTY, 0) < 0)
    die_errno(errno, "--pty: making the pty the controlling terminal");
  /* From here on no process of the sandbox holds the caller's terminal:
   * the command could otherwise open it again through /proc/1/fd of init
   * (same user, init dumpable) and read the keys typed at it. */
  for (int fd = 0; fd <= 2; fd++)
    if ((t->replace & (1u << fd)) && dup2(t->slave, fd) < 0)
      die_errno(errno, "--pty: dup2");
  /* The monitor relays from now on: what set-up still has to say (a
   * filter that does not load) reaches the caller through the pty. */
  r = send_with_fds(t->sock, "T", 1, &t->master, 1);
  if (r < 0)
    die_errno(-r, "--pty: passing the terminal to the monitor");
  close(take_fd(&t->master));
}

void pty_take(const struct pty_inner *t)
{
  sigset_t ttou, old;

  /* Under init (the session's leader), the command gets a process group
   * of its own in the foreground: ^C and ^Z reach it, not init. A policy
   * refusing setpgid leaves it in init's group, which is foreground too.
   * tcsetpgrp from outside the foreground group raises SIGTTOU. */
  if (t->slave < 0)
    return;
  if (getsid(0) != getpid() && setpgid(0, 0) == 0) {
    sigemptyset(&ttou);
    sigaddset(&ttou, SIGTTOU);
    sigprocmask(SIG_BLOCK, &ttou, &old);
    (void)tcsetpgrp(t->slave, getpid());
    sigprocmask(SIG_SETMASK, &old, NULL);
  }
  /* Now ^C has a foreground group to go to: the monitor may make the
   * caller's terminal raw (before, a ^C would reach init alone, which as
   * pid 1 drops it). */
  while (write(t->sock, "R", 1) < 0 && errno == EINTR)
    ;
}

void pty_close_inner(struct pty_inner *t)
{
  int *fds[] = {&t->master, &t->slave, &t->sock};

  for (size_t i = 0; i < ELEMENTSOF(fds); i++)
    if (*fds[i] >= 0)
      close(take_fd(fds[i]));
}

/* ---- the monitor's side ---- */

/* One saved mode for the process; restoring is idempotent and
 * async-signal-safe (tcsetattr is). */
static struct termios saved_tio, raw_tio;
static volatile sig_atomic_t raw_fd = -1;

/* Only over our own raw mode: a second sandbox on the same terminal that
 * saved our raw mode as its "original" must not put it back after we
 * restored the real one. */
static void restore_tty(void)
{
  struct termios now;

  if (raw_fd >= 0 && tcgetattr(raw_fd, &now) == 0 && now.c_iflag == raw_tio.c_iflag &&
      now.c_oflag == raw_tio.c_oflag && now.c_lflag == raw_tio.c_lflag &&
      now.c_cflag == raw_tio.c_cflag)
    (void)tcsetattr(raw_fd, TCSANOW, &saved_tio);
}

static const int fatal_signals[] = {SIGQUIT, SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU,
                                    SIGXFSZ, SIGABRT, SIGSEGV,   SIGBUS,  SIGPWR};

/* A signal that would end the monitor without exit handlers still leaves
 * the caller's terminal usable. (The forwarded ones do not end it: the
 * command does, and the normal path restores.) */
static void restore_and_raise(int sig)
{
  int saved = errno;

  restore_tty();
  raise(sig); /* SA_RESETHAND: the default action this time */
  errno = saved;
}

static void make_raw(int fd)
{
  static bool hooked;
  struct termios raw;

  if (tcgetattr(fd, &saved_tio) < 0)
    return;
  if (!hooked) {
    struct sigaction sa = {.sa_handler = restore_and_raise, .sa_flags = SA_RESETHAND};

    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < ELEMENTSOF(fatal_signals); i++)
      sigaction(fatal_signals[i], &sa, NULL);
    atexit(restore_tty);
    hooked = true;
  }
  raw = saved_tio;
  /* The inner terminal interprets ^C, ^Z and line editing; ours passes
   * bytes, and its output processing is the inner one's. */
  cfmakeraw(&raw);
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  raw_tio = raw;
  raw_fd = fd;
  /* then as the kernel keeps it, for restore_tty to recognise */
  if (tcsetattr(fd, TCSANOW, &raw) < 0 || tcgetattr(fd, &raw_tio) < 0)
    raw_fd = -1;
}

struct pty_relay {
  pthread_t thread;
  int sock, stop, winch, master;
  bool ready;  /* the command leads the foreground: raw mode, input relayed */
  int in, out; /* the caller's side */
  bool in_tty; /* (a hung-up terminal is no tty to isatty) */
  bool in_done, out_done;
  char buf[4096]; /* input on its way to the master */
  size_t len, off;
};

static int recv_fd(int sock)
{
  char byte;
  int fd = -1;
  size_t n_fds;
  ssize_t n = recv_with_fds(sock, &byte, 1, &fd, 1, &n_fds, MSG_DONTWAIT);

  if (n < 0)
    return n == -EPROTO ? -EPIPE : (int)n;
  if (n == 0)
    return -EPIPE;
  return n_fds ? fd : -ENOMSG; /* a byte without an fd: the command is ready */
}

static void follow_size(struct pty_relay *r)
{
  struct winsize ws;
  int outer = isatty(r->in) ? r->in : r->out;

  if (r->master >= 0 && ioctl(outer, TIOCGWINSZ, &ws) == 0)
    (void)ioctl(r->master, TIOCSWINSZ, &ws);
}

static void got_master(struct pty_relay *r, int fd)
{
  r->master = fd;
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  follow_size(r);
}

/* The socket brings the master, then one byte when the command leads the
 * terminal's foreground, then end-of-file (exec closed it). */
static void from_sock(struct pty_relay *r)
{
  int fd = recv_fd(r->sock);

  if (fd >= 0) {
    got_master(r, fd);
  } else if (fd == -ENOMSG) {
    r->ready = true;
    if (r->in_tty)
      make_raw(r->in);
  } else if (fd != -EAGAIN) {
    close(take_fd(&r->sock));
  }
}

/* What the command wrote, to the caller's terminal. False once there is
 * nothing more now (EAGAIN) or ever (EIO: every holder of the terminal
 * side closed it). */
static bool pump_out(struct pty_relay *r)
{
  char b[65536];
  ssize_t n = read(r->master, b, sizeof b);

  if (n > 0) {
    if (write_all(r->out, b, (size_t)n) < 0)
      r->out_done = true;
    return !r->out_done;
  }
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return false;
  r->out_done = true;
  return false;
}

static void pump_in(struct pty_relay *r)
{
  ssize_t n = read(r->in, r->buf, sizeof r->buf);

  if (n > 0) {
    r->len = (size_t)n;
    r->off = 0;
    return;
  }
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return;
  r->in_done = true;
  /* The caller's terminal hung up (a closed window, a dropped ssh): the
   * inner one hangs up too, so that the command gets its SIGHUP. (Ours
   * came from the kernel: the monitor does not forward those.) A hung-up
   * terminal reads as end-of-file; raw mode (VMIN 1) never does. */
  if (r->in_tty && (n == 0 || errno == EIO)) {
    r->out_done = true;
    close(take_fd(&r->master));
    return;
  }
  /* End of a piped stdin: the inner terminal's end-of-file character. */
  if (n == 0 && !r->in_tty) {
    struct termios tio;
    if (tcgetattr(r->master, &tio) == 0)
      (void)!write(r->master, &tio.c_cc[VEOF], 1);
  }
}

static void push_in(struct pty_relay *r)
{
  ssize_t n = write(r->master, r->buf + r->off, r->len - r->off);

  if (n > 0) {
    r->off += (size_t)n;
    if (r->off == r->len)
      r->len = r->off = 0;
  } else if (n < 0 && errno != EINTR && errno != EAGAIN) {
    r->in_done = true;
    r->len = r->off = 0;
  }
}

enum { P_SOCK, P_STOP, P_WINCH, P_IN, P_MASTER, P_N };

static void *relay_main(void *arg)
{
  struct pty_relay *r = arg;

  for (;;) {
    struct pollfd pfd[P_N] = {
        [P_SOCK] = {.fd = r->sock, .events = POLLIN},
        [P_STOP] = {.fd = r->stop, .events = POLLIN},
        [P_WINCH] = {.fd = r->winch, .events = POLLIN},
        [P_IN] = {.fd = r->ready && r->master >= 0 && !r->in_done && !r->len ? r->in : -1,
                  .events = POLLIN},
        [P_MASTER] = {.fd = r->master >= 0 && !r->out_done ? r->master : -1,
                      .events = (short)(POLLIN | (r->len ? POLLOUT : 0))},
    };

    if (poll(pfd, P_N, -1) < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    if (pfd[P_STOP].revents)
      break;
    if (pfd[P_SOCK].revents)
      from_sock(r);
    if (pfd[P_WINCH].revents) {
      struct signalfd_siginfo si;
      (void)!read(r->winch, &si, sizeof si);
      follow_size(r);
    }
    if (pfd[P_IN].revents)
      pump_in(r);
    if (pfd[P_MASTER].revents & POLLOUT)
      push_in(r);
    if (pfd[P_MASTER].revents & (POLLIN | POLLHUP | POLLERR))
      (void)pump_out(r);
  }
  /* The command is done. A master sent just before a short command's
   * exec may still wait in the socket; what it wrote waits in the pty (a
   * read flushes the kernel's pending work first). */
  if (r->master < 0 && r->sock >= 0)
    from_sock(r);
  while (r->master >= 0 && !r->out_done && pump_out(r))
    ;
  return NULL;
}

/* The caller's terminal for output: stdout, else stderr, else stdin
 * (a shell opens its terminal read-write); with no terminal, stdout. */
static int outer_out(void)
{
  static const int order[] = {STDOUT_FILENO, STDERR_FILENO, STDIN_FILENO};

  for (size_t i = 0; i < ELEMENTSOF(order); i++)
    if (isatty(order[i]))
      return order[i];
  return STDOUT_FILENO;
}

struct pty_relay *pty_relay_start(int sock)
{
  struct pty_relay *r = xcalloc(1, sizeof *r);
  sigset_t winch, all, old;

  r->sock = sock;
  r->master = -1;
  r->in = STDIN_FILENO;
  r->in_tty = isatty(r->in);
  r->out = outer_out();
  r->stop = eventfd(0, EFD_CLOEXEC);
  /* Blocked in the whole monitor, or the default action (ignore) would
   * drop it before the signalfd sees it. */
  sigemptyset(&winch);
  sigaddset(&winch, SIGWINCH);
  sigprocmask(SIG_BLOCK, &winch, NULL);
  r->winch = signalfd(-1, &winch, SFD_CLOEXEC);
  /* A closed outer terminal must not kill the monitor mid-write: it
   * still owes the caller the command's status. */
  signal(SIGPIPE, SIG_IGN);
  if (r->stop < 0 || r->winch < 0)
    die_errno(errno, "--pty: eventfd/signalfd");
  /* The relay thread takes no signal: they stay the main thread's. */
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  errno = pthread_create(&r->thread, NULL, relay_main, r);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (errno)
    die_errno(errno, "--pty: starting the relay");
  return r;
}

void pty_relay_stop(struct pty_relay *r)
{
  uint64_t one = 1;
  int *fds[4];

  if (!r)
    return;
  (void)!write(r->stop, &one, sizeof one);
  pthread_join(r->thread, NULL);
  restore_tty();
  raw_fd = -1;
  fds[0] = &r->sock, fds[1] = &r->stop, fds[2] = &r->winch, fds[3] = &r->master;
  for (size_t i = 0; i < ELEMENTSOF(fds); i++)
    if (*fds[i] >= 0)
      close(take_fd(fds[i]));
  free(r);
}
