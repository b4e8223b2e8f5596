/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "desktop.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "util.h"
#include "x11.h"

#define APP_NAME_MAX 128

bool app_name_valid(const char *name)
{
  size_t n = strlen(name);

  if (n == 0 || n > APP_NAME_MAX || name[0] == '.' || strstr(name, ".."))
    return false;
  for (const char *s = name; *s; s++)
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
          *s == '.' || *s == '_' || *s == '-'))
      return false;
  return true;
}

int app_apply(struct plan *p, const char *name, const char *home, const struct origin *o,
              struct diag *d)
{
  if (!app_name_valid(name))
    return diag_set(d, EINVAL,
                    "--app takes a name of letters, digits, '.', '_' and '-' (no leading '.', "
                    "no '..', at most %d bytes), got '%s'",
                    APP_NAME_MAX, name);
  if (!home || home[0] != '/' || path_is_root(home))
    return diag_set(d, EINVAL, "--app needs HOME set to your home directory (it is '%s')",
                    home ? home : "");
  free(p->home_src);
  free(p->home_dest);
  free(p->app);
  p->home_src = xasprintf("%s/" APP_HOMES "/%s/home", home, name);
  p->home_dest = xstrdup(home);
  p->home_origin = *o;
  p->home_is_app = true;
  p->app = xstrdup(name);
  plan_add_env(p, ENV_SET, "XDG_CONFIG_HOME", xasprintf("%s/.config", home), o);
  plan_add_env(p, ENV_SET, "XDG_DATA_HOME", xasprintf("%s/.local/share", home), o);
  plan_add_env(p, ENV_SET, "XDG_CACHE_HOME", xasprintf("%s/.cache", home), o);
  return 0;
}

/* HOME/APP_HOMES/NAME/home, made 0700 where missing. Each step is opened
 * without following a symbolic link: the path is the caller's, but a link
 * planted on the way would put an app's home (and its writes) elsewhere. */
static void make_app_home(const char *name)
{
  const char *home = getenv("HOME");
  _cleanup_free_ char *rel = xasprintf(APP_HOMES "/%s/home", name);
  _cleanup_free_ char *full = xasprintf("%s/%s", home ? home : "", rel);
  char *save = NULL;
  int dir = open(home ? home : "/nonexistent", O_PATH | O_DIRECTORY | O_CLOEXEC);

  if (dir < 0)
    die_errno(errno, "--app: can't open the home directory %s", home ? home : "(unset)");
  for (char *c = strtok_r(rel, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
    int next;
    if (mkdirat(dir, c, 0700) < 0 && errno != EEXIST)
      die_errno(errno, "--app: can't make %s", full);
    next = openat(dir, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    close(dir);
    if (next < 0)
      die_errno(errno, "--app: can't open %s (a symbolic link or no directory on the way?)", full);
    dir = next;
  }
  close(dir);
}

void desktop_explain(FILE *out, const struct plan *p)
{
  for (int bus = DBUS_SESSION; bus <= DBUS_SYSTEM; bus++) {
    bool any = false;
    for (size_t i = 0; i < p->n_dbus; i++) {
      const struct dbus_rule *r = &p->dbus[i];
      if ((int)r->bus != bus)
        continue;
      if (!any)
        fprintf(out, "%s bus: through xdg-dbus-proxy, filtered; everything else unreachable\n",
                bus == DBUS_SESSION ? "session" : "system");
      any = true;
      fprintf(out, "  %s %s", dbus_policy_name(r->policy), r->arg);
      origin_print(out, &r->origin);
    }
    if (any && bus == DBUS_SESSION && dbusproxy_app_owns(p))
      fprintf(out, "  own %s, %s.* (the app's own name)\n", p->app, p->app);
    if (!any && p->n_dbus)
      fprintf(out, "%s bus: not passed\n", bus == DBUS_SESSION ? "session" : "system");
  }
  if (p->x11) {
    fprintf(out, "x11: the caller's display: its socket and its cookie only");
    origin_print(out, &p->opt_origin[OPT_X11]);
  }
  if (p->app)
    fprintf(out, "app %s: home ~/" APP_HOMES "/%s/home, kept from run to run\n", p->app, p->app);
}

static struct dbus_proxy proxy = {.pid = -1, .sync = -1, .err = -1};
static pid_t owner;

static void finish_at_exit(void)
{
  /* Children of ours that exit() must not stop the monitor's proxy. */
  if (getpid() == owner)
    dbusproxy_stop(&proxy);
}

void desktop_prepare(struct plan *p)
{
  if (p->app)
    make_app_home(p->app);
  x11_prepare(p);
  if (p->n_dbus) {
    owner = getpid();
    atexit(finish_at_exit);
    dbusproxy_start(p, &proxy);
  }
}

bool desktop_must_wait(void)
{
  return proxy.pid > 0;
}

void desktop_wait(pid_t sandbox)
{
  if (proxy.pid > 0)
    dbusproxy_wait_ready(&proxy, sandbox);
}

void desktop_finish(void)
{
  dbusproxy_stop(&proxy);
}
