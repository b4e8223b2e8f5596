#!/bin/sh
# bwrap's fd protocols, observed from the outside: --file, --bind-data,
# --ro-bind-data, --bind-fd, --ro-bind-fd, --info-fd, --json-status-fd,
# --block-fd, --userns-block-fd, --sync-fd, --lock-file, --seccomp,
# --add-seccomp-fd, labels, --level-prefix and the bad-input messages.
. "$(dirname "$0")/../lib.sh"

PY=$(command -v /usr/bin/python3 python3 | head -n1)
if [ -z "$PY" ]; then
  echo "1..0 # SKIP python3 not installed"
  exit 0
fi
TRY="$HELPERS/sb-try-syscall"

# json FILE LINE FIELD: a field of the JSON document on line LINE (0: the
# whole file is one document); "none" when it has no such field.
json() {
  "$PY" - "$@" <<'EOF'
import json, sys
path, line, field = sys.argv[1], int(sys.argv[2]), sys.argv[3]
text = open(path).read()
doc = json.loads(text if line == 0 else text.splitlines()[line - 1])
print(doc.get(field, "none"))
EOF
}
lines() { wc -l <"$1" | tr -d ' '; }
# wait_for PATH: waits for PATH to exist (an event; the bound, 60 s, only
# stops a broken run).
wait_for() {
  i=0
  while [ ! -e "$1" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
  [ -e "$1" ]
}
# wait_line FILE: the same for a first complete line in FILE.
wait_line() {
  i=0
  while [ "$(lines "$1" 2>/dev/null)" -lt 1 ] 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
}

# ---- --file, --bind-data, --ro-bind-data ----
printf 'hello\nworld\n' >"$TMP/data"
run_sb $SYS --file 3 /data -- sh -c 'cat /data; stat -c %a /data' 3<"$TMP/data"
expect_eq "--file copies the fd's data" "hello
world
666" "$OUT"
run_sb $SYS --perms 0640 --file 3 /x/y/data -- stat -c %a /x/y/data 3<"$TMP/data"
expect_eq "--file takes --perms (and makes parents)" "640" "$OUT"
printf 'a\0b' | "$SB" $SYS --file 3 /bin.dat -- od -An -c /bin.dat 3<&0 >"$TMP/out" 2>&1
expect_eq "--file copies binary data from a pipe" "a \\0 b" "$(tr -s ' ' <"$TMP/out" | sed 's/^ //')"

run_sb $SYS --bind-data 3 /data -- sh -c 'stat -c %a /data; echo more >>/data; cat /data' 3<"$TMP/data"
expect_eq "--bind-data: 0600, writable" "600
hello
world
more" "$OUT"
expect_eq "--bind-data never writes back to the source" "hello
world" "$(cat "$TMP/data")"
run_sb $SYS --ro-bind-data 3 /data -- sh -c 'cat /data; echo x >>/data' 3<"$TMP/data"
expect_eq "--ro-bind-data: readable" "hello
world" "$OUT"
expect_match "--ro-bind-data: read-only" "Read-only file system" "$ERR"
run_sb $SYS --perms 0444 --ro-bind-data 3 /data -- stat -c %a /data 3<"$TMP/data"
expect_eq "--ro-bind-data takes --perms" "444" "$OUT"

# Used-up fds never reach the command (bwrap closes them).
run_sb $SYS --proc /proc --file 3 /a --bind-data 4 /b --ro-bind-fd 5 /c --info-fd 6 --json-status-fd 7 -- \
  sh -c 'for f in 3 4 5 6 7; do [ -e /proc/self/fd/$f ] && echo "fd $f open"; done; true' \
  3<"$TMP/data" 4<"$TMP/data" 5<"$TMP" 6>/dev/null 7>/dev/null
expect_eq "no --file/--bind-data/--bind-fd/--info-fd/--json-status-fd fd leaks into the command" "" "$OUT"

# ---- --bind-fd, --ro-bind-fd ----
mkdir "$TMP/dir"
echo inside >"$TMP/dir/f"
run_sb $SYS --bind-fd 3 /mnt -- sh -c 'cat /mnt/f; echo new >/mnt/g' 3<"$TMP/dir"
expect_eq "--bind-fd binds the fd's directory" "inside" "$OUT"
expect_eq "--bind-fd is writable" "new" "$(cat "$TMP/dir/g" 2>/dev/null)"
run_sb $SYS --ro-bind-fd 3 /mnt -- sh -c 'cat /mnt/f; echo x >/mnt/h' 3<"$TMP/dir"
expect_eq "--ro-bind-fd binds the fd's directory" "inside" "$OUT"
expect_match "--ro-bind-fd is read-only" "Read-only file system" "$ERR"
check "--ro-bind-fd wrote nothing" test ! -e "$TMP/dir/h"
run_sb $SYS --ro-bind-fd 3 /f -- cat /f 3<"$TMP/dir/f"
expect_eq "--ro-bind-fd binds a file" "inside" "$OUT"
# An O_PATH fd, as bwrap's callers (flatpak) pass.
"$PY" -c '
import os, sys
fd = os.open(sys.argv[1], os.O_PATH | os.O_DIRECTORY)
os.dup2(fd, 5)
os.execv(sys.argv[2], sys.argv[2:])' "$TMP/dir" "$SB" $SYS --ro-bind-fd 5 /mnt -- cat /mnt/f >"$TMP/out" 2>&1
expect_eq "--ro-bind-fd takes an O_PATH fd" "inside" "$(cat "$TMP/out")"
# The fd's directory renamed away: still the fd's inode that is bound.
mkdir "$TMP/mv"
echo moved >"$TMP/mv/f"
exec 8<"$TMP/mv"
mv "$TMP/mv" "$TMP/mv.old"
mkdir "$TMP/mv"
echo impostor >"$TMP/mv/f"
run_sb $SYS --ro-bind-fd 8 /mnt -- cat /mnt/f
exec 8<&-
expect_eq "--bind-fd follows the inode, not the old name" "moved" "$OUT"
# The path now leads to another inode (a mount over it): refused.
if unshare -Urm true 2>/dev/null; then
  mkdir -p "$TMP/race/a" "$TMP/race/b"
  unshare -Urm sh -c 'exec 7<"$1/race/a"; mount --bind "$1/race/b" "$1/race/a" && exec "$2" --ro-bind /usr /usr --ro-bind-try /lib /lib --ro-bind-try /lib64 /lib64 --ro-bind-try /bin /bin --bind-fd 7 /mnt -- true' \
    sh "$TMP" "$SB" >"$TMP/out" 2>"$TMP/err"
  RC=$?
  expect_eq "--bind-fd: another inode at the fd's path exits 1" 1 "$RC"
  expect_eq "--bind-fd: another inode at the fd's path is a race" "sandbox: Race condition binding dirfd" "$(cat "$TMP/err")"
else
  skip "unshare -Urm not available"
  skip "unshare -Urm not available"
fi
mkdir "$TMP/gone"
exec 8<"$TMP/gone"
rmdir "$TMP/gone"
run_sb $SYS --bind-fd 8 /mnt -- true
exec 8<&-
expect_eq "--bind-fd of a deleted directory exits 1" 1 "$RC"
expect_match "--bind-fd of a deleted directory: source not found" "^sandbox: Can't find source path " "$ERR"

# ---- --info-fd, --json-status-fd ----
mkfifo "$TMP/go"
# bg ARGS... REDIRECTIONS &: the sandbox in the background (the fifos
# named in the redirections open there, not here); BG=$! after it. The
# exec leaves the sandbox the only holder of those fds: a waiting
# subshell would keep a fifo open, and its reader would see no EOF.
bg() { exec "$SB" "$@" >"$TMP/bgout" 2>"$TMP/bgerr"; }
bg $SYS --unshare-ipc --unshare-uts --unshare-net --unshare-pid --info-fd 3 --json-status-fd 4 \
  --ro-bind "$TMP/go" /go -- sh -c 'read x </go; exit 7' 3>"$TMP/info" 4>"$TMP/status" &
BG=$!
# The monitor writes the info document, then the status line: once the
# line is complete, both are. (The files exist from the start: the shell
# made them for the redirections.)
wait_line "$TMP/status"
pid=$(json "$TMP/info" 0 child-pid)
check "--info-fd: child-pid is a live process" test -d "/proc/$pid"
expect_eq "--json-status-fd line 1: same child-pid" "$pid" "$(json "$TMP/status" 1 child-pid)"
for n in ipc mnt net pid uts; do
  # An unprivileged caller reads the namespaces of the sandbox's pid 1,
  # as bwrap's callers do.
  ino=$(readlink "/proc/$pid/ns/$n" | tr -dc 0-9)
  expect_eq "--info-fd: $n-namespace is the child's" "$ino" "$(json "$TMP/info" 0 "$n-namespace")"
  expect_eq "--json-status-fd: $n-namespace is the child's" "$ino" "$(json "$TMP/status" 1 "$n-namespace")"
done
expect_eq "--info-fd: no user-namespace entry (bwrap)" none "$(json "$TMP/info" 0 user-namespace)"
expect_eq "--info-fd: pretty-printed, 4-space indent" '{
    "child-pid": '"$pid"',' "$(head -n2 "$TMP/info")"
expect_eq "--json-status-fd: one line while running" 1 "$(lines "$TMP/status")"
echo go >"$TMP/go"
wait $BG
expect_eq "exit status with --json-status-fd" 7 "$?"
expect_eq "--json-status-fd: two lines at the end" 2 "$(lines "$TMP/status")"
expect_eq "--json-status-fd: exit-code" 7 "$(json "$TMP/status" 2 exit-code)"
expect_eq "--json-status-fd: exit line's exact bytes" '{ "exit-code": 7 }' "$(sed -n 2p "$TMP/status")"

run_sb $SYS --json-status-fd 4 -- sh -c 'kill -TERM $$' 4>"$TMP/status"
expect_eq "--json-status-fd: death by signal is 128+n" 143 "$(json "$TMP/status" 2 exit-code)"
run_sb $SYS --json-status-fd 4 -- /nonexistent 4>"$TMP/status"
expect_eq "--json-status-fd: exec failure exits 1" 1 "$RC"
expect_eq "--json-status-fd: no exit-code when exec failed" 1 "$(lines "$TMP/status")"
run_sb $SYS --json-status-fd 4 --chdir /nonexistent -- true 4>"$TMP/status"
expect_eq "--json-status-fd: no exit-code when set-up failed" 1 "$(lines "$TMP/status")"
# The info document is complete (EOF) while the sandbox still runs.
rm -f "$TMP/info"
mkfifo "$TMP/info"
bg $SYS --info-fd 3 --ro-bind "$TMP/go" /go -- sh -c 'read x </go' 3>"$TMP/info" &
BG=$!
info=$(timeout 60 cat "$TMP/info")
expect_eq "--info-fd reaches EOF while the command runs (not stopped by timeout)" 0 "$?"
expect_match "--info-fd: the document is complete" '^\}$' "$(printf '%s\n' "$info" | tail -n1)"
echo go >"$TMP/go"
wait $BG

# ---- --block-fd ----
mkfifo "$TMP/blk"
mkdir "$TMP/mark"
# The command copies a token the test writes just before the byte: what it
# copies says whether it ran before the byte, whatever the timing. The
# token comes once the child is far along: its new root in place (the
# block is read after the mounts), and asleep or gone.
rm -f "$TMP/info"
mkfifo "$TMP/info"
bg $SYS --bind "$TMP/mark" /mark --info-fd 3 --block-fd 5 -- sh -c 'cat /mark/token >/mark/ran' \
  5<"$TMP/blk" 3>"$TMP/info" &
BG=$!
exec 6>"$TMP/blk"
pid=$(timeout 60 cat "$TMP/info" | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["child-pid"])')
i=0
while [ $i -lt 600 ] && [ -e "/proc/$pid" ] &&
  ! { [ -d "/proc/$pid/root/mark" ] && grep -q '^State:[[:space:]]*S' "/proc/$pid/status"; }; do
  sleep 0.1
  i=$((i + 1))
done
check "--block-fd: the command has not run before the byte" test ! -e "$TMP/mark/ran"
echo byte-first >"$TMP/mark/token"
printf x >&6
exec 6>&-
wait $BG
expect_eq "--block-fd: exits 0 after the byte" 0 "$?"
expect_eq "--block-fd: the command ran after the byte" byte-first "$(cat "$TMP/mark/ran" 2>/dev/null)"

# ---- --userns-block-fd: the caller writes the maps ----
rm -f "$TMP/info" "$TMP/mark/ran"
mkfifo "$TMP/info"
bg $SYS --proc /proc --unshare-user --info-fd 3 --userns-block-fd 4 --bind "$TMP/mark" /mark -- \
  sh -c 'touch /mark/ran; id -u; id -g' 4<"$TMP/blk" 3>"$TMP/info" &
BG=$!
exec 6>"$TMP/blk"
timeout 60 cat "$TMP/info" >"$TMP/info.json"
expect_eq "--userns-block-fd: --info-fd reaches EOF before the maps (not stopped by timeout)" 0 "$?"
pid=$(json "$TMP/info.json" 0 child-pid)
check "--userns-block-fd: nothing ran before the maps" test ! -e "$TMP/mark/ran"
echo deny >"/proc/$pid/setgroups"
echo "1234 $(id -u) 1" >"/proc/$pid/uid_map"
echo "5678 $(id -g) 1" >"/proc/$pid/gid_map"
printf x >&6
exec 6>&-
wait $BG
expect_eq "--userns-block-fd: the caller's maps are used" "1234
5678" "$(cat "$TMP/bgout")"

# ---- --sync-fd ----
mkfifo "$TMP/sync"
# Checked once the command runs (it says so), not after a time.
bg $SYS --proc /proc --sync-fd 5 --ro-bind "$TMP/go" /go --bind "$TMP/mark" /mark -- \
  sh -c 'test -e /proc/self/fd/5 && echo leaked; touch /mark/sync-started; read x </go' 5>"$TMP/sync" &
BG=$!
exec 7<"$TMP/sync"
wait_for "$TMP/mark/sync-started"
"$PY" -c '
import select, sys
r, _, _ = select.select([7], [], [], 0.5)
sys.exit(0 if not r else 1)' 7<&7
expect_eq "--sync-fd: no EOF while the sandbox runs" 0 "$?"
echo go >"$TMP/go"
timeout 60 cat <&7 >/dev/null
expect_eq "--sync-fd: EOF when the sandbox ends" 0 "$?"
exec 7<&-
wait $BG
expect_eq "--sync-fd is closed in the command" "" "$(cat "$TMP/bgout")"

# ---- --lock-file ----
: >"$TMP/lock"
chmod 666 "$TMP/lock"
trylock() { # prints locked or free
  "$PY" - "$1" <<'EOF'
import fcntl, sys
with open(sys.argv[1], "r+") as f:
    try:
        fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        print("free")
    except OSError:
        print("locked")
EOF
}
bg $SYS --bind "$TMP/lock" /lock --lock-file /lock --ro-bind "$TMP/go" /go -- sh -c 'read x </go' &
BG=$!
# Waits for the lock (an event), bounded at 60 s against a broken run.
state=free
for _ in $(seq 600); do
  state=$(trylock "$TMP/lock")
  [ "$state" = locked ] && break
  sleep 0.1
done
expect_eq "--lock-file: an exclusive lock fails while the sandbox runs" locked "$state"
echo go >"$TMP/go"
wait $BG
expect_eq "--lock-file: free after the sandbox ends" free "$(trylock "$TMP/lock")"
run_sb $SYS --lock-file /nonexistent -- true
expect_eq "--lock-file: missing file" "sandbox: Unable to open lock file /nonexistent: No such file or directory" "$ERR"

# ---- --seccomp, --add-seccomp-fd: a caller-compiled raw BPF program ----
# bpf NAME ERRNO: denies syscall NAME (by this machine's number) with ERRNO.
bpf() {
  "$PY" - "$@" <<'EOF'
import os, platform, struct, sys
nrs = {"x86_64": {"getppid": 110, "uname": 63}, "aarch64": {"getppid": 173, "uname": 160}}
arch = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
m = platform.machine()
ins = [(0x20, 0, 0, 4),                        # ld arch
       (0x15, 1, 0, arch[m]),                  # jeq native ? skip : allow
       (0x06, 0, 0, 0x7FFF0000),               # ret allow
       (0x20, 0, 0, 0),                        # ld nr
       (0x15, 0, 1, nrs[m][sys.argv[1]]),      # jeq nr
       (0x06, 0, 0, 0x00050000 | int(sys.argv[2])),  # ret errno
       (0x06, 0, 0, 0x7FFF0000)]               # ret allow
sys.stdout.buffer.write(b"".join(struct.pack("<HBBI", *i) for i in ins))
EOF
}
case $(uname -m) in
x86_64 | aarch64)
  bpf getppid 13 >"$TMP/getppid.bpf"
  bpf uname 38 >"$TMP/uname.bpf"
  H="--ro-bind $HELPERS $HELPERS"
  run_sb $SYS $H --seccomp 3 -- "$TRY" getppid uname getpid 3<"$TMP/getppid.bpf"
  expect_eq "--seccomp: the caller's filter applies" "getppid EACCES uname OK getpid OK" "$(echo $OUT)"
  run_sb $SYS $H --add-seccomp-fd 3 --add-seccomp-fd 4 -- "$TRY" getppid uname getpid \
    3<"$TMP/getppid.bpf" 4<"$TMP/uname.bpf"
  expect_eq "--add-seccomp-fd twice: both filters apply" "getppid EACCES uname ENOSYS getpid OK" "$(echo $OUT)"
  run_sb $SYS $H --profile default --add-seccomp-fd 3 -- "$TRY" getppid mount getpid 3<"$TMP/getppid.bpf"
  expect_eq "--profile default + --add-seccomp-fd: both deny" "getppid EACCES mount EPERM getpid OK" "$(echo $OUT)"
  run_sb $SYS $H --seccomp 3 -- sh -c 'true' 3<"$TMP/getppid.bpf"
  expect_eq "--seccomp: a shell runs under it" 0 "$RC"
  ;;
*)
  for _ in 1 2 3 4; do skip "no syscall numbers for $(uname -m)"; done
  ;;
esac
printf 'abcdefghijk' >"$TMP/bad.bpf"
run_sb $SYS --seccomp 3 -- true 3<"$TMP/bad.bpf"
expect_eq "--seccomp: size not a multiple of 8" "sandbox: Invalid seccomp data, must be multiple of 8" "$ERR"
run_sb $SYS --add-seccomp-fd 3 -- true 3<"$TMP/bad.bpf"
expect_eq "--add-seccomp-fd: size not a multiple of 8" "sandbox: Invalid seccomp data, must be multiple of 8" "$ERR"
run_sb --seccomp 3 --add-seccomp-fd 4 -- true
expect_eq "--add-seccomp-fd after --seccomp" "sandbox: --add-seccomp-fd cannot be combined with --seccomp" "$ERR"
run_sb --add-seccomp-fd 4 --seccomp 3 -- true
expect_eq "--seccomp after --add-seccomp-fd" "sandbox: --seccomp cannot be combined with --add-seccomp-fd" "$ERR"

# ---- labels (no SELinux here), --level-prefix ----
if [ -e /sys/fs/selinux/enforce ]; then
  skip "SELinux host"
  skip "SELinux host"
else
  run_sb $SYS --exec-label system_u:system_r:foo_t:s0 -- true
  expect_eq "--exec-label without SELinux" "1 sandbox: labeling not supported on this system" "$RC $ERR"
  run_sb $SYS --file-label system_u:object_r:foo_t:s0 -- true
  expect_eq "--file-label without SELinux" "1 sandbox: labeling not supported on this system" "$RC $ERR"
fi
run_sb $SYS --level-prefix --bind /nonexistent /x -- true
expect_eq "--level-prefix: <3> before errors" "<3>sandbox: Can't find source path /nonexistent: No such file or directory" "$ERR"
run_sb --level-prefix --perms 9 --dir /x -- true
expect_eq "--level-prefix: on parse errors after it" "<3>sandbox: --perms takes an octal argument <= 07777" "$ERR"
run_sb --perms 9 --level-prefix --dir /x -- true
expect_eq "--level-prefix: not on parse errors before it" "sandbox: --perms takes an octal argument <= 07777" "$ERR"

# ---- bad input ----
for o in file bind-data ro-bind-data bind-fd ro-bind-fd; do
  run_sb --$o x /dest -- true
  expect_eq "--$o x: invalid fd" "1 sandbox: Invalid fd: x" "$RC $ERR"
  run_sb --$o -1 /dest -- true
  expect_eq "--$o -1: invalid fd" "sandbox: Invalid fd: -1" "$ERR"
done
run_sb --file 3
expect_eq "--file missing an argument" "sandbox: --file takes two arguments" "$ERR"
run_sb --bind-data 3
expect_eq "--bind-data missing an argument" "sandbox: --bind-data takes two arguments" "$ERR"
run_sb --ro-bind-data 3
expect_eq "--ro-bind-data missing an argument" "sandbox: --ro-bind-data takes two arguments" "$ERR"
run_sb --bind-fd 3
expect_eq "--bind-fd missing an argument" "sandbox: --bind-fd takes two arguments" "$ERR"
run_sb --ro-bind-fd 3
expect_eq "--ro-bind-fd missing an argument (bwrap's text)" "sandbox: --bind-fd takes two arguments" "$ERR"
for o in info-fd json-status-fd block-fd userns-block-fd sync-fd seccomp add-seccomp-fd userns userns2 pidns; do
  run_sb --$o
  expect_eq "--$o missing its argument" "sandbox: --$o takes an argument" "$ERR"
  run_sb --$o 3x -- true
  expect_eq "--$o 3x: invalid fd" "1 sandbox: Invalid fd: 3x" "$RC $ERR"
done
for o in lock-file exec-label file-label; do
  run_sb --$o
  expect_eq "--$o missing its argument" "sandbox: --$o takes an argument" "$ERR"
done
run_sb $SYS --info-fd 1 --info-fd 1 -- true
expect_match "a repeated --info-fd warns" "^sandbox: Only the last --info-fd option will take effect" "$ERR"
run_sb $SYS --userns-block-fd 3 -- true
expect_eq "--userns-block-fd needs --unshare-user" "sandbox: --userns-block-fd requires --unshare-user" "$ERR"
run_sb $SYS --unshare-user --userns-block-fd 3 -- true
expect_eq "--userns-block-fd needs --info-fd" "sandbox: --userns-block-fd requires --info-fd" "$ERR"
run_sb $SYS --unshare-user --info-fd 1 --userns-block-fd 3 --disable-userns -- true
expect_eq "--disable-userns with --userns-block-fd (bwrap's two spaces)" \
  "sandbox: --disable-userns is not compatible with  --userns-block-fd" "$ERR"

done_testing
