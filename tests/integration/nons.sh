#!/bin/sh
# No-namespace mode: where the kernel refuses user namespaces, a profile
# run confines with Landlock and seccomp instead. Each environment is
# simulated for real on this machine: (a) a container's seccomp profile
# (unshare and namespace clone flags refused), (b) user.max_user_namespaces
# set to 0 inside an outer user namespace, (c) a chroot into a plain
# directory (root only). In each, the same attacks run under the default
# profile and must fail, the ordinary work must succeed, and the exit
# status is the command's.
. "$(dirname "$0")/../lib.sh"

PY=/usr/bin/python3
if [ ! -x "$PY" ]; then
  echo "1..0 # SKIP $PY not installed (the probes are python3 scripts)"
  exit 0
fi
NOUSERNS="$HELPERS/sb-no-userns"
WORK="$TMP/work"       # the sandbox's cwd
OUTSIDE="$TMP/outside" # a host directory the caller may read and write
PRIVBASE="$TMP/ptmp"   # TMPDIR: where the private directory is made
mkdir -p "$WORK" "$OUTSIDE" "$PRIVBASE" "$TMP/home"
echo secret >"$OUTSIDE/secret"
chmod 755 "$OUTSIDE"
chmod 644 "$OUTSIDE/secret"
NONCE="sbnons-$$-$(date +%s)"

cat >"$WORK/probe.py" <<'EOF'
# probe.py CASE[:ARG]...: tries each case and prints "CASE OK" or "CASE ERRNO".
import ctypes, errno, os, socket, sys
libc = ctypes.CDLL(None, use_errno=True)

def c_write(path):
    with open(path, "w") as f:
        f.write("x")

def c_read(path):
    open(path).read()

def c_connect(kind, addr):
    fam = socket.AF_INET if kind == "tcp" else socket.AF_UNIX
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(3)
    s.connect(("127.0.0.1", int(addr)) if kind == "tcp" else "\0" + addr)
    s.close()

def c_udp():
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).close()

def c_unshare():
    if libc.unshare(0x10000000) < 0:  # CLONE_NEWUSER
        raise OSError(ctypes.get_errno(), "unshare")

def c_kill(pid):
    os.kill(int(pid), 0)

def c_ptrace(pid):
    libc.ptrace.argtypes = [ctypes.c_long] * 4
    # PTRACE_SEIZE: attaches without stopping the target; then detach
    if libc.ptrace(0x4206, int(pid), 0, 0) < 0:
        raise OSError(ctypes.get_errno(), "ptrace")
    libc.ptrace(17, int(pid), 0, 0)

def c_mem(pid):
    os.close(os.open("/proc/%s/mem" % pid, os.O_RDONLY))

def c_environ(pid):
    open("/proc/%s/environ" % pid, "rb").read()

def c_shm(key):
    # a SysV segment by key: the host's, without an ipc namespace
    libc.shmget.argtypes = [ctypes.c_int, ctypes.c_size_t, ctypes.c_int]
    r = libc.shmget(int(key), 4096, 0o1000 | 0o600)  # IPC_CREAT
    if r < 0:
        raise OSError(ctypes.get_errno(), "shmget")
    libc.shmctl(r, 0, None)  # IPC_RMID

def c_sysctl(name):
    # rewrites a host sysctl with its own value (harmless if it works)
    path = "/proc/sys/" + name
    v = open(path).read()
    with open(path, "w") as f:
        f.write(v)

def c_tmpdir():
    c_write(os.environ["TMPDIR"] + "/scratch")

for arg in sys.argv[1:]:
    name, *params = arg.split(":")
    if name == "exit":
        sys.exit(int(params[0]))
    try:
        globals()["c_" + name](*params)
        res = "OK"
    except OSError as e:
        res = errno.errorcode.get(e.errno, str(e.errno))
    print(arg.split(":")[0] + (":" + params[0] if name in ("connect",) else ""), res, flush=True)
EOF

# A host process to aim at (the caller's own), and host listeners.
sleep 600 &
VICTIM=$!
cat >"$TMP/listen.py" <<'EOF'
import os, select, socket, sys
log, ready, name = sys.argv[1:4]
socks = []
for fam, addr in ((socket.AF_UNIX, "\0" + name), (socket.AF_INET, ("127.0.0.1", 0))):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.bind(addr)
    s.listen(8)
    socks.append(s)
with open(ready + ".tmp", "w") as f:
    f.write("%d\n" % socks[1].getsockname()[1])
os.rename(ready + ".tmp", ready)
while True:
    r, _, _ = select.select(socks, [], [], 600)
    if not r:
        break
    for s in r:
        c, _ = s.accept()
        with open(log, "a") as f:
            f.write("accepted\n")
        c.close()
EOF
ABSTRACT="$NONCE-abstract"
: >"$TMP/accepted"
$PY "$TMP/listen.py" "$TMP/accepted" "$TMP/ready" "$ABSTRACT" &
LISTENER=$!
trap 'kill -9 $VICTIM $LISTENER 2>/dev/null; rm -f "/usr/$NONCE" 2>/dev/null; cleanup' EXIT
n=0
while [ ! -e "$TMP/ready" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
PORT=$(cat "$TMP/ready" 2>/dev/null)
# The attacks below must fail because of the sandbox, not because the
# targets are out of reach anyway: the host reaches them all.
(cd "$WORK" && $PY probe.py write:$OUTSIDE/new read:$OUTSIDE/secret connect:tcp:$PORT \
  connect:abstract:$ABSTRACT udp kill:$VICTIM environ:$VICTIM mem:$VICTIM ptrace:$VICTIM shm:$$) >"$TMP/host"
expect_eq "the host side: every target is in reach without the sandbox" \
  "write OK|read OK|connect:tcp OK|connect:abstract OK|udp OK|kill OK|environ OK|mem OK|ptrace OK|shm OK" \
  "$(paste -sd'|' "$TMP/host")"
rm -f "$OUTSIDE/new"
: >"$TMP/accepted"

CASES="write:$WORK/made read:$OUTSIDE/secret write:$OUTSIDE/new write:/usr/$NONCE
connect:tcp:$PORT connect:abstract:$ABSTRACT udp unshare kill:$VICTIM environ:$VICTIM
mem:$VICTIM ptrace:$VICTIM shm:0 shm:$$ sysctl:kernel/hostname tmpdir exit:7"
WANT="write OK|read EACCES|write EACCES|write EACCES|connect:tcp EAFNOSUPPORT|connect:abstract EPERM|udp EAFNOSUPPORT|unshare EPERM|kill EPERM|environ EACCES|mem EACCES|ptrace EPERM|shm OK|shm EPERM|sysctl EACCES|tmpdir OK"

# confined NAME WRAPPER...: the default profile under WRAPPER (which makes
# the environment), from $WORK.
confined() {
  envname=$1
  shift
  rm -f "$WORK/made"
  # shellcheck disable=SC2086
  (cd "$WORK" && TMPDIR="$PRIVBASE" "$@" "$SB" -- $PY probe.py $CASES) >"$TMP/out" 2>"$TMP/err"
  RC=$?
  expect_eq "$envname: exit status is the command's" 7 "$RC"
  expect_eq "$envname: cwd writable; outside file unreadable, outside and /usr unwritable; tcp, udp, abstract refused; no nested userns; no signal, ptrace, environ or mem of a host process; no SysV key, no sysctl write" \
    "$WANT" "$(paste -sd'|' "$TMP/out")"
  expect_match "$envname: one line says which mode and why" "^sandbox: user namespaces are refused here \(creating (a user namespace|namespaces): .*\): no-namespace mode" "$(head -1 "$TMP/err")"
  check "$envname: the file made in the cwd is there" test -f "$WORK/made"
  check "$envname: nothing made outside" test ! -e "$OUTSIDE/new" -a ! -e "/usr/$NONCE"
  expect_eq "$envname: the private directory is gone after the run" "" "$(ls -A "$PRIVBASE")"
  expect_eq "$envname: the host listeners accepted nothing" 0 "$(wc -l <"$TMP/accepted")"
  if kill -0 "$VICTIM"; then ok "$envname: the host process lives"; else not_ok "$envname: the host process lives"; fi
}

# (a) A container's default seccomp profile.
confined "seccomp refuses namespaces" "$NOUSERNS"

# (b) user.max_user_namespaces=0, set inside an outer user namespace; the
# caller then holds no capability there (as an ordinary user on such a
# host: with them, root in that namespace would make every namespace but a
# user one, and the sandbox runs with them).
confined "max_user_namespaces=0" unshare -U --map-root-user \
  sh -c 'echo 0 >/proc/sys/user/max_user_namespaces && exec setpriv --inh-caps=-all --bounding-set=-all "$@"' sh

# (c) A chroot into a plain directory (not a mount point), as sbuild,
# pbuilder and mock make: the kernel refuses a user namespace to a
# chrooted process. Making one needs root; the host's /usr, /etc and /dev
# are bound in a mount namespace of the test's own, the sandbox binary
# (a static PIE) copied in.
if is_root && command -v chroot >/dev/null; then
  C="$TMP/chroot"
  mkdir -p "$C/usr" "$C/etc" "$C/dev" "$C/proc" "$C/work" "$C/outside" "$C/ptmp" "$C/tmp"
  chmod 1777 "$C/tmp"
  BINDS="usr etc dev"
  for d in bin sbin lib lib32 lib64 libx32; do
    if [ -L "/$d" ]; then
      ln -s "$(readlink "/$d")" "$C/$d"
    elif [ -d "/$d" ]; then
      mkdir "$C/$d"
      BINDS="$BINDS $d"
    fi
  done
  cp "$SB" "$C/sandbox"
  cp "$WORK/probe.py" "$C/work/"
  echo secret >"$C/outside/secret"
  CCASES=$(printf '%s\n' "$CASES" | sed "s|$WORK|/work|g; s|$OUTSIDE|/outside|g")
  # shellcheck disable=SC2016
  unshare -m sh -c 'mount --make-rprivate / && for d in $2; do mount --rbind "/$d" "$1/$d" || exit 99; done &&
    mount -t proc proc "$1/proc" && exec chroot "$1" /bin/sh -c "$3"' sh "$C" "$BINDS" \
    "cd /work && TMPDIR=/ptmp /sandbox -- python3 probe.py $(printf '%s' "$CCASES" | tr '\n' ' ')" \
    >"$TMP/out" 2>"$TMP/err"
  RC=$?
  expect_eq "chroot: exit status is the command's" 7 "$RC"
  expect_eq "chroot: cwd writable; outside file unreadable, outside and /usr unwritable; tcp, udp, abstract refused; no nested userns; no signal, ptrace, environ or mem of a host process; no SysV key, no sysctl write" \
    "$WANT" "$(paste -sd'|' "$TMP/out")"
  expect_match "chroot: one line says which mode and why" "^sandbox: user namespaces are refused here \(creating a user namespace: Operation not permitted" "$(head -1 "$TMP/err")"
  check "chroot: the file made in the cwd is there; nothing made outside" \
    test -f "$C/work/made" -a ! -e "$C/outside/new" -a ! -e "/usr/$NONCE"
  expect_eq "chroot: the private directory is gone after the run" "" "$(ls -A "$C/ptmp")"
  expect_eq "chroot: the host listeners accepted nothing" 0 "$(wc -l <"$TMP/accepted")"
else
  skip "chroot: making one needs root"
fi

# (d) The namespace is made, but mounts in it are refused (AppArmor's
# restriction on Ubuntu 23.10+, simulated by a filter on mount(2)). The
# release binary probes up front only where AppArmor's sysctl says so; the
# test build's switch makes it probe here. Nested user namespaces would be
# allowed by this host: the sandbox's own filter refuses them.
TESTSW="$HELPERS/sb-sandbox-test-switches"
rm -f "$WORK/made"
# shellcheck disable=SC2086
(cd "$WORK" && TMPDIR="$PRIVBASE" SANDBOX_TEST_PROBE=1 "$NOUSERNS" --mounts "$TESTSW" -- $PY probe.py $CASES) >"$TMP/out" 2>"$TMP/err"
RC=$?
expect_eq "mounts refused: exit status is the command's" 7 "$RC"
expect_eq "mounts refused: the same confinement, nested user namespaces refused by the sandbox" \
  "$WANT" "$(paste -sd'|' "$TMP/out")"
expect_match "mounts refused: one line says why" "^sandbox: user namespaces are refused here \(mounting in a user namespace: Operation not permitted" "$(head -1 "$TMP/err")"
$NOUSERNS --mounts $PY "$WORK/probe.py" unshare >"$TMP/out"
expect_eq "... where the host itself makes user namespaces" "unshare OK" "$(cat "$TMP/out")"
# base-fs has no syscall rules: the refusal is the no-namespace mode's own.
(cd "$WORK" && SANDBOX_TEST_PROBE=1 "$NOUSERNS" --mounts "$TESTSW" --profile base-fs --unshare-all --bind "$WORK" "$WORK" -- \
  $PY probe.py unshare udp) >"$TMP/out" 2>"$TMP/err"
expect_eq "... refused under a profile without syscall rules too; sockets likewise" \
  "unshare EPERM|udp EAFNOSUPPORT" "$(paste -sd'|' "$TMP/out")"

# Under net, the host's network is shared on purpose: TCP works, but the
# host's abstract sockets stay out of reach (Landlock's scope).
(cd "$WORK" && TMPDIR="$PRIVBASE" "$NOUSERNS" "$SB" --profile net -- $PY probe.py \
  connect:tcp:$PORT connect:abstract:$ABSTRACT kill:$VICTIM) >"$TMP/out" 2>"$TMP/err"
expect_eq "net without namespaces: tcp to the host works, abstract sockets and signals do not" \
  "connect:tcp OK|connect:abstract EPERM|kill EPERM" "$(paste -sd'|' "$TMP/out")"
# (The kernel completes the handshake before the listener's accept()
# writes its line: wait for it, bounded.)
n=0
while [ "$(wc -l <"$TMP/accepted")" -lt 1 ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n + 1)); done
expect_eq "... only the tcp connection reached the host" 1 "$(wc -l <"$TMP/accepted")"
: >"$TMP/accepted"

# What cannot be had without a mount namespace fails the run, naming it,
# before anything runs.
fails() {
  what=$1
  pattern=$2
  shift 2
  rm -f "$WORK/ran"
  (cd "$WORK" && HOME="$TMP/home" "$NOUSERNS" "$SB" "$@" -- touch "$WORK/ran") >"$TMP/out" 2>"$TMP/err"
  RC=$?
  expect_match "$what: fails with one line naming it" "^sandbox: user namespaces are refused here \(.*\); $pattern\. See sandbox\(1\), NO-NAMESPACE MODE\$" "$(cat "$TMP/err")"
  expect_eq "$what: one line" 1 "$(wc -l <"$TMP/err")"
  expect_eq "$what: exit status 1, nothing ran" "1 no" "$RC $(test -e "$WORK/ran" && echo yes || echo no)"
}
fails "desktop (a private home)" "--tmpfs $TMP/home \(.*desktop.*\) needs a mount namespace.*" --profile desktop
fails "build (a hostname)" "--hostname build needs a uts namespace" --profile build
fails "a bind to another path" "--ro-bind /etc/hostname needs a mount namespace \(its source is another path\)" \
  --profile default --ro-bind /etc/passwd /etc/hostname
fails "a read-only tree inside a writable one" "$WORK/sub, read-only inside the writable $WORK, needs a mount namespace" \
  --profile default --ro-bind "$WORK/sub" "$WORK/sub"
fails "--require-namespaces" "--require-namespaces refuses the no-namespace mode" \
  --profile default --require-namespaces

# A plain bwrap line keeps bwrap's behaviour: it fails as bwrap does.
(cd "$WORK" && "$NOUSERNS" "$SB" --ro-bind / / --bind "$WORK" "$WORK" touch "$WORK/ran") >"$TMP/out" 2>"$TMP/err"
RC=$?
expect_match "a plain bwrap line does not fall back" "^sandbox: (No permissions to create a new namespace|Creating new namespace failed)" "$(cat "$TMP/err")"
expect_eq "... exit status 1, nothing ran" "1 no" "$RC $(test -e "$WORK/ran" && echo yes || echo no)"

# --explain says which mode would run, and why.
(cd "$WORK" && "$NOUSERNS" "$SB" --explain -- true) >"$TMP/out" 2>&1
expect_match "--explain: the mode and why" "^mode: no namespaces: user namespaces are refused here \(creating a user namespace: Operation not permitted" "$(cat "$TMP/out")"
expect_match "--explain: the private /tmp" "TMPDIR=\\\$PRIVATE/tmp" "$(cat "$TMP/out")"
expect_match "--explain: the network" "network: tcp bind and connect refused" "$(cat "$TMP/out")"
(cd "$WORK" && HOME="$TMP/home" "$NOUSERNS" "$SB" --explain --profile desktop -- true) >"$TMP/out" 2>&1
expect_match "--explain: a profile that would fail" "^mode: none: .*--tmpfs $TMP/home .*needs a mount namespace.*: the run would fail" "$(cat "$TMP/out")"
(cd "$WORK" && "$SB" --explain -- true) >"$TMP/out" 2>&1
expect_match "--explain where namespaces work" "^mode: namespaces \(this host lets uid [0-9]+ make a user namespace and mount in it\)" "$(cat "$TMP/out")"

# The files the default profile hides by a mount stay unreadable: for a
# root caller /etc/shadow is readable by ownership alone.
if is_root; then
  (cd "$WORK" && "$NOUSERNS" "$SB" -- $PY probe.py read:/etc/shadow read:/etc/passwd) >"$TMP/out" 2>"$TMP/err"
  expect_eq "root: /etc/shadow unreadable, /etc/passwd readable" "read EACCES|read OK" "$(paste -sd'|' "$TMP/out")"
else
  skip "root: /etc/shadow (not root)"
fi

# pivot_root refused (an initramfs root): the test build's switch makes the
# kernel's EINVAL happen; the new root is moved onto / and chrooted into.
# The same attacks get the same answers as with pivot_root.
PCASES="write:$WORK/made read:$OUTSIDE/secret write:/usr/$NONCE connect:tcp:$PORT
connect:abstract:$ABSTRACT unshare kill:$VICTIM environ:$VICTIM mem:$VICTIM ptrace:$VICTIM
read:/oldroot/etc/passwd read:/../../oldroot/etc/passwd exit:7"
# shellcheck disable=SC2086
(cd "$WORK" && "$TESTSW" -- $PY probe.py $PCASES) >"$TMP/pivot" 2>"$TMP/err"
expect_eq "pivot_root: exit status is the command's" 7 "$?"
# shellcheck disable=SC2086
(cd "$WORK" && SANDBOX_TEST_PIVOT_ROOT_EINVAL=1 "$TESTSW" -- $PY probe.py $PCASES) >"$TMP/moved" 2>"$TMP/err"
expect_eq "pivot_root refused: exit status is the command's" 7 "$?"
expect_eq "pivot_root refused: the fallback ran" \
  "sandbox: test switch: pivot_root refused; moving the new root onto / and chroot" "$(sort -u "$TMP/err")"
expect_eq "pivot_root refused: every attack gets the answer it gets with pivot_root" \
  "$(paste -sd'|' "$TMP/pivot")" "$(paste -sd'|' "$TMP/moved")"
expect_eq "... which confines: cwd writable; nothing else of the host's written, read, connected or reached" \
  "write OK|read ENOENT|write EROFS|connect:tcp ECONNREFUSED|connect:abstract ECONNREFUSED|unshare EPERM|kill ESRCH|environ ENOENT|mem ENOENT|ptrace ESRCH|read ENOENT|read ENOENT" \
  "$(paste -sd'|' "$TMP/moved")"
check "... nothing made in the host's /usr" test ! -e "/usr/$NONCE"
# The release binary has no such switch.
(cd "$WORK" && SANDBOX_TEST_PIVOT_ROOT_EINVAL=1 "$SB" -- true) >"$TMP/out" 2>"$TMP/err"
expect_eq "the release binary ignores the test switch" "0|" "$?|$(cat "$TMP/err")"

# Capabilities: none survive, whatever the profile says (no user namespace
# holds them here: a root caller's would be the host's). base-fs has no
# cap-drop line.
(cd "$WORK" && "$NOUSERNS" "$SB" --profile base-fs --bind "$WORK" "$WORK" -- \
  sh -c 'sed -n "s/^Cap\(Eff\|Prm\|Amb\):[[:space:]]*//p" /proc/self/status') >"$TMP/out" 2>"$TMP/err"
expect_eq "no capability left, even for root without cap-drop" "0000000000000000|0000000000000000|0000000000000000" \
  "$(paste -sd'|' "$TMP/out")"
fails "--cap-add" "--cap-add needs a user namespace \(the host's capabilities are not given\)" \
  --profile default --cap-add CAP_NET_RAW
# An ordinary user keeps a full bounding set, which only CAP_SETPCAP can
# shrink: the run must not fail on it.
if is_root && command -v setpriv >/dev/null; then
  mkdir -p "$TMP/nb/work"
  cp "$SB" "$NOUSERNS" "$TMP/nb/"
  chmod 755 "$TMP/nb" "$TMP/nb/sandbox" "$TMP/nb/sb-no-userns"
  chmod 777 "$TMP/nb/work"
  (cd "$TMP/nb/work" && setpriv --reuid=nobody --regid=nogroup --clear-groups \
    ../sb-no-userns ../sandbox -- sh -c 'touch made; exit 4') >"$TMP/out" 2>"$TMP/err"
  expect_eq "a user with a full bounding set: runs, exit status the command's" "4 yes" \
    "$? $(test -f "$TMP/nb/work/made" && echo yes || echo no)"
else
  skip "a user with a full bounding set (needs root to make one)"
fi

# What the command leaves running is killed when it exits, double fork and
# setsid included (no pid namespace takes it along here).
(cd "$WORK" && "$NOUSERNS" "$SB" -- sh -c 'setsid -w sh -c "sleep 300 & echo \$! >left.pid"; exit 6') >"$TMP/out" 2>"$TMP/err"
RC=$?
LEFT=$(cat "$WORK/left.pid" 2>/dev/null)
expect_eq "leftovers: exit status the command's" 6 "$RC"
if [ -n "$LEFT" ] && ! kill -0 "$LEFT" 2>/dev/null; then
  ok "leftovers: the orphaned daemon is gone"
else
  not_ok "leftovers: the orphaned daemon is gone (pid '$LEFT')"
  [ -n "$LEFT" ] && kill -9 "$LEFT"
fi

# Protected paths inside the writable cwd (.git/hooks, .git/config) cannot
# be made read-only without a mount: they are copied before the run and put
# back after it, the command's version kept beside them.
G="$TMP/proj"
mkdir -p "$G/.git/hooks"
printf '[core]\n\tbare = false\n' >"$G/.git/config"
printf '#!/bin/sh\nexit 0\n' >"$G/.git/hooks/pre-commit.sample"
chmod 755 "$G/.git/hooks/pre-commit.sample"
(cd "$G" && "$NOUSERNS" "$SB" -- sh -c '
  printf "[core]\n\thooksPath = /x\n" >.git/config
  printf "#!/bin/sh\necho pwned\n" >.git/hooks/pre-commit && chmod 755 .git/hooks/pre-commit
  ln -s ../../evil .git/hooks/post-checkout
  rm .git/hooks/pre-commit.sample
  echo work >made; exit 3') >"$TMP/out" 2>"$TMP/err"
expect_eq "protected: exit status the command's" 3 "$?"
expect_eq "protected: .git/config as it was" "$(printf '[core]\n\tbare = false')" "$(cat "$G/.git/config")"
expect_eq "protected: .git/hooks as it was" "pre-commit.sample" "$(ls -A "$G/.git/hooks")"
check "protected: its mode too" test -x "$G/.git/hooks/pre-commit.sample"
expect_match "protected: the command's hooks kept aside" "post-checkout pre-commit" \
  "$(ls -A "$G/.git/hooks.sandbox-changed.0" | tr '\n' ' ')"
expect_match "protected: one line per path says so" \
  "^sandbox: the command changed $G/.git/hooks \(protected\): put back as it was; its version is at $G/.git/hooks.sandbox-changed.0\$" \
  "$(cat "$TMP/err")"
expect_eq "protected: the rest of the work stays" work "$(cat "$G/made")"
rm -rf "$G/.git/hooks.sandbox-changed.0" "$G/.git/config.sandbox-changed.0"
(cd "$G" && "$NOUSERNS" "$SB" -- sh -c 'cat .git/config >/dev/null; ls .git/hooks >/dev/null') >"$TMP/out" 2>"$TMP/err"
expect_eq "protected, unchanged: nothing put back, nothing said but the mode" 1 "$(wc -l <"$TMP/err")"
expect_eq "... nothing set aside" "config hooks" "$(ls -A "$G/.git" | tr '\n' ' ' | sed 's/ $//')"

# The attack on the put-back: .git renamed away, a symlink to a fake one in
# its place. The real one comes back; the symlink is kept beside it.
(cd "$G" && "$NOUSERNS" "$SB" -- sh -c '
  mv .git .git2; mkdir -p fake/hooks
  printf "#!/bin/sh\necho pwned\n" >fake/hooks/pre-commit; chmod 755 fake/hooks/pre-commit
  ln -s fake .git') >"$TMP/out" 2>"$TMP/err"
check "swapped .git: the real one is back" test -d "$G/.git" -a ! -L "$G/.git" -a ! -e "$G/.git2"
expect_eq "... with its hooks and config" "pre-commit.sample|[core]" \
  "$(ls -A "$G/.git/hooks" | paste -sd'|')|$(head -1 "$G/.git/config")"
check "... the symlink kept beside it" test -L "$G/.git.sandbox-changed.0"
expect_match "... and said" "^sandbox: the command put something else at .git \(above $G/.git/(hooks|config)\): kept beside it as .git.sandbox-changed.0; the directory put back" \
  "$(cat "$TMP/err")"

# --check, where namespaces are refused: what each profile becomes.
HOME="$TMP/home" "$NOUSERNS" "$SB" --check >"$TMP/out" 2>&1
expect_match "--check: the default profile runs without namespaces" "^  default +runs without namespaces" "$(cat "$TMP/out")"
expect_match "--check: desktop would fail, and why" "^  desktop +would fail: no user namespaces, and --tmpfs $TMP/home .*needs a mount namespace" "$(cat "$TMP/out")"

# The same profile where namespaces work: the mode line is absent.
(cd "$WORK" && TMPDIR="$PRIVBASE" "$SB" -- $PY probe.py exit:3) >"$TMP/out" 2>"$TMP/err"
expect_eq "namespaces available: exit status" 3 "$?"
expect_eq "namespaces available: no mode line" "" "$(cat "$TMP/err")"

done_testing
