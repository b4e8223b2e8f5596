#!/bin/sh
# run-integration.sh MODE SANDBOX TEST.sh
# MODE "caller": run as whoever runs meson test.
# MODE "user":   as root, drop to an unprivileged user (nobody) with the
#                binary and the test copied where that user can read them;
#                not root: the "caller" run already is unprivileged.
set -eu
mode=$1 sb=$2 test=$3
srcdir=$(cd "$(dirname "$0")" && pwd)

if [ "$mode" = caller ]; then
  export SB="$sb" HELPERS="$(dirname "$sb")/tests"
  exec sh "$test"
fi

if [ "$(id -u)" != 0 ]; then
  echo "1..0 # SKIP not root: the caller run is already the unprivileged one"
  exit 0
fi
if ! command -v setpriv >/dev/null; then
  echo "1..0 # SKIP setpriv (util-linux) not installed"
  exit 0
fi
dir=$(mktemp -d /tmp/sbuser.XXXXXX)
trap 'rm -rf "$dir"' EXIT
chmod 755 "$dir"
cp "$sb" "$dir/sandbox"
cp "$srcdir/lib.sh" "$dir/"
if [ -n "${README:-}" ]; then
  cp "$README" "$dir/README.md"
  README="$dir/README.md"
  export README
fi
mkdir "$dir/integration"
cp "$test" "$dir/integration/"
cp -r "$srcdir/helpers" "$dir/" 2>/dev/null || true
for h in "$(dirname "$sb")"/tests/sb-*; do
  # Executables only: meson keeps its objects in sb-NAME.p directories.
  [ -f "$h" ] && [ -x "$h" ] && cp "$h" "$dir/"
done
chmod -R a+rX "$dir"
cd "$dir"
SB="$dir/sandbox" HELPERS="$dir" TMPDIR=/tmp HOME=/ exec setpriv --reuid=nobody --regid=nogroup --clear-groups \
  --inh-caps=-all --bounding-set=-all sh "$dir/integration/$(basename "$test")"
