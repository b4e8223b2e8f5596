#!/bin/sh
# `meson install --destdir` of the build under test (BUILDDIR, set by
# completion/meson.build): every file meson means to install lands in the
# staging tree, under the configured --prefix, and the man pages and
# completions are where man and the shells look.
. "$(dirname "$0")/../lib.sh"

if [ -z "${BUILDDIR:-}" ] || [ ! -f "$BUILDDIR/build.ninja" ]; then
  echo "1..0 # SKIP build directory not found (BUILDDIR unset)"
  exit 0
fi
if ! command -v meson >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1; then
  echo "1..0 # SKIP meson or python3 not installed"
  exit 0
fi

dest=$TMP/dest
meson install -C "$BUILDDIR" --no-rebuild --destdir "$dest" >"$TMP/install.log" 2>&1
RC=$?
expect_eq "meson install --destdir succeeds" 0 "$RC"
[ "$RC" = 0 ] || diag "$(tail -n 20 "$TMP/install.log")"

# The configured directories, absolute.
meson introspect --buildoptions "$BUILDDIR" >"$TMP/opts.json"
meson introspect --installed "$BUILDDIR" >"$TMP/installed.json"
eval "$(python3 - "$TMP/opts.json" <<'EOF'
import json, os, sys
o = {x["name"]: x["value"] for x in json.load(open(sys.argv[1]))}
p = o["prefix"]
for k in ("prefix", "bindir", "datadir", "mandir", "sysconfdir"):
    print("%s='%s'" % (k, os.path.join(p, o[k])))
EOF
)"
diag "prefix=$prefix"

# Every installed file is in the staging tree and under the prefix (the
# sysconfdir may be /etc for prefix /usr, as meson does).
out=$(python3 - "$TMP/installed.json" "$dest" "$prefix" "$sysconfdir" <<'EOF'
import json, os, sys
installed, dest, prefix, sysconf = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3], sys.argv[4]
for src, dst in sorted(installed.items()):
    if not (dst.startswith(prefix.rstrip("/") + "/") or dst.startswith(sysconf.rstrip("/") + "/")):
        print("outside the prefix:", dst)
    if not os.path.lexists(dest + dst):
        print("not installed:", dst)
EOF
)
expect_eq "every file is installed under the prefix" "" "$out"

check "installs the binary in bindir" test -x "$dest$bindir/sandbox"
# Profiles are read from the configured sysconfdir, where the install
# puts the built-in copies: the path is compiled in.
check "reads profiles from the configured sysconfdir ($sysconfdir/sandbox/profiles)" \
  grep -qF "$sysconfdir/sandbox/profiles" "$dest$bindir/sandbox"
# -Dstatic (the default, but not with sanitizers): a static PIE, no dynamic
# loader at start-up, still position-independent (ASLR).
static=$(python3 -c '
import json, sys
o = {x["name"]: x["value"] for x in json.load(open(sys.argv[1]))}
print("yes" if o.get("static") and o.get("b_sanitize") in ("none", []) else "no")' "$TMP/opts.json")
if [ "$static" = yes ] && command -v readelf >/dev/null 2>&1; then
  hdr=$(readelf -lh "$dest$bindir/sandbox" 2>&1)
  check "-Dstatic: the binary has no program interpreter" \
    sh -c '! printf "%s\n" "$1" | grep -q INTERP' sh "$hdr"
  expect_match "-Dstatic: the binary is position-independent" 'Type: +DYN' "$hdr"
  "$dest$bindir/sandbox" --version >/dev/null 2>&1
  expect_eq "-Dstatic: the installed binary runs" 0 "$?"
else
  skip "not a -Dstatic build (or no readelf): the binary is linked dynamically"
fi
if [ -f "$BUILDDIR/man/sandbox.1" ]; then
  check "installs sandbox.1 in mandir/man1" test -f "$dest$mandir/man1/sandbox.1"
  check "installs sandbox-profile.5 in mandir/man5" test -f "$dest$mandir/man5/sandbox-profile.5"
  if command -v man >/dev/null 2>&1; then
    w=$(MANWIDTH=80 man --warnings -l "$dest$mandir/man1/sandbox.1" 2>&1 >/dev/null)
    expect_eq "the installed sandbox.1 renders without warnings" "" "$w"
  fi
else
  skip "man pages not built (scdoc missing)"
fi

bashc=$(python3 -c '
import json, sys
for d in json.load(open(sys.argv[1])).values():
    if d.endswith("/sandbox") and "bash-completion" in d: print(d)' "$TMP/installed.json")
expect_match "installs the bash completion in a bash-completion directory" '/completions/sandbox$' "$bashc"
if pkg-config --exists bash-completion 2>/dev/null; then
  diag "bash-completion's pkg-config completionsdir: $(pkg-config --variable=completionsdir bash-completion)"
else
  expect_eq "without bash-completion.pc: datadir/bash-completion/completions" \
    "$datadir/bash-completion/completions/sandbox" "$bashc"
fi
check "installs the zsh completion in datadir/zsh/site-functions" \
  test -f "$dest$datadir/zsh/site-functions/_sandbox"
check "installs the fish completion in datadir/fish/vendor_completions.d" \
  test -f "$dest$datadir/fish/vendor_completions.d/sandbox.fish"
spec=$(bash -c '. "$1"; complete -p sandbox' sh "$dest$bashc" 2>&1)
expect_eq "the installed bash completion loads" "complete -F _sandbox sandbox" "$spec"

done_testing
