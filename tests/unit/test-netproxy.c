/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The proxy's parsers: allow rules and matching, HTTP proxy requests,
 * SOCKS5, hosts files, resolv.conf and DNS answers. */
#include <arpa/inet.h>
#include <netinet/in.h>

#include "netproxy.h"
#include "tap.h"
#include "util.h"

static void rule(struct net_rule *r, const char *s)
{
  struct diag d;

  memset(r, 0, sizeof *r);
  if (np_parse_rule(s, r, &d) < 0)
    r->host = NULL;
}

static void test_rules(void)
{
  struct net_rule r, rules[3];

  rule(&r, "Example.COM.");

  is_str(r.host, "example.com", "rule host is lower-cased, trailing dot dropped");
  ok(r.port == 0, "no port: 80 and 443");
  free(r.host);
  rule(&r, "*.example.com:8443");
  is_str(r.host, "*.example.com", "wildcard kept");
  ok(r.port == 8443, "explicit port");
  free(r.host);
  rule(&r, "[::1]:8080");
  is_str(r.host, "::1", "IPv6 literal without brackets");
  ok(r.port == 8080, "IPv6 port");
  free(r.host);
  rule(&r, "[::1]");
  ok(r.host && r.port == 0, "IPv6 literal without port: 80 and 443");
  free(r.host);
  {
    static const char *const bad[] = {"",        "*",          "*.",      "a..b",      "a b",
                                      "a:0",     "a:65536",    "a:",      "a:12x",     "evil@a.com",
                                      "a.com/x", "*.[::1]:80", "[::1]x",  "[zz]:80",   "a%00.com",
                                      ".",       "x*.a.com",   "a.*.com", "a.com:+80", "a:123456"};
    for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
      struct diag d;
      struct net_rule b = {0};
      ok(np_parse_rule(bad[i], &b, &d) == -EINVAL, "rule '%s' refused", bad[i]);
      free(b.host);
    }
  }

  rule(&rules[0], "allowed.test");
  rule(&rules[1], "*.wild.test");
  rule(&rules[2], "api.test:8443");
  ok(np_allowed(rules, 3, "allowed.test", 443) == &rules[0], "exact name, 443");
  ok(np_allowed(rules, 3, "allowed.test", 80) == &rules[0], "exact name, 80");
  ok(!np_allowed(rules, 3, "allowed.test", 8080), "exact name, other port refused");
  ok(!np_allowed(rules, 3, "sub.allowed.test", 443), "exact rule does not cover subdomains");
  ok(!np_allowed(rules, 3, "xallowed.test", 443), "no suffix match on exact names");
  ok(np_allowed(rules, 3, "a.wild.test", 443) == &rules[1], "wildcard: one level");
  ok(np_allowed(rules, 3, "a.b.wild.test", 80) == &rules[1], "wildcard: deeper");
  ok(!np_allowed(rules, 3, "wild.test", 443), "wildcard does not cover the domain itself");
  ok(!np_allowed(rules, 3, "evilwild.test", 443), "wildcard needs the dot");
  ok(!np_host_match("*.0.0.1", "127.0.0.1"), "a wildcard never matches an IPv4 literal");
  ok(!np_host_match("*.1", "::ffff:10.0.0.1"), "nor an IPv6 one");
  ok(np_host_match("*.0.0.1", "a.0.0.1"), "names below a numeric-looking suffix still match");
  ok(np_allowed(rules, 3, "api.test", 8443) == &rules[2], "port rule");
  ok(!np_allowed(rules, 3, "api.test", 443), "port rule: only that port");
  for (int i = 0; i < 3; i++)
    free(rules[i].host);
}

static int http(const char *s, struct np_request *r)
{
  return np_parse_http(s, strlen(s), r);
}

static void test_http(void)
{
  static struct np_request r;

  ok(http("CONNECT Allowed.Test:443 HTTP/1.1\r\nHost: x\r\n", &r) == 0, "incomplete head");
  ok(http("CONNECT Allowed.Test:443 HTTP/1.1\r\nHost: x\r\n\r\nTLS", &r) == 1, "CONNECT");
  ok(r.kind == NP_CONNECT && r.port == 443, "CONNECT host:port");
  is_str(r.host, "allowed.test", "CONNECT host normalized");
  ok(r.head_len == strlen("CONNECT Allowed.Test:443 HTTP/1.1\r\nHost: x\r\n\r\n"),
     "head length excludes what follows");
  ok(http("CONNECT allowed.test HTTP/1.1\r\n\r\n", &r) == -EINVAL, "CONNECT needs a port");
  ok(http("CONNECT [::1]:443 HTTP/1.1\r\n\r\n", &r) == 1 && strcmp(r.host, "::1") == 0,
     "CONNECT to an IPv6 literal");

  ok(http("GET http://allowed.test/a/b?c HTTP/1.1\r\nHost: allowed.test\r\nProxy-Connection: "
          "keep-alive\r\nConnection: keep-alive\r\nAccept: */*\r\n\r\n",
          &r) == 1,
     "GET absolute-form");
  ok(r.kind == NP_FORWARD && r.port == 80, "forward, default port 80");
  r.out[r.out_len] = '\0';
  is_str(r.out,
         "GET /a/b?c HTTP/1.1\r\nHost: allowed.test\r\nAccept: */*\r\nConnection: close\r\n\r\n",
         "origin-form, hop headers replaced by Connection: close");
  ok(http("GET http://allowed.test:8080 HTTP/1.0\r\n\r\n", &r) == 1 && r.port == 8080, "port");
  r.out[r.out_len] = '\0';
  is_str(r.out, "GET / HTTP/1.0\r\nConnection: close\r\n\r\n", "empty path becomes /");
  ok(http("GET http://allowed.test?q HTTP/1.1\r\n\r\n", &r) == 1, "query without a path");
  r.out[r.out_len] = '\0';
  is_str(r.out, "GET /?q HTTP/1.1\r\nConnection: close\r\n\r\n", "query gets a /");

  {
    static const char *const bad[] = {
        "GET /local HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET https://a/ HTTP/1.1\r\n\r\n",
        "GET http://allowed.test@evil.test/ HTTP/1.1\r\n\r\n",
        "GET http://evil.test%2f@allowed.test/ HTTP/1.1\r\n\r\n",
        "GET http://a/ HTTP/2\r\n\r\n",
        "get http://a/ HTTP/1.1\r\n\r\n",
        "GET http://a/ HTTP/1.1\r\nX: 1\r\n folded\r\n\r\n",
        "GET http://a/ HTTP/1.1\r\nnocolon\r\n\r\n",
        "GET http://a:0/ HTTP/1.1\r\n\r\n",
        "GET http://a\x01/ HTTP/1.1\r\n\r\n",
        "GET\r\n\r\n",
        " http://a/ HTTP/1.1\r\n\r\n",
        "GET http://a/ HTTP/1.1\rX: y\r\n\r\n",
        "GET http://a/ HTTP/1.1\r\nX: y\nConnection: keep-alive\r\n\r\n",
        "GET http://a/ HTTP/1.1\r\nX: y\rConnection: keep-alive\r\n\r\n",
        "GET http://a/ HTTP/1.10\r\n\r\n",
    };
    for (size_t i = 0; i < ELEMENTSOF(bad); i++)
      ok(http(bad[i], &r) == -EINVAL, "malformed request %zu refused (%s)", i, r.why ? r.why : "-");
  }
  {
    char *big = xmalloc(NP_MAX_HEAD + 10);
    memset(big, 'a', NP_MAX_HEAD + 9);
    big[NP_MAX_HEAD + 9] = '\0';
    ok(np_parse_http(big, NP_MAX_HEAD + 9, &r) == -E2BIG, "over-long head refused");
    free(big);
  }
}

static void test_socks(void)
{
  static struct np_request r;
  static const uint8_t g1[] = {5, 2, 2, 0}, g2[] = {5, 1, 2}, g3[] = {4, 1, 0};
  static const uint8_t dom[] = {5,   1,   0,   3,   12,  'A', 'l', 'l',  'o',  'w',
                                'e', 'd', '.', 't', 'e', 's', 't', 0x01, 0xBB, 'x'};
  static const uint8_t v4[] = {5, 1, 0, 1, 10, 0, 0, 1, 0, 80};
  static const uint8_t v6[] = {5, 1, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 80};
  static const uint8_t bind[] = {5, 2, 0, 1, 10, 0, 0, 1, 0, 80};
  static const uint8_t badname[] = {5, 1, 0, 3, 3, 'a', '/', 'b', 0, 80};
  static const uint8_t port0[] = {5, 1, 0, 1, 10, 0, 0, 1, 0, 0};
  static const uint8_t atyp[] = {5, 1, 0, 9, 0, 0, 0};

  ok(np_socks_greeting(g1, 1) == 0, "greeting: more needed");
  ok(np_socks_greeting(g1, 3) == 0, "greeting: methods pending");
  ok(np_socks_greeting(g1, sizeof g1) == 4, "greeting with no-auth accepted");
  ok(np_socks_greeting(g2, sizeof g2) == -ENOTSUP, "no no-auth method");
  ok(np_socks_greeting(g3, sizeof g3) == -EPROTO, "SOCKS4 refused");
  ok(np_socks_request(dom, 10, &r) == 0, "request: more needed");
  ok(np_socks_request(dom, sizeof dom, &r) == (int)sizeof dom - 1, "domain request consumed");
  is_str(r.host, "allowed.test", "domain normalized");
  ok(r.port == 443, "port big-endian");
  ok(np_socks_request(v4, sizeof v4, &r) == 10 && strcmp(r.host, "10.0.0.1") == 0, "IPv4");
  ok(np_socks_request(v6, sizeof v6, &r) == 22 && strcmp(r.host, "::1") == 0, "IPv6");
  ok(np_socks_request(bind, sizeof bind, &r) == -EOPNOTSUPP, "BIND refused");
  ok(np_socks_request(badname, sizeof badname, &r) == -EINVAL, "bad name refused");
  ok(np_socks_request(port0, sizeof port0, &r) == -EINVAL, "port 0 refused");
  ok(np_socks_request(atyp, sizeof atyp, &r) == -EAFNOSUPPORT, "unknown address type");
}

static void test_hosts_dns(void)
{
  static const char hosts[] = "# comment\n127.0.0.1\tlocalhost\n10.1.2.3 Allowed.test alias # c\n"
                              "::1 allowed.test\nbogus allowed.test\n10.9.9.9 other.test";
  static const char resolv[] = "search x\nnameserver 192.0.2.53\nnameserver ::1\nnameserver\n";
  struct sockaddr_storage a[8];
  char buf[64];
  uint8_t q[300];
  size_t n;

  n = np_hosts_lookup(hosts, sizeof hosts - 1, "allowed.test", a, 8);
  ok(n == 2, "hosts: two addresses (bogus one skipped)");
  inet_ntop(AF_INET, &((struct sockaddr_in *)&a[0])->sin_addr, buf, sizeof buf);
  is_str(buf, "10.1.2.3", "hosts: case-insensitive name");
  ok(np_hosts_lookup(hosts, sizeof hosts - 1, "other.test", a, 8) == 1, "last line, no newline");
  ok(np_hosts_lookup(hosts, sizeof hosts - 1, "c", a, 8) == 0, "comments are not names");
  ok(np_resolv_nameservers(resolv, sizeof resolv - 1, a, 8) == 2, "resolv.conf nameservers");

  n = np_dns_query(q, sizeof q, 0x1234, "allowed.test", 1);
  ok(n == 12 + 14 + 4, "query length");
  ok(q[12] == 7 && memcmp(q + 13, "allowed", 7) == 0 && q[20] == 4, "query labels");
  ok(np_dns_query(q + 150, 150, 1, "a..b", 1) == 0, "empty label refused");
  {
    /* the query turned answer: one A record with a compressed name */
    uint8_t ans[300];
    memcpy(ans, q, n);
    ans[2] |= 0x80;
    ans[7] = 1;
    memcpy(ans + n, "\xC0\x0C\x00\x01\x00\x01\x00\x00\x00\x3C\x00\x04\xC0\x00\x02\x07", 16);
    ok(np_dns_answers(ans, n + 16, 0x1234, 1, a, 8) == 1, "one A record");
    inet_ntop(AF_INET, &((struct sockaddr_in *)&a[0])->sin_addr, buf, sizeof buf);
    is_str(buf, "192.0.2.7", "A record address");
    ok(np_dns_answers(ans, n + 16, 0x1235, 1, a, 8) == 0, "wrong id ignored");
    ok(np_dns_answers(ans, n + 15, 0x1234, 1, a, 8) == 0, "truncated record ignored");
    ok(np_dns_answers(ans, n + 16, 0x1234, 28, a, 8) == 0, "other type ignored");
    ans[3] |= 3;
    ok(np_dns_answers(ans, n + 16, 0x1234, 1, a, 8) == 0, "NXDOMAIN: nothing");
  }
  {
    static const char *const local[] = {"127.0.0.1", "169.254.169.254",  "0.0.0.0",  "::1",
                                        "fe80::1",   "::ffff:127.0.0.1", "224.0.0.1"};
    for (size_t i = 0; i < ELEMENTSOF(local); i++) {
      char h[64];
      snprintf(h, sizeof h, "%s x\n", local[i]);
      ok(np_hosts_lookup(h, strlen(h), "x", a, 1) == 1 && np_addr_is_local(&a[0]),
         "%s counts as local", local[i]);
    }
    ok(np_hosts_lookup("10.0.0.1 x", 10, "x", a, 1) == 1 && !np_addr_is_local(&a[0]),
       "10.0.0.1 is not local");
  }
}

int main(void)
{
  test_rules();
  test_http();
  test_socks();
  test_hosts_dns();
  return tap_done();
}
