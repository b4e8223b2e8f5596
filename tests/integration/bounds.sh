#!/bin/sh
# Resource bounds and reliability: --rlimit, --timeout, leftovers under a
# profile, cgroup limits, signals reaching the command.
. "$(dirname "$0")/../lib.sh"

run_sb $SYS --rlimit nofile=64:128 --rlimit core=0 -- sh -c 'ulimit -Sn; ulimit -Hn; ulimit -c'
expect_eq "--rlimit sets soft and hard limits" "64
128
0" "$OUT"

run_sb $SYS --rlimit nofile=64 -- sh -c 'ulimit -Sn'
expect_eq "--rlimit with a soft limit only" "64" "$OUT"

run_sb $SYS --rlimit bogus=1 -- touch "$TMP/ran"
expect_eq "unknown rlimit exits 1" 1 "$RC"
expect_match "unknown rlimit is named" "^sandbox: unknown resource limit 'bogus'" "$ERR"
check "unknown rlimit runs nothing" test ! -e "$TMP/ran"

run_sb $SYS --rlimit nofile=10:5 -- true
expect_match "soft above hard is refused" "soft limit above hard limit" "$ERR"

run_sb --profile strict --ro-bind /usr /usr --ro-bind-try /lib /lib --ro-bind-try /lib64 /lib64 --ro-bind-try /bin /bin -- sh -c 'ulimit -c; ulimit -Sn'
expect_eq "strict sets sane limits" "0
1024" "$OUT"

# An rlimit line bounds the hard limit too: the command cannot lift the
# soft one back up (setrlimit(soft = hard) needs no privilege).
STRICT_SH="--profile strict --ro-bind /usr /usr --ro-bind-try /lib /lib --ro-bind-try /lib64 /lib64 --ro-bind-try /bin /bin"
run_sb $STRICT_SH -- sh -c 'ulimit -Hc; ulimit -Hn; ulimit -Hp; ulimit -Hf
ulimit -Sn 20000 2>/dev/null && echo nofile raised
ulimit -Sp 100000 2>/dev/null && echo nproc raised
ulimit -Sf unlimited 2>/dev/null && echo fsize raised
ulimit -Sc 1000 2>/dev/null && echo core raised
ulimit -Hc 1000 2>/dev/null && echo core hard raised
exit 0'
expect_eq "strict: hard limits are the profile's and cannot be lifted" "0
1024
512
2097152" "$OUT"
# A fork bomb in strict is bounded for a root caller too, whom the kernel
# exempts from RLIMIT_NPROC: a pids.max cgroup stands in. (As another
# user, the hard limit above is the bound; a fork bomb there would take
# the processes of every test running as that user on this machine.)
if is_root; then
  run_sb $STRICT_SH -- sh -c 'n=0; while [ $n -lt 700 ]; do sleep 1000 & n=$((n + 1)); echo $n; done'
  last=$(printf '%s\n' "$OUT" | tail -n 1)
  check "strict, root caller: a fork bomb stops below 700 processes (got $last)" test "${last:-0}" -lt 700
  expect_match "strict, root caller: the fork that failed says so" "Cannot fork|Resource temporarily unavailable" "$ERR"
  # A set-up that fails while the sandbox is moved into that cgroup: exit
  # 1 as any set-up error (not SIGPIPE's 141), and the cgroup is removed.
  "$SB" $STRICT_SH --chdir /no-such-dir -- true 2>"$TMP/err" &
  sb_pid=$!
  wait "$sb_pid"
  expect_eq "strict, root caller: a failed set-up exits 1" 1 "$?"
  check "strict, root caller: no pids cgroup left behind" \
    sh -c "! find /sys/fs/cgroup -maxdepth 3 -name 'sandbox-$sb_pid' | grep -q ."
fi
run_sb $SYS --rlimit nofile=64 --rlimit nofile=100 -- sh -c 'ulimit -Sn; ulimit -Hn'
expect_eq "a later --rlimit for a resource replaces the earlier one" "100
100" "$OUT"
run_sb $SYS --rlimit nofile=100 -- sh -c 'ulimit -Hn; ulimit -Sn 200 2>/dev/null && echo raised; exit 0'
expect_eq "--rlimit NAME=SOFT sets the hard limit to SOFT" "100" "$OUT"

# Every tmpfs under a profile is bounded: the root (here through a
# --tmp-overlay's upper layer), /dev (with /dev/shm)
# and each tmpfs line, to 1 GiB unless a size line comes before it. The
# kernel's default is half of the host's memory for each of them.
# fallocate beyond the bound fails at once, allocating nothing.
printf 'include strict\nrlimit fsize=unlimited\nsize 1048576\ntmpfs /small\n' >"$TMP/small.profile"
# The root itself takes no file from the command (Landlock); what lands on
# it does: a --tmp-overlay's upper layer.
mkdir -p "$TMP/ovl-src"
run_sb --profile "$TMP/small.profile" --ro-bind /usr /usr --ro-bind-try /lib /lib --ro-bind-try /lib64 /lib64 --ro-bind-try /bin /bin \
  --overlay-src "$TMP/ovl-src" --tmp-overlay /o -- sh -c '
for d in /o /tmp /dev/shm; do
  r=$(fallocate -l 1100M "$d/big" 2>&1)
  echo "$d $r"
  rm -f "$d/big"
done
echo "/small $(dd if=/dev/zero of=/small/x bs=64k count=32 2>&1 | grep -o "No space left on device")"'
expect_eq "strict: every tmpfs is bounded (ENOSPC beyond the bound)" \
"/o fallocate: fallocate failed: No space left on device
/tmp fallocate: fallocate failed: No space left on device
/dev/shm fallocate: fallocate failed: No space left on device
/small No space left on device" "$OUT"
run_sb --profile default -- sh -c 'grep -E " - tmpfs " /proc/self/mountinfo | grep -vc "size="'
expect_eq "default: no tmpfs without a size bound" "0" "$OUT"
run_sb $SYS --tmpfs /tmp -- sh -c 'grep -E " - tmpfs " /proc/self/mountinfo | grep -c "size="'
expect_eq "a bwrap line keeps the kernel's default size" "0" "$OUT"

# --timeout kills the whole tree, with status 124.
# Unique durations name the processes for pgrep. Each command waits for
# its background sleep's exec ($execd): a leftover still on its way there
# would escape pgrep, and a check that it is gone would pass for nothing.
d1="31$$" d2="32$$" d3="33$$" d4="34$$"
execd='until [ "$(tr "\0" " " </proc/$!/cmdline 2>/dev/null)" = "sleep $1 " ]; do sleep 0.01; done'
start=$(date +%s)
run_sb $SYS --proc /proc --dev /dev --timeout 1 -- sh -c "sleep $d1 & $execd; sleep $d1" sh $d1
end=$(date +%s)
expect_eq "--timeout exits 124" 124 "$RC"
expect_match "--timeout says so" "timed out after 1 seconds" "$ERR"
# (Not a close bound: start-up on a loaded machine takes its time; the
# sleeps would take over 300 s.)
check "--timeout took about its time" test $((end - start)) -lt 60
check "--timeout left no process behind" sh -c "! pgrep -x -f 'sleep $d1' >/dev/null"

run_sb $SYS --timeout 0 -- true
expect_match "--timeout 0 is refused" "--timeout takes a positive number of seconds" "$ERR"

# Under a profile the command's exit ends the sandbox.
run_sb --profile default -- sh -c "sleep $d2 & $execd; echo started" sh $d2
expect_eq "profile: the command's output" "started" "$OUT"
expect_eq "profile: the command's exit status" 0 "$RC"
check "profile: leftovers are killed" sh -c "! pgrep -x -f 'sleep $d2' >/dev/null"

# A plain bwrap command line keeps bwrap's semantics: pid 1 waits.
run_sb $SYS --proc /proc --dev /dev --unshare-pid -- sh -c "sleep $d3 & $execd; exit 3" sh $d3
expect_eq "bwrap line: the command's status comes at once" 3 "$RC"
check "bwrap line: the orphan lives on under pid 1" sh -c "pgrep -x -f 'sleep $d3' >/dev/null"
pkill -x -f "sleep $d3"
run_sb $SYS --proc /proc --dev /dev --unshare-pid --kill-leftovers -- sh -c "sleep $d4 & $execd; exit 4" sh $d4
expect_eq "--kill-leftovers: status" 4 "$RC"
check "--kill-leftovers: orphan gone" sh -c "! pgrep -x -f 'sleep $d4' >/dev/null"

# Signals sent to sandbox reach the command.
for sig in TERM INT HUP USR1 USR2; do
  rm -f "$TMP/got"
  "$SB" $SYS --bind "$TMP" "$TMP" --unshare-pid -- sh -c "trap 'echo $sig > $TMP/got; exit 7' $sig; echo ready > $TMP/ready; while :; do sleep 0.05; done" &
  pid=$!
  # Waits for the event (the trap is set), bounded only against a broken
  # run: on a loaded machine start-up can take seconds, and a signal sent
  # before the monitor forwards would be lost (dash starts background jobs
  # with SIGINT ignored), leaving the loop to run forever.
  for _ in $(seq 1200); do [ -e "$TMP/ready" ] && break; sleep 0.05; done
  if [ ! -e "$TMP/ready" ]; then
    kill -KILL "$pid" 2>/dev/null
    wait "$pid"
    not_ok "SIG$sig: the sandbox started"
    continue
  fi
  rm -f "$TMP/ready"
  kill -"$sig" "$pid"
  # (The watchdog ends with the sandbox: a lingering one would hold the
  # test's output open.)
  (
    i=0
    while [ $i -lt 1200 ] && kill -0 "$pid" 2>/dev/null; do sleep 0.05; i=$((i + 1)); done
    [ $i -lt 1200 ] || kill -KILL "$pid" 2>/dev/null
  ) >/dev/null 2>&1 &
  watchdog=$!
  wait "$pid"
  rc=$?
  wait "$watchdog"
  expect_eq "SIG$sig reaches the command" "$sig" "$(cat "$TMP/got" 2>/dev/null)"
  expect_eq "SIG$sig: exit status is the command's" 7 "$rc"
done

# cgroup limits need a delegated cgroup v2 subtree with the controllers.
run_sb $SYS --memory-max 64M --pids-max 32 -- sh -c 'cat /proc/self/cgroup'
if [ "$RC" = 0 ]; then
  ok "--memory-max/--pids-max run in a cgroup of their own"
else
  expect_match "--memory-max without delegation names what is missing" \
    "cgroup v2|not delegated|controller|other processes" "$ERR"
  skip "cgroup limits: this machine offers no delegated cgroup v2 memory/pids controllers ($ERR)"
fi

done_testing
