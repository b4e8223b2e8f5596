#!/bin/sh
# Profile errors: each one is a single line "sandbox: FILE:LINE:COL: error:
# MESSAGE" with FILE as given, exit status 1, and nothing is run.
. "$(dirname "$0")/../lib.sh"

M="$TMP/marker"
P="$TMP/p.profile"

# The profiles start with a working sandbox that can write the marker, so
# an error that were ignored would show as a marker.
HEAD="include default
bind $TMP $TMP"

# bad NAME LINE EXPECTED: LINE is the profile's third line (after HEAD);
# EXPECTED the whole stderr.
bad() {
  printf '%s\n%s\n' "$HEAD" "$2" >"$P"
  rm -f "$M"
  run_sb --profile "$P" -- touch "$M"
  expect_eq "$1: exit 1" 1 "$RC"
  expect_eq "$1: message" "$3" "$ERR"
  check "$1: nothing ran" test ! -e "$M"
}

# The profile itself works: the marker is written.
printf '%s\n' "$HEAD" >"$P"
rm -f "$M"
run_sb --profile "$P" -- touch "$M"
expect_eq "the base profile runs" 0 "$RC"
check "the base profile writes the marker" test -e "$M"

bad "unknown directive" 'unshare-al' \
  "sandbox: $P:3:1: error: unknown directive 'unshare-al' (did you mean 'unshare-all'?)"
bad "unknown directive, indented" '   bnd /a /b' \
  "sandbox: $P:3:4: error: unknown directive 'bnd' (did you mean 'bind'?)"
bad "unknown directive, nothing close" 'frobnicate-everything' \
  "sandbox: $P:3:1: error: unknown directive 'frobnicate-everything'"

bad "unknown syscall" 'syscall mout errno(EPERM)' \
  "sandbox: $P:3:9: error: unknown syscall 'mout' (did you mean 'mount'?)"
bad "unknown syscall after a comma" 'syscall getpid,  getppidd allow' \
  "sandbox: $P:3:18: error: unknown syscall 'getppidd' (did you mean 'getppid'?)"
bad "unknown group" 'syscall @mont errno(EPERM)' \
  "sandbox: $P:3:9: error: unknown syscall group '@mont' (did you mean '@mount'?)"
bad "unknown group, nothing close" 'syscall getpid,@nosuchgroupxyz allow' \
  "sandbox: $P:3:16: error: unknown syscall group '@nosuchgroupxyz'"

bad "bad action" 'syscall mount deny' \
  "sandbox: $P:3:15: error: unknown action 'deny' (allow, errno(E), kill, kill-thread, trap, log)"
bad "missing action" 'syscall mount' \
  "sandbox: $P:3:14: error: expected an action (allow, errno(E), kill, kill-thread, trap, log)"
bad "bad default action" 'syscall-default deny' \
  "sandbox: $P:3:1: error: unknown action 'deny' (allow, errno(E), kill, kill-thread, trap, log)"
bad "bad errno name" 'syscall mount errno(EPREM)' \
  "sandbox: $P:3:15: error: unknown errno in 'errno(EPREM)'"
bad "errno out of range" 'syscall mount errno(5000)' \
  "sandbox: $P:3:15: error: unknown errno in 'errno(5000)'"

bad "condition: no such argument" 'syscall ioctl errno(EPERM) if a7 == 5' \
  "sandbox: $P:3:31: error: expected an argument a0..a5"
bad "condition: no comparison" 'syscall ioctl errno(EPERM) if a1 5' \
  "sandbox: $P:3:34: error: expected a comparison (== != < <= > >=)"
bad "condition: masked with >" 'syscall ioctl errno(EPERM) if a1 & 3 > 2' \
  "sandbox: $P:3:38: error: a masked argument can only be compared with =="
bad "condition: unknown constant" 'syscall ioctl errno(EPERM) if a1 == TIOCSTU' \
  "sandbox: $P:3:37: error: unknown constant 'TIOCSTU' (did you mean 'TIOCSTI'?)"
bad "condition: bad number" 'syscall ioctl errno(EPERM) if a1 == 12x' \
  "sandbox: $P:3:37: error: invalid number '12x'"
bad "condition: dangling ||" 'syscall ioctl errno(EPERM) if a1 == 1 ||' \
  "sandbox: $P:3:41: error: expected an argument a0..a5"
bad "condition: without if" 'syscall ioctl errno(EPERM) a1 == 5' \
  "sandbox: $P:3:28: error: unexpected 'a1 == 5' (conditions start with 'if')"
bad "condition: same argument twice" 'syscall ioctl errno(EPERM) if a1 == 1 && a1 == 2' \
  "sandbox: $P:3:42: error: argument compared twice in one alternative; split it with ||"

# Includes: a cycle through two files, reported where it closes.
printf '# a\ninclude ./b.profile\n' >"$TMP/a.profile"
printf '# b\n\ninclude ./a.profile\n' >"$TMP/b.profile"
rm -f "$M"
run_sb --profile "$TMP/a.profile" -- touch "$M"
expect_eq "include cycle: exit 1" 1 "$RC"
expect_eq "include cycle: message" \
  "sandbox: $TMP/b.profile:3:9: error: include cycle: './a.profile' includes itself" "$ERR"
check "include cycle: nothing ran" test ! -e "$M"

# The same, named relative to the current directory.
(cd "$TMP" && "$SB" --profile ./a.profile -- touch "$M") >"$TMP/out" 2>"$TMP/err"
expect_eq "include cycle, relative: exit 1" 1 "$?"
expect_eq "include cycle, relative: message" \
  "sandbox: ./b.profile:3:9: error: include cycle: './a.profile' includes itself" "$(cat "$TMP/err")"

# A file includes itself.
printf 'include ./self.profile\n' >"$TMP/self.profile"
run_sb --profile "$TMP/self.profile" -- touch "$M"
expect_eq "self include: message" \
  "sandbox: $TMP/self.profile:1:9: error: include cycle: './self.profile' includes itself" "$ERR"

bad "missing include (path)" 'include ./nonexistent.profile' \
  "sandbox: $P:3:9: error: cannot include profile './nonexistent.profile': No such file or directory"
bad "missing include (name)" 'include nonexistent-sbtest' \
  "sandbox: $P:3:9: error: cannot include profile 'nonexistent-sbtest': No such file or directory"
bad "include without a name" 'include' \
  "sandbox: $P:3:1: error: include takes one profile name"

# An error inside an included file names that file and its line.
mkdir "$TMP/sub"
printf 'description inner\n\n  unshare-nett\n' >"$TMP/sub/inner.profile"
bad "error in an included file" 'include ./sub/inner.profile' \
  "sandbox: $TMP/sub/inner.profile:3:3: error: unknown directive 'unshare-nett' (did you mean 'unshare-net'?)"

# A relative include is relative to the including file, also when that file
# was named by a relative path (not to the current directory).
printf 'include default\nsetenv SB_INNER yes\n' >"$TMP/sub/ok.profile"
printf 'include ./ok.profile\n' >"$TMP/sub/outer.profile"
mkdir "$TMP/cwd"
(cd "$TMP" && "$SB" --profile sub/outer.profile -- sh -c 'echo "inner=$SB_INNER"') >"$TMP/out" 2>"$TMP/err"
expect_eq "relative include from a relative profile path" "inner=yes" "$(cat "$TMP/out" "$TMP/err")"

bad "undefined variable" 'setenv SB_FOO ${SB_UNDEFINED_VAR}' \
  "sandbox: $P:3:15: error: undefined variable 'SB_UNDEFINED_VAR' (mark the line 'optional' to skip it instead)"
bad "malformed variable" 'setenv SB_FOO ${SB_UNCLOSED' \
  "sandbox: $P:3:15: error: malformed variable reference"

# optional skips the whole line; the rest of the profile applies.
printf '%s\noptional setenv SB_FOO ${SB_UNDEFINED_VAR}\nsetenv SB_BAR bar\n' "$HEAD" >"$P"
rm -f "$M"
run_sb --profile "$P" -- sh -c 'echo "foo=${SB_FOO-unset} bar=$SB_BAR"; touch "$1"' sh "$M"
expect_eq "optional: runs" 0 "$RC"
expect_eq "optional: the line is skipped, the next applies" "foo=unset bar=bar" "$OUT"
check "optional: the command ran" test -e "$M"
printf '%s\noptional setenv SB_FOO ${SB_DEFINED_VAR}\n' "$HEAD" >"$P"
export SB_DEFINED_VAR=here
run_sb --profile "$P" -- sh -c 'echo "foo=$SB_FOO"'
unset SB_DEFINED_VAR
expect_eq "optional: applies when defined" "foo=here" "$OUT"

bad "too many arguments" 'chdir /a /b' \
  "sandbox: $P:3:10: error: 'chdir' takes 1 argument, got 2"
bad "too few arguments" 'bind /a' \
  "sandbox: $P:3:1: error: 'bind' takes 2 arguments, got 1"
bad "no arguments" 'setenv' \
  "sandbox: $P:3:1: error: 'setenv' takes 2 arguments, got 0"
bad "argument to a flag" 'unshare-net now' \
  "sandbox: $P:3:13: error: 'unshare-net' takes 0 arguments, got 1"
bad "syscall without a rule" 'syscall' \
  "sandbox: $P:3:1: error: 'syscall' takes an argument"

for o in explain list-profiles help version "profile default" "export-bpf /tmp/x" "syscalls @mount" "args 3"; do
  bad "command-line only: $o" "$o" \
    "sandbox: $P:3:1: error: '${o%% *}' is only valid on the command line"
done

bad "unterminated quote" 'setenv SB_FOO "abc' \
  "sandbox: $P:3:15: error: unterminated quote"

rm -f "$M"
run_sb --profile /nonexistent -- touch "$M"
expect_eq "--profile /nonexistent: exit 1" 1 "$RC"
expect_eq "--profile /nonexistent: message" \
  "sandbox: cannot find profile '/nonexistent': No such file or directory" "$ERR"
check "--profile /nonexistent: nothing ran" test ! -e "$M"

run_sb --profile no-such-profile-sbtest -- touch "$M"
expect_eq "--profile unknown name: message" \
  "sandbox: cannot find profile 'no-such-profile-sbtest': No such file or directory" "$ERR"

# The same rule language on the command line: columns count in the rule.
run_sb --syscall 'getpid,mout allow' -- touch "$M"
expect_eq "--syscall: exit 1" 1 "$RC"
expect_eq "--syscall: message" \
  "sandbox: command line:1:8: error: unknown syscall 'mout' (did you mean 'mount'?)" "$ERR"
check "--syscall: nothing ran" test ! -e "$M"
run_sb --syscall-default deny -- touch "$M"
expect_eq "--syscall-default: message" \
  "sandbox: unknown action 'deny' (allow, errno(E), kill, kill-thread, trap, log)" "$ERR"

# Run from /, the default profile's "bind ${CWD} ${CWD}" would put the
# host's whole file system, writable, in place of the sandbox's root.
rm -f "$M"
(cd / && "$SB" -- sh -c "touch '$M'") >"$TMP/out" 2>"$TMP/err"
RC=$?
expect_eq "no flags, run from /: exit 1" 1 "$RC"
expect_eq "no flags, run from /: message" \
  "sandbox: builtin:default:19:26: error: the current directory is '/', and 'bind \${CWD}' would put the whole host there; cd to the directory the command should work in" \
  "$(cat "$TMP/err")"
check "no flags, run from /: nothing ran" test ! -e "$M"
rm -f "$M"
HOME=/ run_sb --profile desktop -- touch "$M"
expect_match "--profile desktop with HOME=/: refused at the tmpfs \${HOME} line" \
  '^sandbox: builtin:desktop:[0-9]+:[0-9]+: error: HOME is ./., and .tmpfs [$][{]HOME[}]. would cover the whole sandbox; set HOME to a home directory' "$ERR"
check "--profile desktop with HOME=/: nothing ran" test ! -e "$M"
HOME= run_sb --profile desktop -- touch "$M"
expect_match "--profile desktop with HOME empty: names HOME, not 'Can't chdir to :'" \
  '^sandbox: builtin:desktop:[0-9]+:[0-9]+: error: .tmpfs.: [$][{]HOME[}] is empty here; set it' "$ERR"
check "--profile desktop with HOME empty: nothing ran" test ! -e "$M"

# A built-in profile is no one's to edit: an unset variable is the
# environment's to fix, and the message says so.
(unset HOME; "$SB" --profile desktop -- touch "$M") >"$TMP/out" 2>"$TMP/err"
expect_match "--profile desktop without HOME: says to set it" \
  "^sandbox: builtin:desktop:[0-9]+:[0-9]+: error: HOME is not set, and the 'desktop' profile needs it: set it \\(export HOME=\\.\\.\\.\\), or pick another profile\$" "$(cat "$TMP/err")"
check "--profile desktop without HOME: nothing ran" test ! -e "$M"

# Mistyped profile names get a suggestion; "none" is bwrap's empty root.
run_sb --profile biuld -- touch "$M"
expect_eq "--profile biuld: did you mean" \
  "1 sandbox: cannot find profile 'biuld': No such file or directory (did you mean 'build'?)" "$RC $ERR"
run_sb --profile none -- /bin/true
expect_eq "--profile none: an empty root, as bwrap's" \
  "1 sandbox: execvp /bin/true: No such file or directory" "$RC $ERR"
run_sb --profile none $SYS -- sh -c 'echo ran'
expect_eq "--profile none with binds: runs" "0 ran" "$RC $OUT"

run_sb --profile=build --explain -- true
expect_match "--profile=build: the value after '='" "hostname build +\[builtin:build" "$OUT"
run_sb --explain -- true
expect_match "--explain: the pty, by default under a profile" "pty: a terminal of its own when run at a terminal +\[default under a profile\]" "$OUT"
run_sb --no-pty --explain -- true
expect_match "--explain: --no-pty with its origin" "no-pty: the caller's terminal +\[command line, argument 1\]" "$OUT"

# Options after a profile override its values without a warning; a
# repeat on the command line still warns, as bwrap.
run_sb --profile default --chdir /tmp -- pwd
expect_eq "--chdir after a profile's chdir: no warning" "0 /tmp " "$RC $OUT $ERR"

# A NUL byte is an error where it stands, not the silent end of the file
# (the lines after it were dropped, and the rest ran).
printf '%s\ndir /a\000unshare-al\n' "$HEAD" >"$P"
rm -f "$M"
run_sb --profile "$P" -- touch "$M"
expect_eq "NUL byte: exit 1" 1 "$RC"
expect_eq "NUL byte: message at its line:col" "sandbox: $P:3:7: error: NUL byte in a profile" "$ERR"
check "NUL byte: nothing ran" test ! -e "$M"

# Only regular files are read: a FIFO named as a profile, or lying in a
# profile directory, is refused at once instead of blocking open().
# (timeout only stops the old behaviour, a hang; it never decides a pass.)
mkfifo "$TMP/fifo.profile"
mkdir -p "$TMP/cfg/sandbox/profiles"
mkfifo "$TMP/cfg/sandbox/profiles/hang.profile"
printf 'description a regular one\n' >"$TMP/cfg/sandbox/profiles/fine.profile"
rm -f "$M"
run_sb_guarded() {
  timeout 60 "$@" >"$TMP/out" 2>"$TMP/err"
  RC=$?
  OUT=$(cat "$TMP/out")
  ERR=$(cat "$TMP/err")
}
run_sb_guarded "$SB" --profile "$TMP/fifo.profile" -- touch "$M"
expect_eq "--profile FIFO: exit 1" 1 "$RC"
expect_eq "--profile FIFO: message" \
  "sandbox: cannot find profile '$TMP/fifo.profile': not a regular file" "$ERR"
check "--profile FIFO: nothing ran" test ! -e "$M"
run_sb_guarded env XDG_CONFIG_HOME="$TMP/cfg" "$SB" --profile hang -- touch "$M"
expect_eq "--profile NAME naming a FIFO: message" \
  "sandbox: cannot find profile 'hang': not a regular file" "$ERR"
run_sb_guarded "$SB" --profile /dev/null -- touch "$M"
expect_eq "--profile of a device: message" \
  "sandbox: cannot find profile '/dev/null': not a regular file" "$ERR"
printf 'include %s\n' "$TMP/fifo.profile" >"$P"
run_sb_guarded "$SB" --profile "$P" -- touch "$M"
expect_eq "include of a FIFO: message" \
  "sandbox: $P:1:9: error: cannot include profile '$TMP/fifo.profile': not a regular file" "$ERR"
check "FIFO profiles: nothing ran" test ! -e "$M"
run_sb_guarded env XDG_CONFIG_HOME="$TMP/cfg" "$SB" --list-profiles
expect_eq "--list-profiles with a FIFO in the directory: exit 0" 0 "$RC"
expect_match "--list-profiles: the regular profile is listed" "^fine +$TMP/cfg/sandbox/profiles/fine.profile +a regular one" "$OUT"
expect_nomatch "--list-profiles: the FIFO is not" "^hang " "$OUT"

# Too large to compile in reasonable time: refused before compiling, at the
# rule (sandbox-profile(5) gives the limits).
alts=$(seq -s ' || ' 0 256 | sed 's/\([0-9][0-9]*\)/a1 == \1/g')
col=$(printf 'syscall ioctl errno(EPERM) if %s' "$(seq -s ' || ' 0 255 | sed 's/\([0-9][0-9]*\)/a1 == \1/g') || " | wc -c)
bad "a rule of 257 alternatives" "syscall ioctl errno(EPERM) if $alts" \
  "sandbox: $P:3:$((col + 1)): error: more than 256 alternatives in one rule (too large to compile)"
alts=$(seq -s ' || ' 0 19 | sed 's/\([0-9][0-9]*\)/a1 == \1/g')
printf '%s\nsyscall @file-system errno(EPERM) if %s\n' "$HEAD" "$alts" >"$P"
rm -f "$M"
run_sb --profile "$P" -- touch "$M"
expect_eq "a policy of too many comparisons: exit 1" 1 "$RC"
expect_eq "a policy of too many comparisons: message at the rule" \
  "sandbox: $P:3:9: error: the syscall rules have more than 1024 comparisons with this rule (each counted once per syscall the rule names): too large to compile" "$ERR"
check "a policy of too many comparisons: nothing ran" test ! -e "$M"
# Refused at the line that crosses the limit, not after parsing them all
# (thousands of such lines took minutes to parse).
printf '%s\n' "$HEAD" >"$P"
for i in $(seq 300); do echo "syscall @default,@file-system,@process errno(EPERM) if a0 == $i"; done >>"$P"
rm -f "$M"
run_sb --profile "$P" -- touch "$M"
expect_match "many conditions on groups: refused at the line that crosses the limit" \
  "^sandbox: $P:1[0-9]:9: error: the syscall rules have more than 1024 comparisons" "$ERR"
check "many conditions on groups: nothing ran" test ! -e "$M"

done_testing
