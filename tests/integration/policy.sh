#!/bin/sh
# Policies in the real sandbox: what each built-in profile decides, syscall
# by syscall (sb-try-syscall), real programs under them, precedence of
# command-line rules, the no-flags default, and --explain, --export-bpf
# (fed to Debian's bwrap), --list-profiles, --syscalls.
. "$(dirname "$0")/../lib.sh"

TRY="$HELPERS/sb-try-syscall"
if [ ! -x "$TRY" ]; then
  echo "1..0 # SKIP sb-try-syscall not built ($TRY)"
  exit 0
fi
H="--ro-bind $HELPERS $HELPERS"
SRC=$(cd "$(dirname "$0")/../.." && pwd)

# A small project: the current directory of the profiles that bind it.
PROJ="$TMP/proj"
mkdir "$PROJ"
printf 'all: out.txt\nout.txt: in.txt\n\ttr a-z A-Z < in.txt > out.txt\n' >"$PROJ/Makefile"
echo hello >"$PROJ/in.txt"
printf '#include <stdio.h>\nint main(void)\n{\n  puts("hello from cc");\n  return 0;\n}\n' >"$PROJ/hello.c"
# The helper inside the project: runs without any filesystem option.
cp "$TRY" "$PROJ/"
# A home that must stay out of the default sandbox.
mkdir "$TMP/home"
echo secret >"$TMP/home/secret"

# in_proj CMD...: runs the sandbox from the project directory.
in_proj() {
  (cd "$PROJ" && "$SB" "$@") >"$TMP/out" 2>"$TMP/err"
  RC=$?
  OUT=$(cat "$TMP/out")
  ERR=$(cat "$TMP/err")
}

# decide LABEL "CASE=RESULT ..." OPTIONS...: runs every case in one helper
# inside the sandbox (from the project directory), one test per case.
decide() {
  label=$1 table=$2
  shift 2
  cases=""
  for kv in $table; do cases="$cases ${kv%%=*}"; done
  # shellcheck disable=SC2086
  in_proj "$@" $H -- "$TRY" $cases
  if [ "$RC" != 0 ] || [ -z "$OUT" ]; then
    not_ok "$label: the helper runs"
    diag "rc=$RC" "stderr: $ERR"
    return
  fi
  for kv in $table; do
    c=${kv%%=*} want=${kv#*=}
    got=$(printf '%s\n' "$OUT" | sed -n "s/^$c //p")
    expect_eq "$label: $c is $want" "$want" "$got"
  done
}

# ---- the kernel's own answers (base-fs has no syscall rules) ----
# What the filter's answers below are told apart from. (Not fsopen: without
# CAP_SYS_ADMIN the kernel itself says EPERM.)
KERNEL="clone3=EINVAL clone-newuser=EINVAL clone-newns=EINVAL clone-plain=EINVAL
unshare-user=EINVAL setns=EBADF ioctl-tiocsti=ENOTTY ioctl-tiocsti-hi=ENOTTY
ioctl-tioclinux=ENOTTY ioctl-tcgets=ENOTTY ioctl-fionread=OK mount=EFAULT umount=EFAULT
chroot=EFAULT open-tree=EFAULT keyctl=EOPNOTSUPP add-key=EFAULT perf=EFAULT
userfaultfd=EINVAL personality-norandom=OK personality-linux=OK socket-vsock=EINVAL
socket-alg=EINVAL socket-packet=EINVAL socket-unix=OK nr-999=ENOSYS nr-gap=ENOSYS
getppid=OK ptrace=ESRCH clock-settime=EINVAL fork=OK execve=OK thread=OK"
decide "kernel (base-fs)" "$KERNEL" --profile base-fs

# ---- the default-allow profiles: base-syscalls and what includes it ----
COMMON="clone3=ENOSYS clone-newuser=EPERM clone-newns=EPERM clone-newnet=EPERM
clone-newpid=EPERM clone-plain=EINVAL unshare-user=EPERM setns=EPERM
ioctl-tiocsti=EPERM ioctl-tiocsti-hi=EPERM ioctl-tioclinux=EPERM ioctl-tcgets=ENOTTY
ioctl-tiocgsid=ENOTTY ioctl-fionread=OK mount=EPERM umount=EPERM chroot=EPERM
fsopen=ENOSYS open-tree=ENOSYS keyctl=EPERM add-key=EPERM bpf=EPERM perf=EPERM
io_uring=ENOSYS userfaultfd=EPERM personality-norandom=EPERM personality-exec=EPERM
personality-linux=OK socket-vsock=EAFNOSUPPORT socket-alg=EAFNOSUPPORT
socket-packet=EAFNOSUPPORT socket-unix=OK socket-inet=OK socket-inet6=OK
socket-netlink=OK socketpair=OK nr-999=ENOSYS nr-gap=ENOSYS nr-x32=ENOSYS getppid=OK
getpid=OK uname=OK ptrace=ESRCH clock-settime=EPERM fork=OK execve=OK thread=OK"
decide "base-syscalls" "$COMMON" --profile base-fs --profile base-syscalls
decide "default" "$COMMON" --profile default
decide "net" "$COMMON" --profile net
decide "build" "$COMMON" --profile build
# desktop mounts a tmpfs on $HOME: give it one of its own (the nobody run
# has HOME=/). Set and restored by hand: "VAR=x function" is not portable.
REAL_HOME=$HOME
HOME="$TMP/home"
decide "desktop" "$COMMON" --profile desktop
HOME=$REAL_HOME

# ---- strict: an allow-list ----
STRICT="$SYS --bind $PROJ $PROJ --chdir $PROJ"
decide "strict" "clone3=ENOSYS clone-newuser=EPERM
clone-newns=EPERM clone-newnet=EPERM clone-newpid=EPERM clone-plain=EINVAL
unshare-user=EPERM setns=EPERM ioctl-tiocsti=EPERM ioctl-tiocsti-hi=EPERM
ioctl-tioclinux=EPERM ioctl-tcgets=ENOTTY ioctl-tiocgsid=EPERM ioctl-fionread=OK
mount=EPERM umount=EPERM chroot=EPERM fsopen=EPERM open-tree=EPERM keyctl=EPERM
add-key=EPERM bpf=EPERM perf=EPERM io_uring=ENOSYS userfaultfd=EPERM
personality-norandom=EPERM personality-exec=EPERM personality-linux=EPERM
socket-vsock=EPERM socket-alg=EPERM socket-packet=EPERM socket-unix=OK socket-inet=EPERM
socket-inet6=EPERM socket-netlink=EPERM socketpair=OK nr-999=ENOSYS nr-gap=ENOSYS
nr-x32=ENOSYS getppid=OK getpid=OK uname=OK ptrace=EPERM clock-settime=EPERM fork=OK
execve=OK thread=OK" --profile strict $STRICT

# ---- --syscall-arch x86: i386 syscalls (int 0x80) get every rule ----
# Every stacked program covers the added architecture: a stricter
# condition in the second program holds for i386 too, and socketcall,
# whose arguments the filter cannot see, gets the rule's strictest action.
if [ "$("$TRY" i386-getppid)" = "i386-getppid OK" ]; then
  decide "strict, no --syscall-arch" "i386-getppid=ENOSYS i386-socketcall-vsock=ENOSYS" \
    --profile strict $STRICT
  decide "strict + x86" "i386-getppid=OK i386-socket-vsock=EPERM i386-socketcall-vsock=EPERM
personality-norandom=EPERM personality-linux=OK i386-personality-norandom=EPERM
i386-personality-linux=OK" --profile strict $STRICT --syscall-arch x86 \
    --syscall 'personality allow' \
    --syscall 'personality errno(EPERM) if a0 & ADDR_NO_RANDOMIZE == ADDR_NO_RANDOMIZE'
  decide "default + x86" "i386-getppid=OK i386-statmount=ENOSYS i386-socket-vsock=EAFNOSUPPORT
i386-socketcall-vsock=EAFNOSUPPORT i386-personality-norandom=EPERM i386-personality-linux=OK" \
    --profile default --syscall-arch x86
else
  skip "--syscall-arch x86: no i386 syscalls from this process (not x86-64, or no ia32 emulation)"
fi

# ---- precedence: command-line order ----
decide "default + 'ioctl allow' loosens" "ioctl-tiocsti=ENOTTY ioctl-tiocsti-hi=ENOTTY mount=EPERM" \
  --profile default --syscall 'ioctl allow'
decide "default + 'getppid errno(EACCES)' tightens" "getppid=EACCES getpid=OK mount=EPERM" \
  --profile default --syscall 'getppid errno(EACCES)'
in_proj --syscall 'mount allow' --profile default $H -- "$TRY" mount getpid
expect_eq "a rule before the profile is replaced by it" "mount EPERM getpid OK" "$(echo $OUT)"
in_proj --profile default --syscall 'mount allow' $H -- "$TRY" mount getpid
expect_eq "a rule after the profile replaces its rule" "mount EFAULT getpid OK" "$(echo $OUT)"
in_proj --profile default --syscall 'ioctl allow' --syscall 'ioctl errno(EPERM) if a1 & 0xffffffff == TIOCSTI' $H -- "$TRY" ioctl-tiocsti ioctl-tiocsti-hi ioctl-tioclinux
expect_eq "a conditional rule adds an exception to the unconditional one" \
  "ioctl-tiocsti EPERM ioctl-tiocsti-hi EPERM ioctl-tioclinux ENOTTY" "$(echo $OUT)"
in_proj --syscall 'getppid errno(EACCES)' -- ./sb-try-syscall getppid mount
expect_eq "no fs option: default first, then the command line's rules" "getppid EACCES mount EPERM" "$(echo $OUT)"

# An allow-list from the command line: what is not allowed is EPERM,
# unknown numbers stay ENOSYS.
ALLOW="@default,@basic-io,@file-system,@io-event,@process,@signal,@timer,@resources,@ipc,getrandom,prctl,arch_prctl,set_tid_address,rseq,mmap,mprotect,munmap,brk,madvise,pipe2,ioctl allow"
in_proj $SYS $H --syscall-default 'errno(EPERM)' --syscall "$ALLOW" -- "$TRY" getpid uname fork thread socket-unix nr-999 ioctl-tiocsti
expect_eq "--syscall-default errno(EPERM) plus allow rules" \
  "getpid OK uname EPERM fork OK thread OK socket-unix EPERM nr-999 ENOSYS ioctl-tiocsti ENOTTY" "$(echo $OUT)"
in_proj $SYS $H --syscall-default 'errno(EACCES)' --syscall "$ALLOW" --syscall 'socket allow if a0 == AF_UNIX' -- "$TRY" uname socket-unix socket-inet
expect_eq "--syscall-default errno(EACCES), a conditional allow" \
  "uname EACCES socket-unix OK socket-inet EACCES" "$(echo $OUT)"

# ---- real programs ----
# programs LABEL OPTIONS...: a shell, a pipeline, make, cc, python3.
programs() {
  label=$1
  shift
  in_proj "$@" -- sh -c 'echo "$((6 * 7))"'
  expect_eq "$label: sh -c" "42" "$OUT"
  in_proj "$@" -- sh -c 'printf "b\na\nc\n" | sort | head -n 2 | tr "\n" " "'
  expect_eq "$label: a pipeline" "a b " "$OUT"
  if [ "$label" = strict ]; then
    # make 4.3 calls setresuid (to its own ids) before each recipe; strict
    # denies the set*id family.
    skip "$label: make (strict denies setresuid, which make calls)"
  elif [ -x /usr/bin/make ]; then
    rm -f "$PROJ/out.txt"
    in_proj "$@" -- make -s
    expect_eq "$label: make builds" "0 HELLO" "$RC $(cat "$PROJ/out.txt" 2>/dev/null)"
  else
    skip "$label: make not installed"
  fi
  if command -v cc >/dev/null; then
    rm -f "$PROJ/hello"
    in_proj "$@" -- sh -c 'cc -o hello hello.c && ./hello'
    expect_eq "$label: cc compiles and runs hello.c" "hello from cc" "$OUT$ERR"
  else
    skip "$label: no cc"
  fi
  if [ -x /usr/bin/python3 ]; then
    in_proj "$@" -- /usr/bin/python3 -c 'import os; print(sum(range(10)), os.getcwd())'
    expect_eq "$label: python3 -c" "45 $PROJ" "$OUT$ERR"
  else
    skip "$label: no /usr/bin/python3"
  fi
}
programs default --profile default
programs build --profile build
programs strict --profile strict $STRICT

# build: a cleared, fixed environment.
export SB_LEAK=1
in_proj --profile build -- sh -c 'echo "$HOME ${SB_LEAK-unset} $PATH $(hostname)"'
expect_eq "build: environment cleared and set" "/tmp unset /usr/local/bin:/usr/bin:/bin build" "$OUT"
unset SB_LEAK

# ---- no flags: the default profile ----
HOME="$TMP/home"
in_proj -- sh -c '
  grep "^Seccomp:" /proc/self/status
  tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | tr "\n" " "; echo
  pwd
  echo written >"$PWD/written" && echo writable
  test -e "$HOME/secret" && echo home-visible || echo home-hidden'
HOME=$REAL_HOME
expect_eq "no flags: runs" 0 "$RC"
expect_match "no flags: a seccomp filter (Seccomp: 2)" '^Seccomp:[[:space:]]+2$' "$(echo "$OUT" | sed -n 1p)"
expect_eq "no flags: no network interface but lo" "lo " "$(echo "$OUT" | sed -n 2p)"
expect_eq "no flags: the caller's cwd" "$PROJ" "$(echo "$OUT" | sed -n 3p)"
expect_eq "no flags: cwd is writable" "writable" "$(echo "$OUT" | sed -n 4p)"
expect_eq "no flags: the write reaches the host" "written" "$(cat "$PROJ/written" 2>/dev/null)"
expect_eq "no flags: \$HOME is not visible" "home-hidden" "$(echo "$OUT" | sed -n 5p)"
case "$PROJ/" in
"${HOME%/}"/*) skip "no flags: the caller's real \$HOME ($HOME) contains the cwd" ;;
*)
  in_proj -- sh -c 'test -e "$HOME" && echo visible || echo hidden'
  expect_eq "no flags: the caller's real \$HOME ($HOME) is not visible" "hidden" "$OUT"
  ;;
esac
# A home directory that is the cwd is visible: it is the cwd.
HOME="$PROJ"
in_proj -- sh -c 'test -e "$HOME/hello.c" && echo visible'
HOME=$REAL_HOME
expect_eq "no flags: \$HOME visible when it is the cwd" "visible" "$OUT"

# ---- --explain ----
P="$TMP/mine.profile"
printf '# mine\ninclude default\nsyscall getppid errno(EACCES)\n' >"$P"
rm -f "$TMP/marker"
in_proj --profile "$P" --explain -- touch "$TMP/marker"
expect_eq "--explain exits 0" 0 "$RC"
check "--explain runs nothing" test ! -e "$TMP/marker"
expect_match "--explain: my rule with its file:line" "^  getppid +errno\(EACCES\)  \[$P:3\]$" "$OUT"
expect_match "--explain: built-in rule with its file:line" '^  mount +errno\(EPERM\)  \[builtin:base-syscalls:[0-9]+\]$' "$OUT"
expect_match "--explain: built-in bind with its file:line" "^  bind $PROJ $PROJ  \[builtin:default:[0-9]+\]$" "$OUT"
expect_match "--explain: unknown syscalls" '^  unknown syscalls: errno\(ENOSYS\)' "$OUT"
line=$(printf '%s\n' "$OUT" | sed -n 's/^  mount .*\[builtin:base-syscalls:\([0-9]*\)\]$/\1/p')
if [ -f "$SRC/policies/base-syscalls.profile" ]; then
  expect_match "--explain: the built-in line is the @mount rule" '^syscall @mount ' \
    "$(sed -n "${line:-0}p" "$SRC/policies/base-syscalls.profile")"
else
  skip "--explain: the source tree is not here to check the built-in line"
fi
in_proj --explain -- touch "$TMP/marker"
expect_match "--explain with no flags shows the default profile" '\[builtin:default:[0-9]+\]' "$OUT"
check "--explain with no flags runs nothing" test ! -e "$TMP/marker"

# ---- --export-bpf, then Debian's bwrap ----
rm -f "$TMP/f.bpf"
in_proj --profile default --export-bpf "$TMP/f.bpf"
expect_eq "--export-bpf exits 0" 0 "$RC"
check "--export-bpf writes whole sock_filter instructions" \
  sh -c 'n=$(stat -c %s "$1"); [ "$n" -gt 0 ] && [ $((n % 8)) = 0 ]' sh "$TMP/f.bpf"
in_proj --profile base-fs --export-bpf "$TMP/none.bpf"
expect_eq "--export-bpf without rules: error" \
  "1 sandbox: --export-bpf: the plan has no syscall rules to export" "$RC $ERR"
# Init starts the command with a clone that shares its memory; a filter
# above the sandbox (a container's, an outer sandbox's) that refuses such
# clones must not keep the command from starting. (A caller's --seccomp
# applies to the command only, as bwrap's: the outer sandbox's here.)
printf 'syscall clone errno(EPERM) if a0 & CLONE_VM == CLONE_VM\n' >"$TMP/novm.profile"
in_proj --profile "$TMP/novm.profile" --export-bpf "$TMP/novm.bpf"
expect_eq "--export-bpf of a filter refusing clone(CLONE_VM)" 0 "$RC"
# (LeakSanitizer's exit-time tracer is a clone(CLONE_VM) too: in a
# sanitizer build, the filter refuses it, so no leak check here.)
# shellcheck disable=SC2086
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
  "$SB" --ro-bind / / --bind /proc /proc --dev /dev --seccomp 3 -- \
  "$SB" $SYS --unshare-pid -- sh -c 'echo started' 3<"$TMP/novm.bpf" >"$TMP/out" 2>"$TMP/err"
expect_eq "a filter refusing clone(CLONE_VM) above the sandbox: init falls back to fork" "0 started" \
  "$? $(cat "$TMP/out" "$TMP/err")"
if [ -x /usr/bin/bwrap ]; then
  # shellcheck disable=SC2086
  /usr/bin/bwrap --seccomp 3 $SYS --proc /proc --dev /dev $H -- "$TRY" \
    ioctl-tiocsti ioctl-tiocsti-hi mount clone-newuser clone3 nr-999 getpid fork \
    3<"$TMP/f.bpf" >"$TMP/out" 2>"$TMP/err"
  RC=$?
  if [ "$RC" != 0 ] && grep -q -i "namespace\|permission\|operation not permitted" "$TMP/err"; then
    skip "bwrap cannot create its sandbox here: $(cat "$TMP/err")"
  else
    expect_eq "bwrap --seccomp with our filter: the same decisions" \
      "ioctl-tiocsti EPERM ioctl-tiocsti-hi EPERM mount EPERM clone-newuser EPERM clone3 ENOSYS nr-999 ENOSYS getpid OK fork OK" \
      "$(cat "$TMP/out" "$TMP/err" | tr '\n' ' ' | sed 's/ $//')"
  fi
else
  skip "bwrap not installed (package bubblewrap)"
fi

# ---- intent-level lines in a profile ----
mkdir -p "$TMP/in" "$TMP/outdir" "$TMP/ihome"
echo data >"$TMP/in/f"
printf 'include default\nread %s\nwrite %s\nno-net\n' "$TMP/in" "$TMP/outdir" >"$TMP/intent.profile"
run_sb --profile "$TMP/intent.profile" -- sh -c "cat $TMP/in/f; echo w >$TMP/outdir/w; touch $TMP/in/x 2>/dev/null || echo ro; grep -c : /proc/net/dev"
expect_eq "profile lines read/write/no-net" "0 data ro 1" "$RC $(printf '%s' "$OUT" | tr '\n' ' ')"
check "profile line write: written" test -f "$TMP/outdir/w"
run_sb --profile "$TMP/intent.profile" --explain -- true
expect_match "--explain: read with its profile line" "ro-bind $TMP/in $TMP/in +\[$TMP/intent.profile:2\]" "$OUT"
expect_match "--explain: no-net with its profile line" "net +new +\[$TMP/intent.profile:4\]" "$OUT"
printf 'read in\n' >"$TMP/rel.profile"
run_sb --profile "$TMP/rel.profile" -- true
expect_eq "profile line read: a relative path is refused" \
  "1 sandbox: $TMP/rel.profile:1:1: error: --read takes an absolute path, got 'in'" "$RC $ERR"
HOME=$TMP/home-here run_sb --home "$TMP/ihome" -- sh -c 'echo $HOME; touch "$HOME/kept"'
expect_eq "--home: HOME unchanged, DIR on it" "0 $TMP/home-here" "$RC $OUT"
check "--home: what the command left is kept" test -f "$TMP/ihome/kept"

# ---- --list-profiles, --syscalls ----
run_sb --list-profiles
expect_eq "--list-profiles exits 0" 0 "$RC"
for p in default net build desktop strict; do
  expect_match "--list-profiles: $p, built in, with a description" "^$p +builtin +[A-Z][^ ]" "$OUT"
done
# Columns line up whatever the length of a path: the descriptions start
# in one column (a profile under a long XDG_CONFIG_HOME included).
mkdir -p "$TMP/a-rather-long-config-directory-name/sandbox/profiles"
printf 'description Mine, from a long path\n' \
  >"$TMP/a-rather-long-config-directory-name/sandbox/profiles/mine-with-a-long-name.profile"
XDG_CONFIG_HOME="$TMP/a-rather-long-config-directory-name" run_sb --list-profiles
cols=$(printf '%s\n' "$OUT" | awk '{ match($0, /  [A-Z][^ ]*( |$)/); print RSTART }' | sort -u)
expect_eq "--list-profiles: descriptions in one column" 1 "$(printf '%s\n' "$cols" | wc -l)"
expect_match "--list-profiles: the long one listed" "^mine-with-a-long-name +$TMP/" "$OUT"
run_sb --syscalls @mount
expect_eq "--syscalls @mount exits 0" 0 "$RC"
expect_match "--syscalls @mount lists mount" '^mount$' "$OUT"
expect_match "--syscalls @mount lists umount2" '^umount2$' "$OUT"
expect_nomatch "--syscalls @mount: nothing else" '^(getpid|read|open)$' "$OUT"
run_sb --syscalls @nosuch
expect_eq "--syscalls @nosuch: error" "1 sandbox: unknown syscall group '@nosuch'" "$RC $ERR"

done_testing
