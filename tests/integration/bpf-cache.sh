#!/bin/sh
# The built-in profiles' filters come from the table compiled with sandbox
# (src/bpf-cache.c) on the real launch path (--profile, the no-flags
# default, plan_finalize), not only in the unit test: seen from outside,
# a start answered from the table makes no memfd, where exporting
# libseccomp's program takes one. So the sandbox runs inside another that
# refuses memfd_create, and --export-bpf stops right after the filter.
. "$(dirname "$0")/../lib.sh"

# nomemfd ARGS...: the inner sandbox with ARGS, memfd_create refused.
nomemfd() {
  run_sb --ro-bind / / --dev /dev --bind "$TMP" "$TMP" --chdir "$TMP" \
    --syscall 'memfd_create errno(ENOSYS)' -- "$SB" "$@"
}

cd "$TMP" || exit 1
run_sb --profile default --export-bpf "$TMP/ref.bpf"
expect_eq "the default profile's filter exports (compiled or not)" 0 "$RC"

nomemfd --profile default --export-bpf "$TMP/default.bpf"
expect_eq "--profile default: the filter without a compile" 0 "$RC"
[ "$RC" = 0 ] || diag "$ERR"
check "--profile default: the same bytes as outside" cmp -s "$TMP/ref.bpf" "$TMP/default.bpf"

nomemfd --export-bpf "$TMP/noflags.bpf"
expect_eq "no filesystem option (the default profile): the filter without a compile" 0 "$RC"
check "no filesystem option: the same bytes" cmp -s "$TMP/ref.bpf" "$TMP/noflags.bpf"

nomemfd --profile build --export-bpf "$TMP/build.bpf"
expect_eq "--profile build: the filter without a compile" 0 "$RC"

# A policy that is not byte for byte a built-in one is compiled: here that
# takes the memfd the outer sandbox refuses (so the ones above did not
# compile), and outside it works.
nomemfd --profile default --syscall 'getppid errno(EPERM)' --export-bpf "$TMP/more.bpf"
expect_match "one more rule: compiled at launch (memfd refused here)" "cannot export the filter" "$ERR"
run_sb --profile default --syscall 'getppid errno(EPERM)' --export-bpf "$TMP/more.bpf"
expect_eq "one more rule: compiled at launch (outside)" 0 "$RC"
check "one more rule: a filter of its own" sh -c '! cmp -s "$1" "$2"' - "$TMP/ref.bpf" "$TMP/more.bpf"

done_testing
