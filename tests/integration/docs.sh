#!/bin/sh
# Manual pages: they render without warnings, and sandbox(1) documents every
# option of `sandbox --help`. Needs the built pages: MANDIR (set by
# man/meson.build) is the build directory holding sandbox.1 and
# sandbox-profile.5.
. "$(dirname "$0")/../lib.sh"

if [ -z "${MANDIR:-}" ] || [ ! -f "$MANDIR/sandbox.1" ]; then
  echo "1..0 # SKIP built manual pages not found (MANDIR unset: scdoc missing?)"
  exit 0
fi
if ! command -v man >/dev/null 2>&1; then
  echo "1..0 # SKIP man (man-db) not installed"
  exit 0
fi

for page in sandbox.1 sandbox-profile.5; do
  warnings=$(MANWIDTH=80 man --warnings -l "$MANDIR/$page" 2>&1 >/dev/null)
  expect_eq "$page renders without warnings" "" "$warnings"
  text=$(MANWIDTH=80 man -l "$MANDIR/$page" 2>/dev/null | col -b)
  expect_match "$page renders a NAME section" '^NAME$' "$text"
done

# Every option of --help has its own entry in sandbox(1): a line that
# starts with it (after the indentation).
text=$(MANWIDTH=80 man -l "$MANDIR/sandbox.1" 2>/dev/null | col -b)
# bwrap's flat --help layout (the binary speaks it when named bwrap) is
# the easiest to parse; it lists the same options as the grouped one.
ln -sf "$SB" "$TMP/bwrap"
opts=$("$TMP/bwrap" --help | sed -n 's/^    --\([a-z0-9-]*\).*/\1/p')
n=$(printf '%s\n' "$opts" | grep -c .)
expect_match "--help lists options" '^[1-9][0-9]+$' "$n"
missing=""
for o in $opts; do
  printf '%s\n' "$text" | grep -Eq -- "^ +--$o( |\$)" || missing="$missing --$o"
done
expect_eq "every --help option has an entry in sandbox(1)" "" "$missing"

# The same arguments as --help shows (e.g. "--bind SRC DEST"): the left
# column of --help is 28 characters wide.
mismatch=""
synopses=$(ln -sf "$SB" "$TMP/bwrap"
"$TMP/bwrap" --help | grep '^    --' | cut -c5-32 | sed 's/ *$//')
IFS_SAVE=$IFS
IFS='
'
for syn in $synopses; do
  printf '%s\n' "$text" | grep -Fq -- "$syn" || mismatch="$mismatch [$syn]"
done
IFS=$IFS_SAVE
expect_eq "sandbox(1) shows each option's arguments as --help does" "" "$mismatch"

for s in "EXIT STATUS" "EXAMPLES" "FILES" "SEE ALSO"; do
  expect_match "sandbox(1) has $s" "^$s\$" "$text"
done
expect_match "sandbox(1) shows a one-off command" 'sandbox -- sh -c' "$text"
expect_match "sandbox(1) shows a network-less build" 'sandbox --profile build -- make' "$text"
expect_match "sandbox(1) shows a desktop app" 'sandbox --profile desktop -- ' "$text"

ptext=$(MANWIDTH=80 man -l "$MANDIR/sandbox-profile.5" 2>/dev/null | col -b)
for s in DIRECTIVES VARIABLES "SYSCALL RULES" ACTIONS PRECEDENCE GROUPS "SEARCH PATH" "BUILT-IN PROFILES" EXAMPLE; do
  expect_match "sandbox-profile(5) has $s" "^$s\$" "$ptext"
done
# Every built-in profile is described.
# (A loop over no profile would pass: the list must name some.)
builtins=$("$SB" --list-profiles | awk '$2 == "builtin" { print $1 }')
expect_match "--list-profiles names the built-in profiles" '^default$' "$builtins"
missing=""
for p in $builtins; do
  printf '%s\n' "$ptext" | grep -Eq "^ +$p\$" || missing="$missing $p"
done
expect_eq "sandbox-profile(5) describes every built-in profile" "" "$missing"

done_testing
