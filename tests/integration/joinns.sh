#!/bin/sh
# --userns, --userns2, --pidns: a second sandbox joins the first one's
# namespaces; --disable-userns and --assert-userns-disabled.
. "$(dirname "$0")/../lib.sh"

PY=$(command -v /usr/bin/python3 python3 | head -n1)
if [ -z "$PY" ]; then
  echo "1..0 # SKIP python3 not installed"
  exit 0
fi
if ! "$SB" $SYS --unshare-user --unshare-pid -- true 2>"$TMP/err"; then
  echo "1..0 # SKIP no user/pid namespaces: $(cat "$TMP/err")"
  exit 0
fi

mkfifo "$TMP/info" "$TMP/go"
"$SB" $SYS --proc /proc --unshare-user --unshare-pid --info-fd 3 --ro-bind "$TMP/go" /go -- \
  sh -c 'echo first >/dev/null; read x </go' 3>"$TMP/info" >"$TMP/bgout" 2>"$TMP/bgerr" &
BG=$!
pid=$(timeout 60 cat "$TMP/info" | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["child-pid"])')
check "first sandbox is running" test -d "/proc/$pid"
uns=$(readlink "/proc/$pid/ns/user")
pns=$(readlink "/proc/$pid/ns/pid")
# The caller, even unprivileged, opens the namespaces of the sandbox's
# pid 1 to join it, as bwrap's callers (flatpak) do.
check "the first sandbox's namespaces are readable by its caller" test -n "$uns"
joinable=true
if $joinable; then

run_sb $SYS --proc /proc --userns 3 --pidns 4 -- \
  sh -c 'readlink /proc/self/ns/user /proc/self/ns/pid; ls /proc | grep -c "^[0-9]"; cat /proc/1/cmdline | tr "\0" " "' \
  3<"/proc/$pid/ns/user" 4<"/proc/$pid/ns/pid"
expect_eq "--userns --pidns: exits 0" 0 "$RC"
expect_eq "--userns: the first sandbox's user namespace" "$uns" "$(echo "$OUT" | sed -n 1p)"
expect_eq "--pidns: the first sandbox's pid namespace" "$pns" "$(echo "$OUT" | sed -n 2p)"
expect_match "--pidns: /proc shows the first sandbox's init" "read x" "$(ps -o args= -p "$pid") $(echo "$OUT" | sed -n 4p)"
count=$(echo "$OUT" | sed -n 3p)
check "--pidns: /proc shows only the joined namespace's few processes ($count)" test "${count:-99}" -lt 10

# A pid namespace of its own, nested below the joined one.
run_sb $SYS --proc /proc --userns 3 --pidns 4 --unshare-pid --info-fd 5 -- \
  sh -c 'echo "$$"; readlink /proc/self/ns/pid; exit 3' \
  3<"/proc/$pid/ns/user" 4<"/proc/$pid/ns/pid" 5>"$TMP/info2"
expect_eq "--pidns --unshare-pid: the command's status" 3 "$RC"
expect_eq "--pidns --unshare-pid: the command is pid 2 under its own init" 2 "$(echo "$OUT" | sed -n 1p)"
nested=$(echo "$OUT" | sed -n 2p)
check "--pidns --unshare-pid: a new pid namespace, not the joined one" test -n "$nested" -a "$nested" != "$pns"
expect_eq "--pidns --unshare-pid: --info-fd names that namespace" "$(echo "$nested" | tr -dc 0-9)" \
  "$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["pid-namespace"])' "$TMP/info2")"

run_sb $SYS --userns 3 -- true 3<"/proc/$pid/ns/user"
expect_eq "--userns alone" 0 "$RC"
fi

echo go >"$TMP/go"
wait $BG
expect_eq "first sandbox exits 0" 0 "$?"

run_sb $SYS --userns 3 --unshare-user -- true 3</dev/null
expect_eq "--userns with --unshare-user" "1 sandbox: --userns not compatible --unshare-user" "$RC $ERR"
run_sb $SYS --userns 3 --unshare-user-try -- true 3</dev/null
expect_eq "--userns with --unshare-user-try" "sandbox: --userns not compatible --unshare-user-try" "$ERR"
run_sb $SYS --userns 3 -- true 3</dev/null
expect_eq "--userns of something else fails" 1 "$RC"
expect_match "--userns of something else: bwrap's message" "^sandbox: Joining (the )?specified user namespace failed" "$ERR"
run_sb $SYS --userns x -- true
expect_eq "--userns x" "sandbox: Invalid fd: x" "$ERR"

# ---- --disable-userns, --assert-userns-disabled ----
run_sb $SYS --disable-userns -- true
expect_eq "--disable-userns without --unshare-user" "1 sandbox: --disable-userns requires --unshare-user" "$RC $ERR"
run_sb $SYS --unshare-user --disable-userns -- unshare -U true
expect_eq "--disable-userns: a user namespace inside fails" 1 "$RC"
run_sb $SYS --unshare-user --disable-userns -- sh -c 'unshare -U true 2>/dev/null || echo refused'
expect_eq "--disable-userns: the command runs, userns refused" "0 refused" "$RC $OUT"
run_sb $SYS --unshare-user --disable-userns --assert-userns-disabled -- true
expect_eq "--assert-userns-disabled after --disable-userns" 0 "$RC"
run_sb $SYS --unshare-user --assert-userns-disabled -- true
expect_eq "--assert-userns-disabled when not disabled" \
  "1 sandbox: creation of new user namespaces was not disabled as requested" "$RC $ERR"
run_sb $SYS --unshare-user -- unshare -U true
expect_eq "without --disable-userns a user namespace inside works" 0 "$RC"

# --userns2: after set-up, the command moves into a user namespace nested
# in the joined one (here one that a process of a first sandbox made).
# Events, not times: the info document read to its end (a fifo), then the
# marked sleep found; the bounds (60 s) only stop a broken run.
mark="7$$"
mkfifo "$TMP/info3"
"$SB" $SYS --unshare-user --unshare-pid --info-fd 3 -- \
  sh -c "unshare -U sleep $mark" 3>"$TMP/info3" 2>"$TMP/err3" &
BG3=$!
outer=$(timeout 60 cat "$TMP/info3" | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["child-pid"])')
for _ in $(seq 1200); do inner=$(pgrep -x -f "sleep $mark"); [ -n "$inner" ] && break; sleep 0.05; done
if [ -n "$inner" ] && [ -n "$outer" ]; then
  run_sb $SYS --proc /proc --userns 3 --userns2 4 -- readlink /proc/self/ns/user \
    3<"/proc/$outer/ns/user" 4<"/proc/$inner/ns/user"
  expect_eq "--userns2: exits 0" 0 "$RC"
  expect_eq "--userns2: the command runs in the second user namespace" \
    "$(readlink "/proc/$inner/ns/user")" "$OUT"
  check "--userns2: which is not the first one" test "$OUT" != "$(readlink "/proc/$outer/ns/user")"
else
  not_ok "--userns2: the first sandbox made its nested user namespace ($(cat "$TMP/err3"))"
fi
kill "$BG3" 2>/dev/null
pkill -x -f "sleep $mark"
wait "$BG3" 2>/dev/null

done_testing
