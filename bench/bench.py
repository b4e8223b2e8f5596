#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The measurements behind bench/run. Runs unprivileged from a stage
directory that bench/run prepares (BENCH_STAGE): sandbox (release+LTO),
bench-timer, syscall-loop. Each measurement is one function below; each
returns table rows. Writes results.md, results.json and PNGs to
$BENCH_STAGE/results. Absolute times are reported, never asserted."""

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

STAGE = os.environ["BENCH_STAGE"]
SB = os.path.join(STAGE, "sandbox")
TIMER = os.path.join(STAGE, "bench-timer")
LOOP = os.path.join(STAGE, "syscall-loop")
NSFLOOR = os.path.join(STAGE, "ns-floor")
NOUSERNS = os.path.join(STAGE, "no-userns")
BWRAP = shutil.which("bwrap") or "/usr/bin/bwrap"
WORK = os.path.join(STAGE, "work")
OUT = os.path.join(STAGE, "results")
QUICK = os.environ.get("BENCH_QUICK", "0") not in ("", "0")
RUNS = int(os.environ.get("BENCH_RUNS", "200"))
if QUICK:
    RUNS = min(RUNS, 20)

# The command line of measurement 1, shared by both tools.
BASE = ["--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc",
        "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib",
        "--symlink", "usr/lib64", "/lib64", "--proc", "/proc", "--dev", "/dev",
        "--tmpfs", "/tmp", "--unshare-all", "--die-with-parent"]
# What bwrap runs to stand in for `sandbox --profile default` (measurement 2):
# the same mounts, no seccomp filter. Adjust when the default profile's
# mounts are settled.
BWRAP_FOR_DEFAULT_PROFILE = BASE
UNSHARE = [shutil.which("unshare") or "/usr/bin/unshare", "-Ur", "--mount", "--pid", "--fork", "--net", "--ipc", "--uts"]
TRUE = "/usr/bin/true"

rows = []      # the summary table
details = {}   # everything else, for results.json and the extra tables


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def median(xs):
    return statistics.median(xs) if xs else None


def pct(xs, p):
    xs = sorted(xs)
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def summary(xs):
    return {"n": len(xs), "median": median(xs), "p10": pct(xs, 10), "p25": pct(xs, 25),
            "p75": pct(xs, 75), "p90": pct(xs, 90), "min": min(xs), "max": max(xs)}


def row(item, what, sb, bw, unit, target=None, cmp=None, note="", ratio=None):
    """One table line. sb/bw: medians (None = not measured). target: the
    text of the target; cmp: function(ratio) -> bool for PASS/MISS."""
    if ratio is None and isinstance(sb, (int, float)) and isinstance(bw, (int, float)) and bw:
        ratio = sb / bw
    if target is None:
        verdict = "info"
    elif not isinstance(ratio, (int, float)):
        verdict = "n/a"
    else:
        verdict = "PASS" if cmp(ratio) else "MISS"
    r = {"item": item, "what": what, "sandbox": sb, "bwrap": bw, "unit": unit,
         "ratio": ratio, "target": target or "—", "result": verdict, "note": note}
    rows.append(r)
    log("  %-4s %-52s %12s %12s %8s  %-22s %s" % (
        item, what[:52], fmt(sb, unit), fmt(bw, unit), fmt_ratio(ratio), r["target"], verdict))
    return r


def fmt(v, unit):
    if v is None:
        return "—"
    if isinstance(v, str):
        return v
    if unit == "ms":
        return "%.2f ms" % v if v < 100 else "%.0f ms" % v
    if unit == "ns/iter":
        return "%.0f ns/it" % v
    if unit == "KiB":
        return "%.0f KiB" % v
    if unit == "MB/s":
        return "%.0f MB/s" % v
    if unit == "µs":
        return "%.1f µs" % v
    return "%g %s" % (v, unit)


def fmt_ratio(r):
    return "—" if not isinstance(r, (int, float)) else "%.3f" % r


def argv_file(name, argv):
    path = os.path.join(WORK, "argv." + name)
    with open(path, "wb") as f:
        f.write(b"\0".join(a.encode() for a in argv) + b"\0")
    return path


def timed(cmds, runs, warmup=5):
    """cmds: {name: argv}. Runs them interleaved with bench-timer; returns
    {name: [milliseconds...]}. Raises if any run fails."""
    names = list(cmds)
    files = [argv_file(n, cmds[n]) for n in names]
    p = subprocess.run([TIMER, str(runs), str(warmup)] + files,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = {n: [] for n in names}
    bad = {}
    for line in p.stdout.split("\n"):
        if not line.strip():
            continue
        i, ns, st = (int(x) for x in line.split())
        if st:
            bad[names[i]] = st
        out[names[i]].append(ns / 1e6)
    if p.returncode or bad:
        raise RuntimeError("timing failed: %s status %s\n%s" % (
            ", ".join(bad) or "bench-timer", bad or p.returncode, p.stderr[-2000:]))
    return out


def works(argv, **kw):
    try:
        return subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              timeout=30, **kw).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def has_profile():
    return works([SB, "--profile", "default", "--", "true"])


# ---------------------------------------------------------------- 1. start-up
def link_mode(path):
    """'static PIE' or 'dynamic': whether the ELF file has a PT_INTERP."""
    import struct
    try:
        with open(path, "rb") as f:
            h = f.read(64)
            phoff, = struct.unpack_from("<Q", h, 0x20)
            phentsize, phnum = struct.unpack_from("<HH", h, 0x36)
            f.seek(phoff)
            ph = f.read(phentsize * phnum)
    except OSError:
        return "unknown linking"
    types = [struct.unpack_from("<I", ph, i * phentsize)[0] for i in range(phnum)]
    return "dynamic" if 3 in types else "static PIE"


def startup():
    log("1. start-up, same command line (%d runs each, interleaved)" % RUNS)
    cmds = {"sandbox": [SB] + BASE + ["true"],
            "bwrap": [BWRAP] + BASE + ["true"],
            "unshare": UNSHARE + ["true"],
            "true": [TRUE]}
    if os.access(NSFLOOR, os.X_OK) and subprocess.run([NSFLOOR, TRUE]).returncode == 0:
        cmds["ns-floor"] = [NSFLOOR, TRUE]
    t = timed(cmds, RUNS)
    details["startup"] = {k: summary(v) for k, v in t.items()}
    details["startup_samples"] = t
    m = {k: median(v) for k, v in t.items()}
    row("1", "start-up, bwrap command line, `true`", m["sandbox"], m["bwrap"], "ms",
        "≤ 0.85", lambda r: r <= 0.85)
    row("1", "  floor: `unshare -Ur --mount --pid --fork --net --ipc --uts true`",
        m["unshare"], None, "ms", note="no sandbox tool; kernel + unshare(1) cost")
    row("1", "  floor: `/usr/bin/true` alone", m["true"], None, "ms",
        note="process spawn + measurement cost")
    fl = m["unshare"]
    row("1", "  above the unshare floor (median − floor)", m["sandbox"] - fl, m["bwrap"] - fl,
        "ms", note="what the tool itself adds over bare namespaces")
    if "ns-floor" in m:
        kf = m["ns-floor"]
        row("1", "  floor: `bench/ns-floor true`", kf, None, "ms",
            note="one clone into the same 7 namespaces, id maps, pid 1 spawns `true`; "
                 "no mounts, static, no tool")
        row("1", "  above ns-floor (median − floor)", m["sandbox"] - kf, m["bwrap"] - kf, "ms",
            note="the tool's own work: mainly building the new root")
    return t


# ------------------------------------------------------- 2. start-up, policy
def explain(profile):
    """bwrap options equivalent to PROFILE's filesystem, namespaces and
    process settings, read from `sandbox --profile P --explain`; None if
    that output cannot be understood."""
    p = subprocess.run([SB, "--profile", profile, "--explain", "--", "true"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode:
        return None
    args, section = ["--unshare-all"], None
    simple = {"ro-bind": 2, "ro-bind-try": 2, "bind": 2, "bind-try": 2, "dev-bind": 2,
              "dev-bind-try": 2, "proc": 1, "dev": 1, "dir": 1, "symlink": 2, "mqueue": 1,
              "remount-ro": 1}
    for line in p.stdout.split("\n"):
        if line and not line.startswith(" "):
            section = line.split()[0].rstrip(":")
            continue
        w = line.split("[")[0].split()
        if not w:
            continue
        if section == "filesystem":
            if w[0] in simple and len(w) == simple[w[0]] + 1:
                args += ["--" + w[0]] + w[1:]
            elif w[0] == "tmpfs" and len(w) == 3:
                args += ["--perms", w[1], "--tmpfs", w[2]]
            elif w[0] == "tmpfs" and len(w) == 2:
                args += ["--tmpfs", w[1]]
            else:
                return None
        elif section == "process":
            if w[0] == "chdir":
                args += ["--chdir", w[1]]
            elif w[0] in ("new-session", "die-with-parent"):
                args += ["--" + w[0]]
        elif section == "environment" and w[0] == "setenv" and len(w) == 3:
            args += ["--setenv", w[1], w[2]]
    return args


def export_bpf(profile):
    path = os.path.join(WORK, profile + ".bpf")
    if works([SB, "--profile", profile, "--export-bpf", path]) and os.path.getsize(path):
        return path
    return None


def startup_policy():
    log("2. start-up with policy")
    if not has_profile():
        row("2", "start-up, `--profile default` vs bwrap, no filter",
            "n/a (no --profile yet)", None, "ms", "≤ 1.0", lambda r: r <= 1.0)
        return
    eq = explain("default")
    note = "bwrap: same mounts, from --explain"
    if eq is None or not works([BWRAP] + eq + ["true"]):
        eq, note = BWRAP_FOR_DEFAULT_PROFILE, "bwrap: the line of 1 (--explain not understood)"
    details["bwrap_for_default_profile"] = eq
    cmds = {"sandbox": [SB, "--profile", "default", "--", "true"],
            "bwrap": [BWRAP] + eq + ["true"]}
    t = timed(cmds, RUNS)
    details["startup_policy"] = {k: summary(v) for k, v in t.items()}
    row("2", "start-up, `--profile default` vs bwrap, no filter",
        median(t["sandbox"]), median(t["bwrap"]), "ms", "≤ 1.0", lambda r: r <= 1.0, note=note)
    # bwrap with the very same filter, exported by sandbox (bwrap reads the
    # FD once per run, so these runs go through Python, not bench-timer)
    bpf = export_bpf("default")
    if bpf:
        runs = max(RUNS // 4, 10)
        bw, sb = [], []
        for _ in range(runs):
            t0 = time.perf_counter_ns()
            with open(bpf, "rb") as f:
                os.dup2(f.fileno(), 9)
                subprocess.run([BWRAP] + eq + ["--seccomp", "9", "true"], pass_fds=(9,), check=True)
                os.close(9)
            bw.append((time.perf_counter_ns() - t0) / 1e6)
            t0 = time.perf_counter_ns()
            subprocess.run(cmds["sandbox"], check=True)
            sb.append((time.perf_counter_ns() - t0) / 1e6)
        details["startup_policy_same_filter"] = {"sandbox": summary(sb), "bwrap": summary(bw)}
        row("2", "  same, bwrap also loads the profile's filter (`--export-bpf` → `--seccomp`)",
            median(sb), median(bw), "ms", note="%d runs each, spawned from Python" % runs)


def landlock_cost():
    """The Landlock layer alone: the line of 1 with and without --landlock
    (its file rules, TCP and scope handling). Both lines get the minimal
    domain a plain bwrap line always has (one ruleset, no rule)."""
    if not works([SB, "--landlock"] + BASE + ["true"]):
        row("2", "  Landlock layer: `--landlock` on the line of 1 (added time)",
            "n/a (no --landlock)", None, "ms", "≤ 0.3 ms", lambda r: r <= 0.3)
        return
    t = timed({"landlock": [SB, "--landlock"] + BASE + ["true"],
               "plain": [SB] + BASE + ["true"]}, RUNS)
    details["landlock_cost"] = {k: summary(v) for k, v in t.items()}
    d = median(t["landlock"]) - median(t["plain"])
    row("2", "  Landlock layer: `--landlock` on the line of 1 (added time)", d, None, "ms",
        "≤ 0.3 ms", lambda r: r <= 0.3, ratio=d,
        note="sandbox only: median with − median without (%.2f ms)" % median(t["plain"]))


def git_check_cost():
    """The walk after a profile run for repositories made or changed inside
    (sandbox-profile(5)): `--write` of a tree of 10,000 directories (with a
    file each) against the same run without it."""
    what = "  after-run git check: `--write` of a 10,000-directory tree (added time)"
    tree = os.path.join(WORK, "gittree")
    if not os.path.isdir(tree):
        for i in range(100):
            for j in range(100):
                d = os.path.join(tree, "d%d" % i, "e%d" % j)
                os.makedirs(d)
                open(os.path.join(d, "f"), "w").close()
    with_tree = [SB, "--write", tree, "--", "true"]
    if not works(with_tree):
        row("2", what, "n/a (no --write)", None, "ms")
        return
    t = timed({"tree": with_tree, "plain": [SB, "--", "true"]}, max(RUNS // 4, 10))
    details["git_check_cost"] = {k: summary(v) for k, v in t.items()}
    d = median(t["tree"]) - median(t["plain"])
    row("2", what, d, None, "ms", ratio=d,
        note="sandbox only: %.1f µs per directory; median with − median without (%.2f ms)"
             % (d * 0.1, median(t["plain"])))


def watchdog_cost():
    """The after-run watchdog (sandbox-profile(5)): started once a profile
    run's command has lasted 50 ms, so that a caller killed with SIGKILL
    still gets its git check. What one costs, spawned, released and gone,
    in process (bench/watchdog-bench.c); in a run it overlaps the command.
    A command that ends sooner starts none."""
    what = "  after-run watchdog: spawn, release and exit (commands over 50 ms only)"
    tool = os.path.join(STAGE, "watchdog-bench")
    if not os.access(tool, os.X_OK):
        row("2", what, "n/a (no watchdog-bench)", None, "ms")
        return
    outs = []
    for _ in range(1 if QUICK else 5):
        p = subprocess.run([tool, "50" if QUICK else "200"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
        if p.returncode:
            row("2", what, "failed: " + p.stderr.strip()[:40], None, "ms")
            return
        outs.append(float(p.stdout.split()[-1]))
    outs.sort()
    us = outs[len(outs) // 2]
    details["watchdog_cost"] = {"us": outs}
    row("2", what, us / 1000, None, "ms", ratio=us / 1000,
        note="sandbox only: wall time per watchdog, median of %d runs; none for `true`" % len(outs))


def nons_cost():
    """No-namespace mode against the namespace one: `--profile default`
    under a container's seccomp profile (namespaces refused: the clone's
    refusal, then Landlock and seccomp on the host's tree) and under a
    filter that refuses nothing (the same helper exec and filter costs)."""
    what = "  no-namespace start-up: `--profile default`, namespaces refused (vs allowed)"
    ns = [NOUSERNS, "--allow", SB, "--profile", "default", "--", "true"]
    nons = [NOUSERNS, SB, "--profile", "default", "--", "true"]
    if not (os.access(NOUSERNS, os.X_OK) and works(ns) and works(nons)):
        row("2", what, "n/a (no no-namespace mode)", None, "ms")
        return
    t = timed({"nons": nons, "ns": ns}, RUNS)
    details["nons_cost"] = {k: summary(v) for k, v in t.items()}
    row("2", what, median(t["nons"]), median(t["ns"]), "ms",
        note="sandbox only; the second column is the namespace run (both through the "
             "helper that sets up the environment)")


def desktop_cost():
    """`--profile desktop` with the session bus through xdg-dbus-proxy (the
    proxy started, waited for and stopped on every run) against the same
    profile with no bus to pass (no proxy: what the profile cost before),
    on a dbus-daemon of the harness's own. Both through env(1)."""
    what = "  desktop start-up: `--profile desktop` with the bus proxy (added time)"
    daemon, proxy = shutil.which("dbus-daemon"), shutil.which("xdg-dbus-proxy")
    env = shutil.which("env") or "/usr/bin/env"
    if not (daemon and proxy and works([SB, "--profile", "desktop", "--", "true"])):
        row("2", what, "n/a (no dbus-daemon, xdg-dbus-proxy or desktop profile)", None, "ms",
            "< 15 ms", lambda r: r < 15)
        return
    d = subprocess.Popen([daemon, "--session", "--nofork", "--print-address=1",
                          "--address=unix:path=" + os.path.join(WORK, "bench-bus")],
                         stdout=subprocess.PIPE, text=True)
    try:
        addr = d.stdout.readline().strip()
        run = [SB, "--profile", "desktop", "--", "true"]
        t = timed({"proxy": [env, "DBUS_SESSION_BUS_ADDRESS=" + addr] + run,
                   "none": [env, "-u", "DBUS_SESSION_BUS_ADDRESS"] + run}, RUNS)
    finally:
        d.kill()
        d.wait()
    details["desktop_cost"] = {k: summary(v) for k, v in t.items()}
    added = median(t["proxy"]) - median(t["none"])
    row("2", what, added, None, "ms", "< 15 ms", lambda r: r < 15, ratio=added,
        note="sandbox only: median with the proxy (%.2f ms) − without (%.2f ms)" % (
            median(t["proxy"]), median(t["none"])))


# ------------------------------------------------------------- 3. scaling
def scaling():
    ns = [1, 10, 100, 1000]
    runs = {1: RUNS // 2, 10: RUNS // 2, 100: max(RUNS // 4, 5), 1000: 15}
    if QUICK:
        runs = {1: 10, 10: 10, 100: 5, 1000: 3}
    src = os.path.join(WORK, "bind-src")
    os.makedirs(src, exist_ok=True)
    for i in range(max(ns)):
        d = os.path.join(src, str(i))
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "f"), "w") as f:
            f.write("%d\n" % i)
    res = {}
    for n in ns:
        log("3. scaling: %d × --ro-bind (%d runs each)" % (n, runs[n]))
        binds = []
        for i in range(n):
            binds += ["--ro-bind", os.path.join(src, str(i)), "/srv/b/%d" % i]
        t = timed({"sandbox": [SB] + BASE + binds + ["true"],
                   "bwrap": [BWRAP] + BASE + binds + ["true"]}, runs[n],
                  warmup=2 if n >= 1000 else 5)
        res[n] = {k: summary(v) for k, v in t.items()}
        m = {k: median(v) for k, v in t.items()}
        if n == 1000:
            row("3", "start-up with 1000 × --ro-bind", m["sandbox"], m["bwrap"], "ms",
                "≤ 0.05 (≥ 20× faster)", lambda r: r <= 0.05,
                note="bwrap/sandbox = %.1f×" % (m["bwrap"] / m["sandbox"]))
        else:
            row("3", "start-up with %d × --ro-bind" % n, m["sandbox"], m["bwrap"], "ms")
    details["scaling"] = res
    # cost per added bind, from the two largest points
    for tool in ("sandbox", "bwrap"):
        a, b = res[100][tool]["median"], res[1000][tool]["median"]
        details.setdefault("per_bind_us", {})[tool] = (b - a) / 900 * 1000
    row("3", "  cost per added bind (100 → 1000)", details["per_bind_us"]["sandbox"],
        details["per_bind_us"]["bwrap"], "µs")
    plot_scaling(ns, res)


# --------------------------------------------------------- 4. filter cost
def loop_once(prefix, mode, iters, seccomp_file=None):
    fd = None
    kw = {}
    if seccomp_file:
        fd = os.open(seccomp_file, os.O_RDONLY)
        if fd != 9:
            os.dup2(fd, 9)
            os.close(fd)
            fd = 9
        kw["pass_fds"] = (9,)
    try:
        p = subprocess.run(prefix + [LOOP, str(iters), mode], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=120, **kw)
    finally:
        if fd is not None:
            os.close(fd)
    if p.returncode:
        raise RuntimeError("%s: status %d: %s" % (" ".join(prefix[:1] + [LOOP, mode]),
                                                  p.returncode, p.stderr.strip()))
    return float(p.stdout.split()[-1])


def filter_cost():
    iters = 20000 if QUICK else 100000
    reps = 7 if QUICK else 31
    log("4. filter cost: syscall loop, %d iterations × %d runs per variant" % (iters, reps))
    # The loop binary must be visible inside: bind the stage (read-only) at its own path.
    vis = ["--ro-bind", STAGE, STAGE]
    filt = os.path.join(WORK, "one-rule.bpf")
    with open(filt, "wb") as f:
        f.write(subprocess.run([LOOP, "--dump-filter"], stdout=subprocess.PIPE,
                               check=True).stdout)
    variants = {
        "host": ([], "none", None),
        "sandbox": ([SB] + BASE + vis + ["--"], "none", None),
        "bwrap": ([BWRAP] + BASE + vis + ["--"], "none", None),
        "sandbox+self": ([SB] + BASE + vis + ["--"], "self", None),
        "bwrap+self": ([BWRAP] + BASE + vis + ["--"], "self", None),
        "bwrap+seccompfd": ([BWRAP] + BASE + vis + ["--seccomp", "9", "--"], "none", filt),
    }
    fd = os.open(filt, os.O_RDONLY)
    os.dup2(fd, 9)
    os.close(fd)
    sb_seccomp = works([SB] + BASE + ["--seccomp", "9", "--", "true"], pass_fds=(9,))
    os.close(9)
    if sb_seccomp:
        variants["sandbox+seccompfd"] = ([SB] + BASE + vis + ["--seccomp", "9", "--"], "none", filt)
    profile = has_profile()
    bpf = export_bpf("default") if profile else None
    if bpf:
        variants["bwrap+defaultbpf"] = ([BWRAP] + BASE + vis + ["--seccomp", "9", "--"], "none", bpf)
    if profile:
        for pre in (["--profile", "default", "--"],
                    ["--profile", "default"] + vis + ["--"]):
            try:
                loop_once([SB] + pre, "none", 1000)
            except RuntimeError:
                continue
            variants["sandbox+profile"] = ([SB] + pre, "none", None)
            break
    samples = {k: [] for k in variants}
    for _ in range(reps):  # interleaved
        for k, (prefix, mode, f) in variants.items():
            samples[k].append(loop_once(prefix, mode, iters, f))
    details["filter"] = {k: summary(v) for k, v in samples.items()}
    m = {k: median(v) for k, v in samples.items()}
    row("4", "syscall loop, no filter (host, no sandbox: %.0f ns/it)" % m["host"],
        m["sandbox"], m["bwrap"], "ns/iter")
    row("4", "syscall loop, one-rule filter installed by the program",
        m["sandbox+self"], m["bwrap+self"], "ns/iter")
    row("4", "syscall loop, one-rule filter via `--seccomp FD`",
        m.get("sandbox+seccompfd", "n/a (no --seccomp)"), m["bwrap+seccompfd"], "ns/iter")
    # The floor is loaded the way the profile's filter is: by sandbox, before
    # exec (like with like). A filter the program installs itself after exec
    # is cheaper to run through for reasons unrelated to the policy, so it
    # is only the floor when sandbox has no --seccomp.
    if "sandbox+seccompfd" in m:
        floor, fnote = m["sandbox+seccompfd"], "floor = sandbox --seccomp FD, one-rule filter"
    else:
        floor, fnote = m["sandbox+self"], "floor = sandbox, no filter, program installs the one-rule filter"
    if "sandbox+profile" in m:
        row("4", "syscall loop, `--profile default` vs one-rule floor (bwrap col.)",
            m["sandbox+profile"], floor, "ns/iter", "≤ 1.05", lambda r: r <= 1.05, note=fnote)
    else:
        row("4", "syscall loop, `--profile default` vs one-rule floor (bwrap col.)",
            "n/a (no --profile yet)" if not profile else "n/a (profile cannot run the loop)",
            floor, "ns/iter", "≤ 1.05", lambda r: r <= 1.05)
    if "bwrap+defaultbpf" in m:
        row("4", "syscall loop, the default profile's filter (`--export-bpf`) under bwrap",
            m.get("sandbox+profile"), m["bwrap+defaultbpf"], "ns/iter")
    plot_filter(samples)


# -------------------------------------------------------- 5. compile cost
def compile_cost():
    """HOOK for the policy work. Contract the harness expects (either):
      a) `sandbox --bench-compile PROFILE N`: parse + compile PROFILE N
         times in process, as a start does (built-in filters come from the
         build-time table), and print the nanoseconds per iteration as the
         last number on stdout; or
      b) an executable bench/.build/helpers/compile-bench (bench/run
         copies it to the stage if present) taking the same PROFILE N.
    Profiles: the file names under policies/ (without extension), else
    `default`. Prints n/a until one of the two exists."""
    log("5. compile cost")
    tool = None
    if works([SB, "--bench-compile", "default", "1"]):
        tool = [SB, "--bench-compile"]
    elif os.access(os.path.join(STAGE, "compile-bench"), os.X_OK):
        tool = [os.path.join(STAGE, "compile-bench")]
    if tool is None and has_profile():
        compile_cost_approx()
        return
    if tool is None:
        row("5", "parse + compile of each built-in profile (in process)",
            "n/a (no policy code yet)", None, "µs")
        return
    pdir = os.path.join(STAGE, "policies")
    names = sorted({os.path.splitext(f)[0] for f in os.listdir(pdir)}) if os.path.isdir(pdir) else []
    names = names or ["default"]
    details["compile"] = {}
    # Each helper run is a mean over 1000 iterations; on a shared VM one
    # run now and then is slowed by half (steal time counts as our CPU
    # time), so the figure is the median of 5 runs.
    for name in names:
        outs = []
        for _ in range(1 if QUICK else 5):
            p = subprocess.run(tool + [name, "1000"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
            if p.returncode:
                break
            outs.append((float(p.stdout.split()[-1]), p.stdout))
        if p.returncode:
            row("5", "compile `%s`" % name, "failed: " + p.stderr.strip()[:40], None, "µs")
            continue
        outs.sort()
        ns, text = outs[len(outs) // 2]
        parts = dict(w.split("=", 1) for w in text.split() if "=" in w)
        details["compile"][name] = {"total_ns": ns, **{k: float(v) for k, v in parts.items()}}
        # What a start pays: parse + the filter from the build-time table
        # (cached_us; compiled only on a miss). The uncached compile is
        # kept in the note.
        if "cached_us" in parts and parts.get("hit") == "1":
            split = "parse %s µs + table lookup %s µs (compiling instead: %s µs)" % (
                parts["parse_us"], parts["cached_us"], parts.get("compile_us", "?"))
            what = "parse + filter precompiled at build time, profile `%s`"
        elif "cached_us" in parts:
            split = "parse %s µs + compile %s µs (not in the build-time table)" % (
                parts["parse_us"], parts["cached_us"])
            what = "parse + compile profile `%s`"
        else:
            split = ("parse %s µs + compile %s µs" % (parts["parse_us"], parts["compile_us"])
                     if "parse_us" in parts and "compile_us" in parts else "")
            what = "parse + compile profile `%s`"
        if name == "default":
            row("5", what % name, ns / 1000, None, "µs",
                "≤ 300 µs", lambda r: r <= 1.0, ratio=ns / 1000 / 300,
                note=split + "; ratio = time / 300 µs")
        else:
            row("5", what % name, ns / 1000, None, "µs", note=split)


def profile_names():
    p = subprocess.run([SB, "--list-profiles"], stdout=subprocess.PIPE, text=True)
    names = [l.split()[0] for l in p.stdout.split("\n") if l.strip()]
    return names or ["default"]


def compile_cost_approx():
    """Until an in-process hook exists: wall time of a whole
    `sandbox --profile P --export-bpf /dev/null` process minus that of
    `sandbox --version` (same exec, dynamic loading and exit). Coarse: the
    difference of two medians of ~8 ms process runs."""
    runs = 20 if QUICK else 150
    cmds = {"version": [SB, "--version"]}
    for n in profile_names():
        out = os.path.join(WORK, "compile-%s.bpf" % n)
        if works([SB, "--profile", n, "--export-bpf", out]):
            cmds[n] = [SB, "--profile", n, "--export-bpf", out]
    t = timed(cmds, runs)
    base = median(t.pop("version"))
    details["compile_approx"] = {"version_ms": base}
    for n, v in t.items():
        us = (median(v) - base) * 1000
        details["compile_approx"][n] = us
        row("5", "parse + compile `%s` (approx.: process minus `--version`)" % n, us, None, "µs",
            note="no in-process hook yet; %d runs" % runs)


# -------------------------------------------------------------- 6. memory
def proc_status(pid):
    d = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                d[k] = v.strip()
    except OSError:
        return None
    return d


def descendants(root):
    children = {}
    for e in os.listdir("/proc"):
        if not e.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % e) as f:
                s = f.read()
        except OSError:
            continue
        ppid = int(s[s.rindex(")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(e))
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def kib(s):
    return int(s.split()[0]) if s else 0


def memory():
    reps = 3 if QUICK else 15
    log("6. memory: peak RSS (VmHWM) of the tool's own processes, %d runs" % reps)
    res = {}
    tools = [("sandbox", [SB] + BASE), ("bwrap", [BWRAP] + BASE)]
    if has_profile():
        tools.append(("sandbox --profile default", [SB, "--profile", "default", "--"]))
    for tool, prefix in tools:
        tot, outer, nproc = [], [], []
        for _ in range(reps):
            p = subprocess.Popen(prefix + ["sleep", "0.5"])
            time.sleep(0.3)
            procs = []
            for pid in descendants(p.pid):
                st = proc_status(pid)
                if st and st.get("Name") != "sleep":
                    procs.append((pid, st))
            p.wait()
            tot.append(sum(kib(st.get("VmHWM")) for _, st in procs))
            outer.append(sum(kib(st.get("VmHWM")) for pid, st in procs if pid == p.pid))
            nproc.append(len(procs))
        res[tool] = {"sum_hwm": summary(tot), "outer_hwm": summary(outer),
                     "processes": median(nproc)}
    details["memory"] = res
    row("6", "peak RSS, sum over the tool's processes (%d vs %d procs)" % (
        res["sandbox"]["processes"], res["bwrap"]["processes"]),
        res["sandbox"]["sum_hwm"]["median"], res["bwrap"]["sum_hwm"]["median"], "KiB")
    row("6", "  peak RSS of the outer process (monitor) alone",
        res["sandbox"]["outer_hwm"]["median"], res["bwrap"]["outer_hwm"]["median"], "KiB")
    if "sandbox --profile default" in res:
        row("6", "  peak RSS sum, `sandbox --profile default` (vs bwrap, line of 1)",
            res["sandbox --profile default"]["sum_hwm"]["median"],
            res["bwrap"]["sum_hwm"]["median"], "KiB")


def drain_pty(argv):
    """Runs argv on a new pty (a session of its own, the pty its
    controlling terminal), reads the master until the command is done;
    returns (seconds, bytes read)."""
    import pty, termios, fcntl
    master, slave = os.openpty()
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                         preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
    os.close(slave)
    n = 0
    while True:
        try:
            b = os.read(master, 1 << 16)
        except OSError:
            break  # EIO: every holder of the terminal side closed it
        if not b:
            break
        n += len(b)
    p.wait()
    dt = time.monotonic() - t0
    os.close(master)
    return dt, n


def pty_relay():
    """7. A terminal of its own: what the monitor's relay costs when the
    command writes a lot (cat of a big file at a terminal)."""
    mb = int(os.environ.get("BENCH_PTY_MB", "64" if QUICK else "1024"))
    reps = 3
    log("7. pty relay: %d MiB of output through a pty, direct vs sandbox --pty, %d runs" % (mb, reps))
    cmd = ["head", "-c", "%dM" % mb, "/dev/zero"]
    res = {}
    for name, argv in (("direct", cmd), ("sandbox --pty", [SB, "--pty"] + BASE + ["--"] + cmd)):
        times = []
        for _ in range(reps):
            dt, n = drain_pty(argv)
            if n < mb << 20:
                log("  %s: only %d bytes arrived" % (name, n))
            times.append(dt)
        res[name] = summary(times)
    details["pty_relay"] = res
    sb, direct = res["sandbox --pty"]["median"], res["direct"]["median"]
    row("7", "`head -c %dM /dev/zero` at a terminal: through sandbox's pty relay vs "
        "directly on a pty (%.0f vs %.0f MiB/s); ratio = time / direct" % (
            mb, mb / sb, mb / direct),
        sb * 1000, None, "ms", target="≤ 2.0", cmp=lambda r: r <= 2.0, ratio=sb / direct)
NET_MIB = 200 if QUICK else 1024   # measurement 8's download


def net_server(cc=None):
    """A loopback HTTP/1.0 server in threads of this process: GET /big sends
    NET_MIB MiB of zeros, anything else an empty 200; every response closes
    its connection. cc: its congestion control (default: the host's).
    Returns the port."""
    import socket
    import threading
    size = NET_MIB << 20
    # sendfile() from a page-cached file: the server is not what limits
    chunk_path = os.path.join(WORK, "zeros")
    with open(chunk_path, "wb") as f:
        f.write(b"\0" * (8 << 20))
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    if cc:
        ls.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, cc.encode())
    ls.listen(128)

    def serve(c):
        with c:
            head = b""
            while b"\r\n\r\n" not in head:
                d = c.recv(4096)
                if not d:
                    return
                head += d
            if head.startswith(b"GET /big"):
                c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n" % size)
                left = size
                with open(chunk_path, "rb") as f:
                    while left:
                        n = os.sendfile(c.fileno(), f.fileno(), size - left & (8 << 20) - 1,
                                        min(left, 8 << 20))
                        if n <= 0:
                            return
                        left -= n
            else:
                c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    def loop():
        while True:
            c, _ = ls.accept()
            threading.Thread(target=serve, args=(c,), daemon=True).start()

    threading.Thread(target=loop, daemon=True).start()
    return ls.getsockname()[1]


def splice_relay(port):
    """The floor any relay pays: a relay outside any sandbox, in threads of
    this process, listening on loopback and forwarding every connection to
    the server on PORT with os.splice() through a 1 MiB pipe, a thread a
    direction, reno on the client's hop (what the proxy does once a tunnel
    is up). Returns its port."""
    import fcntl
    import socket
    import threading
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    try:
        ls.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, b"reno")
    except OSError:
        pass
    ls.listen(128)

    def pump(a, b):
        r, w = os.pipe()
        try:
            fcntl.fcntl(w, 1031, 1 << 20)  # F_SETPIPE_SZ
        except OSError:
            pass
        try:
            while True:
                n = os.splice(a.fileno(), w, 1 << 20)
                if n == 0:
                    break
                while n:
                    n -= os.splice(r, b.fileno(), n)
            b.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        finally:
            os.close(r)
            os.close(w)

    def conn(c):
        u = socket.create_connection(("127.0.0.1", port))
        t = threading.Thread(target=pump, args=(u, c), daemon=True)
        t.start()
        pump(c, u)
        t.join()
        c.close()
        u.close()

    def loop():
        while True:
            c, _ = ls.accept()
            threading.Thread(target=conn, args=(c,), daemon=True).start()

    threading.Thread(target=loop, daemon=True).start()
    return ls.getsockname()[1]


def pingpong_server():
    """A loopback server in threads of this process: per connection, reads
    two bytes, answers one, until the client closes. Returns the port."""
    import socket
    import threading
    ls = socket.create_server(("127.0.0.1", 0))

    def serve(c):
        with c:
            while True:
                d = b""
                while len(d) < 2:
                    x = c.recv(2 - len(d))
                    if not x:
                        return
                    d += x
                c.sendall(b"k")

    def loop():
        while True:
            threading.Thread(target=serve, args=(ls.accept()[0],), daemon=True).start()

    threading.Thread(target=loop, daemon=True).start()
    return ls.getsockname()[1]


# The client of pingpong_server, run inside a sandbox: N exchanges of two
# one-byte writes and a one-byte read (as a TLS or HTTP/2 client may
# write), directly or through a CONNECT tunnel; prints the mean time of an
# exchange in ms (a median would hide the exchanges that stall). TCP_NODELAY on its own socket: what the proxy then
# does is what is measured.
PINGPONG = r"""
import socket, statistics, sys, time
host, port, proxy, n = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1", int(sys.argv[4])
s = socket.create_connection(("127.0.0.1", 3128) if proxy else (host, port))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
if proxy:
    s.sendall(b"CONNECT %s:%d HTTP/1.1\r\n\r\n" % (host.encode(), port))
    h = b""
    while b"\r\n\r\n" not in h:
        h += s.recv(1)
t = []
for i in range(n):
    a = time.perf_counter()
    s.send(b"a")
    s.send(b"b")
    assert s.recv(1) == b"k"
    t.append(time.perf_counter() - a)
print(statistics.mean(t) * 1e3)
"""


def curl_times(prefix, url, env, extra=()):
    """curl inside a sandbox; returns the -w values (one per URL)."""
    p = subprocess.run(prefix + ["curl", "-s", "-o", "/dev/null", "--max-time", "120"] +
                       list(extra) + [url], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, env=env, timeout=600)
    if p.returncode:
        raise RuntimeError("curl failed (%d): %s" % (p.returncode, p.stderr[-500:]))
    return [float(x) for x in p.stdout.split()]


def net_proxy():
    """8. --net-allow's proxy against a direct connection, both over
    loopback, both from curl in a sandbox with the line of 1: direct with
    --share-net, proxied with --net-allow (CONNECT, as HTTPS would). Same
    server, same file; the ways take turns within each round (the order
    rotates), and the verdicts are medians of each round's own ratio or
    difference, so load that comes and goes on a shared machine falls on
    both sides of a pair. A third way, --share-net through a bare splice
    relay outside the sandbox built the proxy's way, shows what the relay
    alone does, apart from the sandbox and the proxy's checks."""
    if not shutil.which("curl") or not works([SB, "--help"]) or \
            b"net-allow" not in subprocess.run([SB, "--help"], stdout=subprocess.PIPE).stdout:
        row("8", "download through the --net-allow proxy vs direct", "n/a", "n/a", "MB/s",
            target="≥ 0.80", cmp=lambda r: r >= 0.8, note="curl or --net-allow missing")
        return
    port = net_server()
    rport = splice_relay(port)
    # The host's congestion control paces the server's sending when it is
    # BBR, as here: a direct download then gets segments cut to a pacing
    # interval's worth, and curl pays per segment; the proxy's hop to the
    # command does not pace (reno). A server on reno shows the comparison
    # without pacing on either side.
    pport = pingpong_server()
    with open("/proc/sys/net/ipv4/tcp_congestion_control") as f:
        host_cc = f.read().strip()
    try:
        nport = net_server("reno")
    except OSError:
        nport = None
    hosts = os.path.join(WORK, "hosts")
    with open(hosts, "w") as f:
        f.write("127.0.0.1 bench.test\n")
    env = dict(os.environ, SANDBOX_NET_HOSTS_FILE=hosts)
    direct = [SB] + BASE + ["--share-net", "--"]
    proxied = [SB] + BASE + ["--net-allow", "bench.test:%d" % port,
                             "--net-allow", "bench.test:%d" % pport] + \
        (["--net-allow", "bench.test:%d" % nport] if nport else []) + ["--"]
    rounds = 3 if QUICK else 9
    n_conn = 30 if QUICK else 60   # a round, each way
    ways = {"direct": (direct, "http://127.0.0.1:%d" % port, ["--noproxy", "*"]),
            "relay": (direct, "http://127.0.0.1:%d" % rport, ["--noproxy", "*"]),
            "proxy": (proxied, "http://bench.test:%d" % port, ["-p"])}
    if nport:
        ways["direct, reno server"] = (direct, "http://127.0.0.1:%d" % nport, ["--noproxy", "*"])
        ways["proxy, reno server"] = (proxied, "http://bench.test:%d" % nport, ["-p"])
    log("8. network proxy: %d MiB download x %d rounds, %d connections a round" % (
        NET_MIB, rounds, n_conn))
    tp = {k: [] for k in ways}
    lat = {k: [] for k in ways}
    pp = {"direct": [], "proxy": []}
    order = list(ways)
    # Other work on the machine takes CPU from the direct way's two
    # processes and the proxied way's three alike: under load the ratio
    # rises toward 1. The load average is recorded beside the figures.
    load = [os.getloadavg()[0]]
    for i in range(rounds):
        for k in order[i % len(order):] + order[:i % len(order)]:
            prefix, url, extra = ways[k]
            tp[k] += curl_times(prefix, url + "/big", env,
                                extra + ["-w", "%{speed_download}\n"])
            if "reno" not in k:
                lat[k].append(median(curl_times(prefix, url + "/small?[1-%d]" % n_conn, env,
                                                extra + ["-w", "%{time_total}\n"])))
            if k in pp:
                out = subprocess.run(
                    prefix + ["python3", "-c", PINGPONG, "127.0.0.1" if k == "direct" else
                              "bench.test", str(pport), "1" if k == "proxy" else "0",
                              str(n_conn)], stdout=subprocess.PIPE, text=True, env=env,
                    timeout=120, check=True).stdout
                pp[k].append(float(out))
        load.append(os.getloadavg()[0])
    ratio = [p / d for p, d in zip(tp["proxy"], tp["direct"])]
    floor = [r / d for r, d in zip(tp["relay"], tp["direct"])]
    unpaced = [p / d for p, d in zip(tp.get("proxy, reno server", []),
                                     tp.get("direct, reno server", []))]
    added = [(p - d) * 1e3 for p, d in zip(lat["proxy"], lat["direct"])]
    pp_added = [p - d for p, d in zip(pp["proxy"], pp["direct"])]
    details["net_proxy"] = {
        "throughput_MBps": {k: summary([x / 1e6 for x in v]) for k, v in tp.items()},
        "throughput_ratio_by_round": {"proxy/direct": ratio, "relay/direct": floor,
                                      "proxy/direct, reno server": unpaced},
        "host_congestion_control": host_cc,
        "connection_ms_round_medians": {k: [x * 1e3 for x in v] for k, v in lat.items()},
        "added_ms_by_round": added, "loadavg_1min_by_round": load,
        "exchange_ms_round_medians": pp}
    note = "load average %.1f–%.1f; the host's congestion control: %s" % (
        min(load), max(load), host_cc)
    d_mb, p_mb = median(tp["direct"]) / 1e6, median(tp["proxy"]) / 1e6
    row("8", "download %d MiB, --net-allow proxy (CONNECT) vs direct (bwrap col.), loopback; "
        "ratio: median of rounds" % NET_MIB, p_mb, d_mb, "MB/s", target="≥ 0.80",
        cmp=lambda r: r >= 0.8, ratio=median(ratio), note=note)
    row("8", "  --share-net through a bare splice relay outside the sandbox, the proxy's way",
        median(tp["relay"]) / 1e6, d_mb, "MB/s", ratio=median(floor), note=note)
    if unpaced:
        row("8", "  the same with a server on reno (no pacing either way)",
            median(tp["proxy, reno server"]) / 1e6, median(tp["direct, reno server"]) / 1e6,
            "MB/s", ratio=median(unpaced), note=note)
    row("8", "  one connection + empty HTTP response, proxy vs direct (bwrap col.)",
        median(lat["proxy"]) * 1e3, median(lat["direct"]) * 1e3, "ms")
    row("8", "  added latency per connection (proxy − direct), median of rounds",
        median(added), 1.0, "ms", target="< 1 ms", cmp=lambda r: r < 1.0,
        ratio=median(added) / 1.0)
    row("8", "  exchange in a tunnel (write 1 B, write 1 B, read 1 B), mean, proxy vs "
        "direct (bwrap col.); ratio = added ms", median(pp["proxy"]), median(pp["direct"]), "ms",
        target="< 1 ms added", cmp=lambda r: r < 1.0, ratio=median(pp_added))


def net_private_cost():
    """9. --net-private's start-up: the line of 1 with --net-private against
    --share-net (pasta started, waited for until it has configured the
    namespace, stopped and reaped when the sandbox is gone)."""
    what = "start-up, `--net-private` (pasta) vs `--share-net`, line of 1 (added time)"
    priv = [SB] + BASE + ["--net-private", "true"]
    if not works(priv):
        row("9", what, "n/a", None, "ms",
            note="pasta missing, or /dev/net/tun not openable by uid %d" % os.getuid())
        return
    t = timed({"private": priv, "share": [SB] + BASE + ["--share-net", "true"]},
              min(RUNS, 50))
    details["net_private_cost"] = {k: summary(v) for k, v in t.items()}
    d = median(t["private"]) - median(t["share"])
    row("9", what, d, None, "ms", ratio=median(t["private"]) / median(t["share"]),
        note="median with − median without (%.2f ms); ratio = with / without" %
        median(t["share"]))


# ---------------------------------------------------------------- plots
def plt_or_none():
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        return plt
    except ImportError:
        log("matplotlib missing: no PNG")
        return None


def plot_scaling(ns, res):
    plt = plt_or_none()
    if not plt:
        return
    fig, ax = plt.subplots(figsize=(7, 5))
    for tool, c in (("sandbox", "tab:blue"), ("bwrap", "tab:red")):
        med = [res[n][tool]["median"] for n in ns]
        lo = [res[n][tool]["p25"] for n in ns]
        hi = [res[n][tool]["p75"] for n in ns]
        ax.plot(ns, med, "o-", color=c, label=tool)
        ax.fill_between(ns, lo, hi, color=c, alpha=0.2)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("number of --ro-bind")
    ax.set_ylabel("start-up, median wall time (ms)")
    ax.set_title("Start-up vs number of bind mounts (band: p25–p75)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(OUT, "scaling.png"), dpi=120)
    plt.close(fig)


def plot_startup(t):
    plt = plt_or_none()
    if not plt:
        return
    names = ["sandbox", "bwrap", "unshare", "true"]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.boxplot([t[n] for n in names], labels=names, showfliers=False)
    ax.set_ylabel("wall time (ms)")
    ax.set_title("Start-up, same command line, %d runs each (no outliers shown)" % len(t["sandbox"]))
    ax.grid(True, axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(OUT, "startup.png"), dpi=120)
    plt.close(fig)


def plot_filter(samples):
    plt = plt_or_none()
    if not plt:
        return
    names = list(samples)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.boxplot([samples[n] for n in names], labels=names, showfliers=False)
    ax.set_ylabel("ns per iteration (getppid + read + fstat)")
    ax.set_title("Syscall loop under each sandbox / filter")
    ax.tick_params(axis="x", labelrotation=20)
    ax.grid(True, axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(OUT, "filter.png"), dpi=120)
    plt.close(fig)


# ---------------------------------------------------------------- report
def markdown(meta):
    L = ["# sandbox vs bwrap", ""]
    L += ["- %s: %s" % (k, v) for k, v in meta.items()]
    L += ["", "Medians. Ratio = sandbox / bwrap (lower is better for sandbox).", "",
          "| # | measurement | sandbox | bwrap | ratio | target | result |",
          "|---|---|---:|---:|---:|---|---|"]
    for r in rows:
        what = r["what"] + (" — " + r["note"] if r["note"] else "")
        L.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            r["item"], what.replace("|", "\\|"), fmt(r["sandbox"], r["unit"]),
            fmt(r["bwrap"], r["unit"]), fmt_ratio(r["ratio"]), r["target"], r["result"]))
    if "scaling" in details:
        L += ["", "## Scaling detail (ms: median [p25–p75])", "",
              "| binds | sandbox | bwrap | bwrap / sandbox |", "|---:|---:|---:|---:|"]
        for n, v in details["scaling"].items():
            s, b = v["sandbox"], v["bwrap"]
            L.append("| %d | %.2f [%.2f–%.2f] | %.2f [%.2f–%.2f] | %.1f× |" % (
                n, s["median"], s["p25"], s["p75"], b["median"], b["p25"], b["p75"],
                b["median"] / s["median"]))
    if "startup" in details:
        L += ["", "## Start-up detail (ms)", "", "| command | median | p10 | p90 |",
              "|---|---:|---:|---:|"]
        for n, v in details["startup"].items():
            L.append("| %s | %.2f | %.2f | %.2f |" % (n, v["median"], v["p10"], v["p90"]))
    L += ["", "Plots: scaling.png, startup.png, filter.png", ""]
    return "\n".join(L)


# ------------------------------------------------------------ 10. --learn
def learn_project():
    """A small C project: eight files and a main, one header, a Makefile."""
    proj = os.path.join(WORK, "learn-proj")
    os.makedirs(proj, exist_ok=True)
    for i in range(8):
        with open(os.path.join(proj, "f%d.c" % i), "w") as f:
            f.write('#include "common.h"\nint f%d(int x) { return x + %d; }\n' % (i, i))
    with open(os.path.join(proj, "common.h"), "w") as f:
        f.write("int f0(int);\n")
    with open(os.path.join(proj, "main.c"), "w") as f:
        f.write('#include <stdio.h>\n#include "common.h"\n'
                'int main(void) { printf("%d\\n", f0(1)); return 0; }\n')
    with open(os.path.join(proj, "Makefile"), "w") as f:
        f.write("SRCS := $(wildcard *.c)\nOBJS := $(SRCS:.c=.o)\nprog: $(OBJS)\n"
                "\tcc -o $@ $(OBJS)\n%.o: %.c common.h\n\tcc -O1 -c -o $@ $<\n")
    return proj


def learn_cost():
    """10. A learned run of a C build (`make -B`: every object rebuilt)
    against the same build unobserved under the same base profile
    (`--profile learn`): the notification round trips, the watcher's
    reads of the command's memory, the learning proxy and the folding."""
    what = "learned run of a C build (make -B, 9 files) vs unobserved (bwrap col.)"
    if not (shutil.which("make") and shutil.which("cc")) or \
            b"--learn" not in subprocess.run([SB, "--help"], stdout=subprocess.PIPE).stdout:
        row("10", what, "n/a", None, "ms", target="≤ 3.0", cmp=lambda r: r <= 3.0,
            note="make, cc or --learn missing")
        return
    proj = learn_project()
    learned = os.path.join(WORK, "learned.profile")
    runs = 5 if QUICK else 20
    log("10. --learn: %d builds each" % runs)
    old = os.getcwd()
    os.chdir(proj)
    try:
        cmds = {"plain": [SB, "--profile", "learn", "--", "make", "-s", "-B"],
                "learn": [SB, "--learn", learned, "--", "make", "-s", "-B"],
                "syscalls": [SB, "--learn", learned + ".sc", "--learn-syscalls", "--",
                             "make", "-s", "-B"]}
        t = timed(cmds, runs, warmup=1)
    finally:
        os.chdir(old)
    details["learn_cost"] = {k: summary(v) for k, v in t.items()}
    row("10", what, median(t["learn"]), median(t["plain"]), "ms", target="≤ 3.0",
        cmp=lambda r: r <= 3.0, note="both under the `learn` profile; sandbox only")
    row("10", "  the same with --learn-syscalls (every syscall watched)", median(t["syscalls"]),
        median(t["plain"]), "ms")


def main():
    os.makedirs(OUT, exist_ok=True)
    if os.getuid() == 0:
        log("warning: measuring as root; bench/run drops to nobody, use it")
    if not works(UNSHARE + ["true"]):
        sys.exit("bench: unprivileged user namespaces are not available here")
    for tool in ([SB] + BASE + ["true"], [BWRAP] + BASE + ["true"]):
        p = subprocess.run(tool, stderr=subprocess.PIPE, text=True)
        if p.returncode:
            sys.exit("bench: %s fails: %s" % (tool[0], p.stderr.strip()))
    bw_ver = subprocess.run([BWRAP, "--version"], stdout=subprocess.PIPE, text=True).stdout.strip()
    meta = {"date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
            "commit": os.environ.get("BENCH_COMMIT", "?"),
            "sandbox build": "meson release, LTO, %s (bench/.build)" % link_mode(SB),
            "bwrap": "%s (%s)" % (BWRAP, bw_ver),
            "kernel": platform.release(), "cpus": os.cpu_count(),
            "user": "uid %d" % os.getuid(), "start-up runs": RUNS,
            "quick": QUICK}
    log("bench as uid %d, %d runs; bwrap: %s" % (os.getuid(), RUNS, bw_ver))
    log("  %-4s %-52s %12s %12s %8s  %-22s %s" % ("#", "measurement", "sandbox", "bwrap",
                                                   "ratio", "target", "result"))
    t = startup()
    plot_startup(t)
    startup_policy()
    landlock_cost()
    git_check_cost()
    watchdog_cost()
    nons_cost()
    desktop_cost()
    scaling()
    filter_cost()
    compile_cost()
    memory()
    pty_relay()
    net_proxy()
    net_private_cost()
    learn_cost()
    md = markdown(meta)
    with open(os.path.join(OUT, "results.md"), "w") as f:
        f.write(md)
    details.pop("startup_samples", None)
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump({"meta": meta, "rows": rows, "details": details}, f, indent=1,
                  default=str)
    print(md)


if __name__ == "__main__":
    main()
