#!/bin/sh
# Signals sent to the sandbox process reach the command; exit statuses.
. "$(dirname "$0")/../lib.sh"

# send_sig SIG SCRIPT OPTIONS...: runs SCRIPT (which touches $TMP/ready)
# in a sandbox, sends SIG to it once ready, and prints its exit status.
# The wait is bounded: a lost signal must fail the test, not hang it.
send_sig() {
  sig=$1 script=$2
  shift 2
  rm -f "$TMP/ready"
  "$SB" "$@" $SYS --bind "$TMP" "$TMP" -- sh -c "$script" </dev/null >/dev/null 2>&1 &
  sbpid=$!
  i=0
  while [ ! -e "$TMP/ready" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
  kill -"$sig" $sbpid
  i=0
  while kill -0 $sbpid 2>/dev/null && [ $i -lt 60 ]; do sleep 0.05; i=$((i + 1)); done
  kill -0 $sbpid 2>/dev/null && kill -KILL $sbpid
  wait $sbpid
  echo $?
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
