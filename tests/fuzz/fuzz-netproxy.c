/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz target: every parser of the network proxy, on the same bytes: an
 * HTTP proxy request, a SOCKS5 greeting and request, an allow rule, a
 * hosts file, a resolv.conf and a DNS answer. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netproxy.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static struct np_request r;
  struct sockaddr_storage a[8];
  struct net_rule rule = {0};
  struct diag d;
  char *s;
  int g;

  if (size > 65536)
    return 0;
  s = xmalloc(size + 1);
  memcpy(s, data, size);
  s[size] = '\0';
  (void)np_parse_http(s, size, &r);
  g = np_socks_greeting(data, size);
  if (g > 0)
    (void)np_socks_request(data + g, size - (size_t)g, &r);
  (void)np_socks_request(data, size, &r);
  if (np_parse_rule(s, &rule, &d) == 0) {
    (void)np_allowed(&rule, 1, "allowed.test", 443);
    free(rule.host);
  }
  (void)np_hosts_lookup(s, size, "allowed.test", a, 8);
  (void)np_resolv_nameservers(s, size, a, 8);
  if (size >= 2) {
    uint16_t id = (uint16_t)(data[0] << 8 | data[1]);
    (void)np_dns_answers(data, size, id, 1, a, 8);
    (void)np_dns_answers(data, size, id, 28, a, 8);
  }
  free(s);
  return 0;
}
