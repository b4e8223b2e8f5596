#!/bin/sh
# Reliability: many sandboxes at once, failures half-way, and nothing left
# behind on the host; a sandboxed program cannot rewrite its own profiles.
. "$(dirname "$0")/../lib.sh"

# Mounts that set-up could leak onto the host: its names (newroot, oldroot)
# and this test's directory. The whole table is not ours to judge: other
# programs (and automounts such as binfmt_misc) mount meanwhile.
our_mounts() { awk '{ print $5 }' /proc/self/mountinfo | grep -E "newroot|oldroot|^$TMP(/|$)" | sort; }
mounts_before=$(our_mounts)
# Other tests run beside this one: look only at what this user created
# since now, less the harness's own temporary dirs.
# Anything of ours: set-up names (newroot, oldroot, bind-data-*,
# tmp-overlay-*) or the binary's; other programs on the machine may well
# write to /tmp meanwhile, and that is not ours to judge.
tmp_names() { find /tmp -maxdepth 1 -mindepth 1 -user "$(id -u)" | grep -E '/(newroot|oldroot|bind-data|tmp-overlay|sandbox|bwrap)' | sort; }
tmp_names >"$TMP/tmp-before"
tmp_list() { tmp_names | comm -13 "$TMP/tmp-before" -; }
mark="sbrel$$"

# concurrently N CMD...: starts N copies at once and waits for each; FAILS
# counts the failed. The pids are kept as they start: dash prints nothing
# for $(jobs -p) (a subshell has no jobs), which once made this wait for
# nothing and count no failure at all. DONE counts the waits, so a loop
# over an empty list fails the test instead of passing it.
concurrently() {
  n=$1
  shift
  i=0 pids=""
  while [ $i -lt "$n" ]; do
    (cd "$TMP" && "$@") >/dev/null 2>"$TMP/err.$i" &
    pids="$pids $!"
    i=$((i + 1))
  done
  FAILS=0 DONE=0
  for pid in $pids; do
    wait "$pid" || FAILS=$((FAILS + 1))
    DONE=$((DONE + 1))
  done
  if [ "$DONE" != "$n" ]; then
    diag "waited for $DONE of $n"
    FAILS=$((FAILS + n - DONE))
  fi
  if [ "$FAILS" != 0 ]; then diag "$(cat "$TMP"/err.* | sort | uniq -c | head -5)"; fi
  rm -f "$TMP"/err.*
}

# The helper itself counts failures (it once counted none, whatever ran).
concurrently 5 sh -c 'sleep 0.2; exit 3'
expect_eq "the concurrency helper waits for and counts failing copies" 5 "$FAILS"
concurrently 4 sh -c 'test "$(basename "$PWD")" = "$1"' sh "$(basename "$TMP")"
expect_eq "the concurrency helper counts no failure when all succeed" 0 "$FAILS"

# 200 sandboxes started concurrently all succeed.
concurrently 200 "$SB" $SYS --unshare-all --die-with-parent -- sh -c "exit 0" "$mark"
expect_eq "200 concurrent sandboxes all succeed" 0 "$FAILS"

# The same under the default profile (seccomp, pid namespace, kill-leftovers).
concurrently 50 "$SB" -- sh -c 'sleep 0.1 & exit 0' "$mark"
expect_eq "50 concurrent default-profile sandboxes all succeed" 0 "$FAILS"

# Failure half-way through set-up: a bad bind late on the command line.
run_sb $SYS --tmpfs /a --dir /a/b --bind /nonexistent-late /a/c -- touch "$TMP/ran"
expect_eq "late bad bind: exit 1" 1 "$RC"
check "late bad bind: nothing ran" test ! -e "$TMP/ran"
run_sb $SYS --tmpfs /a --dir /a/b --remount-ro /not-there -- touch "$TMP/ran"
expect_eq "late failing mount op: exit 1" 1 "$RC"
check "late failing mount op: nothing ran" test ! -e "$TMP/ran"

# A missing include.
printf 'include default\ninclude no-such-profile\n' > "$TMP/broken.profile"
run_sb --profile "$TMP/broken.profile" -- touch "$TMP/ran"
expect_eq "missing include: exit 1" 1 "$RC"
expect_match "missing include: file:line:col" "broken.profile:2:9: error: cannot include profile 'no-such-profile'" "$ERR"
check "missing include: nothing ran" test ! -e "$TMP/ran"

# An id map the kernel refuses (a gid the caller does not own, through a
# caller-provided user namespace that does not exist as an fd).
run_sb $SYS --userns 99 -- touch "$TMP/ran"
expect_eq "bad --userns fd: exit 1" 1 "$RC"
check "bad --userns fd: nothing ran" test ! -e "$TMP/ran"

expect_eq "no mount left behind on the host" "$mounts_before" "$(our_mounts)"
expect_eq "no temporary file left in /tmp" "" "$(tmp_list)"
# Every sandbox was waited for above. The init of a plain bwrap line (the
# 200) may outlive its monitor by a moment: it exits once it has reaped
# the command, the monitor returns as soon as it knows the status. "Left
# behind" is one still there after 60 s. (The bracket keeps pgrep from
# finding the shell that runs it.)
i=0
while pgrep -f "sbre[l]$$" >/dev/null && [ $i -lt 1200 ]; do sleep 0.05; i=$((i + 1)); done
check "no sandbox process left behind" sh -c "! pgrep -f 'sbre[l]$$' >/dev/null"

# A program under a profile cannot rewrite the profiles of its next run,
# even when its binds expose them (run from ~/.config: the home itself
# would be a throwaway layer).
mkdir -p "$TMP/home/.config/sandbox/profiles"
echo "include default" > "$TMP/home/.config/sandbox/profiles/mine.profile"
(cd "$TMP/home/.config" && HOME="$TMP/home" XDG_CONFIG_HOME= "$SB" --profile mine -- \
  sh -c 'echo "syscall @mount allow" >> sandbox/profiles/mine.profile; mkdir sandbox/x; mv sandbox sandbox.old; touch ok') \
  >/dev/null 2>&1
expect_eq "profiles stay unchanged" "include default" "$(cat "$TMP/home/.config/sandbox/profiles/mine.profile")"
check "the config dir gets nothing new, and stays where it is" \
  sh -c "test ! -e '$TMP/home/.config/sandbox/x' && test ! -e '$TMP/home/.config/sandbox.old'"
check "the rest of the bound cwd stays writable" test -e "$TMP/home/.config/ok"

done_testing
