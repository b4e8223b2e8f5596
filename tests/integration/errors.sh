#!/bin/sh
# Refusals: exactly one line on stderr, exit 1, and the command never runs.
. "$(dirname "$0")/../lib.sh"

# fails NAME MESSAGE OPTIONS...: the command would create $TMP/marker.
fails() {
  name=$1 msg=$2; shift 2
  rm -f "$TMP/marker"
  run_sb "$@" $SYS --bind "$TMP" "$TMP" -- sh -c ": >$TMP/marker"
  expect_eq "$name: exit 1" 1 "$RC"
  expect_eq "$name: message" "sandbox: $msg" "$ERR"
  expect_eq "$name: nothing ran" no "$(test -e "$TMP/marker" && echo yes || echo no)"
}
# runs NAME OPTIONS...: the same command line is accepted and runs.
runs() {
  name=$1; shift
  rm -f "$TMP/marker"
  run_sb "$@" $SYS --bind "$TMP" "$TMP" -- sh -c ": >$TMP/marker"
  expect_eq "$name" "0 yes" "$RC $(test -e "$TMP/marker" && echo yes || echo no)"
}

runs "(control) the probe command runs"
fails "unknown option" "Unknown option --frobnicate" --frobnicate
fails "bare -" "Unknown option -" -
fails "single-dash option" "Unknown option -u" -u
fails "missing bind source" "Can't find source path /nonexistent-sbtest: No such file or directory" \
  --bind /nonexistent-sbtest /x
fails "missing ro-bind source" "Can't find source path $TMP/nope: No such file or directory" \
  --ro-bind "$TMP/nope" /x
fails "missing dev-bind source" "Can't find source path /nonexistent-sbtest: No such file or directory" \
  --dev-bind /nonexistent-sbtest /x
fails "--hostname without --unshare-uts" "Specifying --hostname requires --unshare-uts" --hostname h
fails "--as-pid-1 without --unshare-pid" "Specifying --as-pid-1 requires --unshare-pid" --as-pid-1
fails "bad --chdir" "Can't chdir to /nonexistent-sbtest: No such file or directory" --chdir /nonexistent-sbtest
fails "--chdir to a file" "Can't chdir to /etc/passwd: Not a directory" --chdir /etc/passwd
fails "invalid --uid" "Invalid uid: abc" --uid abc
fails "invalid --gid" "Invalid gid: -1" --gid -1
fails "--args with a bad fd" "Invalid fd: x" --args x
fails "--unshare-cgroup typo" "Unknown option --unshare-cgroups (did you mean --unshare-cgroup?)" --unshare-cgroups
fails "--profle: did you mean" "Unknown option --profle (did you mean --profile?)" --profle default
fails "--opt=value of a two-value option" "--bind takes two arguments: write them as separate words, not after '='" --bind=/a
runs "--opt=value for one value (--chdir=/)" --chdir=/
runs "--opt=value for one value (--unsetenv=X)" --unsetenv=X
run_sb --chdir=/usr $SYS -- pwd
expect_eq "--chdir=/usr takes effect" "0 /usr" "$RC $OUT"
run_sb -h
expect_eq "-h is --help" "0 usage: $SB [OPTIONS...] [--] COMMAND [ARGS...]" "$RC $(printf '%s\n' "$OUT" | head -n1)"
if is_root; then
  fails "root: --uid without a user namespace" "Specifying --uid requires --unshare-user or --userns" --uid 1234
  fails "root: --gid without a user namespace" "Specifying --gid requires --unshare-user or --userns" --gid 1234
  runs "root: --uid with --unshare-user" --unshare-user --uid 1234
else
  runs "unprivileged: --uid (user namespace implied)" --uid 1234
  runs "unprivileged: --gid (user namespace implied)" --gid 1234
  skip "root only"
fi

# Missing arguments: nothing after the option.
for case in "--bind:--bind takes two arguments:/x" "--bind-try:--bind-try takes two arguments:/x" \
  "--ro-bind:--ro-bind takes two arguments:" "--dev-bind-try:--dev-bind-try takes two arguments:/x" \
  "--chdir:--chdir takes one argument:" "--argv0:--argv0 takes one argument:" \
  "--remount-ro:--remount-ro takes one argument:" "--tmpfs:--tmpfs takes an argument:" \
  "--setenv:--setenv takes two arguments:X" "--unsetenv:--unsetenv takes an argument:" \
  "--hostname:--hostname takes an argument:" "--symlink:--symlink takes two arguments:a" \
  "--perms:--perms takes an argument:" "--size:--size takes an argument:" \
  "--chmod:--chmod takes two arguments:0700" "--args:--args takes an argument:" \
  "--uid:--uid takes an argument:" "--proc:--proc takes an argument:" "--dev:--dev takes an argument:"; do
  opt=${case%%:*} rest=${case#*:} msg=${rest%%:*} arg=${rest#*:}
  if [ -n "$arg" ]; then run_sb "$opt" "$arg"; else run_sb "$opt"; fi
  expect_eq "$opt without its argument(s)" "1 sandbox: $msg" "$RC $ERR"
done

# Failures after the sandbox is set up are one line too.
run_sb $SYS -- /nonexistent-sbtest
expect_eq "execvp failure" "1 sandbox: execvp /nonexistent-sbtest: No such file or directory" "$RC $ERR"
run_sb $SYS -- nonexistent-sbtest
expect_eq "execvp failure (PATH search)" "1 sandbox: execvp nonexistent-sbtest: No such file or directory" "$RC $ERR"
run_sb $SYS -- /etc/passwd
expect_eq "execvp of a non-executable" "1 sandbox: execvp /etc/passwd: Permission denied" "$RC $ERR"

# Under its own name a filesystem option adds to the default profile
# (issue: "sandbox --tmpfs ~/.ssh -- cat x" used to fail with an empty root).
run_sb --tmpfs /sbtest-x -- sh -c 'test -d /sbtest-x && cat /etc/hostname >/dev/null && echo ran'
expect_eq "a filesystem option adds to the default profile" "0 ran" "$RC $OUT"
run_sb --explain --tmpfs /sbtest-x -- true
expect_match "... which --explain shows" '\[builtin:default:[0-9]+\]' "$OUT"
run_sb --profile none --tmpfs /sbtest-x -- cat x
expect_eq "--profile none starts from an empty root" "1 sandbox: execvp cat: No such file or directory" "$RC $ERR"
# A bwrap command line (its mounts give a system: / or /usr) keeps bwrap's
# empty root: only what it mounts is there, no filter, the network shared.
run_sb --ro-bind /usr /usr -- nonexistent-sbtest
expect_eq "a root with /usr: bwrap's message" "1 sandbox: execvp nonexistent-sbtest: No such file or directory" "$RC $ERR"
run_sb --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64 --proc /proc -- sh -c 'test -e /etc/passwd || echo empty; grep -c "^Seccomp:[[:space:]]*0" /proc/self/status'
expect_eq "... and nothing but its mounts, no filter" "0 empty 1" "$RC $(echo $OUT)"

# Warnings do not stop the run.
run_sb $SYS --chdir /usr --chdir /etc -- pwd
expect_eq "repeated --chdir: warning, last wins" "0 /etc sandbox: Only the last --chdir option will take effect" "$RC $OUT $ERR"

# No command.
run_sb $SYS
expect_eq "options but no command: exit 1" 1 "$RC"
expect_match "options but no command: usage on stderr" '^usage: ' "$ERR"
expect_eq "options but no command: nothing on stdout" "" "$OUT"
run_sb
expect_eq "no command: one usage line and a pointer to --help" \
  "1 usage: $SB [OPTIONS...] [--] COMMAND [ARGS...]
$SB --help lists the options" "$RC $ERR"

done_testing
