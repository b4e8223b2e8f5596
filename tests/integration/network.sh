#!/bin/sh
# --net-allow: the command's own network namespace, whose only way out is
# the proxy sandbox runs on the caller's side. Servers here are local
# only (an HTTP server on the host, names from a test hosts file given to
# the proxy through SANDBOX_NET_HOSTS_FILE); every client has a timeout.
. "$(dirname "$0")/../lib.sh"

PY=/usr/bin/python3
for t in "$PY" /usr/bin/curl; do
  if [ ! -x "$t" ]; then
    echo "1..0 # SKIP $t not installed"
    exit 0
  fi
done

WWW="$TMP/www"
mkdir -p "$WWW"
echo "hello through the proxy" >"$WWW/hello.txt"
cat >"$TMP/srv.py" <<'EOF'
# srv.py DIR PORTFILE: serves DIR over HTTP on every address (so that a
# direct connection from inside would reach it if anything let it out),
# port chosen by the kernel and written to PORTFILE.
import http.server, os, sys
os.chdir(sys.argv[1])
class H(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a): pass
srv = http.server.ThreadingHTTPServer(("0.0.0.0", 0), H)
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
srv.serve_forever()
EOF
timeout 300 "$PY" "$TMP/srv.py" "$WWW" "$TMP/port" &
i=0
while [ ! -s "$TMP/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
HP=$(cat "$TMP/port" 2>/dev/null)
if [ -z "$HP" ]; then
  echo "1..0 # SKIP the test HTTP server did not start"
  exit 0
fi
printf '127.0.0.1 allowed.test denied.test\n127.0.0.1 a.wild.test pypi.org\n' >"$TMP/hosts"
SANDBOX_NET_HOSTS_FILE="$TMP/hosts"
export SANDBOX_NET_HOSTS_FILE
BASE="$SYS --unshare-pid --proc /proc --dev /dev --tmpfs /tmp --setenv HOME /tmp"
CURL="curl -sS --max-time 10"

# ---- the proxy lets allowed names through, by name, on the given port
run_sb $BASE --net-allow allowed.test:$HP --net-log "$TMP/log" -- \
  sh -c "$CURL http://allowed.test:$HP/hello.txt"
expect_eq "plain HTTP through the proxy to an allowed name" "hello through the proxy" "$OUT"
run_sb $BASE --net-allow allowed.test:$HP -- \
  sh -c "$CURL --proxytunnel http://allowed.test:$HP/hello.txt"
expect_eq "HTTP CONNECT tunnel to an allowed name" "hello through the proxy" "$OUT"
run_sb $BASE --net-allow allowed.test:$HP -- \
  sh -c "$CURL -x socks5h://127.0.0.1:1080 http://allowed.test:$HP/hello.txt"
expect_eq "SOCKS5 (remote name resolution) to an allowed name" "hello through the proxy" "$OUT"
run_sb $BASE --net-allow "*.wild.test:$HP" -- sh -c "$CURL http://a.wild.test:$HP/hello.txt"
expect_eq "a wildcard rule covers a subdomain" "hello through the proxy" "$OUT"
run_sb $BASE --net-allow allowed.test:$HP -- sh -c 'env | grep -i _proxy= | sort'
expect_match "proxy variables set inside" "^HTTPS_PROXY=http://127.0.0.1:3128$" "$OUT"
expect_match "lower-case forms too" "^all_proxy=socks5h://127.0.0.1:1080$" "$OUT"

# ---- everything else is refused, and says so
run_sb $BASE --net-allow allowed.test:$HP -- \
  sh -c "$CURL -o /tmp/body -w '%{http_code}' http://denied.test:$HP/hello.txt; echo; cat /tmp/body"
expect_match "plain HTTP to a denied name: 403" "^403" "$OUT"
expect_match "the 403 body says why" "denied.test port $HP is not allowed: no --net-allow rule" "$OUT"
run_sb $BASE --net-allow allowed.test:$HP -- \
  sh -c "$CURL -o /dev/null -w '%{http_connect}' --proxytunnel http://denied.test:$HP/hello.txt"
expect_match "CONNECT to a denied name: 403" "^403" "$OUT"
run_sb $BASE --net-allow allowed.test:$HP -- \
  sh -c "$CURL -o /dev/null -w '%{http_connect}' --proxytunnel http://allowed.test:1/"
expect_match "CONNECT to an allowed name on another port: 403" "^403" "$OUT"
run_sb $BASE --net-allow allowed.test -- \
  sh -c "$CURL -o /dev/null -w '%{http_code}' http://allowed.test:$HP/hello.txt"
expect_match "a rule without a port covers 80 and 443 only" "^403" "$OUT"
cat >"$TMP/socks.py" <<'EOF'
# socks.py HOST PORT: one SOCKS5 CONNECT by name; prints the reply code.
import socket, struct, sys
s = socket.create_connection(("127.0.0.1", 1080), timeout=10)
s.sendall(b"\5\1\0")
assert s.recv(2) == b"\5\0"
h = sys.argv[1].encode()
s.sendall(b"\5\1\0\3" + bytes([len(h)]) + h + struct.pack(">H", int(sys.argv[2])))
print(s.recv(10)[1])
EOF
run_sb $BASE --ro-bind "$TMP/socks.py" /socks.py --net-allow allowed.test:$HP -- \
  $PY /socks.py denied.test $HP
expect_eq "SOCKS5 to a denied name: reply 2 (not allowed by ruleset)" 2 "$OUT"
run_sb $BASE --ro-bind "$TMP/socks.py" /socks.py --net-allow allowed.test:$HP -- \
  $PY /socks.py allowed.test $HP
expect_eq "SOCKS5 to the allowed name: reply 0" 0 "$OUT"

# ---- the tunnel carries bytes both ways intact, and passes a half-close
# on: this server answers only after the client's end of stream, with the
# digest of what it got, then 8 MiB of its own (a relay that did not pass
# the half-close on would leave both waiting until the client's timeout)
cat >"$TMP/bulk.py" <<'EOF'
# bulk.py PORTFILE: per connection, read to end of stream, send the
# SHA-256 of it, a newline and 8 MiB of a known pattern, close.
import hashlib, os, socket, sys, threading
ls = socket.create_server(("127.0.0.1", 0))
open(sys.argv[1] + ".tmp", "w").write(str(ls.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
def serve(c):
    with c:
        h = hashlib.sha256()
        while True:
            d = c.recv(1 << 16)
            if not d:
                break
            h.update(d)
        c.sendall(h.hexdigest().encode() + b"\n" + bytes(range(256)) * (8 << 12))
while True:
    threading.Thread(target=serve, args=(ls.accept()[0],), daemon=True).start()
EOF
cat >"$TMP/tunnel.py" <<'EOF'
# tunnel.py HOST PORT: through a CONNECT tunnel, send 3 MiB and half-close,
# then read to the end; says "intact" when both directions arrived whole.
import hashlib, os, socket, sys
s = socket.create_connection(("127.0.0.1", 3128), timeout=30)
s.sendall(b"CONNECT %s:%s HTTP/1.1\r\nHost: x\r\n\r\n" % (sys.argv[1].encode(), sys.argv[2].encode()))
head = b""
while b"\r\n\r\n" not in head:
    d = s.recv(1)
    if not d:
        sys.exit("no reply to CONNECT")
    head += d
if b" 200 " not in head.split(b"\r\n")[0]:
    sys.exit("CONNECT refused: %r" % head)
data = os.urandom(3 << 20)
s.sendall(data)
s.shutdown(socket.SHUT_WR)
got = bytearray()
while True:
    d = s.recv(1 << 16)
    if not d:
        break
    got += d
digest, _, rest = bytes(got).partition(b"\n")
ok_up = digest.decode() == hashlib.sha256(data).hexdigest()
ok_down = rest == bytes(range(256)) * (8 << 12)
print("intact" if ok_up and ok_down else "up %s, down %s (%d bytes)" % (ok_up, ok_down, len(rest)))
EOF
timeout 300 "$PY" "$TMP/bulk.py" "$TMP/bulkport" &
i=0
while [ ! -s "$TMP/bulkport" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
BP=$(cat "$TMP/bulkport" 2>/dev/null)
run_sb $BASE --ro-bind "$TMP/tunnel.py" /tunnel.py --net-allow allowed.test:${BP:-1} -- \
  timeout 60 $PY /tunnel.py allowed.test ${BP:-1}
expect_eq "a tunnel carries 3 MiB up and 8 MiB down intact, and passes the half-close on" \
  "intact" "$OUT"

# ---- each connection's relay ends with it: more connections one after
# another than the proxy serves at once (512) all get through
run_sb $BASE --net-allow allowed.test:$HP -- \
  sh -c "curl -sS --max-time 120 -o /dev/null -w '%{http_code}\n' 'http://allowed.test:$HP/hello.txt?[1-600]' | sort | uniq -c"
expect_match "600 connections one after another: each relay ends with its connection" \
  "^ *600 200$" "$OUT"

# ---- attack: busy tunnels must not use up the user's pipe quota (a pipe
# grown to 1 MiB counts 256 pages against fs.pipe-user-pages-soft, 16384
# by default; past it, every new pipe of the user, outside the sandbox too,
# gets 2 pages). 70 tunnels, each past 1 MiB down and held open; then a
# new pipe of the caller's user must still get the default 64 KiB.
cat >"$TMP/hold.py" <<'EOF'
# hold.py PORTFILE: per connection, send 1 MiB, then hold it until the
# client closes.
import os, socket, sys, threading
ls = socket.create_server(("127.0.0.1", 0), backlog=128)
open(sys.argv[1] + ".tmp", "w").write(str(ls.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
def serve(c):
    with c:
        c.sendall(b"\0" * (1 << 20))
        while c.recv(4096):
            pass
while True:
    threading.Thread(target=serve, args=(ls.accept()[0],), daemon=True).start()
EOF
cat >"$TMP/many.py" <<'EOF'
# many.py HOST PORT N DIR: N CONNECT tunnels, 1 MiB read through each;
# then DIR/ready, and all held until DIR/go appears (60 s at most).
import os, socket, sys, time
conns = []
for i in range(int(sys.argv[3])):
    s = socket.create_connection(("127.0.0.1", 3128), timeout=30)
    s.sendall(b"CONNECT %s:%s HTTP/1.1\r\n\r\n" % (sys.argv[1].encode(), sys.argv[2].encode()))
    got = b""
    while b"\r\n\r\n" not in got:
        got += s.recv(1)
    left = 1 << 20
    while left:
        d = s.recv(min(left, 1 << 16))
        if not d:
            sys.exit("tunnel %d closed early" % i)
        left -= len(d)
    conns.append(s)
open(os.path.join(sys.argv[4], "ready"), "w").close()
end = time.time() + 60
while not os.path.exists(os.path.join(sys.argv[4], "go")) and time.time() < end:
    time.sleep(0.05)
print("held", len(conns))
EOF
timeout 300 "$PY" "$TMP/hold.py" "$TMP/holdport" &
i=0
while [ ! -s "$TMP/holdport" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
HOP=$(cat "$TMP/holdport" 2>/dev/null)
mkdir -p "$TMP/many"
"$SB" $BASE --ro-bind "$TMP/many.py" /many.py --bind "$TMP/many" /many \
  --net-allow allowed.test:${HOP:-1} -- timeout 120 $PY /many.py allowed.test ${HOP:-1} 70 /many \
  >"$TMP/many.out" 2>&1 &
MANY=$!
i=0
while [ ! -e "$TMP/many/ready" ] && kill -0 $MANY 2>/dev/null && [ $i -lt 600 ]; do
  sleep 0.1
  i=$((i + 1))
done
# (root is exempt from the quota by CAP_SYS_RESOURCE: asked without it)
PIPESZ="$PY -c 'import fcntl, os; print(fcntl.fcntl(os.pipe()[1], 1032))'"
if is_root; then
  PIPESZ="setpriv --inh-caps=-all --bounding-set=-all $PIPESZ"
fi
SZ=$(sh -c "$PIPESZ")
: >"$TMP/many/go"
wait $MANY
expect_eq "70 busy tunnels held open: a new pipe of the user still gets 64 KiB" \
  "held 70 65536" "$(cat "$TMP/many.out") $SZ"

# ---- the command's hop to the proxy is not paced: the proxy's end of it
# (a socket of the sandbox's namespace, seen there by ss) uses reno, not a
# pacing default such as BBR, which cut the download's speed by half
if command -v ss >/dev/null; then
  cat >"$TMP/cc.py" <<'EOF'
# cc.py HOST PORT: one CONNECT tunnel, 1 MiB read through it; prints the
# congestion control of the proxy's end (local port 3128), as ss shows it.
import socket, subprocess, sys
s = socket.create_connection(("127.0.0.1", 3128), timeout=30)
s.sendall(b"CONNECT %s:%s HTTP/1.1\r\n\r\n" % (sys.argv[1].encode(), sys.argv[2].encode()))
got = b""
while b"\r\n\r\n" not in got:
    got += s.recv(1)
left = 1 << 20
while left:
    left -= len(s.recv(min(left, 1 << 16)))
out = subprocess.run(["ss", "-tinH", "state", "established", "( sport = :3128 )"],
                     stdout=subprocess.PIPE, text=True).stdout.split("\n")
print(" ".join(l.split()[0] for l in out if l.startswith((" ", "\t")) and l.split()))
EOF
  run_sb $BASE --ro-bind "$TMP/cc.py" /cc.py --net-allow allowed.test:${HOP:-1} -- \
    timeout 60 $PY /cc.py allowed.test ${HOP:-1}
  expect_eq "the proxy's end of the command's hop uses reno (no pacing on a private loopback)" \
    "reno" "$OUT"
else
  skip "ss (iproute2) not installed"
fi

# ---- no way around the proxy: direct connections fail, names do not resolve
HOSTIP=$(ip -4 -o addr show scope global 2>/dev/null | awk '{print $4}' | cut -d/ -f1 | head -n1)
cat >"$TMP/direct.py" <<'EOF'
# direct.py PORT ADDR...: a direct TCP connection to each; prints
# "ADDR connected" or "ADDR refused: ERR".
import socket, sys
for a in sys.argv[2:]:
    try:
        socket.create_connection((a, int(sys.argv[1])), timeout=5).close()
        print(a, "connected")
    except OSError as e:
        print(a, "refused:", e)
EOF
"$PY" "$TMP/direct.py" "$HP" 127.0.0.1 ${HOSTIP:-} >"$TMP/direct-host"
expect_nomatch "outside, the same direct connections work (the test can fail)" "refused" \
  "$(cat "$TMP/direct-host")"
run_sb $BASE --ro-bind "$TMP/direct.py" /direct.py --net-allow allowed.test:$HP -- \
  $PY /direct.py "$HP" 127.0.0.1 ${HOSTIP:-} 10.0.0.1
expect_nomatch "inside, no direct TCP connection gets out" "connected" "$OUT"
expect_match "inside, the direct connections were tried" "^127.0.0.1 refused" "$OUT"
run_sb $BASE --net-allow allowed.test:$HP -- \
  sh -c "getent hosts allowed.test || echo unresolved; $CURL http://allowed.test:$HP/hello.txt"
expect_eq "no name resolution inside, yet the proxy reaches the name" \
  "unresolved
hello through the proxy" "$OUT"

# ---- the proxy's own DNS client, against a test server (port 53: root).
# Attack: an allowed name whose DNS record points at the host's loopback
# or a link-local address (cloud metadata) must not lead there.
if is_root && [ -n "$HOSTIP" ]; then
  cat >"$TMP/dns.py" <<'EOF'
# dns.py ADDR READYFILE NAME=IPV4...: answers A queries for NAME, over UDP.
import socket, struct, sys
names = dict(a.split("=") for a in sys.argv[3:])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 53))
open(sys.argv[2], "w").write("53")
while True:
    q, peer = s.recvfrom(512)
    i, labels = 12, []
    while q[i]:
        labels.append(q[i + 1:i + 1 + q[i]].decode())
        i += 1 + q[i]
    qtype = struct.unpack(">H", q[i + 1:i + 3])[0]
    ip = names.get(".".join(labels).lower())
    an = b""
    if ip and qtype == 1:
        an = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + socket.inet_aton(ip)
    s.sendto(q[:2] + b"\x81\x80" + q[4:6] + struct.pack(">HHH", 1 if an else 0, 0, 0) +
             q[12:i + 5] + an, peer)
EOF
  timeout 120 "$PY" "$TMP/dns.py" 127.0.0.77 "$TMP/dnsready" dns.test=$HOSTIP \
    rebind.test=127.0.0.1 meta.test=169.254.169.254 &
  i=0
  while [ ! -s "$TMP/dnsready" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  echo "nameserver 127.0.0.77" >"$TMP/resolv.conf"
  export SANDBOX_NET_RESOLV_CONF="$TMP/resolv.conf"
  run_sb $BASE --net-allow "*.test:$HP" -- sh -c \
    "$CURL http://dns.test:$HP/hello.txt; for h in rebind meta; do $CURL -o /dev/null -w '%{http_code}\n' http://\$h.test:$HP/; done"
  expect_eq "DNS: a name the proxy resolves is reached; loopback and link-local answers are refused" \
    "hello through the proxy
502
502" "$OUT"
  run_sb $BASE --net-allow "rebind.test:$HP" -- $CURL http://rebind.test:$HP/
  expect_match "DNS: the refusal says why" "resolves \(DNS\) only to loopback or link-local" "$OUT"
  unset SANDBOX_NET_RESOLV_CONF
else
  skip "the DNS test server needs root (port 53) and a host address"
  skip "the DNS test server needs root (port 53) and a host address"
fi

# ---- attack: with root's capabilities over the host's network namespace
# (kept by bwrap's rules when root runs it without a user namespace), the
# command could setns() back into it. --net-allow implies a user namespace.
if command -v nsenter >/dev/null; then
  run_sb $BASE --ro-bind /proc /hostproc --net-allow allowed.test:$HP -- \
    sh -c "nsenter --net=/hostproc/$$/ns/net $CURL --noproxy '*' http://127.0.0.1:$HP/hello.txt"
  expect_nomatch "no setns() back into the host's network namespace" "hello" "$OUT"
else
  skip "nsenter not installed"
fi

# ---- package tools honour the variables: git over dumb HTTP
if command -v git >/dev/null; then
  (
    export HOME="$TMP" GIT_CONFIG_NOSYSTEM=1
    git init -q "$TMP/src" && cd "$TMP/src" && echo "from git" >file &&
      git add file && git -c user.name=t -c user.email=t@t commit -qm x &&
      git clone -q --bare "$TMP/src" "$WWW/repo.git" && cd "$WWW/repo.git" &&
      git update-server-info
  ) >/dev/null 2>&1
  run_sb $BASE --net-allow allowed.test:$HP -- \
    sh -c "git clone -q http://allowed.test:$HP/repo.git /tmp/c && cat /tmp/c/file"
  expect_eq "git clone over HTTP through the proxy" "from git" "$OUT"
  run_sb $BASE --net-allow allowed.test:$HP -- \
    sh -c "git clone -q http://denied.test:$HP/repo.git /tmp/c 2>&1; echo rc=\$?"
  expect_match "git clone from a denied name fails" "rc=[1-9]" "$OUT"
else
  skip "git not installed"
  skip "git not installed"
fi

# ---- pip: a package index (PEP 503 "simple" pages and a wheel) by name
if "$PY" -m pip --version >/dev/null 2>&1; then
  "$PY" - "$WWW" <<'EOF'
import os, sys, zipfile
www = sys.argv[1]
os.makedirs(os.path.join(www, "simple", "sbdemo"), exist_ok=True)
whl = "sbdemo-1.0-py3-none-any.whl"
with zipfile.ZipFile(os.path.join(www, whl), "w") as z:
    z.writestr("sbdemo/__init__.py", "")
    z.writestr("sbdemo-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: sbdemo\nVersion: 1.0\n")
    z.writestr("sbdemo-1.0.dist-info/WHEEL",
               "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
    z.writestr("sbdemo-1.0.dist-info/RECORD", "")
with open(os.path.join(www, "simple", "sbdemo", "index.html"), "w") as f:
    f.write('<html><body><a href="../../%s">%s</a></body></html>\n' % (whl, whl))
EOF
  # (no pip.conf: the host's may name other indexes; an http:// index
  # must be trusted by name)
  PIP="$PY -m pip download --no-deps --no-cache-dir --disable-pip-version-check --retries 0 --timeout 10 -d /tmp/d --trusted-host allowed.test --trusted-host denied.test"
  BASE_PIP="$BASE --setenv PIP_CONFIG_FILE /dev/null"
  run_sb $BASE_PIP --net-allow allowed.test:$HP -- \
    sh -c "$PIP --index-url http://allowed.test:$HP/simple/ sbdemo >/dev/null 2>&1; ls /tmp/d"
  expect_eq "pip downloads from an allowed index through the proxy" "sbdemo-1.0-py3-none-any.whl" "$OUT"
  run_sb $BASE_PIP --net-allow allowed.test:$HP -- \
    sh -c "$PIP --index-url http://denied.test:$HP/simple/ sbdemo >/dev/null 2>&1; ls /tmp/d 2>/dev/null; echo end"
  expect_eq "pip gets nothing from a denied index" "end" "$OUT"
else
  skip "pip not installed for $PY"
  skip "pip not installed for $PY"
fi

# ---- npm: a registry's package document, by name
if command -v npm >/dev/null; then
  printf '{"name":"sbdemo","dist-tags":{"latest":"1.0.0"},"versions":{"1.0.0":{"name":"sbdemo","version":"1.0.0"}}}' \
    >"$WWW/sbdemo"
  NPM="npm view sbdemo version --fetch-retries 0 --fetch-timeout 10000"
  run_sb $BASE --net-allow allowed.test:$HP -- sh -c "$NPM --registry http://allowed.test:$HP/ 2>&1"
  expect_eq "npm reads an allowed registry through the proxy" "1.0.0" "$OUT"
  run_sb $BASE --net-allow allowed.test:$HP -- sh -c "$NPM --registry http://denied.test:$HP/ 2>&1"
  expect_match "npm gets the refusal from a denied registry" "403" "$OUT"
else
  skip "npm not installed"
  skip "npm not installed"
fi

# ---- --net-log: one JSON object a line, allowed and refused
if [ -s "$TMP/log" ]; then
  run_sb $BASE --net-allow allowed.test:$HP --net-log "$TMP/log2" -- \
    sh -c "$CURL -o /dev/null http://allowed.test:$HP/hello.txt; $CURL -o /dev/null http://denied.test:$HP/"
  LOG=$(cat "$TMP/log2" 2>/dev/null)
  expect_match "log: the allowed connection, with its rule and origin" \
    "\"host\":\"allowed.test\",\"port\":$HP,\"action\":\"allow\",\"rule\":\"allowed.test:$HP\",\"origin\":\"command line" "$LOG"
  expect_match "log: the refused one, with the reason" \
    "\"host\":\"denied.test\",\"port\":$HP,\"action\":\"deny\",\"reason\":\"no --net-allow rule matches\"" "$LOG"
  check "log: every line is a JSON object" \
    "$PY" -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]; sys.exit(0 if open(sys.argv[1]).read().count("\n") == 2 else 1)' "$TMP/log2"
else
  not_ok "--net-log wrote nothing"
fi

# ---- attack: the sandbox's pid 1 never execs; an fd of the log left open
# in it could be reopened through /proc/1/fd and the log rewritten
run_sb $BASE --net-allow allowed.test:$HP --net-log "$TMP/log3" -- sh -c \
  'for f in /proc/1/fd/*; do case "$(readlink $f)" in *log3) echo forged >$f && echo FORGED;; esac; done; echo scanned'
expect_eq "the command cannot reach its --net-log file through /proc/1/fd" "scanned" "$OUT"
check "the --net-log file is intact" sh -c "! grep -q forged '$TMP/log3' 2>/dev/null"

# ---- the proxy lives exactly as long as the sandbox
mkfifo "$TMP/go"
"$SB" $BASE --info-fd 5 --net-allow allowed.test:$HP -- sh -c 'read x <&3' 3<"$TMP/go" 5>"$TMP/info" &
MON=$!
exec 4>"$TMP/go"
i=0
while [ $i -lt 100 ]; do
  KIDS=$(cat /proc/$MON/task/$MON/children 2>/dev/null)
  [ "$(echo $KIDS | wc -w)" -ge 2 ] && grep -q child-pid "$TMP/info" && break
  sleep 0.1
  i=$((i + 1))
done
CHILD=$(sed -n 's/.*"child-pid": \([0-9]*\).*/\1/p' "$TMP/info")
PROXY=""
for k in $KIDS; do [ "$k" != "$CHILD" ] && PROXY=$k; done
if [ -n "$PROXY" ] && [ -n "$CHILD" ] && [ -e "/proc/$PROXY" ]; then
  ok "the proxy runs beside the sandbox, a child of the monitor"
else
  not_ok "the proxy runs beside the sandbox, a child of the monitor"
  diag "children of $MON: $KIDS; sandbox: $CHILD"
fi
expect_eq "the proxy is named apart from the monitor (ps, top)" sandbox-proxy \
  "$(cat /proc/$PROXY/comm 2>/dev/null)"
CAPS=$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/$PROXY/status 2>/dev/null)
expect_eq "the proxy holds no capabilities (even when root runs sandbox)" 0000000000000000 "$CAPS"
echo go >&4
exec 4>&-
wait $MON
i=0
while [ -n "$PROXY" ] && kill -0 "$PROXY" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if [ -n "$PROXY" ] && kill -0 "$PROXY" 2>/dev/null; then
  not_ok "the proxy is gone when the sandbox ends"
else
  ok "the proxy is gone when the sandbox ends"
fi
# ... and not before: a process the command leaves running (bwrap's way,
# no profile) still gets out after sandbox has returned
mkdir -p "$TMP/late"
mkfifo "$TMP/late/go"
run_sb $BASE --bind "$TMP/late" /late --net-allow allowed.test:$HP -- \
  sh -c "(read x </late/go; $CURL http://allowed.test:$HP/hello.txt >/late/o 2>&1; mv /late/o /late/out) >/dev/null 2>&1 & exit 0"
timeout 10 sh -c "echo go >'$TMP/late/go'"
i=0
while [ ! -e "$TMP/late/out" ] && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
expect_eq "a process left running reaches the allowed host after sandbox returned" \
  "hello through the proxy" "$(cat "$TMP/late/out" 2>/dev/null)"

# ... nor when a ^C (SIGINT to the foreground process group) reaches a
# command that goes on after it
if command -v setsid >/dev/null; then
  mkfifo "$TMP/late/go2"
  setsid "$SB" $BASE --bind "$TMP/late" /late --net-allow allowed.test:$HP -- \
    sh -c "trap '' INT; : >/late/ready; read x </late/go2; $CURL http://allowed.test:$HP/hello.txt >/late/o2 2>&1; mv /late/o2 /late/out2" \
    >/dev/null 2>&1 &
  GRP=$!
  i=0
  # (the command ignores SIGINT from here on; the proxy was started before)
  while [ ! -e "$TMP/late/ready" ] && [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
  done
  kill -s INT -- -$GRP
  timeout 10 sh -c "echo go >'$TMP/late/go2'"
  i=0
  while [ ! -e "$TMP/late/out2" ] && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
  expect_eq "the proxy outlives a ^C the command survives" "hello through the proxy" \
    "$(cat "$TMP/late/out2" 2>/dev/null)"
  wait $GRP
else
  skip "setsid not installed"
fi

# ---- the registry profile: the build profile, out only to the registries
mkdir -p "$TMP/proj"
cd "$TMP/proj" || exit 1
run_sb --profile registry --net-allow allowed.test:$HP -- sh -c \
  "$CURL http://allowed.test:$HP/hello.txt; $CURL -o /dev/null -w '%{http_connect}\n' https://pypi.org/ 2>/dev/null; $CURL -o /dev/null -w '%{http_connect}\n' https://example.org/ 2>/dev/null"
expect_eq "registry profile: an added rule, a registry let through (then unreachable here), others refused" \
  "hello through the proxy
502
403" "$OUT"
cd "$TMP" || exit 1

# ---- --net-private: outbound through pasta, the host's loopback unreachable
run_sb $SYS --net-private --explain -- true
expect_match "explain: --net-private" "network: own namespace, outbound through pasta.*\[command line, argument [0-9]+\]" "$OUT"
# (a variable set before a function call stays set in dash: call $SB itself)
PATH=/nonexistent "$SB" $SYS --net-private -- sh -c "echo ran >$TMP/ran" >"$TMP/out" 2>"$TMP/err"
RC=$?
ERR=$(cat "$TMP/err")
expect_match "--net-private without pasta: one line says so" "^sandbox: --net-private needs pasta \(Debian package passt\)" "$ERR"
expect_eq "--net-private without pasta: nothing runs" "1 no" "$RC $(test -e "$TMP/ran" && echo ran || echo no)"
run_sb --net-private --net-allow a.test -- true
expect_match "--net-private and --net-allow exclude each other" "cannot be combined" "$ERR"
if ! command -v pasta >/dev/null; then
  skip "pasta (package passt) not installed"
elif ! [ -r /dev/net/tun ] || ! [ -w /dev/net/tun ]; then
  # pasta needs /dev/net/tun on the caller's side (0600 root on some hosts)
  run_sb $BASE --net-private -- sh -c "echo ran >$TMP/ran"
  expect_match "--net-private where pasta cannot open /dev/net/tun: one line, nothing runs" \
    "^sandbox: --net-private: .*pasta failed.*no ran" "$ERR $(test -e "$TMP/ran" && echo ran || echo no ran)"
else
  # (the sleep: pasta's default, which this must not use, forwards the
  # host's listening ports from a scan it repeats every second)
  run_sb $BASE --ro-bind "$TMP/direct.py" /direct.py --net-private -- \
    sh -c "ip -o link show | grep -c -v ': lo:'; sleep 2; $PY /direct.py $HP 127.0.0.1 ${HOSTIP:-127.0.0.1}"
  expect_match "--net-private: an interface besides lo" "^[1-9]" "$OUT"
  expect_nomatch "--net-private: the host's services on loopback and on its address are unreachable" \
    "connected" "$OUT"
  expect_match "--net-private: the connections were tried" "127.0.0.1 refused" "$OUT"
  # the net profile (the caller's network) with --net-private added, as
  # sandbox-profile(5) suggests: the option wins over the profile's share-net
  run_sb --profile net --net-private --ro-bind "$TMP/direct.py" /direct.py -- \
    $PY /direct.py "$HP" 127.0.0.1
  expect_match "--profile net --net-private: the host's loopback service is unreachable" \
    "^127.0.0.1 refused" "$OUT"
  # pasta serves the sandbox's namespace and goes with it (it names the
  # sandbox's pid on its command line; it quits by itself only for a
  # namespace bound to a file): one left a run, and the machine's quota of
  # inotify instances ran out after a hundred runs.
  "$SB" $BASE --net-private --info-fd 3 -- true 3>"$TMP/np-info" >/dev/null 2>&1
  np_pid=$(sed -n 's/.*"child-pid": *\([0-9]*\).*/\1/p' "$TMP/np-info")
  expect_match "--net-private: the sandbox's pid is known" "^[0-9]+$" "$np_pid"
  check "--net-private: no pasta is left for the sandbox once sandbox returns" \
    sh -c "! pgrep -f '^/usr/bin/pasta .* ${np_pid:-none}\$' >/dev/null && ! pgrep -f '^pasta .* ${np_pid:-none}\$' >/dev/null"
  if is_root && command -v ip >/dev/null; then
    # a server on a non-loopback address of a test network namespace
    ns=sbt$$
    ip netns add $ns && ip link add ${ns}a type veth peer name ${ns}b &&
      ip link set ${ns}b netns $ns && ip addr add 10.231.7.1/24 dev ${ns}a &&
      ip link set ${ns}a up && ip -n $ns addr add 10.231.7.2/24 dev ${ns}b &&
      ip -n $ns link set ${ns}b up && ip -n $ns link set lo up
    ip netns exec $ns timeout 120 "$PY" "$TMP/srv.py" "$WWW" "$TMP/peerport" &
    i=0
    while [ ! -s "$TMP/peerport" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    PP=$(cat "$TMP/peerport" 2>/dev/null)
    run_sb $BASE --net-private -- sh -c "$CURL http://10.231.7.2:$PP/hello.txt"
    expect_eq "--net-private: a server on a test namespace's address is reachable" \
      "hello through the proxy" "$OUT"
    ip netns pids $ns 2>/dev/null | xargs -r kill 2>/dev/null
    ip link del ${ns}a 2>/dev/null
    ip netns del $ns
  else
    skip "a test network namespace needs root"
  fi
fi

# ---- bad input
run_sb --net-allow 'evil.test/x' -- true
expect_match "bad rule: one line, exit 1" "net-allow takes HOST" "$ERR"
expect_eq "bad rule: non-zero exit" 1 "$RC"
run_sb --net-log "$TMP/x" -- true
expect_match "--net-log alone is refused" "requires --net-allow" "$ERR"
printf 'net-allow good.test\nnet-allow bad..test\n' >"$TMP/p.profile"
run_sb --profile "$TMP/p.profile" -- true
expect_match "bad profile rule: file:line:col" "p.profile:2:[0-9]+" "$ERR"

# ---- --explain: the mode and each rule with its origin
printf 'net-allow *.registry.test\n' >"$TMP/r.profile"
run_sb --profile "$TMP/r.profile" --net-allow api.test:8443 --explain -- true
expect_match "explain: network mode" "network: own namespace, out only through the proxy" "$OUT"
expect_match "explain: a profile's rule and where" "allow \*\.registry\.test \(ports 80, 443\) +\[.*r\.profile:1\]" "$OUT"
expect_match "explain: a command-line rule" "allow api\.test:8443 +\[command line, argument 3\]" "$OUT"

done_testing
