/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* --net-allow: the command's network namespace has only loopback; its one
 * way out is a proxy that runs on the caller's side and accepts from
 * listening sockets made inside (a socket belongs to the namespace it was
 * created in, wherever its fd goes). The parsing half of this file is
 * pure (bytes in, verdict out) and fuzzed; the serving half runs in a
 * process of its own, forked by the monitor. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "diag.h"

#define NP_HTTP_PORT  3128 /* inside: HTTP CONNECT and plain HTTP forward */
#define NP_SOCKS_PORT 1080 /* inside: SOCKS5 */
#define NP_MAX_HEAD   16384
#define NP_MAX_HOST   253

struct net_rule {
  char *host;    /* lower case; "*.example.com" matches its subdomains */
  unsigned port; /* 0: 80 and 443 */
  struct origin origin;
};

struct plan;

/* "HOST[:PORT]", "*.DOMAIN[:PORT]", "[V6]:PORT". Pure. */
int np_parse_rule(const char *s, struct net_rule *ret, struct diag *d);
/* The rule that lets HOST:PORT through, or NULL. HOST must be normalized
 * (np_parse_authority's output). */
const struct net_rule *np_allowed(const struct net_rule *rules, size_t n, const char *host,
                                  unsigned port);
bool np_host_match(const char *pattern, const char *host);

/* "host:port" / "[v6]:port" / "host" (default_port, 0 = port required).
 * Host names are checked (letters, digits, '-', '_', '.'), lower-cased
 * and lose a trailing dot: what the allow-list compares is exactly what
 * is resolved. host must hold NP_MAX_HOST + 1 bytes. */
int np_parse_authority(const char *s, size_t len, unsigned default_port, char *host,
                       unsigned *port);

enum np_kind { NP_CONNECT, NP_FORWARD };

struct np_request {
  enum np_kind kind;
  char host[NP_MAX_HOST + 1];
  unsigned port;
  size_t head_len; /* bytes of the client's request head consumed */
  /* NP_FORWARD: the head to send upstream (origin-form target, no proxy
   * headers, "Connection: close"). */
  char out[NP_MAX_HEAD + 64];
  size_t out_len;
  const char *why; /* on -EINVAL: what was wrong */
};

/* An HTTP proxy request head. Returns 0 when more bytes are needed, 1 when
 * complete, -EINVAL (malformed; r->why says why), -E2BIG (head too long). */
int np_parse_http(const char *buf, size_t len, struct np_request *r);

/* SOCKS5 greeting: 0 more bytes needed, >0 bytes consumed (the client
 * offers "no authentication"), -ENOTSUP (it does not), -EPROTO. */
int np_socks_greeting(const uint8_t *buf, size_t len);
/* SOCKS5 request: 0 more bytes needed, >0 bytes consumed and r filled,
 * -EOPNOTSUPP (not CONNECT), -EAFNOSUPPORT (address type), -EINVAL (bad
 * name), -EPROTO. */
int np_socks_request(const uint8_t *buf, size_t len, struct np_request *r);

/* Up to max addresses of name in an /etc/hosts-format buffer. Pure. */
size_t np_hosts_lookup(const char *buf, size_t len, const char *name, struct sockaddr_storage *out,
                       size_t max);
/* IPv4/IPv6 "nameserver" lines of a resolv.conf buffer. Pure. */
size_t np_resolv_nameservers(const char *buf, size_t len, struct sockaddr_storage *out, size_t max);
/* A DNS query for name (type 1 = A, 28 = AAAA); returns its length or 0. */
size_t np_dns_query(uint8_t *buf, size_t size, uint16_t id, const char *name, uint16_t qtype);
/* The addresses of type qtype in a DNS answer with this id. Pure. */
size_t np_dns_answers(const uint8_t *buf, size_t len, uint16_t id, uint16_t qtype,
                      struct sockaddr_storage *out, size_t max);
/* Loopback, link-local (cloud metadata), unspecified, multicast: what a
 * name found through DNS may not point the proxy at. */
bool np_addr_is_local(const struct sockaddr_storage *a);

/* In the sandbox, after loopback is up: listening sockets on 127.0.0.1,
 * sent to the proxy over sock. Dies on failure (runs after fork). */
void netproxy_make_listeners(int sock);
/* In the sandbox, after the environment is built: the proxy variables. */
void netproxy_set_env(void);
/* In the monitor: forks the proxy, which receives the listeners from
 * sock and serves until the process sandbox (the monitor's child) ends.
 * log_fd: --net-log, or -1. */
pid_t netproxy_start(const struct plan *p, int sock, int log_fd, pid_t sandbox);
