/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The after-run watchdog's state: what the caller writes is what the
 * watchdog reads back, field for field; a truncated, overlong or foreign
 * buffer is refused whole, and descriptor numbers outside the watchdog's
 * range are never taken. */
#include "tap.h"
#include "util.h"
#include "watchdog.h"

static void sample(struct wd_state *out)
{
  static struct gitscan_id known[] = {{1, 10}, {2, 20}};
  static char *guarded0[] = {".git", "sub/.vscode"};
  static bool absent0[] = {false, true};
  static struct gitscan_root roots[] = {
      {.fd = WD_FD_FIRST,
       .path = "/home/u/proj",
       .guarded = guarded0,
       .absent = absent0,
       .n_guarded = 2},
      {.fd = WD_FD_FIRST + 1, .path = "/tmp/w", .guarded = NULL, .absent = NULL, .n_guarded = 0},
  };
  static int tops[] = {WD_FD_FIRST + 2};
  static struct wd_place places[] = {{0, ".git"}, {0, "m1/.git"}};
  struct wd_state st = {.tops = tops, .n_tops = 1, .places = places, .n_places = 2};

  st.gs.start = (struct timespec){1764470000, 123456789};
  st.gs.known = known;
  st.gs.n_known = 2;
  st.gs.roots = roots;
  st.gs.n = 2;
  *out = st;
}

static void test_roundtrip(void)
{
  struct wd_state in, out;
  unsigned char *buf;
  size_t len;

  sample(&in);
  wd_encode(&in, &buf, &len);
  ok(wd_decode(buf, len, &out) == 0, "the state written is read back");
  ok(out.gs.start.tv_sec == in.gs.start.tv_sec && out.gs.start.tv_nsec == in.gs.start.tv_nsec,
     "the start time");
  ok(out.gs.n_known == 2 && out.gs.known[1].dev == 2 && out.gs.known[1].ino == 20, "the inventory");
  ok(out.gs.n == 2 && out.gs.roots[0].fd == WD_FD_FIRST && out.gs.roots[1].fd == WD_FD_FIRST + 1,
     "the roots' descriptors");
  is_str(out.gs.roots[0].path, "/home/u/proj", "a root's path");
  ok(out.gs.roots[0].n_guarded == 2 && !out.gs.roots[0].absent[0] && out.gs.roots[0].absent[1],
     "the protected entries, absent or not");
  is_str(out.gs.roots[0].guarded[1], "sub/.vscode", "a protected entry's name");
  ok(out.gs.roots[1].n_guarded == 0, "a root with none");
  ok(out.n_tops == 1 && out.tops[0] == WD_FD_FIRST + 2, "the placeholders' bind");
  ok(out.n_places == 2 && out.places[1].top == 0, "the placeholders, by bind");
  is_str(out.places[1].rel, "m1/.git", "a placeholder's path below its bind");
  wd_state_free(&out);

  /* Every shorter buffer, and one byte more, is refused. */
  {
    size_t accepted = 0;
    for (size_t n = 0; n < len; n++)
      if (wd_decode(buf, n, &out) == 0) {
        accepted++;
        wd_state_free(&out);
      }
    ok(accepted == 0, "no truncation of %zu bytes is taken (%zu were)", len, accepted);
  }
  {
    unsigned char *more = xmalloc(len + 1);
    memcpy(more, buf, len);
    more[len] = 0;
    ok(wd_decode(more, len + 1, &out) < 0, "trailing bytes are refused");
    free(more);
  }
  free(buf);
}

static void test_refused(void)
{
  struct wd_state in, out;
  unsigned char *buf;
  size_t len;

  sample(&in);
  in.gs.roots[1].fd = 1; /* the caller's stdout: never the watchdog's to use */
  wd_encode(&in, &buf, &len);
  ok(wd_decode(buf, len, &out) < 0, "a descriptor below the watchdog's range is refused");
  free(buf);
  in.gs.roots[1].fd = WD_FD_FIRST + 1; /* (sample's arrays are static) */
  sample(&in);
  in.tops[0] = WD_FD_FIRST + WD_MAX_FDS;
  wd_encode(&in, &buf, &len);
  ok(wd_decode(buf, len, &out) < 0, "one above it too");
  in.tops[0] = WD_FD_FIRST + 2;
  free(buf);
  in.places[1].top = 1;
  wd_encode(&in, &buf, &len);
  ok(wd_decode(buf, len, &out) < 0, "a placeholder of a bind not given is refused");
  in.places[1].top = 0;
  free(buf);
  wd_encode(&in, &buf, &len);
  buf[0] ^= 1;
  ok(wd_decode(buf, len, &out) < 0, "another format is refused");
  free(buf);
  {
    /* more roots than the watchdog keeps descriptors for (each one a
     * valid number: the count is what is refused) */
    struct gitscan_root *many = xcalloc(WD_MAX_FDS + 1, sizeof *many);
    sample(&in);
    for (size_t i = 0; i <= WD_MAX_FDS; i++)
      many[i] = (struct gitscan_root){.fd = WD_FD_FIRST, .path = "/r"};
    in.gs.roots = many;
    in.gs.n = WD_MAX_FDS + 1;
    wd_encode(&in, &buf, &len);
    ok(wd_decode(buf, len, &out) < 0, "more descriptors than the watchdog keeps are refused");
    free(buf);
    free(many);
  }
  {
    /* a count far beyond the bytes there */
    unsigned char big[64] = "sandbox-watchdog-1";
    memset(big + 19 + 16, 0xff, 8);
    ok(wd_decode(big, sizeof big, &out) < 0, "a count beyond the buffer is refused");
  }
}

int main(void)
{
  test_roundtrip();
  test_refused();
  return tap_done();
}
