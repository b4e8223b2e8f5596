#!/bin/sh
# Every command of the README's tour (and the sandboxed part of its first
# command) runs here, so the README cannot rot. $README is the file.
. "$(dirname "$0")/../lib.sh"

: "${README:?README must point at README.md}"

# The README's sandbox is whatever "sandbox" is in PATH: ours.
mkdir -p "$TMP/bin" "$TMP/home" "$TMP/run" "$TMP/work"
ln -s "$SB" "$TMP/bin/sandbox"
export PATH="$TMP/bin:$PATH" HOME="$TMP/home" XDG_RUNTIME_DIR="$TMP/run" WAYLAND_DISPLAY=wayland-test
unset XDG_CONFIG_HOME
# A display socket for the desktop example.
python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])" "$TMP/run/wayland-test"

# Blocks of the Tour section; /tmp/sandbox-demo becomes this run's own
# directory, so that parallel runs (root and nobody) do not share it.
awk '/^## /{tour = ($0 == "## Tour")} tour && /^```sh$/{inb=1; n++; next} inb && /^```$/{inb=0; next} inb{print > (dir "/block." n)}' \
  dir="$TMP" "$README"
count=$(ls "$TMP"/block.* 2>/dev/null | wc -l)
check "the README has a tour with commands" test "$count" -ge 6

for f in $(ls "$TMP"/block.* | sort -t. -k2 -n); do
  sed -i "s|/tmp/sandbox-demo|$TMP/sandbox-demo|g" "$f"
  out=$(cd "$TMP/work" && sh -e "$f" 2>&1)
  rc=$?
  name="README tour: $(head -n1 "$f" | cut -c1-70)"
  if [ $rc = 0 ]; then ok "$name"; else not_ok "$name"; diag "exit $rc" "$out"; fi
  echo "$out" > "$f.out"
done

# What the examples promise, checked.
expect_match "one-off: cwd writable, no nested user namespace" "cwd writable" "$(cat "$TMP/block.1.out")"
expect_match "one-off: nested user namespaces refused" "no nested user namespace" "$(cat "$TMP/block.1.out")"
expect_match "one-off: the caller's token stays outside" "^GITHUB_TOKEN: not here$" "$(cat "$TMP/block.1.out")"
expect_match "build: make ran with the fixed hostname" "built on build" "$(cat "$TMP/block.2.out")"
expect_match "build: only loopback" "^1$" "$(tail -n1 "$TMP/block.2.out")"
expect_match "desktop: the display socket is there" "display socket there" "$(cat "$TMP/block.3.out")"
expect_match "desktop: the home is empty" "^0$" "$(tail -n1 "$TMP/block.3.out")"
expect_match "learn: the file read, the directory written" "^read .*/app/app.cfg  #.*
write .*/app/out  #" "$(cat "$TMP/block.11.out")"
expect_match "learn: the same command runs under the learned profile" "^learned: runs$" "$(cat "$TMP/block.11.out")"
expect_match "learn: another file is not there" "other.cfg: No such file or directory" "$(cat "$TMP/block.11.out")"
expect_match "profile: --explain names the rule" "ptrace +errno\\(EPERM\\)" "$(cat "$TMP/block.4.out")"
expect_match "profile: the setenv applies" "QUIET=1" "$(cat "$TMP/block.4.out")"
expect_match "bwrap: ps sees only the sandbox" "^ +2 ps$" "$(cat "$TMP/block.6.out")"
expect_match "landlock: --explain names the ABI" "^landlock: ABI [1-9]" "$(cat "$TMP/block.7.out")"
expect_match "landlock: no write through a directory fd" "no write through fd 3" "$(cat "$TMP/block.7.out")"
expect_match "landlock: pid 1 out of reach" "pid 1 out of reach" "$(cat "$TMP/block.7.out")"
expect_match "check: user namespaces work here" "^  user namespace +yes$" "$(cat "$TMP/block.8.out")"
expect_match "check: the default profile runs" "^  default +runs" "$(cat "$TMP/block.8.out")"
expect_match "intent: --read and --write" "^copied$" "$(cat "$TMP/block.9.out")"
expect_match "intent: --read is read-only" "^data is read-only$" "$(cat "$TMP/block.9.out")"
check "intent: --write wrote" test -f "$TMP/sandbox-demo/out/in.txt"
expect_match "intent: --home is kept" "^kept$" "$(cat "$TMP/block.9.out")"
expect_match "intent: --no-net after the net profile" "^1$" "$(cat "$TMP/block.9.out")"
expect_match "app: the home is kept" "^kept$" "$(cat "$TMP/block.10.out")"
expect_match "app: XDG_CONFIG_HOME in it" "^$TMP/home/.config$" "$(cat "$TMP/block.10.out")"
expect_match "app: no X11 under desktop" "^no X11$" "$(cat "$TMP/block.10.out")"
expect_match "app: a throwaway home without --app" "^no notes without --app$" "$(cat "$TMP/block.10.out")"
expect_match "intent: --explain shows the origin" "ro-bind .*/sandbox-demo/data .*command line, argument 1" "$(cat "$TMP/block.9.out")"

# Every row of the benchmark table has the header's seven columns.
bad=$(awk '/^\| # \| measurement/ { t = 1 } t && /^\|/ { n = gsub(/\|/, "|"); if (n != 8) print NR ": " $0 } t && !/^\|/ { t = 0 }' "$README")
expect_eq "README benchmark table: no stray row" "" "$bad"

# The sandboxed half of the README's first command.
cmd=$(grep -m1 '^\.ci/setup && \./build/sandbox' "$README" | sed 's|^\.ci/setup && \./build/sandbox|sandbox|')
out=$(cd "$TMP/work" && sh -c "$cmd" 2>&1)
expect_match "README command 1 runs a sandboxed command" "hello from pid [0-9]+ in .*Seccomp:.2" "$out"

done_testing
