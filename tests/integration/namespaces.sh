#!/bin/sh
# Namespaces: what the sandboxed process sees of ipc/pid/net/uts/cgroup/user,
# compared with the caller's own namespaces (inode of /proc/self/ns/X).
. "$(dirname "$0")/../lib.sh"

P="--proc /proc"
host_ns() { readlink "/proc/self/ns/$1"; }
# in_ns OPTIONS... : prints "name:[inode]" of every namespace inside.
in_ns() {
  run_sb "$@" $SYS $P -- sh -c 'for n in cgroup ipc mnt net pid uts user; do echo "$n $(readlink /proc/self/ns/$n)"; done'
}
ns_line() { printf '%s\n' "$OUT" | sed -n "s/^$1 //p"; }

userns_possible() {
  [ -e /proc/self/ns/user ] && [ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null)" != 0 ]
}

# expect_ns NAME NS same|new
expect_ns() {
  inside=$(ns_line "$2")
  if [ -z "$inside" ]; then not_ok "$1"; diag "no $2 namespace seen (rc=$RC, err=$ERR)"; return; fi
  if [ "$3" = same ]; then expect_eq "$1" "$(host_ns "$2")" "$inside"
  else expect_nomatch "$1" "^$(host_ns "$2" | sed 's/[][]/\\&/g')\$" "$inside"; fi
}

# Nothing requested: only the mount namespace is new.
in_ns
expect_eq "plain run exits 0" 0 "$RC"
expect_ns "mount namespace is always new" mnt new
for n in ipc net uts cgroup; do expect_ns "$n namespace shared by default" $n same; done
if is_root; then
  expect_ns "root: user namespace shared by default" user same
else
  expect_ns "unprivileged: user namespace implied" user new
fi

in_ns --unshare-ipc
expect_ns "--unshare-ipc: new ipc namespace" ipc new
expect_ns "--unshare-ipc: net untouched" net same

in_ns --unshare-pid
expect_ns "--unshare-pid: new pid namespace" pid new

in_ns --unshare-net
expect_ns "--unshare-net: new net namespace" net new

in_ns --unshare-uts
expect_ns "--unshare-uts: new uts namespace" uts new

in_ns --unshare-cgroup
if [ -e /proc/self/ns/cgroup ]; then
  expect_ns "--unshare-cgroup: new cgroup namespace" cgroup new
  in_ns --unshare-cgroup-try
  expect_ns "--unshare-cgroup-try: new cgroup namespace" cgroup new
else
  skip "kernel has no cgroup namespaces"
  skip "kernel has no cgroup namespaces"
fi

in_ns --unshare-user
expect_ns "--unshare-user: new user namespace" user new
in_ns --unshare-user-try
if userns_possible; then
  expect_ns "--unshare-user-try: new user namespace when possible" user new
else
  expect_ns "--unshare-user-try: skipped when impossible" user same
fi

in_ns --unshare-all
expect_eq "--unshare-all exits 0" 0 "$RC"
for n in ipc pid net uts cgroup; do expect_ns "--unshare-all: new $n namespace" $n new; done
if userns_possible; then expect_ns "--unshare-all: new user namespace" user new; fi

in_ns --unshare-all --share-net
expect_ns "--unshare-all --share-net: host network namespace" net same
expect_ns "--unshare-all --share-net: ipc still new" ipc new
in_ns --share-net --unshare-all
expect_ns "--share-net before --unshare-all has no effect" net new

# The network the command sees.
host_ifs=$(sed -n 's/^ *\([^:]*\):.*/\1/p' /proc/net/dev | sort | tr '\n' ' ')
run_sb --unshare-net $SYS $P -- sh -c 'sed -n "s/^ *\([^:]*\):.*/\1/p" /proc/net/dev | sort | tr "\n" " "'
expect_eq "--unshare-net: only loopback" "lo " "$OUT"
run_sb --unshare-all --share-net $SYS $P -- sh -c 'sed -n "s/^ *\([^:]*\):.*/\1/p" /proc/net/dev | sort | tr "\n" " "'
expect_eq "--share-net: the host's interfaces" "$host_ifs" "$OUT"
run_sb --unshare-net $SYS $P -- cat /proc/net/fib_trie
expect_match "--unshare-net: loopback has 127.0.0.1" '\|-- 127\.0\.0\.1$' "$OUT"
if command -v ip >/dev/null; then
  run_sb --unshare-net $SYS $P -- ip -o link show lo
  expect_match "--unshare-net: loopback is UP" '<[^>]*[<,]?UP[,>]' "$OUT"
  run_sb --unshare-net $SYS $P -- ip -o -4 addr show dev lo
  expect_match "--unshare-net: ip sees 127.0.0.1/8 on lo" 'inet 127\.0\.0\.1/8' "$OUT"
else
  skip "ip not installed"
  skip "ip not installed"
fi

# Identity.
run_sb --unshare-user --uid 1234 --gid 5678 $SYS $P -- sh -c 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map'
expect_eq "--uid/--gid: id inside" "1234 5678" "$(printf '%s\n' "$OUT" | sed -n '1,2p' | tr '\n' ' ' | sed 's/ $//')"
expect_match "--uid: uid_map maps only 1234" '^ *1234 +[0-9]+ +1$' "$(printf '%s\n' "$OUT" | sed -n 3p)"
expect_match "--gid: gid_map maps only 5678" '^ *5678 +[0-9]+ +1$' "$(printf '%s\n' "$OUT" | sed -n 4p)"
expect_eq "--uid/--gid: one line per map" 4 "$(printf '%s\n' "$OUT" | wc -l)"

# --dev needs root mapped for devpts; the requested ids must still win.
run_sb --unshare-user --uid 1234 --gid 5678 $SYS $P --dev /dev -- sh -c 'id -u; id -g'
expect_eq "--uid/--gid with --dev" "1234 5678" "$(echo $OUT)"

run_sb --unshare-user $SYS $P -- id -u
expect_eq "--unshare-user keeps the caller's uid" "$(id -u)" "$OUT"

if is_root; then
  run_sb --uid 0 --gid 0 $SYS -- id -u
  expect_eq "root: --uid equal to the real uid needs no userns" "0 0" "$RC $OUT"
else
  run_sb --uid 4321 $SYS $P -- id -u
  expect_eq "unprivileged: --uid works with the implied userns" "0 4321" "$RC $OUT"
fi

host_name=$(uname -n)
run_sb --unshare-uts --hostname sbtest-host $SYS $P -- sh -c 'uname -n; cat /proc/sys/kernel/hostname'
expect_eq "--hostname: uname -n and /proc agree" "sbtest-host sbtest-host" "$(echo $OUT)"
expect_eq "--hostname does not touch the host" "$host_name" "$(uname -n)"
run_sb --unshare-uts $SYS -- uname -n
expect_eq "--unshare-uts alone keeps the name" "$host_name" "$OUT"

# IPC: a SysV segment of the host is invisible with --unshare-ipc.
run_sb $SYS $P -- cat /proc/sysvipc/shm
shared=$OUT
run_sb --unshare-ipc $SYS $P -- sh -c 'sed 1d /proc/sysvipc/shm | wc -l'
expect_eq "--unshare-ipc: no SysV shm segments" 0 "$OUT"
[ -n "$shared" ] || diag "(could not read /proc/sysvipc/shm without --unshare-ipc)"

run_sb --unshare-pid $SYS $P -- sh -c 'ls /proc | grep -c "^[0-9]*$"'
expect_match "--unshare-pid: only a few pids visible" '^[1-5]$' "$OUT"

# uid 0 of a user namespace (a rootless container, unshare -Ur) is no host
# root: a profile runs there as for any caller (the host id a host root's
# sandbox would move to cannot be mapped there).
if unshare -Ur true 2>/dev/null; then
  OUT=$(cd "$TMP" && unshare -Ur "$SB" --profile default -- sh -c 'echo "uid $(id -u)"' 2>&1)
  expect_eq "root of a user namespace runs a profile" "uid 0" "$OUT"
else
  skip "unshare -Ur not allowed here"
fi

done_testing
