#!/bin/sh
# A terminal of its own: driven through a real pseudo-terminal (Python's
# pty support), as a person at a terminal types. Every wait is bounded and
# generous; readiness is read from the terminal, never from the clock.
. "$(dirname "$0")/../lib.sh"

if ! command -v python3 >/dev/null; then
  echo "1..0 # SKIP python3 is needed to drive a pseudo-terminal"
  exit 0
fi

cat >"$TMP/pt.py" <<'PY'
# A terminal for the sandbox under test: a pty pair, the program as a
# session leader with the pty as its controlling terminal.
import errno, fcntl, os, re, select, signal, struct, sys, termios, time

class Term:
    def __init__(self, argv, rows=24, cols=80):
        self.master, self.slave = os.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
        self.before = termios.tcgetattr(self.slave)
        self.buf = b''
        self.pos = 0
        self.status = None
        pid = os.fork()
        if pid == 0:
            try:
                signal.signal(signal.SIGPIPE, signal.SIG_DFL)
                os.setsid()
                fcntl.ioctl(self.slave, termios.TIOCSCTTY, 0)
                for fd in (0, 1, 2):
                    os.dup2(self.slave, fd)
                os.closerange(3, 256)
                os.execvp(argv[0], argv)
            finally:
                os._exit(127)
        self.pid = pid

    def _read(self, timeout):
        r, _, _ = select.select([self.master], [], [], timeout)
        if not r:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError as e:
            if e.errno == errno.EIO:
                return False
            raise
        self.buf += data
        return True

    def expect(self, pattern, timeout=60):
        """Waits for PATTERN (a regex on bytes) after what earlier expects took."""
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern)
        while True:
            m = rx.search(self.buf, self.pos)
            if m:
                self.pos = m.end()
                return m
            left = deadline - time.monotonic()
            if left <= 0 or self.exited():
                # one last read: output may trail the exit
                while self._read(0.5):
                    pass
                m = rx.search(self.buf, self.pos)
                if m:
                    self.pos = m.end()
                    return m
                raise AssertionError('no %r in %r' % (pattern, self.buf[self.pos:]))
            self._read(min(left, 0.2))

    def send(self, data):
        os.write(self.master, data)

    def raw(self):
        return not (termios.tcgetattr(self.slave)[3] & termios.ICANON)

    def wait_raw(self, timeout=60):
        """Until the sandbox has made our terminal raw: its pty is up."""
        deadline = time.monotonic() + timeout
        while not self.raw():
            if time.monotonic() > deadline or self.exited():
                raise AssertionError('terminal never went raw; output %r' % self.buf)
            self._read(0.05)

    def exited(self):
        if self.status is None:
            pid, st = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(st)
        return self.status is not None

    def wait(self, timeout=60):
        deadline = time.monotonic() + timeout
        while not self.exited():
            if time.monotonic() > deadline:
                os.kill(self.pid, signal.SIGKILL)
                raise AssertionError('still running after %ss; output %r' % (timeout, self.buf))
            self._read(0.05)
        while self._read(0.1):
            pass
        return self.status

    def kill_leaf(self, sig, comm, timeout=60):
        """Sends SIG to the process named COMM below ours (the command,
        under the sandbox's init), found through /proc's children lists."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            todo, seen = [self.pid], []
            while todo:
                p = todo.pop()
                seen.append(p)
                try:
                    with open('/proc/%d/task/%d/children' % (p, p)) as f:
                        todo += [int(c) for c in f.read().split()]
                except OSError:
                    pass
            for p in seen[1:]:
                try:
                    with open('/proc/%d/comm' % p, 'rb') as f:
                        if f.read().strip() == comm:
                            os.kill(p, sig)
                            return
                except OSError:
                    pass
            self._read(0.05)
        raise AssertionError('no %r below the sandbox' % comm)

    def dev_id(self):
        """Our terminal as stat -c %d:%t:%T names it: the devpts instance
        and the device numbers (equal across instances)."""
        st = os.fstat(self.slave)
        return ('DEV=%d:%x:%x' % (st.st_dev, os.major(st.st_rdev), os.minor(st.st_rdev))).encode()

    def wait_closed(self, timeout=60):
        """wait() once our side of the terminal is closed (a hang-up)."""
        deadline = time.monotonic() + timeout
        while not self.exited():
            if time.monotonic() > deadline:
                os.kill(self.pid, signal.SIGKILL)
                raise AssertionError('still running after %ss' % timeout)
            time.sleep(0.05)
        return self.status

    def restored(self):
        return termios.tcgetattr(self.slave) == self.before

    def pending_input(self):
        """What waits in our terminal's input queue (typed or injected)."""
        fl = fcntl.fcntl(self.slave, fcntl.F_GETFL)
        fcntl.fcntl(self.slave, fcntl.F_SETFL, fl | os.O_NONBLOCK)
        try:
            return os.read(self.slave, 4096)
        except BlockingIOError:
            return b''
        finally:
            fcntl.fcntl(self.slave, fcntl.F_SETFL, fl)
PY
chmod a+r "$TMP/pt.py"

# term NAME PYTHON: runs PYTHON with Term imported and SB set; passes when
# it exits 0, else shows what it said.
term() {
  name=$1
  shift
  if out=$(cd "$TMP" && SB="$SB" python3 -c "import os, signal, sys, time
from pt import Term
SB = os.environ['SB']
$1" 2>&1); then
    ok "$name"
  else
    not_ok "$name"
    diag "$out"
  fi
}

term "^C ends 'sandbox -- sleep 100' with 130, terminal restored" '
t = Term([SB, "--", "sleep", "100"])
t.wait_raw()
t.send(b"\x03")
st = t.wait()
assert st == 130, (st, t.buf)
assert t.restored(), "terminal modes not restored"'

term "tty names a pty of the sandbox's own" '
t = Term([SB, "--", "tty"])
assert t.wait() == 0, t.buf
t.expect(rb"^/dev/pts/[0-9]+\r\n")'

term "the window size follows the caller's terminal" '
import fcntl, struct, termios
t = Term([SB, "--", "sh", "-c", "stty size; read x; stty size"], rows=24, cols=80)
t.expect(rb"24 80\r\n")
fcntl.ioctl(t.slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
t.send(b"\r")
t.expect(rb"30 100\r\n")
assert t.wait() == 0, t.buf'

# The job reads a line before it sleeps: "GOT" shows it runs in the
# foreground, so the ^C that follows has somewhere to go.
term "bash -i has job control: ^Z, jobs, fg, ^C" '
t = Term([SB, "--setenv", "PS1", "PROMPT$ ", "--", "bash", "--norc", "--noprofile", "-i"])
t.expect(rb"PROMPT\$ ")
t.send(b"sh -c \"echo RUN\"\"NING; read x; echo GOT \\$x; exec sleep 100\"\r")
t.expect(rb"RUNNING")
t.send(b"\x1a")
t.expect(rb"Stopped")
t.expect(rb"PROMPT\$ ")
t.send(b"jobs\r")
t.expect(rb"\[1\]\+ +Stopped +sh -c")
t.send(b"fg\r")
# bash names the job once its line is read: typed earlier, "hello" would
# be read ahead by bash, not by the job.
t.expect(rb"fg\r\n.*sh -c [^\n]*\n")
t.send(b"hello\r")
t.expect(rb"GOT hello")
t.send(b"\x03")
t.expect(rb"PROMPT\$ ")
t.send(b"echo status=$?\r")
t.expect(rb"status=130")
t.send(b"exit 7\r")
st = t.wait()
assert st == 7, (st, t.buf)
assert t.restored(), "terminal modes not restored"'

term "SIGTERM to sandbox: the command ends (143), terminal restored" '
t = Term([SB, "--", "sleep", "100"])
t.wait_raw()
os.kill(t.pid, signal.SIGTERM)
st = t.wait()
assert st == 143, (st, t.buf)
assert t.restored(), "terminal modes not restored"'

# A closed window or a dropped ssh connection: the caller's terminal
# hangs up, the command's does too.
term "the caller's terminal hangs up: the command gets SIGHUP (129)" '
t = Term([SB, "--", "sleep", "100"])
t.wait_raw()
os.close(t.master)
st = t.wait_closed()
assert st == 129, st'

term "the command killed with SIGKILL: 137, terminal restored" '
t = Term([SB, "--", "sleep", "100"])
t.wait_raw()
t.kill_leaf(signal.SIGKILL, b"sleep")
st = t.wait()
assert st == 137, (st, t.buf)
assert t.restored(), "terminal modes not restored"'

# TIOCSTI pushes bytes into a terminal's input, as if typed there
# (CVE-2017-5226). A bwrap line has no seccomp filter to refuse it: only
# the pty keeps the bytes away from the caller's terminal.
inject='import fcntl, termios
for c in b"echo INJECTED\n":
    fcntl.ioctl(0, termios.TIOCSTI, bytes([c]))
print("INJECTOR DONE")'
term "TIOCSTI from inside stays in the inner terminal (--pty)" "
t = Term([SB, '--pty'] + '$SYS --dev /dev --proc /proc'.split() + ['--', 'python3', '-c', r'''$inject'''])
st = t.wait()
t.expect(rb'INJECTOR DONE')
assert st == 0, (st, t.buf)
left = t.pending_input()
assert b'INJECTED' not in left, ('reached the caller', left)
assert t.restored()"
# The control: the same line without a pty of its own does reach the
# caller's terminal, so the check above can see an injection.
term "control: without a pty (--no-pty) TIOCSTI reaches the caller" "
t = Term([SB, '--no-pty'] + '$SYS --dev /dev --proc /proc'.split() + ['--', 'python3', '-c', r'''$inject'''])
st = t.wait()
t.expect(rb'INJECTOR DONE')
assert st == 0, (st, t.buf)
assert b'INJECTED' in t.pending_input()"

# Attack: the caller's terminal through another process of the sandbox
# (/proc/1/fd/0 of its init, same user): reading it would steal the
# keys the person types, TIOCLINUX would reach a console. No process in
# the sandbox holds it.
term "no process in the sandbox holds the caller's terminal" "
t = Term(['$SB', '--', 'sh', '-c', 'for f in /proc/[0-9]*/fd/*; do stat -L -c DEV=%d:%t:%T \"\$f\" 2>/dev/null; done; echo END'])
assert t.wait() == 0, t.buf
t.expect(rb'END')
assert t.dev_id() not in t.buf, t.buf"

# A program capturing the output (a test harness) is no person at a
# terminal, even with stdin on one: no pty, the terminal's modes untouched.
term "stdout and stderr captured: no pty" "
t = Term(['sh', '-c', 'exec \"\$0\" -- stat -L -c DEV=%d:%t:%T /proc/self/fd/0 >out.txt 2>&1', '$SB'])
assert t.wait() == 0, t.buf
with open('out.txt', 'rb') as f:
    got = f.read()
assert t.dev_id() in got, (got, t.dev_id())"

# Without a pty the command's stdin is the caller's terminal itself:
# the same device.
term "a plain bwrap line keeps the caller's terminal (no pty)" "
t = Term(['$SB'] + '$SYS --dev /dev --proc /proc'.split() + ['--', 'stat', '-L', '-c', 'DEV=%d:%t:%T', '/proc/self/fd/0'])
assert t.wait() == 0, t.buf
assert not t.raw()
t.expect(t.dev_id())"

term "--no-pty under a profile: the caller's terminal" "
t = Term(['$SB', '--no-pty', '--', 'stat', '-L', '-c', 'DEV=%d:%t:%T', '/proc/self/fd/0'])
assert t.wait() == 0, t.buf
t.expect(t.dev_id())"

term "under a profile: a terminal other than the caller's" "
t = Term(['$SB', '--', 'stat', '-L', '-c', 'DEV=%d:%t:%T', '/proc/self/fd/0'])
assert t.wait() == 0, t.buf
m = t.expect(rb'DEV=[0-9]+:[0-9a-f]+:[0-9a-f]+')
assert m.group(0) != t.dev_id(), m.group(0)"

done_testing
