#!/bin/sh
# The Debian packages, as a user gets them (root only; changes the machine
# while it runs, so .ci/test runs it alone, after the suites): built from a
# fresh clone with the README's commands, installed with apt-get, used (the
# README tour against /usr/bin/sandbox, man, completions, bwrap switched to
# sandbox through the alternative and back), purged without a trace.
SRC=$(cd "$(dirname "$0")/.." && pwd)
SB=/usr/bin/sandbox
. "$SRC/tests/lib.sh"

if ! is_root; then
  echo "1..0 # SKIP installs packages: root only"
  exit 0
fi

W=$TMP/w
git clone -q --no-local "$SRC" "$W/src" || { not_ok "fresh clone"; done_testing; exit 1; }
cd "$W/src" || exit 1
# What the README says, in its words (build-dep, then build).
apt-get build-dep -y -qq ./ >"$TMP/bd.log" 2>&1
expect_eq "apt-get build-dep ./ installs the build dependencies" 0 "$?"
dpkg-buildpackage -us -uc -b >"$TMP/build.log" 2>&1
rc=$?
expect_eq "dpkg-buildpackage -us -uc -b succeeds" 0 "$rc"
[ "$rc" = 0 ] || diag "$(tail -n 30 "$TMP/build.log")"
cd "$W" || exit 1
DEB=$(ls "$W"/sandbox_*_*.deb 2>/dev/null) BWDEB=$(ls "$W"/sandbox-bwrap_*_all.deb 2>/dev/null)
check "the sandbox package is built" test -f "$DEB"
check "the sandbox-bwrap package is built" test -f "$BWDEB"
if [ -z "$DEB" ] || [ -z "$BWDEB" ]; then
  done_testing
  exit 1
fi
CHANGES=$(ls "$W"/sandbox_*.changes)
if command -v lintian >/dev/null; then
  lintian "$CHANGES" >"$TMP/lintian" 2>&1
  expect_eq "lintian checked both packages" "sandbox-bwrap_ sandbox_" \
    "$(grep -o '[^ /]*\.deb' "$CHANGES" | grep -v dbgsym | sed 's/[0-9].*//' | sort -u | tr '\n' ' ' | sed 's/ $//')"
  expect_eq "lintian: no errors" "" "$(grep -v 'running with root privileges' "$TMP/lintian" | grep '^E:')"
  diag "lintian: $(grep -c '^W:' "$TMP/lintian") warning(s)" "$(grep '^W:' "$TMP/lintian")"
else
  not_ok "lintian is installed (.ci/setup)"
fi

had_bubblewrap=no
[ -f /usr/bin/bwrap ] && [ ! -L /usr/bin/bwrap ] && had_bubblewrap=yes
bwrap_sum=$(cat /usr/bin/bwrap 2>/dev/null | md5sum)

apt-get install -y -qq "$DEB" "$BWDEB" >"$TMP/install.log" 2>&1
expect_eq "apt-get install ./sandbox*.deb" 0 "$?"
dpkg -L sandbox sandbox-bwrap >"$TMP/files" 2>/dev/null
run_sb --version
expect_match "the installed sandbox --version" '^sandbox [0-9]' "$OUT"
expect_match "man sandbox" "sandbox - " "$(MANPAGER=cat man sandbox 2>&1 | head -n 20)"
expect_match "man 5 sandbox-profile" "sandbox-profile - " "$(MANPAGER=cat man 5 sandbox-profile 2>&1 | head -n 20)"
check "bash completion where bash-completion looks" test -f /usr/share/bash-completion/completions/sandbox
# apt-get installs what the package recommends: bash-completion, without
# which bash never loads the file above.
expect_match "bash-completion came along, and a login shell loads the completion" "complete .* sandbox" \
  "$(bash -lic '_completion_loader sandbox; complete -p sandbox' 2>/dev/null)"
if command -v zsh >/dev/null; then
  expect_match "zsh finds _sandbox in its fpath" "_sandbox" "$(zsh -fc 'for d in $fpath; do ls $d/_sandbox 2>/dev/null; done')"
fi
check "fish completion in vendor_completions.d" test -f /usr/share/fish/vendor_completions.d/sandbox.fish
check "/etc/sandbox/profiles is there and empty" sh -c 'test -d /etc/sandbox/profiles && test -z "$(ls -A /etc/sandbox/profiles)"'
# AppArmor: only where the parser knows the userns rule (AppArmor 4).
if command -v apparmor_parser >/dev/null &&
  apparmor_parser -QK /usr/share/sandbox/apparmor/sandbox >/dev/null 2>&1; then
  check "AppArmor 4: the profile is installed" test -f /etc/apparmor.d/sandbox
else
  check "no AppArmor with userns here: no profile installed" test ! -e /etc/apparmor.d/sandbox
fi

# The README tour, against the installed binary.
README="$SRC/README.md" SB=$SB sh "$SRC/tests/integration/readme.sh" >"$TMP/tour" 2>&1
n_ok=$(grep -c '^ok ' "$TMP/tour") n_bad=$(grep -c '^not ok ' "$TMP/tour")
if [ "$n_bad" = 0 ] && [ "$n_ok" -ge 10 ]; then ok "README tour with /usr/bin/sandbox ($n_ok checks)"; else
  not_ok "README tour with /usr/bin/sandbox"
  diag "$(grep -A3 '^not ok' "$TMP/tour" | head -n 20)"
fi

# bwrap through the alternative.
check "/usr/bin/bwrap is the alternatives' link" sh -c '[ "$(readlink /usr/bin/bwrap)" = /etc/alternatives/bwrap ]'
if [ "$had_bubblewrap" = yes ]; then
  expect_eq "bubblewrap stays the default" /usr/bin/bwrap.bubblewrap "$(readlink -f /usr/bin/bwrap)"
  expect_eq "bubblewrap's binary is kept, diverted" "$bwrap_sum" "$(md5sum </usr/bin/bwrap.bubblewrap)"
fi
update-alternatives --set bwrap /usr/bin/sandbox >/dev/null 2>&1
expect_eq "update-alternatives --set bwrap /usr/bin/sandbox" /usr/bin/sandbox "$(readlink -f /usr/bin/bwrap)"
out=$(bwrap --frobnicate 2>&1)
expect_eq "bwrap is now sandbox, answering as bwrap" "bwrap: Unknown option --frobnicate" "$out"
out=$(bwrap --ro-bind / / --unshare-pid --proc /proc -- sh -c 'echo $$' 2>&1)
expect_eq "bwrap (sandbox) runs a bwrap command line" 2 "$out"
if [ "$had_bubblewrap" = yes ]; then
  update-alternatives --set bwrap /usr/bin/bwrap.bubblewrap >/dev/null 2>&1
  expect_eq "and back to bubblewrap" /usr/bin/bwrap.bubblewrap "$(readlink -f /usr/bin/bwrap)"
  expect_match "bubblewrap answers" "^bubblewrap " "$(bwrap --version 2>&1)"
fi

# Purge: nothing left.
apt-get purge -y -qq sandbox sandbox-bwrap >"$TMP/purge.log" 2>&1
expect_eq "apt-get purge" 0 "$?"
left=""
while read -r f; do
  [ -d "$f" ] && [ ! -L "$f" ] && continue # shared directories stay
  [ -e "$f" ] || [ -L "$f" ] && left="$left $f"
done <"$TMP/files"
check "the package listed files" test -s "$TMP/files"
expect_eq "no file of the packages is left" "" "$left"
check "/etc/sandbox is gone" test ! -e /etc/sandbox
check "/usr/share/sandbox is gone" test ! -e /usr/share/sandbox
check "no AppArmor profile is left" test ! -e /etc/apparmor.d/sandbox
expect_eq "no bwrap alternative is left" "" "$(update-alternatives --list bwrap 2>/dev/null)"
check "no /etc/alternatives/bwrap" test ! -e /etc/alternatives/bwrap -a ! -L /etc/alternatives/bwrap
expect_eq "no diversion is left" "" "$(dpkg-divert --list /usr/bin/bwrap)"
if [ "$had_bubblewrap" = yes ]; then
  check "bubblewrap's /usr/bin/bwrap is back, a plain file" sh -c 'test -f /usr/bin/bwrap && test ! -L /usr/bin/bwrap'
  expect_eq "bubblewrap's binary is unchanged" "$bwrap_sum" "$(md5sum </usr/bin/bwrap)"
else
  check "no /usr/bin/bwrap" test ! -e /usr/bin/bwrap -a ! -L /usr/bin/bwrap
fi
expect_eq "dpkg knows no sandbox package" "" "$(dpkg-query -W -f '${Status}' sandbox sandbox-bwrap 2>/dev/null | grep -v not-installed)"

done_testing
