#!/bin/sh
# --profile desktop with real components: a dbus-daemon of the test's own
# with stand-in services (org.freedesktop.systemd1 among them) that record
# every call they get, xdg-dbus-proxy between it and the sandbox, a
# headless Weston and Xvfb. Then: the app's persistent home, and no proxy
# left behind whatever way the sandbox ends.
. "$(dirname "$0")/../lib.sh"

PY=/usr/bin/python3
for t in xdg-dbus-proxy dbus-daemon gdbus "$PY"; do
  if ! command -v "$t" >/dev/null 2>&1; then
    echo "1..0 # SKIP $t not installed"
    exit 0
  fi
done
have() { command -v "$1" >/dev/null 2>&1; }
# (A Landlock that scopes abstract sockets, ABI 6: without it a sandbox
# sharing the host's network reaches every abstract socket of the host.)
scoped=false
"$SB" --check 2>/dev/null | grep -q 'abstract sockets' && scoped=true

# wait_for COND...: until COND succeeds, for at most 60 s.
wait_for() {
  i=0
  while ! "$@"; do
    i=$((i + 1))
    [ $i -ge 600 ] && return 1
    sleep 0.1
  done
}

# The caller's session, as a desktop has it: a home, a runtime directory.
HOME=$TMP/home
XDG_RUNTIME_DIR=$TMP/rt
mkdir -p "$HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
export HOME XDG_RUNTIME_DIR
unset DISPLAY XAUTHORITY WAYLAND_DISPLAY DBUS_SYSTEM_BUS_ADDRESS

# ---- a session bus of our own, with recording stand-ins on it
cat >"$TMP/standin.py" <<'EOF'
# standin.py ADDRESS LOG READY NAME...: a D-Bus service in plain Python
# (no binding needed) that owns the NAMEs on the bus at ADDRESS
# (unix:path= or unix:abstract=), answers every method call with an empty
# reply and appends "DEST IFACE.MEMBER PATH" to LOG for each, before
# anything else; writes READY once it owns the names.
import os, socket, struct, sys

addr, log, ready, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
kv = dict(x.split("=", 1) for x in addr.split(";")[0].split(":", 1)[1].split(","))
s = socket.socket(socket.AF_UNIX)
s.connect(kv["path"] if "path" in kv else "\0" + kv["abstract"])
s.sendall(b"\0AUTH EXTERNAL " + str(os.getuid()).encode().hex().encode() + b"\r\n")
buf = b""
while b"\r\n" not in buf:
    buf += s.recv(4096)
if not buf.startswith(b"OK"):
    sys.exit("auth refused: %r" % buf)
s.sendall(b"BEGIN\r\n")
buf = b""
serial = 0

def pad(b, n):
    return b + b"\0" * (-len(b) % n)

def string(v):
    b = v.encode()
    return struct.pack("<I", len(b)) + b + b"\0"

def send(mtype, fields, sig="", body=b""):
    global serial
    serial += 1
    hdr = b""
    for code, (t, v) in fields.items():
        hdr = pad(hdr, 8) + bytes([code, 1]) + t.encode() + b"\0"
        if t in "so":
            hdr = pad(hdr, 4) + string(v)
        elif t == "u":
            hdr = pad(hdr, 4) + struct.pack("<I", v)
    if sig:
        hdr = pad(hdr, 8) + bytes([8, 1]) + b"g\0" + bytes([len(sig)]) + sig.encode() + b"\0"
    msg = struct.pack("<cBBBIII", b"l", mtype, 0, 1, len(body), serial, len(hdr))
    s.sendall(pad(msg + hdr, 8) + body)
    return serial

def bus_call(member, sig="", body=b""):
    return send(1, {1: ("o", "/org/freedesktop/DBus"), 2: ("s", "org.freedesktop.DBus"),
                    3: ("s", member), 6: ("s", "org.freedesktop.DBus")}, sig, body)

def recv():
    global buf
    while True:
        if len(buf) >= 16:
            blen, flen = struct.unpack_from("<I", buf, 4)[0], struct.unpack_from("<I", buf, 12)[0]
            total = 16 + flen + (-(16 + flen) % 8) + blen
            if len(buf) >= total:
                m, buf = buf[:total], buf[total:]
                return m
        d = s.recv(65536)
        if not d:
            sys.exit(0)
        buf += d

def parse(m):
    ser, flen = struct.unpack_from("<II", m, 8)
    f, at, end = {}, 16, 16 + flen
    while at < end:
        at += -at % 8
        code, slen = m[at], m[at + 1]
        t = chr(m[at + 2])
        at += 2 + slen + 1
        if t in "so":
            at += -at % 4
            n = struct.unpack_from("<I", m, at)[0]
            f[code] = m[at + 4:at + 4 + n].decode()
            at += 4 + n + 1
        elif t == "g":
            f[code] = m[at + 1:at + 1 + m[at]].decode()
            at += 1 + m[at] + 1
        elif t == "u":
            at += -at % 4
            f[code] = struct.unpack_from("<I", m, at)[0]
            at += 4
    return m[1], m[2], ser, f

pending = {bus_call("Hello")}
for n in names:
    pending.add(bus_call("RequestName", "su", pad(string(n), 4) + struct.pack("<I", 4)))
while pending:
    mtype, flags, ser, f = parse(recv())
    if mtype in (2, 3) and f.get(5) in pending:
        if mtype == 3:
            sys.exit("refused: %s" % f.get(4))
        pending.discard(f[5])
with open(ready, "w") as r:
    r.write("ready\n")
while True:
    mtype, flags, ser, f = parse(recv())
    if mtype != 1:
        continue
    with open(log, "a") as l:
        l.write("%s %s.%s %s\n" % (f.get(6), f.get(2), f.get(3), f.get(1)))
    if not flags & 1:
        send(2, {5: ("u", ser), 6: ("s", f[7])})
EOF

# start_bus NAME ADDRESS: a dbus-daemon listening on ADDRESS, with the
# stand-ins on it; sets BUS to its address (with its guid).
start_bus() {
  timeout 600 dbus-daemon --session --nofork --address="$2" --print-address=1 >"$TMP/$1.addr" 2>"$TMP/$1.err" &
  wait_for grep -q . "$TMP/$1.addr" || return 1
  BUS=$(head -n1 "$TMP/$1.addr")
  timeout 600 "$PY" "$TMP/standin.py" "$BUS" "$TMP/$1.calls" "$TMP/$1.ready" \
    org.freedesktop.systemd1 org.example.Talk 2>"$TMP/$1.standin-err" &
  wait_for test -s "$TMP/$1.ready"
}
if ! start_bus session "unix:path=$XDG_RUNTIME_DIR/bus"; then
  echo "1..0 # SKIP the test bus did not start: $(cat "$TMP"/session.*err)"
  exit 0
fi
SESSION=$BUS
DBUS_SESSION_BUS_ADDRESS=$SESSION
export DBUS_SESSION_BUS_ADDRESS

CALL="gdbus call --session --timeout 10"
# (The issue's attack: systemd-run --user, a command outside. Words for sh -c.)
PWN="--dest org.freedesktop.systemd1 --object-path /org/freedesktop/systemd1 --method org.freedesktop.systemd1.Manager.StartTransientUnit pwn.service fail \"[('ExecStart',<[('/bin/sh',['/bin/sh','-c','touch ~/PWNED'],false)]>)]\" '[]'"
transient() { grep -c 'systemd1.Manager.StartTransientUnit' "$TMP/session.calls" 2>/dev/null; }

# ---- the stand-in records what reaches it (else the refusals below would
# prove nothing)
sh -c "$CALL $PWN" >/dev/null 2>&1
expect_eq "outside: StartTransientUnit reaches the stand-in service manager" 1 "$(transient)"

# ---- a talkable name works, through the proxy
run_sb --profile desktop --dbus-talk org.example.Talk -- \
  sh -c "$CALL --dest org.example.Talk --object-path /t --method org.example.Talk.Ping"
expect_eq "desktop + dbus-talk: a call to the test service is answered" "()" "$OUT"
expect_match "... and it reached the service" "^org.example.Talk org.example.Talk.Ping /t$" \
  "$(cat "$TMP/session.calls")"
# A caller started with stdin closed: the proxy's sync socket got fd 0,
# which /dev/null then replaced in the proxy ("Can't write to sync socket").
"$SB" --profile desktop --dbus-talk org.example.Talk -- \
  sh -c "$CALL --dest org.example.Talk --object-path /t --method org.example.Talk.Ping >&2" \
  <&- >"$TMP/out" 2>"$TMP/err"
expect_eq "stdin closed: the proxy starts and the call is answered" "0 ()" "$? $(cat "$TMP/err")"
run_sb --profile desktop -- sh -c 'echo "$DBUS_SESSION_BUS_ADDRESS"; test -e '"$XDG_RUNTIME_DIR/bus"' && echo bus-visible'
expect_eq "inside, the bus is the proxy's socket; the real one is not there" \
  "unix:path=/run/user/$(id -u)/bus" "$OUT"
run_sb --profile desktop -- sh -c "$CALL --dest org.example.Talk --object-path /t --method org.example.Talk.Ping"
expect_match "without dbus-talk, the test service is out of reach" "ServiceUnknown|AccessDenied" "$ERR$OUT"

# ---- the service manager is out of reach: the attack of the issue
run_sb --profile desktop --dbus-talk org.example.Talk -- sh -c "$CALL $PWN"
check "desktop: StartTransientUnit on org.freedesktop.systemd1 is refused" [ "$RC" != 0 ]
expect_eq "... and never reached the stand-in" 1 "$(transient)"

# ---- names: only those granted, and the app's own
own() { echo "$CALL --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus --method org.freedesktop.DBus.RequestName $1 4"; }
run_sb --profile desktop -- sh -c "$(own org.freedesktop.secrets)"
check "RequestName org.freedesktop.secrets is refused" [ "$RC" != 0 ]
run_sb --profile desktop -- sh -c "$(own org.example.NotGranted)"
check "RequestName of a name no line grants is refused" [ "$RC" != 0 ]
run_sb --profile desktop --dbus-own org.example.Mine -- sh -c "$(own org.example.Mine)"
expect_eq "dbus-own: the granted name is owned" "(uint32 1,)" "$OUT"
run_sb --profile desktop --app org.example.App -- sh -c "$(own org.example.App)"
expect_eq "--app NAME: the app owns its own name" "(uint32 1,)" "$OUT"
run_sb --profile desktop --app org.freedesktop.secrets -- sh -c "$(own org.freedesktop.secrets)"
check "--app org.freedesktop.secrets: still not owned" [ "$RC" != 0 ]

# ---- the caller's DBUS_SESSION_BUS_ADDRESS, abstract form
abs="/tmp/sbtest-abstract-$$"
if start_bus abstract "unix:abstract=$abs"; then
  ABUS=$BUS
  DBUS_SESSION_BUS_ADDRESS=$ABUS
  run_sb --profile desktop --dbus-talk org.example.Talk -- \
    sh -c "$CALL --dest org.example.Talk --object-path /abs --method org.example.Talk.Ping"
  expect_eq "a unix:abstract= session bus is honoured" "()" "$OUT"
  expect_match "... the call went to that bus" "^org.example.Talk org.example.Talk.Ping /abs$" \
    "$(cat "$TMP/abstract.calls" 2>/dev/null)"
  if $scoped; then
    run_sb --profile desktop -- \
      sh -c "DBUS_SESSION_BUS_ADDRESS='$ABUS' $CALL $PWN"
    check "the abstract bus itself is out of reach (no way around the proxy)" [ "$RC" != 0 ]
    expect_eq "... StartTransientUnit never reached it" "" \
      "$(grep StartTransientUnit "$TMP/abstract.calls" 2>/dev/null)"
  else
    skip "Landlock without abstract socket scoping (ABI < 6): the host's abstract sockets are reachable"
  fi
  DBUS_SESSION_BUS_ADDRESS=$SESSION
else
  skip "no abstract-socket bus: $(cat "$TMP"/abstract.*err)"
fi

# ---- the system bus: only when a line says so, and filtered the same way
run_sb --profile desktop -- sh -c 'echo "${DBUS_SYSTEM_BUS_ADDRESS-unset}"; ls /run/dbus 2>/dev/null'
expect_eq "desktop: no system bus" "unset" "$OUT"
export DBUS_SYSTEM_BUS_ADDRESS="$SESSION"
run_sb --profile desktop --dbus-system-talk org.example.Talk -- \
  sh -c "gdbus call --system --timeout 10 --dest org.example.Talk --object-path /sys --method org.example.Talk.Ping; gdbus call --system --timeout 10 $PWN"
unset DBUS_SYSTEM_BUS_ADDRESS
expect_eq "dbus-system-talk: the system bus, through the proxy" "()" "$OUT"
expect_eq "... filtered: StartTransientUnit never reached the stand-in" 1 "$(transient)"

# ---- no xdg-dbus-proxy: no bus, one line says why
OUT=$(PATH=/nonexistent "$SB" --profile desktop -- /bin/sh -c 'echo "${DBUS_SESSION_BUS_ADDRESS-unset}"' 2>"$TMP/err")
ERR=$(cat "$TMP/err")
expect_eq "without xdg-dbus-proxy, no bus is passed" "unset" "$OUT"
expect_match "... one line says why" "^sandbox: xdg-dbus-proxy is not installed" "$ERR"
expect_eq "... only one" 1 "$(printf '%s\n' "$ERR" | grep -c .)"

# ---- a proxy that fails to start: its complaint, nothing run, nothing left
mkdir -p "$TMP/fakebin"
printf '#!/bin/sh\necho "fake proxy: cannot listen" >&2\nexit 1\n' >"$TMP/fakebin/xdg-dbus-proxy"
chmod 755 "$TMP/fakebin/xdg-dbus-proxy"
OUT=$(PATH="$TMP/fakebin:$PATH" "$SB" --profile desktop -- sh -c 'echo ran' 2>"$TMP/err")
RC=$?
expect_match "a failing proxy: one line with its complaint" \
  "^sandbox: xdg-dbus-proxy did not start: fake proxy: cannot listen$" "$(cat "$TMP/err")"
expect_eq "... exit status 1, nothing ran" "1 " "$RC $OUT"
expect_eq "... no directory left" 0 "$(find "$XDG_RUNTIME_DIR" -maxdepth 1 -name 'sandbox-dbus-*' | grep -c .)"

# ---- bad rules: the profile's file:line:col, nothing run
printf 'include desktop\ndbus-talk org.example.Talk\ndbus-call org.example.Talk\n' >"$TMP/bad.profile"
run_sb --profile "$TMP/bad.profile" -- sh -c 'echo ran'
expect_match "a call rule without =RULE: file:line:col" "bad.profile:3:1: error: dbus-call takes NAME=RULE" "$ERR"
expect_eq "... nothing ran" "" "$OUT"

# ---- no proxy is left, whatever way the sandbox ends
proxies() { pgrep -f "xdg-dbus-proxy --fd=3 .*$XDG_RUNTIME_DIR/sandbox-dbus" | grep -c .; }
# (Functions, so that wait_for evaluates them anew on each try.)
proxies_are() { [ "$(proxies)" = "$1" ]; }
command_gone() { [ "$(pgrep -x -f "sleep 6$$" | grep -c .)" = 0 ]; }
leftover_dirs() { find "$XDG_RUNTIME_DIR" -maxdepth 1 -name 'sandbox-dbus-*' | grep -c .; }
"$SB" --profile desktop -- true
expect_eq "normal exit: no proxy left" 0 "$(proxies)"
expect_eq "... nor its directory" 0 "$(leftover_dirs)"
"$SB" --profile desktop -- sh -c 'kill -9 $$'
expect_eq "killed command: no proxy left" 0 "$(proxies)"
"$SB" --profile desktop -- sleep 6$$ &
sbpid=$!
if wait_for proxies_are 1; then
  ok "while the sandbox runs, its proxy runs"
else
  not_ok "while the sandbox runs, its proxy runs"
  diag "$(pgrep -af xdg-dbus-proxy)"
fi
"$SB" --profile desktop -- true
expect_eq "another run meanwhile leaves the live proxy's directory alone" 1 "$(leftover_dirs)"
expect_eq "... and its proxy" 1 "$(proxies)"
kill -9 "$sbpid"
wait "$sbpid" 2>/dev/null
if wait_for proxies_are 0; then
  ok "SIGKILL of the caller: the proxy goes too"
else
  not_ok "SIGKILL of the caller: the proxy goes too"
fi
if wait_for command_gone; then
  ok "... and the command"
else
  not_ok "... and the command"
fi
expect_eq "SIGKILL of the caller leaves the proxy's directory" 1 "$(leftover_dirs)"
"$SB" --profile desktop -- true
expect_eq "... which the next run removes (its socket is dead)" 0 "$(leftover_dirs)"
# With --net-private the monitor adopts pasta's daemon: it must stop pasta,
# not take the proxy for it (it once did, and left pasta running).
if have pasta; then
  "$SB" --profile desktop --net-private --info-fd 3 -- true 3>"$TMP/info" 2>"$TMP/err"
  rc=$?
  child=$(sed -n 's/.*"child-pid": *\([0-9]*\).*/\1/p' "$TMP/info")
  if [ $rc = 0 ] && [ -n "$child" ]; then
    expect_eq "desktop --net-private: no pasta left" 0 "$(pgrep -f "pasta .* $child\$" | grep -c .)"
    expect_eq "... and no proxy" 0 "$(proxies)"
  else
    skip "--net-private does not run here: $(cat "$TMP/err")"
  fi
else
  skip "pasta (passt) not installed"
fi

# ---- no XDG_RUNTIME_DIR: the proxy's directory in /tmp, 0700, removed after
tmp_dirs() { find /tmp -maxdepth 1 -name 'sandbox-dbus-*' -user "$(id -u)" | sort; }
tmp_dirs >"$TMP/tmp-before"
OUT=$(env -u XDG_RUNTIME_DIR DBUS_SESSION_BUS_ADDRESS="$SESSION" "$SB" --profile desktop --dbus-talk org.example.Talk -- \
  sh -c "$CALL --dest org.example.Talk --object-path /tmpfallback --method org.example.Talk.Ping; ls -ld /tmp/sandbox-dbus-* 2>/dev/null" 2>&1)
expect_eq "without XDG_RUNTIME_DIR the bus still works" "()" "$OUT"
expect_eq "... and its directory in /tmp is gone after" "" "$(tmp_dirs | comm -13 "$TMP/tmp-before" -)"

# ---- a home per app
APPHOME="$HOME/.local/share/sandbox/apps/org.example.Notes/home"
run_sb --profile desktop --app org.example.Notes -- \
  sh -c 'echo kept >"$HOME/note"; echo "$XDG_CONFIG_HOME $XDG_DATA_HOME $XDG_CACHE_HOME"'
expect_eq "--app: XDG_*_HOME in the app's home" "$HOME/.config $HOME/.local/share $HOME/.cache" "$OUT"
check "... the file is in ~/.local/share/sandbox/apps/NAME/home" [ -f "$APPHOME/note" ]
run_sb --profile desktop --app org.example.Notes -- cat "$HOME/note"
expect_eq "... and there on the next run" "kept" "$OUT"
# Its settings: ~/.config and ~/.local are the app's own (the real home's
# protections are about the real home's files, which the host runs).
run_sb --profile desktop --app org.example.Notes -- \
  sh -c 'mkdir -p "$XDG_CONFIG_HOME/notes" "$XDG_DATA_HOME/notes" && echo a=1 >"$XDG_CONFIG_HOME/notes/settings" && echo d >"$XDG_DATA_HOME/notes/data" && echo saved'
expect_eq "--app: settings and data saved in ~/.config and ~/.local/share" "saved" "$OUT"
run_sb --profile desktop --app org.example.Notes -- cat "$HOME/.config/notes/settings"
expect_eq "... and read on the next run" "a=1" "$OUT"
run_sb --profile desktop --app org.example.Notes -- sh -c 'mkdir "$HOME/.git/hooks" 2>/dev/null || echo "no .git"'
expect_eq "... a .git in it is still refused (a shell prompt would run its config)" "no .git" "$OUT"
run_sb --profile desktop -- cat "$HOME/note"
check "without --app, the home is a throwaway one" [ "$RC" != 0 ]
printf 'include desktop\napp org.example.Notes\n' >"$TMP/app.profile"
run_sb --profile "$TMP/app.profile" -- cat "$HOME/note"
expect_eq "an app line in a profile: the same home" "kept" "$OUT"
for bad in ../x a/b .. .hidden; do
  run_sb --profile desktop --app "$bad" -- sh -c 'echo ran'
  check "--app '$bad' refused, nothing run" test "$RC" != 0 -a -z "$OUT"
done
check "... and nothing made outside the apps' directory" test ! -e "$HOME/.local/share/sandbox/x" -a ! -e "$HOME/.local/share/sandbox/apps/a"

# ---- sound: PulseAudio's socket by default, PipeWire's only when asked
mkdir -p "$XDG_RUNTIME_DIR/pulse"
sock() { "$PY" -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$1"; }
sock "$XDG_RUNTIME_DIR/pulse/native" && sock "$XDG_RUNTIME_DIR/pipewire-0"
probe='for s in pulse/native pipewire-0; do test -S "$XDG_RUNTIME_DIR/$s" && echo "$s"; done'
run_sb --profile desktop -- sh -c "$probe"
expect_eq "desktop: PulseAudio's socket, not PipeWire's" "pulse/native" "$OUT"
run_sb --profile desktop --pipewire -- sh -c "$probe"
expect_eq "desktop --pipewire: PipeWire's too" "pulse/native
pipewire-0" "$OUT"
printf 'include desktop\npipewire\n' >"$TMP/pw.profile"
run_sb --profile "$TMP/pw.profile" -- sh -c "$probe"
expect_match "a pipewire line does the same" "^pipewire-0$" "$OUT"

# ---- Wayland: the compositor's globals
if have weston && have wayland-info; then
  timeout 600 weston --backend=headless-backend.so --socket=wl-sbtest --idle-time=0 \
    >"$TMP/weston.log" 2>&1 &
  if wait_for test -S "$XDG_RUNTIME_DIR/wl-sbtest"; then
    # (A root caller's sandbox runs as an unprivileged host uid, which
    # root's 0755 socket would refuse; a desktop user's is its own.)
    is_root && chmod 666 "$XDG_RUNTIME_DIR/wl-sbtest"
    export WAYLAND_DISPLAY=wl-sbtest
    run_sb --profile desktop -- wayland-info
    unset WAYLAND_DISPLAY
    expect_match "Wayland: wayland-info lists the compositor's globals" "interface: 'wl_compositor'" "$OUT"
  else
    skip "weston did not start: $(tail -n 3 "$TMP/weston.log")"
  fi
else
  skip "weston or wayland-info not installed"
fi

# ---- X11: absent unless asked; then only the display's socket and cookie
if have Xvfb && have xwininfo && have xauth && have mcookie; then
  # The server loads every cookie of its -auth file, whatever display it
  # names; it picks its own display number (-displayfd: no race with other
  # servers, this test's other mode among them).
  # -noreset: a server resets when its last client leaves, and refuses
  # the next one for that moment.
  cookie=$(mcookie) other=$(mcookie) otherhost=$(mcookie)
  xauth -f "$TMP/server-auth" add :0 . "$cookie" 2>/dev/null
  timeout 600 Xvfb -displayfd 1 -auth "$TMP/server-auth" -nolisten tcp -noreset >"$TMP/xvfb.n" 2>"$TMP/xvfb.log" &
  wait_for grep -q '^[0-9]' "$TMP/xvfb.n"
  n=$(head -n1 "$TMP/xvfb.n")
  n=${n:-none}
  XA=$TMP/xauthority
  xauth -f "$XA" add ":$n" . "$cookie" 2>/dev/null
  xauth -f "$XA" add ":$((n + 1))" . "$other" 2>/dev/null
  xauth -f "$XA" add "elsewhere/unix:$n" . "$otherhost" 2>/dev/null
  # Another display's socket beside it, which must stay out.
  m=$((n + 1))
  while [ -e "/tmp/.X11-unix/X$m" ]; do m=$((m + 1)); done
  "$PY" -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "/tmp/.X11-unix/X$m" 2>/dev/null
  export DISPLAY=":$n" XAUTHORITY="$XA"
  if [ "$n" != none ] && wait_for test -S "/tmp/.X11-unix/X$n" && wait_for sh -c 'xwininfo -root >/dev/null 2>&1'; then
    run_sb --profile desktop -- sh -c 'echo "${DISPLAY-unset} ${XAUTHORITY-unset}"; ls /tmp/.X11-unix 2>/dev/null'
    expect_eq "desktop: no X11 (no DISPLAY, no XAUTHORITY, no socket)" "unset unset" "$OUT"
    if $scoped; then
      run_sb --profile desktop -- sh -c "DISPLAY=:$n xwininfo -root"
      check "desktop: the display is unreachable, even named (its abstract socket)" [ "$RC" != 0 ]
    else
      skip "Landlock without abstract socket scoping: the display's abstract socket is reachable"
    fi
    run_sb --profile desktop-x11 -- sh -c 'xwininfo -root | grep -c "Window id"'
    expect_eq "desktop-x11: xwininfo -root works" "1" "$OUT"
    run_sb --profile desktop --x11 -- sh -c 'ls -A /tmp/.X11-unix | wc -l; xauth list 2>/dev/null'
    expect_match "x11: only one socket in /tmp/.X11-unix" "^1$" "$(printf '%s\n' "$OUT" | head -n1)"
    expect_match "x11: the display's cookie is there" "$cookie" "$OUT"
    expect_nomatch "x11: not another display's cookie" "$other" "$OUT"
    expect_nomatch "x11: not another host's cookie" "$otherhost" "$OUT"
    expect_eq "x11: one cookie in all" 1 "$(printf '%s\n' "$OUT" | grep -c MIT-MAGIC-COOKIE)"
    cp "$XA" "$HOME/.Xauthority"
    unset XAUTHORITY
    run_sb --profile desktop-x11 -- sh -c 'xwininfo -root | grep -c "Window id"'
    expect_eq "x11 with XAUTHORITY unset: the cookie from ~/.Xauthority" "1" "$OUT"
    [ "$OUT" = 1 ] || diag "$ERR"
    rm -f "$HOME/.Xauthority"
  else
    skip "Xvfb did not start: $(tail -n 3 "$TMP/xvfb.log")"
  fi
  rm -f "/tmp/.X11-unix/X$m"
  unset DISPLAY XAUTHORITY
else
  skip "Xvfb, xwininfo, xauth or mcookie not installed"
fi

done_testing
