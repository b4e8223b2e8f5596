#!/bin/sh
# Signals sent to the sandbox process reach the command; exit statuses.
. "$(dirname "$0")/../lib.sh"

# send_sig SIG SCRIPT OPTIONS...: runs SCRIPT (which touches $TMP/ready)
# in a sandbox, sends SIG to it once ready, and prints its exit status.
# The waits are bounded: a lost signal must fail the test, not hang it.
send_sig() {
  sig=$1 script=$2
  shift 2
  rm -f "$TMP/ready"
  "$SB" "$@" $SYS --bind "$TMP" "$TMP" -- sh -c "$script" </dev/null >/dev/null 2>&1 &
  sbpid=$!
  # Events, not times: the bounds (60 s) only stop a broken run, which
  # then prints what went wrong instead of a status.
  i=0
  while [ ! -e "$TMP/ready" ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i + 1)); done
  if [ ! -e "$TMP/ready" ]; then
    kill -KILL $sbpid
    wait $sbpid
    echo "never ready"
    return
  fi
  kill -"$sig" $sbpid
  # A watchdog ends a run whose signal was lost (and ends with the
  # sandbox: a lingering one would hold the test's output open).
  rm -f "$TMP/watchdog"
  (
    i=0
    while [ $i -lt 1200 ] && kill -0 $sbpid 2>/dev/null; do sleep 0.05; i=$((i + 1)); done
    [ $i -lt 1200 ] || { touch "$TMP/watchdog"; kill -KILL $sbpid; }
  ) >/dev/null 2>&1 &
  watchdog=$!
  wait $sbpid
  rc=$?
  wait $watchdog
  if [ -e "$TMP/watchdog" ]; then echo "still running 60 s after SIG$sig"; else echo $rc; fi
}

# sig_test SIG OPTIONS...: the command traps SIG, records it and exits 42.
sig_test() {
  sig=$1
  shift
  rm -f "$TMP/got"
  rc=$(send_sig "$sig" "trap 'echo $sig >$TMP/got; exit 42' $sig
    touch $TMP/ready
    while :; do sleep 0.05; done" "$@")
  echo "$rc $(cat "$TMP/got" 2>/dev/null)"
}

for sig in TERM INT HUP; do
  expect_eq "SIG$sig forwarded to the command" "42 $sig" "$(sig_test $sig)"
  expect_eq "SIG$sig forwarded through pid 1 (--unshare-pid)" "42 $sig" "$(sig_test $sig --unshare-pid)"
done
expect_eq "SIGTERM forwarded to --as-pid-1 command" "42 TERM" "$(sig_test TERM --unshare-pid --as-pid-1)"

# Untrapped: the command dies of the signal, the sandbox exits 128+N.
kill_test() {
  sig=$1
  shift
  send_sig "$sig" "touch $TMP/ready; while :; do sleep 0.05; done" "$@"
}
expect_eq "untrapped SIGTERM: 143" 143 "$(kill_test TERM)"
expect_eq "untrapped SIGTERM with --unshare-pid: 143" 143 "$(kill_test TERM --unshare-pid)"
expect_eq "untrapped SIGHUP with --unshare-pid: 129" 129 "$(kill_test HUP --unshare-pid)"

# Exit statuses of the command itself.
for pidns in "" --unshare-pid; do
  w=${pidns:-"no pid ns"}
  run_sb $pidns $SYS -- sh -c 'exit 0'
  expect_eq "exit 0 ($w)" 0 "$RC"
  run_sb $pidns $SYS -- sh -c 'exit 77'
  expect_eq "exit 77 ($w)" 77 "$RC"
  run_sb $pidns $SYS -- sh -c 'exit 255'
  expect_eq "exit 255 ($w)" 255 "$RC"
  run_sb $pidns $SYS -- sh -c 'kill -TERM $$'
  expect_eq "killed by SIGTERM: 143 ($w)" 143 "$RC"
  run_sb $pidns $SYS -- sh -c 'kill -SEGV $$'
  expect_eq "killed by SIGSEGV: 139 ($w)" 139 "$RC"
done
run_sb --unshare-pid --as-pid-1 $SYS -- sh -c 'exit 9'
expect_eq "exit 9 (--as-pid-1)" 9 "$RC"

done_testing
