# TAP helpers for the integration tests. Sourced; needs $SB (the binary).
# shellcheck shell=sh
set -u

: "${SB:?SB must point at the sandbox binary}"
T_N=0
T_FAILED=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sbtest.XXXXXX")
chmod 755 "$TMP"
# Background sandboxes of a test that is stopped (timeout, ^C) go too.
# (jobs -p into a file: inside $(...) dash has no jobs to print.)
cleanup() {
  jobs -p >"$TMP/.jobs" 2>/dev/null
  while read -r j; do kill "$j" 2>/dev/null; done <"$TMP/.jobs"
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 143' TERM INT HUP

# The host system, read-only, as most bwrap users start.
SYS="--ro-bind /usr /usr --ro-bind-try /lib /lib --ro-bind-try /lib64 /lib64 --ro-bind-try /bin /bin --ro-bind-try /sbin /sbin --ro-bind /etc /etc"

# printf, not echo: dash's echo would expand a "\n" in a test's name.
ok() { T_N=$((T_N + 1)); printf 'ok %s - %s\n' "$T_N" "$*"; }
not_ok() { T_N=$((T_N + 1)); T_FAILED=$((T_FAILED + 1)); printf 'not ok %s - %s\n' "$T_N" "$*"; }
skip() { T_N=$((T_N + 1)); printf 'ok %s # SKIP %s\n' "$T_N" "$*"; }
# Every line a comment, so multi-line values keep the TAP stream valid.
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

# check NAME CMD...: passes when CMD succeeds.
check() {
  name=$1; shift
  if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# expect_eq NAME EXPECTED ACTUAL
expect_eq() {
  if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1"; diag "expected: [$2]" "actual:   [$3]"; fi
}

# expect_match NAME PATTERN ACTUAL (grep -E)
expect_match() {
  if printf '%s\n' "$3" | grep -Eq -- "$2"; then ok "$1"; else not_ok "$1"; diag "pattern: $2" "actual: [$3]"; fi
}

expect_nomatch() {
  if printf '%s\n' "$3" | grep -Eq -- "$2"; then not_ok "$1"; diag "unexpected: $2" "actual: [$3]"; else ok "$1"; fi
}

# run_sb ARGS...: runs the sandbox, sets OUT, ERR, RC.
run_sb() {
  "$SB" "$@" >"$TMP/out" 2>"$TMP/err"
  RC=$?
  OUT=$(cat "$TMP/out")
  ERR=$(cat "$TMP/err")
}

is_root() { [ "$(id -u)" = 0 ]; }

done_testing() {
  echo "1..$T_N"
  [ "$T_FAILED" = 0 ]
}
