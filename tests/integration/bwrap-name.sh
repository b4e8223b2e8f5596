#!/bin/sh
# Invoked as "bwrap" (symlink or copy), the sandbox speaks as bwrap.
. "$(dirname "$0")/../lib.sh"

mkdir "$TMP/link" "$TMP/copy"
ln -s "$SB" "$TMP/link/bwrap"
cp "$SB" "$TMP/copy/bwrap"

for kind in link copy; do
  B="$TMP/$kind/bwrap"
  "$B" --frobnicate >"$TMP/out" 2>"$TMP/err"
  expect_eq "$kind: unknown option as bwrap" "1 bwrap: Unknown option --frobnicate" "$? $(cat "$TMP/err")"
  "$B" $SYS --bind /nonexistent-sbtest /x -- true >"$TMP/out" 2>"$TMP/err"
  expect_eq "$kind: runtime error as bwrap" "1 bwrap: Can't find source path /nonexistent-sbtest: No such file or directory" "$? $(cat "$TMP/err")"
  "$B" $SYS -- /nonexistent-sbtest >"$TMP/out" 2>"$TMP/err"
  expect_eq "$kind: error in the child as bwrap" "1 bwrap: execvp /nonexistent-sbtest: No such file or directory" "$? $(cat "$TMP/err")"
  "$B" --cap-add FOO -- true >"$TMP/out" 2>"$TMP/err"
  expect_eq "$kind: unknown cap as bwrap" "1 bwrap: unknown cap: FOO" "$? $(cat "$TMP/err")"
  "$B" --version >"$TMP/out" 2>"$TMP/err"
  expect_match "$kind: --version says bubblewrap" '^0 bubblewrap [0-9]+\.[0-9]+' "$? $(cat "$TMP/out")"
  "$B" --help >"$TMP/out" 2>"$TMP/err"
  expect_eq "$kind: usage names argv[0]" "usage: $B [OPTIONS...] [--] COMMAND [ARGS...]" "$(head -n1 "$TMP/out")"
  "$B" --unshare-all $SYS --proc /proc --dev /dev -- sh -c 'echo ok' >"$TMP/out" 2>"$TMP/err"
  expect_eq "$kind: runs a command" "0 ok" "$? $(cat "$TMP/out")"
  # bwrap starts from an empty root: no option, no system (no default
  # profile slipped in under this name).
  "$B" -- true >"$TMP/out" 2>"$TMP/err"
  expect_eq "$kind: no option means an empty root, as bwrap" "1 bwrap: execvp true: No such file or directory" "$? $(cat "$TMP/err")"
  "$B" --tmpfs /x -- true >"$TMP/out" 2>"$TMP/err"
  expect_eq "$kind: a filesystem option does not add to a profile" "1 bwrap: execvp true: No such file or directory" "$? $(cat "$TMP/err")"
  "$B" --profile default --tmpfs /x -- sh -c 'test -d /x && echo ok' >"$TMP/out" 2>"$TMP/err"
  expect_eq "$kind: --profile default asks for the profile" "0 ok" "$? $(cat "$TMP/out")"
done

# Other names stay "sandbox".
cp "$SB" "$TMP/copy/mybox"
"$TMP/copy/mybox" --frobnicate >"$TMP/out" 2>"$TMP/err"
expect_eq "another name: sandbox prefix" "sandbox: Unknown option --frobnicate" "$(cat "$TMP/err")"
ln -s "$SB" "$TMP/copy/bwrap2"
"$TMP/copy/bwrap2" --frobnicate >"$TMP/out" 2>"$TMP/err"
expect_eq "bwrap2 is not bwrap" "sandbox: Unknown option --frobnicate" "$(cat "$TMP/err")"

done_testing
