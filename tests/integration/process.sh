#!/bin/sh
# The process the command runs as: cwd, environment, argv0, session,
# pid 1, zombie reaping, die-with-parent, no_new_privs.
. "$(dirname "$0")/../lib.sh"

mkdir -p "$TMP/work"

# --chdir
run_sb $SYS --chdir /usr -- sh -c 'pwd; echo $PWD'
expect_eq "--chdir: cwd and PWD" "/usr /usr" "$(echo $OUT)"

# Default cwd: the caller's if it exists inside, else $HOME, else /.
run_sb_in() { (cd "$1" && shift && run_sb "$@" && printf '%s\n' "$OUT" >"$TMP/out2"); OUT=$(cat "$TMP/out2"); }
run_sb_in "$TMP/work" $SYS --bind "$TMP/work" "$TMP/work" -- sh -c 'pwd; echo $PWD'
expect_eq "default cwd: the caller's" "$TMP/work $TMP/work" "$(echo $OUT)"
HOME=/usr run_sb_in "$TMP/work" $SYS -- sh -c 'pwd; echo $PWD'
expect_eq "default cwd: \$HOME when the caller's is missing" "/usr /usr" "$(echo $OUT)"
HOME=/nonexistent run_sb_in "$TMP/work" $SYS -- sh -c 'pwd; echo $PWD'
expect_eq "default cwd: / as the last resort" "/ /" "$(echo $OUT)"

HOME=/nonexistent run_sb_in "$TMP/work" $SYS --setenv HOME /etc -- sh -c 'pwd'
expect_eq "default cwd: \$HOME as set by --setenv" "/etc" "$OUT"
HOME=/usr run_sb_in "$TMP/work" $SYS --unsetenv HOME -- sh -c 'pwd'
expect_eq "default cwd: --unsetenv HOME falls back to /" "/" "$OUT"

# Environment.
SBTEST_KEEP=kept run_sb $SYS --setenv SBTEST_A "a b" -- sh -c 'echo "$SBTEST_A|$SBTEST_KEEP"'
expect_eq "--setenv, environment inherited" "a b|kept" "$OUT"
SBTEST_GONE=x run_sb $SYS --unsetenv SBTEST_GONE -- sh -c 'echo "${SBTEST_GONE-unset}"'
expect_eq "--unsetenv" unset "$OUT"
run_sb $SYS --setenv SBTEST_A 1 --setenv SBTEST_A 2 -- sh -c 'echo $SBTEST_A'
expect_eq "--setenv: last wins" 2 "$OUT"
run_sb $SYS --setenv SBTEST_A 1 --unsetenv SBTEST_A -- sh -c 'echo ${SBTEST_A-unset}'
expect_eq "--setenv then --unsetenv" unset "$OUT"
run_sb $SYS --chdir / --clearenv --setenv A B -- /usr/bin/env
expect_eq "--clearenv --setenv A B: only A and PWD" "A=B PWD=/" "$(printf '%s\n' "$OUT" | sort | tr '\n' ' ' | sed 's/ $//')"
run_sb $SYS --chdir / --setenv A B --clearenv -- /usr/bin/env
expect_eq "--setenv A B --clearenv: only PWD" "PWD=/" "$OUT"
run_sb $SYS --clearenv -- env
expect_eq "--clearenv: execvp still finds the command" 0 "$RC"

# --argv0
run_sb $SYS --argv0 sbtest-name -- sh -c 'echo $0'
expect_eq "--argv0: \$0" sbtest-name "$OUT"
run_sb $SYS --proc /proc --argv0 sbtest-name -- sh -c 'tr "\0" " " </proc/$$/cmdline'
expect_eq "--argv0: /proc/self/cmdline" "sbtest-name -c tr \"\\0\" \" \" </proc/\$\$/cmdline " "$OUT"
run_sb $SYS --argv0 a --argv0 b -- true
expect_eq "--argv0 twice" "1 sandbox: --argv0 used multiple times" "$RC $ERR"

# --new-session: the command leads its own session.
sid_of() { sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f4; }
my_sid=$(sid_of $$)
run_sb $SYS --proc /proc -- sh -c 'sed "s/.*) //" /proc/$$/stat | cut -d" " -f4'
expect_eq "without --new-session: the caller's session" "$my_sid" "$OUT"
run_sb $SYS --proc /proc --new-session -- sh -c 'echo $$; sed "s/.*) //" /proc/$$/stat | cut -d" " -f4'
expect_eq "--new-session: command is the session leader" "$(printf '%s\n' "$OUT" | sed -n 1p)" "$(printf '%s\n' "$OUT" | sed -n 2p)"
expect_nomatch "--new-session: not the caller's session" "^$my_sid\$" "$(printf '%s\n' "$OUT" | sed -n 2p)"

# pid 1.
run_sb --unshare-pid $SYS -- sh -c 'echo $$'
expect_eq "--unshare-pid: command is pid 2 under an init" 2 "$OUT"
# pid 1 starts the command on a stack of its own: execvp's fallback for a
# script without #! copies the whole argv onto it (bwrap's limit: 9000).
printf 'echo "$# ${8900}"\n' >"$TMP/work/noshebang"
chmod 755 "$TMP/work/noshebang"
# shellcheck disable=SC2046
run_sb --unshare-pid $SYS --ro-bind "$TMP/work" /w -- /w/noshebang $(seq 8900)
expect_eq "a script without #! and 8900 arguments runs under pid 1" "8900 8900" "$OUT"

run_sb --unshare-pid --as-pid-1 $SYS --proc /proc -- sh -c 'echo $$; cat /proc/1/comm'
expect_eq "--as-pid-1: command is pid 1" "1 sh" "$(echo $OUT)"
run_sb --unshare-pid --as-pid-1 $SYS -- sh -c 'exit 3'
expect_eq "--as-pid-1: exit status passed on" 3 "$RC"

# Init reaps orphans: the inner sh exits at once, leaving its background
# job (pid in /tmp/o) to pid 1; that job ends only once the command has
# become a cat, which never waits (as pid 1 itself, with --as-pid-1, a
# shell would reap it). The scanner waits for events, not times: in "gone"
# mode for the orphan's /proc entry to go (only a reaper removes it), in
# "zombie" mode for it to be a zombie. The bound (60 s) only stops a
# broken run. (Background jobs of sh need /dev/null, hence --dev.)
reap_test='mkfifo /tmp/done /tmp/go
  sh -c "(read x </tmp/go) & echo \$! >/tmp/o"
  o=$(cat /tmp/o)
  (i=0 r=timeout
    while [ $i -lt 1200 ] && [ "$(cat /proc/$$/comm)" != cat ]; do sleep 0.05; i=$((i + 1)); done
    timeout 60 sh -c "echo >/tmp/go"; i=0
    while [ $i -lt 1200 ]; do
      s=$(sed -n "s/^State:[[:space:]]*\(.\).*/\1/p" /proc/$o/status 2>/dev/null)
      case $1:$s in gone:) r=gone; break ;; zombie:Z) r="zombie of $(sed -n "s/^PPid:[[:space:]]*//p" /proc/$o/status)"; break ;; esac
      sleep 0.05; i=$((i + 1))
    done
    echo "${o:-no orphan} $r") >/tmp/done &
  exec cat /tmp/done'
run_sb --unshare-pid $SYS --proc /proc --dev /dev --tmpfs /tmp -- sh -c "$reap_test" sh gone
expect_match "init reaps orphaned zombies" "^[0-9]+ gone$" "$OUT"
# The check can fail: with --as-pid-1 nobody reaps, the zombie stays.
run_sb --unshare-pid --as-pid-1 $SYS --proc /proc --dev /dev --tmpfs /tmp -- sh -c "$reap_test" sh zombie
expect_match "(control) --as-pid-1 with a non-reaping pid 1: the orphan stays a zombie of pid 1" "^[0-9]+ zombie of 1$" "$OUT"

# The sandbox returns with the command's status as soon as the command
# exits (bwrap's monitor reads init's eventfd); init stays for the rest.
# The background job waits on a fifo only this test writes to, so it
# cannot have written before the sandbox returned; a sandbox that waited
# for it would be stopped by timeout (status 124).
mkfifo "$TMP/late-go"
timeout 60 "$SB" --unshare-pid $SYS --dev /dev --bind "$TMP" "$TMP" -- \
  sh -c "(read x <$TMP/late-go; echo late >$TMP/late) & exit 5" >/dev/null 2>&1
expect_eq "init: the command's status, at once" "5 no" "$? $(test -e "$TMP/late" && echo yes || echo no)"
timeout 60 sh -c "echo go >$TMP/late-go"
i=0
while [ ! -s "$TMP/late" ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i + 1)); done
expect_eq "init: background job left running finishes" late "$(cat "$TMP/late" 2>/dev/null)"

# no_new_privs
run_sb $SYS --proc /proc -- grep NoNewPrivs /proc/self/status
expect_match "PR_SET_NO_NEW_PRIVS is set" '^NoNewPrivs:[[:space:]]+1$' "$OUT"

# --die-with-parent: SIGKILL the sandbox; its command must go too. The
# command is found by its argv[0] (--argv0), unique to this run.
find_marker() {
  for f in $(grep -lzx -- "$1" /proc/[0-9]*/cmdline 2>/dev/null); do
    [ "$(head -zn1 "$f" 2>/dev/null | tr -d '\0')" = "$1" ] && echo "${f%/cmdline}"
  done
}
# still_there MARKER PROCDIRS: which of PROCDIRS still run MARKER.
still_there() {
  m=$1; shift
  for d in "$@"; do
    [ "$(head -zn1 "$d/cmdline" 2>/dev/null | tr -d '\0')" = "$m" ] && echo "$d"
  done
}
# wait_start MARKER: sets FOUND to the /proc dirs of the marked command
# (bounded at 60 s, against a broken run only).
wait_start() {
  i=0 FOUND=
  while [ -z "$FOUND" ] && [ $i -lt 600 ]; do sleep 0.1; FOUND=$(find_marker "$1"); i=$((i + 1)); done
}
# wait_gone MARKER TRIES: "gone", or "alive" (and kills it) after TRIES*0.05s.
# The tests that expect "gone" wait up to 60 s, only against a broken run;
# the control, which expects "alive", cannot turn "gone" by waiting less.
wait_gone() {
  i=0
  while [ -n "$(still_there "$1" $FOUND)" ] && [ $i -lt "$2" ]; do sleep 0.05; i=$((i + 1)); done
  left=$(still_there "$1" $FOUND)
  if [ -n "$left" ]; then
    echo alive
    for p in $left; do kill -KILL "${p#/proc/}"; done
  else
    echo gone
  fi
}
dwp() {
  marker="sbtest-dwp-$$-$1" tries=$2; shift 2
  "$SB" "$@" $SYS --argv0 "$marker" -- sleep 1000 >/dev/null 2>&1 &
  sbpid=$!
  wait_start "$marker"
  [ -n "$FOUND" ] || { echo nostart; kill -KILL $sbpid; return; }
  kill -KILL $sbpid
  wait $sbpid 2>/dev/null
  wait_gone "$marker" "$tries"
}
expect_eq "--die-with-parent: command killed with the sandbox" gone "$(dwp a 1200 --die-with-parent)"
expect_eq "--die-with-parent with --unshare-pid" gone "$(dwp b 1200 --die-with-parent --unshare-pid)"
expect_eq "(control) without --die-with-parent the command survives" alive "$(dwp c 10)"

# The caller dying (not the sandbox) also kills the command.
marker="sbtest-dwp-$$-d"
sh -c "\"$SB\" --die-with-parent $SYS --argv0 $marker -- sleep 1000 >/dev/null 2>&1 & wait" &
shpid=$!
wait_start "$marker"
kill -KILL $shpid
wait $shpid 2>/dev/null
if [ -z "$FOUND" ]; then
  not_ok "--die-with-parent: the sandbox's parent dying kills the command"
  diag "command never started"
else
  expect_eq "--die-with-parent: the sandbox's parent dying kills the command" gone "$(wait_gone "$marker" 1200)"
fi

done_testing
