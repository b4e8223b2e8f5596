#!/bin/sh
# Filesystem options, applied in command-line order inside the new root.
. "$(dirname "$0")/../lib.sh"

mkdir -p "$TMP/src/sub" "$TMP/rw"
echo hello >"$TMP/src/file"
echo data >"$TMP/rw/file"

# --bind
run_sb $SYS --bind "$TMP/src" /mnt -- cat /mnt/file
expect_eq "--bind: content visible" "0 hello" "$RC $OUT"
run_sb $SYS --bind "$TMP/rw" /mnt -- sh -c 'echo new >/mnt/created'
expect_eq "--bind: writes reach the host" "0 new" "$RC $(cat "$TMP/rw/created" 2>/dev/null)"
run_sb $SYS --bind "$TMP/src/file" /a/b/file -- cat /a/b/file
expect_eq "--bind: a file onto a new path" "0 hello" "$RC $OUT"

# --bind-try
run_sb $SYS --bind-try "$TMP/missing" /mnt -- sh -c 'test -e /mnt && echo exists || echo absent'
expect_eq "--bind-try: missing source skipped" "0 absent" "$RC $OUT"
run_sb $SYS --bind-try "$TMP/src" /mnt -- cat /mnt/file
expect_eq "--bind-try: present source bound" "0 hello" "$RC $OUT"

# --ro-bind
run_sb $SYS --ro-bind "$TMP/rw" /mnt -- sh -c 'cat /mnt/file; echo x >/mnt/file'
expect_eq "--ro-bind: readable" "data" "$OUT"
expect_match "--ro-bind: write fails with EROFS" 'Read-only file system' "$ERR"
expect_eq "--ro-bind: host file unchanged" data "$(cat "$TMP/rw/file")"
run_sb $SYS --ro-bind-try "$TMP/missing" /mnt -- sh -c 'test -e /mnt && echo exists || echo absent'
expect_eq "--ro-bind-try: missing source skipped" "0 absent" "$RC $OUT"
run_sb $SYS --ro-bind-try "$TMP/rw" /mnt -- sh -c 'cat /mnt/file; touch /mnt/x'
expect_eq "--ro-bind-try: present source bound" "data" "$OUT"
expect_match "--ro-bind-try: read-only" 'Read-only file system' "$ERR"

# Read-only is recursive: a submount under the source is read-only too.
# The submount is made by an outer sandbox (a writable tmpfs on
# $TMP/rw/sub), the inner one ro-binds $TMP/rw.
cp "$SB" "$TMP/sb"
run_sb $SYS --ro-bind "$TMP/sb" /sb --bind "$TMP/rw" "$TMP/rw" --tmpfs "$TMP/rw/sub" --proc /proc --dev /dev -- \
  sh -c "touch $TMP/rw/sub/ok && /sb $SYS --ro-bind $TMP/rw /r -- sh -c 'ls /r/sub; touch /r/sub/x'"
expect_eq "recursive ro: submount visible" ok "$OUT"
expect_match "recursive ro: submount is read-only" 'Read-only file system' "$ERR"

# Device nodes.
run_sb $SYS --dev-bind /dev /dev -- sh -c 'echo x >/dev/null && echo ok'
expect_eq "--dev-bind: /dev/null usable" "0 ok" "$RC $OUT"
run_sb $SYS --dev-bind-try /dev /dev -- sh -c 'echo x >/dev/null && echo ok'
expect_eq "--dev-bind-try: /dev/null usable" "0 ok" "$RC $OUT"
run_sb $SYS --dev-bind-try /nonexistent-dev /dev -- sh -c 'test -e /dev/null && echo present || echo absent'
expect_eq "--dev-bind-try: missing source skipped" "0 absent" "$RC $OUT"
run_sb $SYS --bind /dev /dev -- sh -c 'echo x >/dev/null'
expect_match "--bind of /dev is nodev" 'Permission denied' "$ERR"
run_sb $SYS --proc /proc --bind "$TMP/rw" /mnt -- sh -c 'grep " /mnt " /proc/self/mountinfo'
expect_match "--bind adds nosuid,nodev" ' /mnt [^ ]*nosuid' "$OUT"

# A mount on / itself, then more on top: the idiom of tools that start
# from the host's tree (--ro-bind / / --bind PROJECT PROJECT --proc /proc).
# Later destinations resolve in the new top mount, not the covered root.
run_sb --ro-bind / / --bind "$TMP/rw" "$TMP/rw" -- sh -c "echo top >'$TMP/rw/over-root'"
expect_eq "--ro-bind / / then --bind: the bind is there and writable" "0 top" \
  "$RC $(cat "$TMP/rw/over-root" 2>/dev/null)"
run_sb --ro-bind / / --unshare-pid --proc /proc --tmpfs "$TMP" -- \
  sh -c 'p=$(readlink /proc/self); [ "$p" -lt 100 ] && echo own-proc; ls -A "$1" | wc -l' sh "$TMP"
expect_eq "--ro-bind / / then --proc, --tmpfs: both on top (the new pid namespace's /proc, an empty tmpfs)" \
  "0 own-proc 0" "$RC $(echo $OUT)"
run_sb --ro-bind "$TMP/src" / --ro-bind / / -- sh -c 'cat "$1/src/file"; test -e /file || echo absent' sh "$TMP"
expect_eq "two mounts on / in a row: the second is on top" "0 hello absent" "$RC $(echo $OUT)"

# --protect: read-only where present (file or tree); a missing entry is an
# empty read-only directory while the sandbox runs, gone after it when the
# sandbox ends with its command (--kill-leftovers, any profile).
mkdir -p "$TMP/pr/sub"
echo keep >"$TMP/pr/file"
run_sb $SYS --kill-leftovers --bind "$TMP/pr" /w --protect /w/sub --protect /w/file --protect /w/missing -- \
  sh -c 'touch /w/sub/x 2>/dev/null || echo sub-ro; (echo y >>/w/file) 2>/dev/null || echo file-ro; touch /w/missing/x 2>/dev/null || echo missing-ro; touch /w/ok && echo rest-rw'
expect_eq "--protect: the tree, the file and a missing entry read-only, the rest writable" \
  "0 sub-ro file-ro missing-ro rest-rw" "$RC $(echo $OUT)"
expect_eq "--protect: the host file is unchanged, the placeholder gone" "keep file ok sub" \
  "$(cat "$TMP/pr/file") $(ls -A "$TMP/pr" | tr '\n' ' ' | sed 's/ $//')"
rm -f "$TMP/pr/ok"
run_sb $SYS --protect sub/x -- true
expect_eq "--protect: a relative path is an error" \
  "1 sandbox: --protect takes an absolute path or a name, got 'sub/x'" "$RC $ERR"
(cd "$TMP/pr" && "$SB" --protect "$TMP/pr/sub" -- sh -c 'touch ok2 && echo cwd-rw; touch sub/x 2>/dev/null || echo sub-ro; grep -c "^Seccomp:.2" /proc/self/status') >"$TMP/out" 2>&1
expect_eq "--protect alone: the default profile still applies (cwd writable, a filter)" \
  "cwd-rw sub-ro 1" "$(echo $(cat "$TMP/out"))"

# --remount-ro
run_sb $SYS --bind "$TMP/rw" /mnt --remount-ro /mnt -- touch /mnt/y
expect_match "--remount-ro: writes fail" 'Read-only file system' "$ERR"
expect_eq "--remount-ro: nothing created" no "$(test -e "$TMP/rw/y" && echo yes || echo no)"

# --proc
run_sb --unshare-pid $SYS --proc /proc -- sh -c 'cat /proc/1/comm; echo $$'
expect_eq "--proc with --unshare-pid: pid 1 is init, command pid 2" "sandbox 2" "$(echo $OUT)"
run_sb $SYS --proc /proc -- sh -c 'test -d /proc/self/fd && echo ok'
expect_eq "--proc without pid ns works" ok "$OUT"

host_core=$(cat /proc/sys/kernel/core_pattern)
for pidns in "" --unshare-pid; do
  run_sb $pidns $SYS --proc /proc -- sh -c 'echo "|/sbtest-should-not-be-set" >/proc/sys/kernel/core_pattern'
  now=$(cat /proc/sys/kernel/core_pattern)
  if [ "$now" != "$host_core" ]; then
    printf '%s\n' "$host_core" >/proc/sys/kernel/core_pattern 2>/dev/null
    not_ok "--proc ${pidns:-(host proc)}: /proc/sys/kernel/core_pattern not writable"
    diag "core_pattern was changed to [$now]; restored"
  elif [ "$RC" = 0 ]; then
    not_ok "--proc ${pidns:-(host proc)}: /proc/sys/kernel/core_pattern not writable"
    diag "write reported success"
  else
    ok "--proc ${pidns:-(host proc)}: /proc/sys/kernel/core_pattern not writable"
  fi
done

# A root caller's host-global /proc entries that exist are covered
# read-only (its uid 0 could write them); an unprivileged caller's are not
# (it cannot write them, and covers would lock nested procfs mounts): bwrap's
# rule, with /proc/sys judged by a knob inside it.
for pidns in "" --unshare-pid; do
  for e in sys sysrq-trigger irq bus; do
    [ -e "/proc/$e" ] || continue
    run_sb $pidns $SYS --proc /proc -- grep " /proc/$e " /proc/self/mountinfo
    if is_root; then
      expect_match "--proc ${pidns:-(host proc)}: root caller: /proc/$e read-only" " /proc/$e ro," "$OUT"
    else
      expect_eq "--proc ${pidns:-(host proc)}: unprivileged caller: /proc/$e not covered" "" "$OUT"
    fi
  done
done

# Nested sandboxes mount a fresh /proc of their own (as under bwrap): an
# unprivileged caller's nested user+pid namespace may; a root caller's
# covers refuse it, as bwrap's do.
NEST="--ro-bind / / --dev /dev --unshare-user --unshare-pid --proc /proc"
if command -v unshare >/dev/null; then
  run_sb $NEST -- unshare -Urpf --mount-proc sh -c 'echo "pid $$"'
  if is_root; then
    expect_match "nested unshare --mount-proc: refused under a root caller's covers (bwrap too)" \
      "mount /proc failed" "$ERR"
  else
    expect_eq "nested unshare --mount-proc works" "0 pid 1" "$RC $OUT"
  fi
fi
# nested LABEL INNER...: INNER runs in the sandbox below a shell whose
# command line carries a marker; the inner /proc must be fresh: it mounts,
# and no process of the outer sandbox (the marked shell) shows in it.
nested() {
  label=$1
  shift
  run_sb $NEST -- sh -c '"$@"; exit $?' sbouter-marker "$@" \
    sh -c 'cat /proc/[0-9]*/cmdline | tr "\0" " "; echo; echo "procs $(ls -d /proc/[0-9]* | wc -l)"'
  if [ "$RC" = 0 ] && ! printf '%s\n' "$OUT" | grep -q sbouter-marker &&
    printf '%s\n' "$OUT" | grep -Eq '^procs [1-9]$'; then
    ok "$label with a fresh /proc: only its own processes"
  else
    not_ok "$label with a fresh /proc: only its own processes"
    diag "rc=$RC" "out: $OUT" "err: $ERR"
  fi
}
cp "$SB" "$TMP/sandbox-nested"
ln -s "$TMP/sandbox-nested" "$TMP/bwrap"
INNER="--ro-bind / / --dev /dev --unshare-pid --proc /proc --"
# shellcheck disable=SC2086
nested "sandbox in sandbox" "$TMP/sandbox-nested" $INNER
# shellcheck disable=SC2086
nested "sandbox as bwrap in sandbox" "$TMP/bwrap" $INNER
if command -v bwrap >/dev/null; then
  # shellcheck disable=SC2086
  nested "bwrap in sandbox" bwrap $INNER
else
  skip "bwrap in sandbox: bwrap not installed"
fi

# Set-up modes ignore the caller's umask; the command gets it back.
run_sb_umask() { (umask 077 && run_sb "$@" && printf '%s\n' "$OUT" >"$TMP/out2"); OUT=$(cat "$TMP/out2"); }
run_sb_umask $SYS --tmpfs /t --dir /d --bind "$TMP/src" /a/b -- sh -c 'stat -c %a /t /d /a; umask'
expect_eq "umask 077: set-up modes as asked, command's umask restored" "755 755 755 0077" "$(echo $OUT)"

run_sb $SYS --remount-ro / -- touch /x
expect_match "--remount-ro /: the root is read-only" 'Read-only file system' "$ERR"

# --dev
run_sb $SYS --dev /dev -- sh -c 'cd /dev && ls -A | sort | tr "\n" " "'
expect_eq "--dev: entries" "core fd full null ptmx pts random shm stderr stdin stdout tty urandom zero " "$OUT"
run_sb $SYS --dev /dev -- sh -c 'for l in stdin stdout stderr fd ptmx core; do echo "$l=$(readlink /dev/$l)"; done'
expect_eq "--dev: symlinks" "stdin=/proc/self/fd/0 stdout=/proc/self/fd/1 stderr=/proc/self/fd/2 fd=/proc/self/fd ptmx=pts/ptmx core=/proc/kcore" "$(echo $OUT)"
run_sb $SYS --dev /dev -- sh -c 'for n in null zero full random urandom tty; do test -c /dev/$n && echo -n "$n "; done'
expect_eq "--dev: character devices" "null zero full random urandom tty " "$OUT"
run_sb $SYS --dev /dev -- sh -c 'echo x >/dev/null && head -c 3 /dev/zero | od -An -tx1 && head -c 8 /dev/urandom | wc -c && /bin/echo x >/dev/full'
expect_eq "--dev: null, zero, urandom usable" "00 00 00 8" "$(echo $OUT)"
expect_match "--dev: /dev/full gives ENOSPC" 'No space left on device' "$ERR"
run_sb $SYS --dev /dev -- sh -c 'stat -f -c %T /dev/pts; stat -c %F /dev/shm; stat -c %a /dev; test -c /dev/pts/ptmx && echo ptmx'
expect_eq "--dev: devpts, shm dir, mode, ptmx" "devpts directory 755 ptmx" "$(echo $OUT)"
run_sb $SYS --proc /proc --dev /dev -- sh -c 'grep " /dev/pts " /proc/self/mountinfo'
expect_match "--dev: private devpts instance" 'devpts [^ ]+ [^ ]*ptmxmode=0?666' "$OUT"
run_sb $SYS --proc /proc --dev /dev -- sh -c 'echo x >/dev/stdout'
expect_eq "--dev: /dev/stdout usable" x "$OUT"

# /dev/console: bound from the tty on stdout, only when there is one.
if command -v script >/dev/null && script -qec true /dev/null >/dev/null 2>&1; then
  script -qec "\"$SB\" $SYS --dev /dev -- sh -c 'test -c /dev/console && echo hi >/dev/console && echo console-ok'" \
    /dev/null </dev/null >"$TMP/tty-out" 2>&1
  expect_match "--dev with a tty on stdout: /dev/console usable" 'console-ok' "$(cat "$TMP/tty-out")"
else
  skip "script (util-linux) cannot allocate a pty here"
fi

# --tmpfs
run_sb $SYS --tmpfs /t -- sh -c 'ls -A /t | wc -l; echo hi >/t/f && cat /t/f; stat -c %a /t; stat -f -c %T /t'
expect_eq "--tmpfs: empty, writable, 755, tmpfs" "0 hi 755 tmpfs" "$(echo $OUT)"
run_sb $SYS --perms 0700 --tmpfs /t -- stat -c %a /t
expect_eq "--perms before --tmpfs" 700 "$OUT"
run_sb $SYS --size 1048576 --tmpfs /t -- sh -c 'echo $(( $(stat -f -c "%b * %S" /t) ))'
expect_eq "--size before --tmpfs" 1048576 "$OUT"
run_sb $SYS --size 2097152 --perms 1777 --tmpfs /t -- sh -c 'echo $(( $(stat -f -c "%b * %S" /t) )) $(stat -c %a /t)'
expect_eq "--size and --perms combined" "2097152 1777" "$OUT"
run_sb $SYS --tmpfs /t --tmpfs /u -- sh -c 'echo x >/t/f; ls -A /u | wc -l'
expect_eq "--size/--perms apply to one --tmpfs only; separate instances" "0" "$OUT"

# --mqueue
run_sb --unshare-ipc $SYS --mqueue /dev/mqueue -- stat -f -c %T /dev/mqueue
expect_eq "--mqueue: an mqueue fs" "0 mqueue" "$RC $OUT"

# --dir
run_sb $SYS --dir /a/b -- sh -c 'stat -c %a /a /a/b'
expect_eq "--dir: created with 0755" "755 755" "$(echo $OUT)"
run_sb $SYS --perms 0700 --dir /d -- stat -c %a /d
expect_eq "--perms before --dir" 700 "$OUT"
run_sb $SYS --perms 0750 --dir /p/q -- stat -c '%a' /p /p/q
expect_eq "--perms: parents lose the bits the mode lacks" "750 750" "$(echo $OUT)"
run_sb $SYS --perms 0700 --dir /p/q -- stat -c '%a' /p /p/q
expect_eq "--perms 0700: parents 0700" "700 700" "$(echo $OUT)"
run_sb $SYS --tmpfs /t --perms 0700 --dir /t -- stat -c %a /t
expect_eq "--dir on an existing dir keeps its mode" 755 "$OUT"

# --symlink
run_sb $SYS --symlink usr/bin /mybin -- sh -c 'readlink /mybin; test -x /mybin/sh && echo ok'
expect_eq "--symlink: created and resolves" "usr/bin ok" "$(echo $OUT)"
run_sb $SYS --symlink /a /l --symlink /a /l -- readlink /l
expect_eq "--symlink: same target repeated is fine" "0 /a" "$RC $OUT"
run_sb $SYS --symlink /a /l --symlink /b /l -- true
expect_eq "--symlink: different target exits 1" 1 "$RC"
expect_eq "--symlink: different target message" "sandbox: Can't make symlink at /l: existing destination is /a" "$ERR"
run_sb $SYS --dir /l --symlink /b /l -- true
expect_eq "--symlink over a dir" "1 sandbox: Can't make symlink at /l: destination exists and is not a symlink" "$RC $ERR"

# --chmod
run_sb $SYS --tmpfs /t --chmod 0700 /t -- stat -c %a /t
expect_eq "--chmod" 700 "$OUT"
run_sb $SYS --bind "$TMP/rw" /mnt --chmod 0640 /mnt/file -- stat -c %a /mnt/file
expect_eq "--chmod on a bound file" 640 "$OUT"
run_sb $SYS --chmod 0700 /nonexistent -- true
expect_eq "--chmod of a missing path" "1 sandbox: Can't chmod 0700 /nonexistent: No such file or directory" "$RC $ERR"

# --perms/--size ordering errors.
run_sb $SYS --perms 0700 --bind /usr /x -- true
expect_eq "--perms then --bind" "1 sandbox: --perms must be followed by an option that creates a file" "$RC $ERR"
run_sb $SYS --size 1000 --dir /x -- true
expect_eq "--size then --dir" "1 sandbox: --size must be followed by --tmpfs" "$RC $ERR"
run_sb $SYS --perms 0700 --size 1000 --dir /x -- true
expect_eq "--perms --size --dir fails on --size" "1 sandbox: --size must be followed by --tmpfs" "$RC $ERR"
run_sb $SYS --perms 0700 --perms 0700 --tmpfs /x -- true
expect_eq "--perms twice" "1 sandbox: --perms given twice for the same action" "$RC $ERR"
run_sb $SYS --size 1 --size 1 --tmpfs /x -- true
expect_eq "--size twice" "1 sandbox: --size given twice for the same action" "$RC $ERR"
run_sb $SYS --perms 8 --tmpfs /x -- true
expect_eq "--perms not octal" "1 sandbox: --perms takes an octal argument <= 07777" "$RC $ERR"
run_sb $SYS --perms 10000 --tmpfs /x -- true
expect_eq "--perms too big" "1 sandbox: --perms takes an octal argument <= 07777" "$RC $ERR"
run_sb $SYS --size 0 --tmpfs /x -- true
expect_eq "--size 0" "1 sandbox: --size takes a non-zero number of bytes" "$RC $ERR"
run_sb $SYS --size abc --tmpfs /x -- true
expect_eq "--size junk" "1 sandbox: --size takes a non-zero number of bytes" "$RC $ERR"
run_sb $SYS --chmod 9 /x -- true
expect_eq "--chmod not octal" "1 sandbox: --chmod takes an octal argument <= 07777" "$RC $ERR"

# Ordering.
run_sb $SYS --tmpfs /mnt --bind "$TMP/src" /mnt -- cat /mnt/file
expect_eq "a later --bind over an earlier --tmpfs wins" "0 hello" "$RC $OUT"
run_sb $SYS --bind "$TMP/src" /mnt --tmpfs /mnt -- sh -c 'ls -A /mnt | wc -l'
expect_eq "a later --tmpfs hides an earlier bind" "0 0" "$RC $OUT"
run_sb $SYS --tmpfs /mnt --dir /mnt/d --bind "$TMP/src" /mnt/d -- cat /mnt/d/file
expect_eq "binds nest inside an earlier tmpfs" "0 hello" "$RC $OUT"
run_sb $SYS --ro-bind "$TMP/rw" /mnt --tmpfs /mnt/sub -- sh -c 'touch /mnt/sub/x && echo ok'
expect_eq "a tmpfs inside a ro bind is writable" "0 ok" "$RC $OUT"
# Destinations sharing a parent reuse it; a later mount over that parent
# (or an ancestor) must be seen by the binds after it.
run_sb $SYS --dir /x/y --bind "$TMP/src" /x/y/1 --tmpfs /x --bind "$TMP/src" /x/y/2 \
  --tmpfs /x/y --bind "$TMP/src" /x/y/3 --bind "$TMP/src" /x/y/4 -- sh -c 'echo $(ls /x/y)'
expect_eq "binds after a tmpfs over their parent land in it" "0 3 4" "$RC $OUT"

# Destinations resolve inside the new root: a symlink (absolute, relative
# with "..", or planted in a bound host directory) never leads a mkdir or a
# mount onto the host.
mkdir -p "$TMP/esc/host" "$TMP/esc/bound"
ln -s "$TMP/esc/host" "$TMP/esc/bound/abs"
ln -s "../../../../../../../../../..$TMP/esc/host" "$TMP/esc/bound/rel"
run_sb $SYS --symlink "$TMP/esc/host" /l --bind "$TMP/src" /l/a --bind "$TMP/src" /l/b -- true
expect_eq "absolute symlink, target missing inside: fails" 1 "$RC"
run_sb $SYS --dir "$TMP/esc/host" --symlink "$TMP/esc/host" /l --bind "$TMP/src" /l/a/b \
  --bind "$TMP/src" /l/a/c -- sh -c "echo \$(ls $TMP/esc/host/a)"
expect_eq "absolute symlink: binds land inside the root" "0 b c" "$RC $OUT"
run_sb $SYS --dir "$TMP/esc/host" --bind "$TMP/esc/bound" /b --bind "$TMP/src" /b/abs/x \
  --bind "$TMP/src" /b/rel/y --dir /b/rel/z/w -- sh -c "echo \$(ls $TMP/esc/host)"
expect_eq "symlinks planted in a bound directory resolve inside the root" "0 x y z" "$RC $OUT"
expect_eq "nothing was created on the host" "" "$(ls -A "$TMP/esc/host")"

done_testing
