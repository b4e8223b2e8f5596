#!/bin/sh
# sandbox --check: what this host lets the caller do, probed for real; and
# the same report where user namespaces are refused, made on this machine:
# inside a sandbox whose filter refuses unshare (as a container's default
# seccomp profile does), with user.max_user_namespaces = 0 in an outer user
# namespace, and without Landlock (a filter answering its calls ENOSYS).
. "$(dirname "$0")/../lib.sh"

field() { printf '%s\n' "$OUT" | sed -n "s/^  $1  *//p"; }

run_sb --check
expect_eq "--check exits 0 where sandboxes run" 0 "$RC"
expect_match "it names the caller" "^sandbox --check: this host, as uid $(id -u)$" "$OUT"
for w in "user namespace" "mount namespace" "pid namespace" "network namespace" \
  "mounts in a user namespace" "loopback in a network ns" "seccomp filters"; do
  expect_eq "here: $w works" yes "$(field "$w")"
done
expect_match "here: the Landlock ABI and what it covers" "^ABI [1-9]: files" "$(field landlock)"
expect_match "here: cgroup delegation, yes or why not" "^(yes|no) \(" "$(field "cgroup delegation")"
expect_match "here: the default profile runs, with Landlock" "^default +runs; Landlock: files, scoped" \
  "$(printf '%s\n' "$OUT" | sed -n 's/^  //p')"
run_sb --check --ro-bind /usr /usr -- true
expect_eq "--check runs nothing" "" "$(printf '%s\n' "$OUT" | grep -v '^ \|^sandbox --check\|^profiles:')"

# (a) A parent filter refusing unshare: the default profile's own.
run_sb --profile default --ro-bind "$SB" /tmp/sb -- /tmp/sb --check
expect_eq "under a filter refusing unshare: exit 1" 1 "$RC"
expect_match "... user namespaces refused, and why" "^no \(EPERM" "$(field "user namespace")"
expect_match "... the caller is already filtered" "^mode 2" "$(field "seccomp on this process")"
expect_match "... the default profile runs without namespaces (nons.sh runs it)" \
  "default +runs without namespaces \(Landlock and seccomp" "$OUT"
expect_match "... build would fail, and what it needs" \
  "build +would fail: no user namespaces, and --hostname build needs a uts namespace" "$OUT"

# (b) user.max_user_namespaces = 0, set inside an outer user namespace.
run_sb --ro-bind / / --bind /proc /proc --dev /dev --unshare-user --uid 0 --cap-add CAP_SYS_RESOURCE -- \
  sh -c 'echo 0 >/proc/sys/user/max_user_namespaces && exec "$1" --check' sh "$SB"
expect_eq "max_user_namespaces=0: exit 1" 1 "$RC"
expect_match "... the limit is named" "^no \(ENOSPC: user.max_" "$(field "user namespace")"

# Without Landlock.
run_sb --ro-bind / / --bind /proc /proc --dev /dev \
  --syscall "landlock_create_ruleset errno(ENOSYS)" -- "$SB" --check
expect_match "without Landlock: said so" "^no \(" "$(field landlock)"
expect_match "... profiles still run, pid 1 made non-dumpable" \
  "default +runs; Landlock: none \(pid 1 made non-dumpable\)" "$OUT"

done_testing
