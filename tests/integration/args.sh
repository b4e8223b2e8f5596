#!/bin/sh
# --args FD (NUL-separated options), --help, --version.
. "$(dirname "$0")/../lib.sh"

printf -- '--setenv\0X\0y\0' >"$TMP/a1"
"$SB" --args 3 $SYS -- sh -c 'echo $X' 3<"$TMP/a1" >"$TMP/out" 2>"$TMP/err"
expect_eq "--args: options read from the fd" "0 y" "$? $(cat "$TMP/out")"

# No trailing NUL, values with spaces and newlines.
printf -- '--setenv\0X\0a b\nc\0--chdir\0/usr' >"$TMP/a2"
"$SB" --args 3 $SYS -- sh -c 'printf "%s|%s" "$X" "$PWD"' 3<"$TMP/a2" >"$TMP/out" 2>"$TMP/err"
expect_eq "--args: values kept verbatim, last word without NUL" "a b
c|/usr" "$(cat "$TMP/out")"

# Order: the file's options take effect at the --args position.
mkdir -p "$TMP/src"
echo fromsrc >"$TMP/src/f"
printf -- '--tmpfs\0/mnt\0' >"$TMP/a3"
"$SB" $SYS --bind "$TMP/src" /mnt --args 3 -- sh -c 'ls -A /mnt | wc -l' 3<"$TMP/a3" >"$TMP/out" 2>&1
expect_eq "--args: position in the command line is kept" 0 "$(cat "$TMP/out")"

# Repeated at top level.
printf -- '--setenv\0A\0one\0' >"$TMP/a4"
printf -- '--setenv\0B\0two\0' >"$TMP/a5"
"$SB" --args 3 --args 4 $SYS -- sh -c 'echo $A $B' 3<"$TMP/a4" 4<"$TMP/a5" >"$TMP/out" 2>&1
expect_eq "--args twice" "one two" "$(cat "$TMP/out")"

# Nesting is refused.
printf -- '--args\0004\0' >"$TMP/nest"
"$SB" --args 3 $SYS -- true 3<"$TMP/nest" 4<"$TMP/a1" >"$TMP/out" 2>"$TMP/err"
expect_eq "--args inside --args refused" "1 sandbox: --args not supported in arguments file" "$? $(cat "$TMP/err")"

# A pending --perms at the end of the file is an error.
printf -- '--perms\0000700\0' >"$TMP/perms"
"$SB" --args 3 --tmpfs /t $SYS -- true 3<"$TMP/perms" >"$TMP/out" 2>"$TMP/err"
expect_eq "--perms left pending in an --args file" \
  "1 sandbox: --perms must be followed by an option that creates a file" "$? $(cat "$TMP/err")"

# Errors inside the file use the usual wording.
printf -- '--bogus\0' >"$TMP/bogus"
"$SB" --args 3 $SYS -- true 3<"$TMP/bogus" >"$TMP/out" 2>"$TMP/err"
expect_eq "unknown option inside --args" "1 sandbox: Unknown option --bogus" "$? $(cat "$TMP/err")"

# --help
run_sb --help
expect_eq "--help exits 0" 0 "$RC"
expect_eq "--help first line" "usage: $SB [OPTIONS...] [--] COMMAND [ARGS...]" "$(printf '%s\n' "$OUT" | head -n1)"
expect_eq "--help: nothing on stderr" "" "$ERR"
# Every option of bwrap 0.11 (its man page) is listed in the native help,
# under either name: callers probe --help for options (one agent runtime
# looks for --argv0 before it trusts the bwrap it finds on PATH).
BWRAP_OPTS="--help --version --args --argv0 --level-prefix --unshare-all --share-net
--unshare-user --unshare-user-try --unshare-ipc --unshare-pid --unshare-net --unshare-uts
--unshare-cgroup --unshare-cgroup-try --userns --userns2 --disable-userns
--assert-userns-disabled --pidns --uid --gid --hostname --chdir --clearenv --setenv --unsetenv
--lock-file --sync-fd --bind --bind-try --dev-bind --dev-bind-try --ro-bind --ro-bind-try
--bind-fd --ro-bind-fd --remount-ro --overlay-src --overlay --tmp-overlay --ro-overlay
--exec-label --file-label --proc --dev --tmpfs --mqueue --dir --file --bind-data
--ro-bind-data --symlink --seccomp --add-seccomp-fd --block-fd --userns-block-fd --info-fd
--json-status-fd --new-session --die-with-parent --as-pid-1 --cap-add --cap-drop --perms
--size --chmod"
mkdir -p "$TMP/asbwrap"
ln -sf "$SB" "$TMP/asbwrap/bwrap"
"$TMP/asbwrap/bwrap" --help >"$TMP/bwrap-help" 2>&1
n=0
for o in $BWRAP_OPTS; do
  n=$((n + 1))
  missing=""
  printf '%s\n' "$OUT" | grep -Eq -- "^ +$o( |\$)" || missing="sandbox --help"
  grep -Eq -- "^ +$o( |\$)" "$TMP/bwrap-help" || missing="$missing bwrap --help"
  if [ -z "$missing" ]; then ok "--help lists $o"; else not_ok "--help lists $o (missing in $missing)"; fi
done
expect_eq "the list of bwrap 0.11 options is whole" 67 "$n"
# The bwrap installed here (an older one, if any) has nothing we lack.
if command -v bwrap >/dev/null && [ "$(readlink -f "$(command -v bwrap)")" != "$(readlink -f "$SB")" ]; then
  bwrap --help 2>&1 | grep -Eo -- '^ +--[a-z0-9-]+' | tr -d ' ' >"$TMP/host-bwrap-opts"
  expect_match "the installed bwrap's --help lists options" . "$(cat "$TMP/host-bwrap-opts")"
  extra=""
  while read -r o; do
    printf '%s\n' "$OUT" | grep -Eq -- "^ +$o( |\$)" || extra="$extra $o"
  done <"$TMP/host-bwrap-opts"
  expect_eq "every option of the installed bwrap's --help is in ours" "" "$extra"
else
  skip "no other bwrap installed to compare --help with"
fi
run_sb --unshare-pid --help --bogus
expect_eq "--help acts where it appears" 0 "$RC"

# --version
run_sb --version
expect_eq "--version exits 0" 0 "$RC"
expect_match "--version: NAME VERSION first" '^sandbox [0-9]+\.[0-9]+(\.[0-9]+)?$' "$(printf '%s\n' "$OUT" | head -n1)"
expect_eq "--version: nothing on stderr" "" "$ERR"
run_sb --unshare-pid --version
expect_match "--version after other options" '^0 sandbox [0-9]' "$RC $(printf '%s\n' "$OUT" | head -n1)"

# "--" ends the options, the command may start with "-".
run_sb $SYS -- sh -c 'echo "$1"' x --not-an-option
expect_eq "arguments after -- reach the command" "--not-an-option" "$OUT"
run_sb $SYS sh -c 'echo "$1"' x --bind
expect_eq "options stop at the first non-option" "--bind" "$OUT"

# Words after the options of an --args file are ignored, as bwrap does.
printf -- '--setenv\0X\0y\0true\0' > "$TMP/leftover"
run_sb --args 3 $SYS -- sh -c 'echo "$X"' 3<"$TMP/leftover"
expect_eq "--args: leftover words after the options are ignored (bwrap)" "y" "$OUT"

done_testing
