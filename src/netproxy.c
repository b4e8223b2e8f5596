/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The proxy's parsers: allow rules, HTTP proxy requests, SOCKS5, hosts
 * files, resolv.conf and DNS answers. Pure: bytes in, verdict out; every
 * input here may come from the sandboxed command (or a DNS server), so
 * each length is checked before it is used, and each is fuzzed. */
#include "netproxy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#include "util.h"

static bool is_name_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

/* A host name as the allow-list and the resolver see it: only name
 * characters (no NUL, '@', '%', '/', spaces: the confusions a URL parser
 * and a resolver could disagree on), no empty label, lower case, one
 * trailing dot dropped ("example.com." is example.com). */
static int normalize_name(const char *s, size_t len, char *out)
{
  if (len && s[len - 1] == '.')
    len--;
  if (len == 0 || len > NP_MAX_HOST)
    return -EINVAL;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    if (!is_name_char(c))
      return -EINVAL;
    if (c == '.' && (i == 0 || s[i - 1] == '.'))
      return -EINVAL;
    out[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  out[len] = '\0';
  return 0;
}

static int parse_port(const char *s, size_t len, unsigned *port)
{
  unsigned v = 0;

  if (len == 0 || len > 5)
    return -EINVAL;
  for (size_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -EINVAL;
    v = v * 10 + (unsigned)(s[i] - '0');
  }
  if (v == 0 || v > 65535)
    return -EINVAL;
  *port = v;
  return 0;
}

int np_parse_authority(const char *s, size_t len, unsigned default_port, char *host, unsigned *port)
{
  const char *colon = NULL;
  size_t hlen;

  if (len && s[0] == '[') {
    const char *end = memchr(s, ']', len);
    char v6[64];
    struct in6_addr a;

    if (!end || (size_t)(end - s - 1) >= sizeof v6)
      return -EINVAL;
    memcpy(v6, s + 1, (size_t)(end - s - 1));
    v6[end - s - 1] = '\0';
    if (inet_pton(AF_INET6, v6, &a) != 1)
      return -EINVAL;
    inet_ntop(AF_INET6, &a, host, NP_MAX_HOST + 1);
    len -= (size_t)(end + 1 - s);
    s = end + 1;
    if (len == 0)
      goto default_port;
    if (s[0] != ':')
      return -EINVAL;
    return parse_port(s + 1, len - 1, port);
  }
  colon = memchr(s, ':', len);
  hlen = colon ? (size_t)(colon - s) : len;
  if (normalize_name(s, hlen, host) < 0)
    return -EINVAL;
  if (colon)
    return parse_port(colon + 1, len - hlen - 1, port);
default_port:
  if (!default_port)
    return -EINVAL;
  *port = default_port;
  return 0;
}

int np_parse_rule(const char *s, struct net_rule *ret, struct diag *d)
{
  char host[NP_MAX_HOST + 1];
  bool wild = strncmp(s, "*.", 2) == 0;
  size_t len = strlen(s);
  unsigned port = 0;
  int r;

  /* A port of 0 stands for "80 and 443": parse with a placeholder. */
  r = np_parse_authority(s + (wild ? 2 : 0), len - (wild ? 2 : 0), 1, host, &port);
  if (r < 0 || (wild && s[2] == '['))
    return diag_set(d, EINVAL,
                    "--net-allow takes HOST[:PORT] or *.DOMAIN[:PORT] (letters, digits, '-', "
                    "'_', '.'; [IPV6]:PORT), got '%s'",
                    s);
  if (!strchr(s[0] == '[' ? s + strcspn(s, "]") : s, ':'))
    port = 0;
  ret->host = xasprintf("%s%s", wild ? "*." : "", host);
  ret->port = port;
  return 0;
}

bool np_host_match(const char *pattern, const char *host)
{
  size_t pl, hl;
  unsigned char a[16];

  if (strncmp(pattern, "*.", 2) != 0)
    return strcmp(pattern, host) == 0;
  /* A wildcard names names: "*.0.0.1" must not let 127.0.0.1 through. */
  if (inet_pton(AF_INET, host, a) == 1 || inet_pton(AF_INET6, host, a) == 1)
    return false;
  /* "*.example.com": any name below example.com, not example.com. */
  pl = strlen(pattern) - 1;
  hl = strlen(host);
  return hl > pl && strcmp(host + hl - pl, pattern + 1) == 0;
}

const struct net_rule *np_allowed(const struct net_rule *rules, size_t n, const char *host,
                                  unsigned port)
{
  for (size_t i = 0; i < n; i++) {
    bool port_ok = rules[i].port ? rules[i].port == port : (port == 80 || port == 443);
    /* --learn's own rule (no --net-allow parses to it): every name, every
     * port, each one logged for the learned profile. */
    if (strcmp(rules[i].host, "*") == 0)
      return &rules[i];
    if (port_ok && np_host_match(rules[i].host, host))
      return &rules[i];
  }
  return NULL;
}

static const char *find_crlfcrlf(const char *b, size_t len)
{
  for (size_t i = 0; i + 4 <= len; i++)
    if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n')
      return b + i;
  return NULL;
}

static int bad(struct np_request *r, const char *why)
{
  r->why = why;
  return -EINVAL;
}

/* Headers that speak to the proxy, or would keep the upstream connection
 * open for a next request (which could name another host). */
static bool hop_header(const char *line, size_t len)
{
  static const char *const names[] = {
      "proxy-connection:", "proxy-authorization:", "connection:", "keep-alive:"};

  for (size_t i = 0; i < ELEMENTSOF(names); i++) {
    size_t n = strlen(names[i]);
    if (len >= n && strncasecmp(line, names[i], n) == 0)
      return true;
  }
  return false;
}

static bool out_add(struct np_request *r, const char *s, size_t len)
{
  if (len > sizeof r->out - r->out_len)
    return false;
  memcpy(r->out + r->out_len, s, len);
  r->out_len += len;
  return true;
}

/* Headers after the request line, without the hop ones, then our own. */
static int rewrite_headers(const char *h, const char *end, struct np_request *r)
{
  while (h < end) {
    const char *eol = h;
    while (eol + 1 < end && !(eol[0] == '\r' && eol[1] == '\n'))
      eol++;
    if (eol + 1 >= end)
      return bad(r, "header line without CRLF");
    /* obs-fold: a continuation line could smuggle a header past us */
    if (*h == ' ' || *h == '\t')
      return bad(r, "folded header line");
    if (!memchr(h, ':', (size_t)(eol - h)))
      return bad(r, "header line without ':'");
    /* a bare CR or LF: a line end to the server that we did not see */
    if (memchr(h, '\n', (size_t)(eol - h)) || memchr(h, '\r', (size_t)(eol - h)))
      return bad(r, "bare CR or LF in a header line");
    if (!hop_header(h, (size_t)(eol - h)) && !out_add(r, h, (size_t)(eol - h) + 2))
      return -E2BIG;
    h = eol + 2;
  }
  if (!out_add(r, "Connection: close\r\n\r\n", 21))
    return -E2BIG;
  return 0;
}

static int parse_forward_target(const char *t, size_t tlen, struct np_request *r, const char **path,
                                size_t *plen)
{
  size_t alen;

  if (tlen >= 8 && strncasecmp(t, "https://", 8) == 0)
    return bad(r, "https:// through the plain proxy (use CONNECT)");
  if (tlen < 7 || strncasecmp(t, "http://", 7) != 0)
    return bad(r, "the target is not an absolute http:// URL");
  t += 7;
  tlen -= 7;
  alen = strcspn(t, "/?#");
  if (alen > tlen)
    alen = tlen;
  /* userinfo ("http://allowed@evil/"): parsers disagree on it; refuse */
  if (memchr(t, '@', alen))
    return bad(r, "user name in the URL");
  if (np_parse_authority(t, alen, 80, r->host, &r->port) < 0)
    return bad(r, "bad host or port");
  *path = t + alen;
  *plen = tlen - alen;
  return 0;
}

int np_parse_http(const char *buf, size_t len, struct np_request *r)
{
  const char *end = find_crlfcrlf(buf, len < NP_MAX_HEAD ? len : NP_MAX_HEAD);
  const char *sp1, *sp2, *eol, *path = NULL;
  size_t mlen, tlen, plen = 0;

  r->why = NULL;
  r->out_len = 0;
  if (!end)
    return len >= NP_MAX_HEAD ? -E2BIG : 0;
  r->head_len = (size_t)(end - buf) + 4;
  eol = memchr(buf, '\r', (size_t)(end - buf) + 1);
  sp1 = memchr(buf, ' ', (size_t)(eol - buf));
  if (!sp1)
    return bad(r, "no request line");
  if (eol[1] != '\n')
    return bad(r, "bare CR in the request line");
  sp2 = memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1));
  if (!sp2 || eol - sp2 != 9 || strncmp(sp2 + 1, "HTTP/1.", 7) != 0)
    return bad(r, "not an HTTP/1.x request line");
  mlen = (size_t)(sp1 - buf);
  tlen = (size_t)(sp2 - sp1 - 1);
  for (size_t i = 0; i < mlen; i++)
    if (buf[i] < 'A' || buf[i] > 'Z')
      return bad(r, "bad method");
  if (mlen == 0 || tlen == 0)
    return bad(r, "empty method or target");
  if (mlen == 7 && memcmp(buf, "CONNECT", 7) == 0) {
    r->kind = NP_CONNECT;
    if (np_parse_authority(sp1 + 1, tlen, 0, r->host, &r->port) < 0)
      return bad(r, "CONNECT needs HOST:PORT");
    return 1;
  }
  r->kind = NP_FORWARD;
  if (parse_forward_target(sp1 + 1, tlen, r, &path, &plen) < 0)
    return -EINVAL;
  for (size_t i = 0; i < plen; i++)
    if ((unsigned char)path[i] <= ' ')
      return bad(r, "control character in the target");
  if (!out_add(r, buf, mlen + 1) || ((!plen || path[0] != '/') && !out_add(r, "/", 1)) ||
      !out_add(r, path, plen) || !out_add(r, sp2, (size_t)(eol - sp2) + 2))
    return -E2BIG;
  return rewrite_headers(eol + 2, end + 2, r) < 0 ? (r->why ? -EINVAL : -E2BIG) : 1;
}

int np_socks_greeting(const uint8_t *b, size_t len)
{
  if (len < 2)
    return 0;
  if (b[0] != 5 || b[1] == 0)
    return -EPROTO;
  if (len < 2u + b[1])
    return 0;
  for (unsigned i = 0; i < b[1]; i++)
    if (b[2 + i] == 0)
      return 2 + b[1];
  return -ENOTSUP;
}

int np_socks_request(const uint8_t *b, size_t len, struct np_request *r)
{
  size_t need;

  if (len < 5)
    return 0;
  if (b[0] != 5 || b[2] != 0)
    return -EPROTO;
  r->kind = NP_CONNECT;
  r->head_len = 0;
  switch (b[3]) {
  case 1:
    need = 4 + 4 + 2;
    break;
  case 3:
    need = 4 + 1 + (size_t)b[4] + 2;
    break;
  case 4:
    need = 4 + 16 + 2;
    break;
  default:
    return -EAFNOSUPPORT;
  }
  if (len < need)
    return 0;
  if (b[1] != 1)
    return -EOPNOTSUPP;
  r->port = (unsigned)b[need - 2] << 8 | b[need - 1];
  if (r->port == 0)
    return -EINVAL;
  if (b[3] == 1)
    inet_ntop(AF_INET, b + 4, r->host, sizeof r->host);
  else if (b[3] == 4)
    inet_ntop(AF_INET6, b + 4, r->host, sizeof r->host);
  else if (normalize_name((const char *)b + 5, b[4], r->host) < 0)
    return -EINVAL;
  return (int)need;
}

static bool set_addr(const char *s, struct sockaddr_storage *out)
{
  struct sockaddr_in *in = (struct sockaddr_in *)out;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)out;

  memset(out, 0, sizeof *out);
  if (inet_pton(AF_INET, s, &in->sin_addr) == 1) {
    in->sin_family = AF_INET;
    return true;
  }
  if (inet_pton(AF_INET6, s, &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    return true;
  }
  return false;
}

/* Splits a buffer's line into blank-separated words, '#' to the end of
 * the line a comment. Returns the number of words (at most max). */
static size_t line_words(const char *l, size_t len, const char **w, size_t *wl, size_t max)
{
  size_t n = 0, i = 0;

  while (i < len && l[i] != '#') {
    size_t s;
    while (i < len && (l[i] == ' ' || l[i] == '\t'))
      i++;
    s = i;
    while (i < len && l[i] != ' ' && l[i] != '\t' && l[i] != '#')
      i++;
    if (i > s && n < max) {
      w[n] = l + s;
      wl[n++] = i - s;
    }
  }
  return n;
}

static bool word_addr(const char *w, size_t wl, struct sockaddr_storage *out)
{
  char tmp[64];

  if (wl >= sizeof tmp)
    return false;
  memcpy(tmp, w, wl);
  tmp[wl] = '\0';
  return set_addr(tmp, out);
}

size_t np_hosts_lookup(const char *buf, size_t len, const char *name, struct sockaddr_storage *out,
                       size_t max)
{
  size_t n = 0, nl = strlen(name);

  for (size_t i = 0; i < len && n < max;) {
    const char *l = buf + i, *e = memchr(l, '\n', len - i);
    size_t ll = e ? (size_t)(e - l) : len - i;
    const char *w[16];
    size_t wl[16], nw = line_words(l, ll, w, wl, ELEMENTSOF(w));

    i += ll + 1;
    for (size_t k = 1; k < nw; k++)
      if (wl[k] == nl && strncasecmp(w[k], name, nl) == 0 && word_addr(w[0], wl[0], &out[n])) {
        n++;
        break;
      }
  }
  return n;
}

size_t np_resolv_nameservers(const char *buf, size_t len, struct sockaddr_storage *out, size_t max)
{
  size_t n = 0;

  for (size_t i = 0; i < len && n < max;) {
    const char *l = buf + i, *e = memchr(l, '\n', len - i);
    size_t ll = e ? (size_t)(e - l) : len - i;
    const char *w[2];
    size_t wl[2], nw = line_words(l, ll, w, wl, 2);

    i += ll + 1;
    if (nw == 2 && wl[0] == 10 && memcmp(w[0], "nameserver", 10) == 0 &&
        word_addr(w[1], wl[1], &out[n]))
      n++;
  }
  return n;
}

size_t np_dns_query(uint8_t *b, size_t size, uint16_t id, const char *name, uint16_t qtype)
{
  size_t n = 12, nl = strlen(name);

  if (size < 12 + nl + 2 + 4 || nl == 0)
    return 0;
  memset(b, 0, 12);
  b[0] = (uint8_t)(id >> 8);
  b[1] = (uint8_t)id;
  b[2] = 0x01; /* recursion desired */
  b[5] = 1;    /* one question */
  for (const char *l = name; *l;) {
    size_t ll = strcspn(l, ".");
    if (ll == 0 || ll > 63)
      return 0;
    b[n++] = (uint8_t)ll;
    memcpy(b + n, l, ll);
    n += ll;
    l += ll + (l[ll] == '.');
  }
  b[n++] = 0;
  b[n++] = (uint8_t)(qtype >> 8);
  b[n++] = (uint8_t)qtype;
  b[n++] = 0;
  b[n++] = 1; /* class IN */
  return n;
}

/* Past one (possibly compressed) name; 0 if it runs off the end. Pointers
 * are not followed: nothing here needs the names, and not following them
 * leaves no loop to make. */
static size_t skip_name(const uint8_t *b, size_t len, size_t i)
{
  while (i < len) {
    if ((b[i] & 0xC0) == 0xC0)
      return i + 2 <= len ? i + 2 : 0;
    if (b[i] & 0xC0)
      return 0;
    if (b[i] == 0)
      return i + 1;
    i += 1 + (size_t)b[i];
  }
  return 0;
}

size_t np_dns_answers(const uint8_t *b, size_t len, uint16_t id, uint16_t qtype,
                      struct sockaddr_storage *out, size_t max)
{
  size_t i = 12, n = 0;
  unsigned qd, an;

  if (len < 12 || (b[0] << 8 | b[1]) != id || !(b[2] & 0x80) || (b[3] & 0x0F) != 0)
    return 0;
  qd = (unsigned)(b[4] << 8 | b[5]);
  an = (unsigned)(b[6] << 8 | b[7]);
  for (unsigned q = 0; q < qd; q++) {
    if (!(i = skip_name(b, len, i)) || i + 4 > len)
      return 0;
    i += 4;
  }
  for (unsigned a = 0; a < an && n < max; a++) {
    unsigned type, class, rdlen;

    if (!(i = skip_name(b, len, i)) || i + 10 > len)
      return n;
    type = (unsigned)(b[i] << 8 | b[i + 1]);
    class = (unsigned)(b[i + 2] << 8 | b[i + 3]);
    rdlen = (unsigned)(b[i + 8] << 8 | b[i + 9]);
    i += 10;
    if (i + rdlen > len)
      return n;
    if (type == qtype && class == 1 && (rdlen == 4 || rdlen == 16)) {
      memset(&out[n], 0, sizeof out[n]);
      if (rdlen == 4 && qtype == 1) {
        struct sockaddr_in *in = (struct sockaddr_in *)&out[n];
        in->sin_family = AF_INET;
        memcpy(&in->sin_addr, b + i, 4);
        n++;
      } else if (rdlen == 16 && qtype == 28) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&out[n];
        in6->sin6_family = AF_INET6;
        memcpy(&in6->sin6_addr, b + i, 16);
        n++;
      }
    }
    i += rdlen;
  }
  return n;
}

bool np_addr_is_local(const struct sockaddr_storage *a)
{
  if (a->ss_family == AF_INET) {
    uint32_t v = ntohl(((const struct sockaddr_in *)a)->sin_addr.s_addr);
    return (v >> 24) == 127 || (v >> 16) == 0xA9FE || v == 0 || (v >> 28) == 0xE || v == 0xFFFFFFFF;
  }
  if (a->ss_family == AF_INET6) {
    const struct in6_addr *v6 = &((const struct sockaddr_in6 *)a)->sin6_addr;
    if (IN6_IS_ADDR_V4MAPPED(v6)) {
      struct sockaddr_storage v4 = {.ss_family = AF_INET};
      memcpy(&((struct sockaddr_in *)&v4)->sin_addr, &v6->s6_addr[12], 4);
      return np_addr_is_local(&v4);
    }
    return IN6_IS_ADDR_LOOPBACK(v6) || IN6_IS_ADDR_LINKLOCAL(v6) || IN6_IS_ADDR_UNSPECIFIED(v6) ||
           IN6_IS_ADDR_MULTICAST(v6);
  }
  return true;
}
