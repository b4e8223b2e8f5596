#!/bin/sh
# Overlays: --overlay-src with --overlay, --tmp-overlay and --ro-overlay.
# Writes must land in the right layer and the lower layers stay unchanged.
. "$(dirname "$0")/../lib.sh"

if ! "$SB" $SYS --overlay-src /etc --tmp-overlay /o -- true 2>"$TMP/err"; then
  echo "1..0 # SKIP overlayfs not usable here: $(cat "$TMP/err")"
  exit 0
fi
L1=$TMP/l1 L2=$TMP/l2 UP=$TMP/up WK=$TMP/wk
mkdir "$L1" "$L2" "$UP" "$WK"
echo l1 >"$L1/a"
echo l1 >"$L1/b"
echo l2 >"$L2/b"
lowers() { cat "$L1/a" "$L1/b" "$L2/b"; ls "$L1" "$L2" | tr '\n' ' '; }
before=$(lowers)

run_sb $SYS --overlay-src "$L1" --overlay-src "$L2" --overlay "$UP" "$WK" /o -- \
  sh -c 'cat /o/a /o/b; echo new >/o/c; echo mod >/o/a; rm /o/b'
expect_eq "--overlay: later --overlay-src is on top" "l1
l2" "$OUT"
expect_eq "--overlay: new file lands in the upper dir" "new" "$(cat "$UP/c" 2>/dev/null)"
expect_eq "--overlay: modified file copied up" "mod" "$(cat "$UP/a" 2>/dev/null)"
check "--overlay: deletion is a whiteout in the upper dir" test -e "$UP/b" -o -L "$UP/b"
expect_eq "--overlay: lower layers unchanged" "$before" "$(lowers)"
run_sb $SYS --overlay-src "$L1" --overlay-src "$L2" --overlay "$UP" "$WK" /o -- sh -c 'cat /o/a /o/c; test -e /o/b || echo gone'
expect_eq "--overlay: a second run sees the upper dir" "mod
new
gone" "$OUT"

# Names with the characters overlayfs treats specially (bwrap escapes
# them in every layer, upper and work included).
SPL="$TMP/lower \":,\\" SPU="$TMP/upper \":,\\" SPW="$TMP/work \":,\\"
mkdir "$SPL" "$SPU" "$SPW"
echo special >"$SPL/f"
run_sb $SYS --overlay-src "$SPL" --overlay "$SPU" "$SPW" /o -- sh -c 'cat /o/f; echo w >/o/g'
expect_eq "--overlay: paths with space, quote, colon, comma, backslash" "0 special" "$RC $OUT"
expect_eq "--overlay: special-character upper dir gets the write" "w" "$(cat "$SPU/g" 2>/dev/null)"
run_sb $SYS --overlay-src "$SPL" --overlay-src "$L1" --ro-overlay /o -- cat /o/f /o/a
expect_eq "--ro-overlay: a special-character lower layer" "0 special
l1" "$RC $OUT"
run_sb $SYS --overlay-src "$SPL" --tmp-overlay /o -- cat /o/f
expect_eq "--tmp-overlay: a special-character lower layer" "0 special" "$RC $OUT"

rm -rf "$UP" "$WK"
mkdir "$UP" "$WK"
run_sb $SYS --overlay-src "$L1" --tmp-overlay /o -- sh -c 'echo t >/o/t; echo m >/o/b; cat /o/t /o/b'
expect_eq "--tmp-overlay: writable" "t
m" "$OUT"
expect_eq "--tmp-overlay: lower layer unchanged" "$before" "$(lowers)"
check "--tmp-overlay: nothing written to the host" test -z "$(find "$TMP" -name t)"
run_sb $SYS --overlay-src "$L1" --tmp-overlay /o -- cat /o/b
expect_eq "--tmp-overlay: nothing kept for the next run" "l1" "$OUT"
run_sb $SYS --overlay-src "$L1" --tmp-overlay /o --overlay-src "$L2" --tmp-overlay /p -- cat /o/a /p/b
expect_eq "two --tmp-overlay mounts" "l1
l2" "$OUT"

run_sb $SYS --overlay-src "$L1" --overlay-src "$L2" --ro-overlay /o -- sh -c 'cat /o/a /o/b; echo x >/o/x'
expect_eq "--ro-overlay: merged view" "l1
l2" "$OUT"
expect_match "--ro-overlay: writes fail with EROFS" "Read-only file system" "$ERR"
expect_eq "--ro-overlay: lower layers unchanged" "$before" "$(lowers)"

# bwrap's ordering errors.
run_sb $SYS --overlay-src "$L1" --ro-overlay /o -- true
expect_eq "--ro-overlay needs two sources" "1 sandbox: --ro-overlay requires at least two --overlay-src" "$RC $ERR"
run_sb $SYS --tmp-overlay /o -- true
expect_eq "--tmp-overlay needs a source" "sandbox: --tmp-overlay requires at least one --overlay-src" "$ERR"
run_sb $SYS --overlay "$UP" "$WK" /o -- true
expect_eq "--overlay needs a source" "sandbox: --overlay requires at least one --overlay-src" "$ERR"
run_sb $SYS --overlay-src "$L1" --tmpfs /x -- true
expect_eq "--overlay-src followed by another option" \
  "sandbox: --overlay-src must be followed by another --overlay-src or one of --overlay, --tmp-overlay, or --ro-overlay" "$ERR"
run_sb $SYS --overlay-src "$L1" -- true
expect_eq "--overlay-src last before the command" \
  "sandbox: --overlay-src must be followed by another --overlay-src or one of --overlay, --tmp-overlay, or --ro-overlay" "$ERR"
run_sb --overlay-src "$L1" --overlay "$UP" /o
expect_eq "--overlay missing an argument" "sandbox: --overlay takes three arguments" "$ERR"
run_sb --overlay-src "$L1" --tmp-overlay
expect_eq "--tmp-overlay missing its argument" "sandbox: --tmp-overlay takes an argument" "$ERR"
run_sb --overlay-src "$L1" --overlay-src "$L2" --ro-overlay
expect_eq "--ro-overlay missing its argument" "sandbox: --ro-overlay takes an argument" "$ERR"
run_sb $SYS --overlay-src /nonexistent --tmp-overlay /o -- true
expect_eq "missing overlay source" "sandbox: Can't find source path /nonexistent: No such file or directory" "$ERR"
run_sb $SYS --overlay-src "$L1" --overlay "$L1" "$WK" /o -- true
expect_match "overlapping directories refused" "^sandbox: Can't make overlay mount on /o with options .*: Overlay directories may not overlap$" "$ERR"

done_testing
