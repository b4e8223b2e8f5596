#!/bin/sh
# --learn FILE: one run of a real program, watched, gives a profile that
# (a) lets the same command succeed, (b) makes a variant that touches one
# more file outside what the run used fail with ENOENT/EACCES, and (c)
# stays under a bound on its lines. Programs: a make + cc build, a Python
# script reading a config and writing an output, a shell pipeline, curl
# to a local server (names from a test hosts file given to the proxy, as
# network.sh does). Every run has a 60 s bound (timeout).
. "$(dirname "$0")/../lib.sh"

# A home of our own: the learning base shows the home read-only, and the
# user mode's HOME=/ names no home at all.
HOME="$TMP/home"
mkdir -p "$HOME"
export HOME
# The bound (c): directive lines (neither comment nor blank) of a learned
# profile for these small programs.
BOUND=12
T="timeout 60"

directives() { grep -cv '^[[:space:]]*\(#\|$\)' "$1"; }
have() { command -v "$1" >/dev/null 2>&1; }

# ---- refused before anything runs
run_sb --learn "$TMP/no/such/dir/p.profile" -- sh -c "touch '$TMP/ran'"
expect_match "--learn into a missing directory: refused" "Can't write in" "$ERR"
check "  and nothing ran" test ! -e "$TMP/ran"
run_sb --learn "$TMP/x.profile" --net-log "$TMP/log" -- true
expect_match "--learn with --net-log: refused" "keeps its own log" "$ERR"
check "  and no profile written" test ! -e "$TMP/x.profile"

run_sb --learn "$TMP/y.profile" --chdir "$TMP/no/such/dir" -- true
expect_match "set-up fails: no profile learned from nothing" "did not start; $TMP/y.profile not written" "$ERR"
check "  and none written" test ! -e "$TMP/y.profile"

# ---- the profile's own name, in the writable project: the command plants
# a symbolic link to one of the caller's files there; the profile replaces
# the name, and the file it pointed at stays as it was. (A hard link of a
# file outside the bind cannot be made: another mount, EXDEV.)
for how in symlink; do
  V="$TMP/victim-$how"
  W="$TMP/lw-$how"
  mkdir -p "$W"
  echo "the caller's own file" >"$V"
  plant="ln -sf '$V' app.profile"
  (cd "$W" && "$SB" --learn "$W/app.profile" --profile default --bind "$V" "$V" -- sh -c "$plant") >"$TMP/out" 2>"$TMP/err"
  expect_eq "a $how planted at the learned profile's name: the caller's file is unchanged, the name is the profile" \
    "the caller's own file regular file" "$(cat "$V") $(stat -c %F "$W/app.profile" | sed 's/regular empty file/regular file/')"
  expect_match "... which is the learned profile" "^# Learned by sandbox --learn" "$(head -n 1 "$W/app.profile")"
done

# ---- a Python script: reads config.ini, writes out/result.txt
if [ -x /usr/bin/python3 ]; then
  P="$TMP/py"
  mkdir -p "$P/out"
  printf 'name=learn\n' >"$P/config.ini"
  printf 'other=1\n' >"$P/other.ini"
  cat >"$P/app.py" <<'EOF'
import sys
cfg = open("config.ini").read()
with open("out/result.txt", "w") as f:
    f.write(cfg.upper())
for extra in sys.argv[1:]:
    open(extra).read()
EOF
  cd "$P"
  run_sb --learn "$TMP/py.profile" -- $T /usr/bin/python3 app.py
  expect_eq "python: the learning run succeeds" "0" "$RC"
  expect_eq "python: and did its work" "NAME=LEARN" "$(cat out/result.txt)"
  expect_match "python: stderr says where the profile went" "learned $TMP/py.profile: [0-9]+ lines" "$ERR"
  L=$(cat "$TMP/py.profile")
  expect_match "python: the config is read" "^read $P/config.ini +# read: openat by python3, 1x" "$L"
  expect_match "python: the output directory is written" "^write $P/out +# entries made or removed in it: openat by python3" "$L"
  expect_match "python: it includes a built-in" "^include system " "$L"
  expect_nomatch "python: nothing of the system listed" "^(read|write) /(usr|etc|lib)" "$L"
  n=$(directives "$TMP/py.profile")
  check "python: $n directive lines <= $BOUND" test "$n" -le "$BOUND"
  rm out/result.txt
  run_sb --profile "$TMP/py.profile" -- $T /usr/bin/python3 app.py
  expect_eq "python (a): the learned profile runs it" "0" "$RC"
  expect_eq "python (a): and it did its work" "NAME=LEARN" "$(cat out/result.txt 2>/dev/null)"
  run_sb --profile "$TMP/py.profile" -- $T /usr/bin/python3 app.py other.ini
  expect_match "python (b): one more file: ENOENT" "FileNotFoundError|PermissionError" "$ERR"
  check "python (b): and it fails" test "$RC" != 0
  run_sb --profile learn -- $T /usr/bin/python3 app.py other.ini
  expect_eq "python (b) control: the variant works under the learning base" "0" "$RC"
  run_sb --explain --profile "$TMP/py.profile" -- true
  expect_match "python: --explain shows each line's origin" "ro-bind $P/config.ini $P/config.ini +\[$TMP/py.profile:[0-9]+\]" "$OUT"
else
  skip "python: /usr/bin/python3 not installed"
fi

# ---- under a base of one's own (--profile BASE): the learned profile
# includes it, and what it already gives is no line
if [ -x /usr/bin/python3 ]; then
  cd "$TMP/py"
  run_sb --learn "$TMP/base.profile" --profile build -- $T /usr/bin/python3 app.py
  expect_eq "--profile build: the learning run succeeds" "0" "$RC"
  L=$(cat "$TMP/base.profile")
  expect_match "--profile build: the learned profile includes it" "^include build " "$L"
  expect_nomatch "--profile build: the project it binds is no line" "^(read|write) $TMP/py" "$L"
  run_sb --profile "$TMP/base.profile" -- $T /usr/bin/python3 app.py
  expect_eq "--profile build: the learned profile runs it" "0" "$RC"
else
  skip "--profile BASE: /usr/bin/python3 not installed"
fi

# ---- make + cc: a small C project, objects and program in build/
if have make && have cc; then
  C="$TMP/c"
  mkdir -p "$C/src" "$C/build"
  printf '#include <stdio.h>\n#include "util.h"\nint main(void) { printf("%%d\\n", twice(21)); return 0; }\n' >"$C/src/main.c"
  printf '#include "util.h"\nint twice(int x) { return 2 * x; }\n' >"$C/src/util.c"
  printf 'int twice(int x);\n' >"$C/src/util.h"
  printf 'notes\n' >"$C/notes.txt"
  printf 'build/hello: build/main.o build/util.o\n\t$(if $(EXTRA),cat $(EXTRA) >/dev/null)\n\tcc -o $@ build/main.o build/util.o\nbuild/%%.o: src/%%.c src/util.h\n\tcc -c -o $@ $<\nclean:\n\trm -f build/*\n' >"$C/Makefile"
  cd "$C"
  run_sb --learn "$TMP/c.profile" -- $T make
  expect_eq "make: the learning run builds" "0" "$RC"
  expect_eq "make: the program works" "42" "$(./build/hello)"
  L=$(cat "$TMP/c.profile")
  expect_match "make: the sources, folded into their directory" "^read $C/src +# 3 of its 3 entries read" "$L"
  expect_match "make: the build directory, written" "^write $C/build " "$L"
  expect_match "make: the Makefile" "^read $C/Makefile " "$L"
  n=$(directives "$TMP/c.profile")
  check "make: $n directive lines <= $BOUND" test "$n" -le "$BOUND"
  make -s clean
  run_sb --profile "$TMP/c.profile" -- $T make
  expect_eq "make (a): the learned profile builds it" "0" "$RC"
  expect_eq "make (a): the program works" "42" "$(./build/hello 2>&1)"
  make -s clean
  run_sb --profile "$TMP/c.profile" -- $T make EXTRA=notes.txt
  expect_match "make (b): one more file: ENOENT" "notes.txt: No such file or directory" "$ERR"
  check "make (b): and the build fails" test "$RC" != 0
  make -s clean
  run_sb --profile learn -- $T make EXTRA=notes.txt
  expect_eq "make (b) control: the variant builds under the learning base" "0" "$RC"
else
  skip "make: make or cc not installed"
fi

# ---- a shell pipeline
S="$TMP/sh"
mkdir -p "$S/out"
printf 'b\na\nb\n' >"$S/words.txt"
printf 'c\n' >"$S/extra.txt"
cd "$S"
PIPE='cat words.txt | tr a-z A-Z | sort | uniq -c >out/counts.txt'
run_sb --learn "$TMP/sh.profile" -- $T sh -c "$PIPE"
expect_eq "pipeline: the learning run succeeds" "0" "$RC"
L=$(cat "$TMP/sh.profile")
expect_match "pipeline: the input, read by cat" "^read $S/words.txt +# read: openat by cat" "$L"
expect_match "pipeline: the output directory" "^write $S/out " "$L"
n=$(directives "$TMP/sh.profile")
check "pipeline: $n directive lines <= $BOUND" test "$n" -le "$BOUND"
rm out/counts.txt
run_sb --profile "$TMP/sh.profile" -- $T sh -c "$PIPE"
expect_eq "pipeline (a): the learned profile runs it" "0" "$RC"
expect_match "pipeline (a): and it counted" "2 B" "$(cat out/counts.txt 2>/dev/null)"
run_sb --profile "$TMP/sh.profile" -- $T sh -c "cat words.txt extra.txt | sort >out/counts.txt"
expect_match "pipeline (b): one more file: ENOENT" "extra.txt: No such file or directory" "$ERR"

# ---- threads, fork, vfork (posix_spawn) and exec: each one's file is seen
if [ -x /usr/bin/python3 ]; then
  F="$TMP/procs"
  mkdir -p "$F"
  # (and files it does not read: no folding into the directory)
  for f in thread fork spawn a b c d e; do printf '%s\n' "$f" >"$F/$f.txt"; done
  cat >"$F/procs.py" <<'EOF'
import os, threading
t = threading.Thread(target=lambda: open("thread.txt").read())
t.start(); t.join()
pid = os.fork()
if pid == 0:
    open("fork.txt").read()
    os._exit(0)
os.waitpid(pid, 0)
# glibc's posix_spawn is clone(CLONE_VM|CLONE_VFORK): the parent waits
# while the child is held in a notification
pid = os.posix_spawn("/bin/cat", ["cat", "spawn.txt"], os.environ)
os.waitpid(pid, 0)
EOF
  cd "$F"
  run_sb --learn "$TMP/procs.profile" -- $T /usr/bin/python3 procs.py
  expect_eq "threads, fork, vfork: the learning run ends, and succeeds" "0" "$RC"
  expect_eq "  and the output is the program's" "spawn" "$OUT"
  L=$(cat "$TMP/procs.profile")
  expect_match "  a thread's open is seen" "^read $F/thread.txt " "$L"
  expect_match "  a forked child's open is seen" "^read $F/fork.txt " "$L"
  expect_match "  a vforked, exec'd child's open is seen" "^read $F/spawn.txt +# read: openat by cat" "$L"
else
  skip "threads, fork, vfork: /usr/bin/python3 not installed"
fi

# ---- names are the program's: a newline in one must not write lines into
# the learned profile (here: "net", the host's network); blanks, quotes,
# '$' and '#' must still name the file
if [ -x /usr/bin/python3 ]; then
  N="$TMP/names"
  mkdir -p "$N"
  cat >"$N/names.py" <<'EOF'
import sys
evil = "n\nnet\n#"
odd = 'a b"c$d#e'
print(open(evil).read() + open(odd).read())
EOF
  cd "$N"
  printf 'odd' >'a b"c$d#e'
  # (files it does not read: no folding into the directory)
  for f in 1 2 3 4; do printf '%s\n' "$f" >"$N/unread$f"; done
  printf '' >"n
net
#"
  run_sb --learn "$TMP/names.profile" -- $T /usr/bin/python3 names.py
  expect_eq "names: the learning run succeeds" "odd" "$OUT"
  L=$(cat "$TMP/names.profile")
  expect_nomatch "names: a newline in a name writes no line of the profile" "^net" "$L"
  expect_match "names: it is counted in a comment" "^# 1 path with a control character" "$L"
  run_sb --profile "$TMP/names.profile" -- $T /usr/bin/python3 -c "print(open('a b\"c\$d#e').read())"
  expect_eq "names: the odd name, quoted, names the file" "odd" "$OUT"
else
  skip "names: /usr/bin/python3 not installed"
fi

# ---- a link in the project (a cloned repository can ship one) to a file
# the base hides: the run reads nothing through it, and a "read" of the
# link would be a bind that follows it, on the host, to the secret
K="$TMP/links"
mkdir -p "$K" "$HOME/.ssh"
printf 'secret\n' >"$HOME/.ssh/id_test"
printf 'plain\n' >"$K/other.txt"
ln -s "$HOME/.ssh/id_test" "$K/data.txt"
cd "$K"
run_sb --learn "$TMP/links.profile" -- $T sh -c "cat other.txt; cat data.txt 2>/dev/null; true"
expect_eq "links: the learning run sees no secret through the link" "plain" "$OUT"
L=$(cat "$TMP/links.profile")
expect_nomatch "links: the link is not granted" "^read $K/data.txt" "$L"
expect_match "links: it is counted in a comment" "^# 1 path through a symbolic link" "$L"
run_sb --profile "$TMP/links.profile" -- $T sh -c "cat other.txt; cat data.txt 2>/dev/null; true"
expect_eq "links: nor does a run under the learned profile" "plain" "$OUT"

# ---- the watcher only observes: what the base refuses stays refused
cd "$TMP"
TRY="$HELPERS/sb-try-syscall"
if [ -x "$TRY" ]; then
  mkdir -p "$TMP/sc"
  cp "$TRY" "$TMP/sc/try"
  cd "$TMP/sc"
  run_sb --learn "$TMP/sc.profile" -- ./try unshare-user getppid
  expect_eq "observed: the base's EPERM (unshare) stands under --learn" "unshare-user EPERM
getppid OK" "$OUT"
  run_sb --learn "$TMP/sc.profile" --learn-syscalls -- ./try getppid clone-plain
  expect_eq "--learn-syscalls: the learning run" "getppid OK
clone-plain EINVAL" "$OUT"
  L=$(cat "$TMP/sc.profile")
  expect_match "--learn-syscalls: strict style" "^syscall-default errno\(EPERM\)" "$L"
  expect_match "--learn-syscalls: the syscalls used, allowed" "^syscall .*getppid.* allow" "$L"
  run_sb --profile "$TMP/sc.profile" -- ./try getppid clone-plain uname clone-newuser
  expect_eq "--learn-syscalls: used ones run, another is refused, the base's rules stay" "getppid OK
clone-plain EINVAL
uname EPERM
clone-newuser EPERM" "$OUT"
else
  skip "the watcher only observes: sb-try-syscall not built"
fi

# ---- curl to a local server, through the learning proxy
if [ -x /usr/bin/python3 ] && have curl; then
  WWW="$TMP/www"
  mkdir -p "$WWW"
  echo "hello learner" >"$WWW/hello.txt"
  cat >"$TMP/srv.py" <<'EOF'
import http.server, os, sys
os.chdir(sys.argv[1])
class H(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a): pass
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
srv.serve_forever()
EOF
  timeout 300 /usr/bin/python3 "$TMP/srv.py" "$WWW" "$TMP/port" &
  i=0
  while [ ! -s "$TMP/port" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
  HP=$(cat "$TMP/port" 2>/dev/null)
  printf '127.0.0.1 learn.test other.test\n' >"$TMP/hosts"
  SANDBOX_NET_HOSTS_FILE="$TMP/hosts"
  export SANDBOX_NET_HOSTS_FILE
  U="$TMP/curl"
  mkdir -p "$U/out"
  printf 'silent\n' >"$U/extra.cfg"
  cd "$U"
  CURL="curl -sS --max-time 10 -o out/page.txt"
  run_sb --learn "$TMP/curl.profile" -- $T $CURL "http://learn.test:$HP/hello.txt"
  expect_eq "curl: the learning run fetches the page" "hello learner" "$(cat out/page.txt 2>/dev/null)"
  L=$(cat "$TMP/curl.profile")
  expect_match "curl: the host and port it asked for, by name" "^net-allow learn.test:$HP +# asked of the proxy \(http\), 1x" "$L"
  expect_match "curl: the output directory" "^write $U/out " "$L"
  n=$(directives "$TMP/curl.profile")
  check "curl: $n directive lines <= $BOUND" test "$n" -le "$BOUND"
  rm -f out/page.txt
  run_sb --profile "$TMP/curl.profile" -- $T $CURL "http://learn.test:$HP/hello.txt"
  expect_eq "curl (a): the learned profile fetches it" "hello learner" "$(cat out/page.txt 2>/dev/null)"
  run_sb --profile "$TMP/curl.profile" -- $T $CURL -K extra.cfg "http://learn.test:$HP/hello.txt"
  check "curl (b): one more file (a config): curl fails" test "$RC" != 0
  run_sb --profile "$TMP/curl.profile" -- cat extra.cfg
  expect_match "curl (b): that file is ENOENT there" "extra.cfg: No such file or directory" "$ERR"
  rm -f out/page.txt
  run_sb --learn "$TMP/ctl.profile" -- $T $CURL -K extra.cfg "http://learn.test:$HP/hello.txt"
  expect_eq "curl (b) control: the variant works in a learning run" "hello learner" "$(cat out/page.txt 2>/dev/null)"
  run_sb --profile "$TMP/curl.profile" -- $T curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "http://other.test:$HP/hello.txt"
  expect_eq "curl: another name is refused by the proxy" "403" "$OUT"
else
  skip "curl: /usr/bin/python3 or curl not installed"
fi

done_testing
