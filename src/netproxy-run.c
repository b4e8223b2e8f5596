/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* --net-allow at run time: the listening sockets made inside the sandbox's
 * network namespace, and the proxy process on the caller's side that
 * accepts from them, checks each request against the allow-list, resolves
 * the name itself and relays. A thread per connection (and one more once
 * it is a tunnel: a thread a direction): a slow name lookup or a slow peer
 * holds up only its own connection. */
#include "netproxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

#include "caps.h"
#include "plan.h"
#include "util.h"

#define MAX_CONNS       512
#define MAX_ADDRS       8
#define CONNECT_TIMEOUT 10000 /* ms */
#define DNS_TIMEOUT     2000  /* ms, per server and query type */
#define REQUEST_TIMEOUT 30    /* s: a client that never finishes its request */
#define PIPE_BYTES      (1 << 20)

void netproxy_make_listeners(int sock)
{
  const unsigned ports[2] = {NP_HTTP_PORT, NP_SOCKS_PORT};
  int fds[2], r;

  for (size_t i = 0; i < 2; i++) {
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)ports[i]),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int one = 1;

    /* Made here, so they belong to the sandbox's network namespace: the
     * proxy outside accepts the command's connections from them. */
    fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fds[i] < 0 || setsockopt(fds[i], SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(fds[i], (struct sockaddr *)&a, sizeof a) < 0 || listen(fds[i], 128) < 0)
      die_errno(errno, "net-allow: cannot listen on 127.0.0.1:%u", ports[i]);
    /* The hop from the command to the proxy is loopback in a namespace of
     * its own: there is no congestion to control. A pacing default (BBR)
     * paces it all the same and cuts segments to a pacing interval's
     * worth, and both ends pay per packet: curl spent three times the CPU
     * a GiB, the download ran at half the speed (bench/ row 8). Reno does
     * not pace; accepted connections keep the listener's choice. */
    (void)setsockopt(fds[i], IPPROTO_TCP, TCP_CONGESTION, "reno", 4);
  }
  r = send_with_fds(sock, "L", 1, fds, 2);
  if (r < 0)
    die_errno(-r, "net-allow: cannot hand the proxy its sockets");
  close(fds[0]);
  close(fds[1]);
  close(sock);
}

void netproxy_set_env(void)
{
  static const char *const vars[][2] = {
      {"http_proxy", "http://127.0.0.1:3128"},   {"HTTP_PROXY", "http://127.0.0.1:3128"},
      {"https_proxy", "http://127.0.0.1:3128"},  {"HTTPS_PROXY", "http://127.0.0.1:3128"},
      {"all_proxy", "socks5h://127.0.0.1:1080"}, {"ALL_PROXY", "socks5h://127.0.0.1:1080"},
      {"no_proxy", "localhost,127.0.0.1,::1"},   {"NO_PROXY", "localhost,127.0.0.1,::1"},
  };

  for (size_t i = 0; i < ELEMENTSOF(vars); i++)
    if (setenv(vars[i][0], vars[i][1], 1) < 0)
      die_oom();
}

/* ---- the proxy process ---- */

static struct {
  const struct net_rule *rules;
  size_t n_rules;
  int log_fd;
  const char *hosts_file, *resolv_conf;
  atomic_int conns;
} px;

static void json_str(char *out, size_t size, const char *s)
{
  size_t o = 0;

  for (; *s && o + 7 < size; s++) {
    unsigned char c = (unsigned char)*s;
    if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\')
      o += (size_t)snprintf(out + o, size - o, "\\u%04x", c);
    else
      out[o++] = (char)c;
  }
  out[o] = '\0';
}

static void rule_str(char *out, size_t size, const struct net_rule *r)
{
  char port[12] = "";
  bool v6 = strchr(r->host, ':') != NULL;

  if (r->port)
    snprintf(port, sizeof port, ":%u", r->port);
  snprintf(out, size, "%s%s%s%s", v6 ? "[" : "", r->host, v6 ? "]" : "", port);
}

static void rule_origin(char *out, size_t size, const struct net_rule *r)
{
  if (r->origin.file)
    snprintf(out, size, "%s:%u", r->origin.file, r->origin.line);
  else
    snprintf(out, size, "command line, argument %u", r->origin.line);
}

/* One JSON object a line; a single write to an O_APPEND fd, so lines of
 * concurrent connections do not interleave. */
static void log_conn(const char *proto, const char *host, unsigned port, const char *action,
                     const struct net_rule *rule, const char *why)
{
  char h[NP_MAX_HOST * 6 + 1], w[512], rs[NP_MAX_HOST + 16], ro[300], line[4096], ts[32];
  struct timespec now;
  struct tm tm;

  if (px.log_fd < 0)
    return;
  clock_gettime(CLOCK_REALTIME, &now);
  gmtime_r(&now.tv_sec, &tm);
  strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
  json_str(h, sizeof h, host ? host : "");
  json_str(w, sizeof w, why ? why : "");
  if (rule) {
    rule_str(rs, sizeof rs, rule);
    rule_origin(ro, sizeof ro, rule);
    snprintf(line, sizeof line,
             "{\"time\":\"%s.%03ldZ\",\"proto\":\"%s\",\"host\":\"%s\",\"port\":%u,"
             "\"action\":\"%s\",\"rule\":\"%s\",\"origin\":\"%s\"}\n",
             ts, now.tv_nsec / 1000000, proto, h, port, action, rs, ro);
  } else {
    snprintf(line, sizeof line,
             "{\"time\":\"%s.%03ldZ\",\"proto\":\"%s\",\"host\":\"%s\",\"port\":%u,"
             "\"action\":\"%s\",\"reason\":\"%s\"}\n",
             ts, now.tv_nsec / 1000000, proto, h, port, action, w);
  }
  (void)write_all(px.log_fd, line, strlen(line));
}

static bool literal_addr(const char *s, struct sockaddr_storage *out)
{
  memset(out, 0, sizeof *out);
  if (inet_pton(AF_INET, s, &((struct sockaddr_in *)out)->sin_addr) == 1) {
    out->ss_family = AF_INET;
    return true;
  }
  if (inet_pton(AF_INET6, s, &((struct sockaddr_in6 *)out)->sin6_addr) == 1) {
    out->ss_family = AF_INET6;
    return true;
  }
  return false;
}

static size_t read_small_file(const char *path, struct sockaddr_storage *out, size_t max,
                              const char *name)
{
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  _cleanup_free_ char *buf = NULL;
  size_t len;

  if (fd < 0 || read_all(fd, &buf, &len) < 0)
    return 0;
  if (name)
    return np_hosts_lookup(buf, len, name, out, max);
  return np_resolv_nameservers(buf, len, out, max);
}

static size_t dns_ask(const struct sockaddr_storage *ns, const char *name, uint16_t qtype,
                      struct sockaddr_storage *out, size_t max)
{
  uint8_t q[300], a[1500];
  uint16_t id;
  size_t qlen;
  struct sockaddr_storage to = *ns;
  socklen_t tolen =
      ns->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
  _cleanup_close_ int s = socket(ns->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct pollfd pfd = {.fd = s, .events = POLLIN};
  ssize_t n;

  if (getrandom(&id, sizeof id, 0) != sizeof id)
    return 0;
  qlen = np_dns_query(q, sizeof q, id, name, qtype);
  ((struct sockaddr_in *)&to)->sin_port = htons(53);
  /* connect(): only the server's own answers reach the socket */
  if (s < 0 || qlen == 0 || connect(s, (struct sockaddr *)&to, tolen) < 0 ||
      send(s, q, qlen, 0) != (ssize_t)qlen)
    return 0;
  while (poll(&pfd, 1, DNS_TIMEOUT) > 0) {
    n = recv(s, a, sizeof a, 0);
    if (n < 0)
      return 0;
    if ((n = (ssize_t)np_dns_answers(a, (size_t)n, id, qtype, out, max)) > 0)
      return (size_t)n;
  }
  return 0;
}

/* Names found through DNS may not lead to the host's loopback or a
 * link-local address (cloud metadata): an allowed name's DNS record is
 * not the caller's to vouch for (DNS rebinding). The hosts file is. */
static size_t resolve(const char *host, struct sockaddr_storage *out, const char **why)
{
  struct sockaddr_storage ns[3], tmp[MAX_ADDRS];
  size_t n, n_ns, kept = 0;

  if (literal_addr(host, out))
    return 1;
  if ((n = read_small_file(px.hosts_file, out, MAX_ADDRS, host)) > 0)
    return n;
  n_ns = read_small_file(px.resolv_conf, ns, ELEMENTSOF(ns), NULL);
  if (n_ns == 0)
    n_ns = literal_addr("127.0.0.1", &ns[0]);
  for (uint16_t qtype = 1; qtype && kept == 0; qtype = qtype == 1 ? 28 : 0)
    for (size_t i = 0; i < n_ns && kept == 0; i++) {
      n = dns_ask(&ns[i], host, qtype, tmp, ELEMENTSOF(tmp));
      for (size_t k = 0; k < n; k++)
        if (!np_addr_is_local(&tmp[k]))
          out[kept++] = tmp[k];
      if (n && !kept)
        *why = "the name resolves (DNS) only to loopback or link-local addresses";
    }
  if (!kept && !*why)
    *why = "the name does not resolve";
  return kept;
}

static int connect_one(const struct sockaddr_storage *a, unsigned port)
{
  struct sockaddr_storage to = *a;
  socklen_t len =
      a->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
  int s = socket(a->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  struct pollfd pfd = {.fd = s, .events = POLLOUT};
  int err = 0;
  socklen_t el = sizeof err;

  if (s < 0)
    return -errno;
  ((struct sockaddr_in *)&to)->sin_port = htons((uint16_t)port);
  if (connect(s, (struct sockaddr *)&to, len) < 0) {
    if (errno != EINPROGRESS)
      err = errno;
    else if (poll(&pfd, 1, CONNECT_TIMEOUT) <= 0)
      err = ETIMEDOUT;
    else if (getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
      err = errno;
  }
  if (err) {
    close(s);
    return -err;
  }
  return s;
}

static int dial(const char *host, unsigned port, const char **why)
{
  struct sockaddr_storage addrs[MAX_ADDRS];
  size_t n = resolve(host, addrs, why);
  int r = -EHOSTUNREACH;

  for (size_t i = 0; i < n; i++)
    if ((r = connect_one(&addrs[i], port)) >= 0)
      return r;
  if (n)
    *why = strerrordesc_np(-r) ?: "cannot connect"; /* strerror() is not for threads */
  return r;
}

/* A tunnel's two directions, a thread each, each socket -> pipe -> socket
 * with blocking splice() (the bytes never come up to us). While a
 * direction's writer waits for the slower side, what arrives queues in the
 * socket, and the next splice takes it all at once: two calls a batch. The
 * poll() loop this replaces woke for every packet and made ~5 splices and
 * 3 polls a packet (bench/ row 8). */
struct dir {
  int from, to, err;
};

/* At most this many grown pipes at once: each counts 256 pages against
 * the user's pipe quota (fs.pipe-user-pages-soft, 16384 by default), past
 * which every new pipe of the user, outside the sandbox too, gets 2 pages. */
#define MAX_BIG_PIPES 16
static atomic_int big_pipes;

/* A direction whose reads fill half its pipe carries bulk: its pipe grows
 * to 1 MiB, fewer splice() calls per megabyte. Where pipe-max-size or the
 * quota refuses, the default size stays. */
static bool grow(int wr, size_t *cap)
{
  int sz;

  if (atomic_fetch_add(&big_pipes, 1) >= MAX_BIG_PIPES || fcntl(wr, F_SETPIPE_SZ, PIPE_BYTES) < 0) {
    atomic_fetch_sub(&big_pipes, 1);
    return false;
  }
  sz = fcntl(wr, F_GETPIPE_SZ);
  if (sz > 0)
    *cap = (size_t)sz;
  return true;
}

/* The pipe is empty at every read: a read never waits for room in it. */
static int copy(int from, int to, int rd, int wr, bool *big)
{
  int sz = fcntl(wr, F_GETPIPE_SZ);
  size_t cap = sz > 0 ? (size_t)sz : 4096;
  bool tried = false;

  for (;;) {
    ssize_t n = splice(from, NULL, wr, NULL, cap, SPLICE_F_MOVE), m;

    if (n == 0)
      return 0;
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -errno;
    if (!tried && (size_t)n >= cap / 2) {
      tried = true;
      *big = grow(wr, &cap);
    }
    for (; n > 0; n -= m) {
      m = splice(rd, NULL, to, NULL, (size_t)n, SPLICE_F_MOVE);
      if (m < 0 && errno == EINTR)
        m = 0;
      else if (m <= 0)
        return m < 0 ? -errno : -EPIPE;
    }
  }
}

static int pump(int from, int to)
{
  _cleanup_close_ int rd = -1, wr = -1;
  bool big = false;
  int pfd[2], r;

  if (pipe2(pfd, O_CLOEXEC) < 0)
    return -errno;
  rd = pfd[0];
  wr = pfd[1];
  r = copy(from, to, rd, wr, &big);
  if (big)
    atomic_fetch_sub(&big_pipes, 1);
  return r;
}

static void run_dir(struct dir *d)
{
  d->err = pump(d->from, d->to);
  if (d->err == 0)
    shutdown(d->to, SHUT_WR); /* the half-close, passed on */
  else {
    /* wakes the other direction, which may wait on either socket */
    shutdown(d->from, SHUT_RDWR);
    shutdown(d->to, SHUT_RDWR);
  }
}

static void *dir_main(void *arg)
{
  run_dir(arg);
  return NULL;
}

static void tunnel_socket(int fd)
{
  struct timeval none = {0};
  int one = 1;

  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  /* the request's deadline is no limit on a tunnel's idle time */
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof none);
  /* The ends chose where their writes break; Nagle here would hold a
   * small write back until the previous one is acknowledged, and with the
   * peer's delayed acknowledgement a write-write-read exchange took 1 to
   * 19 ms a round trip through the proxy against 0.12 ms directly. */
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static void relay(int a, int b)
{
  struct dir back = {.from = b, .to = a}, fwd = {.from = a, .to = b};
  pthread_attr_t attr;
  pthread_t t;
  int r;

  tunnel_socket(a);
  tunnel_socket(b);
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  r = pthread_create(&t, &attr, dir_main, &back);
  pthread_attr_destroy(&attr);
  if (r != 0)
    return;
  run_dir(&fwd);
  pthread_join(t, NULL);
}

static void http_reply(int c, const char *status, const char *body)
{
  char buf[1024];
  int n = snprintf(buf, sizeof buf,
                   "HTTP/1.1 %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
                   "Connection: close\r\n\r\n%s",
                   status, strlen(body), body);

  (void)write_all(c, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

static void serve_http(int c)
{
  _cleanup_free_ char *buf = xmalloc(NP_MAX_HEAD);
  _cleanup_free_ struct np_request *r = xcalloc(1, sizeof *r);
  _cleanup_close_ int up = -1;
  const struct net_rule *rule;
  const char *proto, *why = NULL;
  char body[600];
  size_t len = 0;
  int rv = 0;

  while (rv == 0 && len < NP_MAX_HEAD) {
    ssize_t n = read(c, buf + len, NP_MAX_HEAD - len);
    if (n <= 0)
      return;
    len += (size_t)n;
    rv = np_parse_http(buf, len, r);
  }
  if (rv <= 0) {
    snprintf(body, sizeof body, "sandbox: bad proxy request: %s\n",
             rv == -EINVAL ? r->why : "request head too long");
    log_conn("http", NULL, 0, "deny", NULL, body + 9);
    http_reply(c, "400 Bad Request", body);
    return;
  }
  proto = r->kind == NP_CONNECT ? "http-connect" : "http";
  rule = np_allowed(px.rules, px.n_rules, r->host, r->port);
  /* Each line is logged before the reply: the client may end the sandbox,
   * and the proxy with it, as soon as it has its answer. */
  if (!rule) {
    snprintf(body, sizeof body,
             "sandbox: %s port %u is not allowed: no --net-allow rule matches it\n", r->host,
             r->port);
    log_conn(proto, r->host, r->port, "deny", NULL, "no --net-allow rule matches");
    http_reply(c, "403 Forbidden", body);
    return;
  }
  up = dial(r->host, r->port, &why);
  if (up < 0) {
    snprintf(body, sizeof body, "sandbox: cannot reach %s port %u: %s\n", r->host, r->port, why);
    log_conn(proto, r->host, r->port, "fail", NULL, why);
    http_reply(c, "502 Bad Gateway", body);
    return;
  }
  log_conn(proto, r->host, r->port, "allow", rule, NULL);
  if (r->kind == NP_CONNECT) {
    static const char ok[] = "HTTP/1.1 200 Connection established\r\n\r\n";
    if (write_all(c, ok, sizeof ok - 1) < 0)
      return;
  } else if (write_all(up, r->out, r->out_len) < 0) {
    return;
  }
  /* what the client sent after its head (a body, a TLS hello) */
  if (len > r->head_len && write_all(up, buf + r->head_len, len - r->head_len) < 0)
    return;
  relay(c, up);
}

/* ret: 0 done, -1 closed; *len: bytes in buf */
static int read_until(int c, uint8_t *buf, size_t size, size_t *len,
                      int (*parse)(const uint8_t *, size_t, struct np_request *),
                      struct np_request *r, int *rv)
{
  while ((*rv = parse(buf, *len, r)) == 0) {
    ssize_t n;
    if (*len == size)
      return -1;
    n = read(c, buf + *len, size - *len);
    if (n <= 0)
      return -1;
    *len += (size_t)n;
  }
  return 0;
}

static int parse_greeting(const uint8_t *b, size_t n, struct np_request *r)
{
  (void)r;
  return np_socks_greeting(b, n);
}

static void socks_reply(int c, uint8_t code)
{
  uint8_t rep[10] = {5, code, 0, 1, 0, 0, 0, 0, 0, 0};
  (void)write_all(c, rep, sizeof rep);
}

static uint8_t socks_code(int err)
{
  switch (err) {
  case ECONNREFUSED:
    return 5;
  case ENETUNREACH:
    return 3;
  case EHOSTUNREACH:
  case ETIMEDOUT:
    return 4;
  default:
    return 1;
  }
}

static void serve_socks(int c)
{
  uint8_t buf[600];
  _cleanup_free_ struct np_request *r = xcalloc(1, sizeof *r);
  _cleanup_close_ int up = -1;
  const struct net_rule *rule;
  const char *why = NULL;
  size_t len = 0;
  int rv;

  if (read_until(c, buf, sizeof buf, &len, parse_greeting, r, &rv) < 0)
    return;
  if (rv < 0) {
    (void)write_all(c, "\5\377", 2); /* no acceptable method */
    log_conn("socks5", NULL, 0, "deny", NULL, "bad greeting or no 'no authentication' method");
    return;
  }
  if (write_all(c, "\5\0", 2) < 0)
    return;
  memmove(buf, buf + rv, len - (size_t)rv);
  len -= (size_t)rv;
  if (read_until(c, buf, sizeof buf, &len, np_socks_request, r, &rv) < 0)
    return;
  if (rv < 0) {
    log_conn("socks5", NULL, 0, "deny", NULL, "bad request, or not CONNECT");
    socks_reply(c, rv == -EOPNOTSUPP ? 7 : rv == -EAFNOSUPPORT ? 8 : 1);
    return;
  }
  rule = np_allowed(px.rules, px.n_rules, r->host, r->port);
  if (!rule) {
    socks_reply(c, 2); /* connection not allowed by ruleset */
    log_conn("socks5", r->host, r->port, "deny", NULL, "no --net-allow rule matches");
    return;
  }
  up = dial(r->host, r->port, &why);
  if (up < 0) {
    log_conn("socks5", r->host, r->port, "fail", NULL, why);
    socks_reply(c, socks_code(-up));
    return;
  }
  log_conn("socks5", r->host, r->port, "allow", rule, NULL);
  socks_reply(c, 0);
  if (len > (size_t)rv && write_all(up, buf + rv, len - (size_t)rv) < 0)
    return;
  relay(c, up);
}

struct conn {
  int fd;
  bool socks;
};

static void *conn_main(void *arg)
{
  struct conn *cn = arg;
  struct timeval tv = {.tv_sec = REQUEST_TIMEOUT};

  setsockopt(cn->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (cn->socks)
    serve_socks(cn->fd);
  else
    serve_http(cn->fd);
  close(cn->fd);
  free(cn);
  atomic_fetch_sub(&px.conns, 1);
  return NULL;
}

static void start_conn(int fd, bool socks)
{
  pthread_attr_t attr;
  pthread_t t;
  struct conn *cn;

  if (atomic_fetch_add(&px.conns, 1) >= MAX_CONNS) {
    atomic_fetch_sub(&px.conns, 1);
    close(fd);
    return;
  }
  cn = xmalloc(sizeof *cn);
  cn->fd = fd;
  cn->socks = socks;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  if (pthread_create(&t, &attr, conn_main, cn) != 0) {
    close(fd);
    free(cn);
    atomic_fetch_sub(&px.conns, 1);
  }
  pthread_attr_destroy(&attr);
}

static _noreturn_ void serve(int listeners[2], int sandbox)
{
  for (;;) {
    struct pollfd pfd[3] = {{.fd = listeners[0], .events = POLLIN},
                            {.fd = listeners[1], .events = POLLIN},
                            {.fd = sandbox, .events = POLLIN}};

    if (poll(pfd, 3, -1) < 0 && errno != EINTR)
      _exit(1);
    if (pfd[2].revents)
      _exit(0); /* the sandbox is gone: so is its way out */
    for (int i = 0; i < 2; i++) {
      int fd;
      if (!pfd[i].revents)
        continue;
      fd = accept4(listeners[i], NULL, NULL, SOCK_CLOEXEC);
      if (fd >= 0)
        start_conn(fd, i == 1);
      else if (errno == EMFILE || errno == ENFILE)
        poll(NULL, 0, 10); /* let connections finish */
    }
  }
}

/* The proxy keeps of the monitor's fds only its channel and the log. */
static void close_other_fds(int a, int b)
{
  int lo = a < b ? a : b, hi = a < b ? b : a;

  if (lo > 3)
    close_range(3, (unsigned)lo - 1, 0);
  if (hi > lo + 1)
    close_range((unsigned)lo + 1, (unsigned)hi - 1, 0);
  close_range((unsigned)hi + 1, ~0U, 0);
}

pid_t netproxy_start(const struct plan *p, int sock, int log_fd, pid_t sandbox)
{
  pid_t parent = getpid(), pid = fork();
  struct rlimit rl;
  sigset_t all;
  int listeners[2], sandbox_fd;

  if (pid != 0)
    return pid;
  /* Not dumpable: a sandboxed process that sees our pid (no pid
   * namespace) and runs as the same user cannot ptrace us, nor read our
   * memory through /proc, to make us connect where it likes. */
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  /* named apart from the monitor in ps and top (its threads inherit it) */
  prctl(PR_SET_NAME, "sandbox-proxy", 0, 0, 0);
  close_other_fds(sock, log_fd < 0 ? sock : log_fd);
  /* The proxy lives as long as the sandbox's first process (init, which
   * stays while any process of the sandbox does), not as long as the
   * monitor, which may return first. The pid is the monitor's unreaped
   * child here, so it cannot have been reused. Without pidfds: as long as
   * the monitor. */
  sandbox_fd = (int)syscall(SYS_pidfd_open, sandbox, 0);
  if (sandbox_fd < 0 && (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != parent))
    _exit(1);
  for (int sig = 1; sig < NSIG; sig++)
    signal(sig, SIG_DFL);
  /* A session of its own: a ^C at the terminal is for the command (which
   * may well go on), not for its only way out. */
  (void)setsid();
  signal(SIGPIPE, SIG_IGN);
  sigemptyset(&all);
  sigprocmask(SIG_SETMASK, &all, NULL);
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  px.rules = p->net_allow;
  px.n_rules = p->n_net_allow;
  px.log_fd = log_fd;
  px.hosts_file = getenv("SANDBOX_NET_HOSTS_FILE");
  if (!px.hosts_file || !*px.hosts_file)
    px.hosts_file = "/etc/hosts";
  px.resolv_conf = getenv("SANDBOX_NET_RESOLV_CONF");
  if (!px.resolv_conf || !*px.resolv_conf)
    px.resolv_conf = "/etc/resolv.conf";
  /* The sandbox ended before it made its sockets: nothing to serve. */
  {
    char b;
    size_t n;
    if (recv_with_fds(sock, &b, 1, listeners, 2, &n, 0) != 1 || n != 2)
      _exit(0);
  }
  close(sock);
  /* It parses what the sandbox sends: when root runs sandbox, that is no
   * job for a process with root's capabilities. Connecting needs none. */
  if (geteuid() == 0 && caps_apply(0) < 0)
    _exit(1);
  serve(listeners, sandbox_fd);
}
