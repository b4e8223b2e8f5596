#!/bin/sh
# Signals sent to the sandbox process reach the command; exit statuses.
. "$(dirname "$0")/../lib.sh"

# sig_test SIG PIDNS: the command traps SIG, records it and exits 40+N.
sig_test() {
  sig=$1; shift
  rm -f "$TMP/ready" "$TMP/got"
  "$SB" "$@" $SYS --bind "$TMP" "$TMP" -- sh -c "
    trap 'echo $sig >$TMP/got; exit 42' $sig
    touch $TMP/ready
    while :; do sleep 0.05; done" </dev/null >/dev/null 2>&1 &
  sbpid=$!
  i=0
  while [ ! -e "$TMP/ready" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
  kill -"$sig" $sbpid
  # Bounded wait: a lost signal must fail the test, not hang it.
  i=0
  while kill -0 $sbpid 2>/dev/null && [ $i -lt 60 ]; do sleep 0.05; i=$((i + 1)); done
  if kill -0 $sbpid 2>/dev/null; then
    kill -KILL $sbpid
  fi
  wait $sbpid
  echo "$? $(cat "$TMP/got" 2>/dev/null)"
}

for sig in TERM INT HUP; do
  expect_eq "SIG$sig forwarded to the command" "42 $sig" "$(sig_test $sig)"
  expect_eq "SIG$sig forwarded through pid 1 (--unshare-pid)" "42 $sig" "$(sig_test $sig --unshare-pid)"
done
expect_eq "SIGTERM forwarded to --as-pid-1 command" "42 TERM" "$(sig_test TERM --unshare-pid --as-pid-1)"

# Untrapped: the command dies of the signal, the sandbox exits 128+N.
kill_test() {
  sig=$1; shift
  rm -f "$TMP/ready"
  "$SB" "$@" $SYS --bind "$TMP" "$TMP" -- sh -c "touch $TMP/ready; while :; do sleep 0.05; done" \
    </dev/null >/dev/null 2>&1 &
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
