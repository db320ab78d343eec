"""Mixed traffic against the production server: asset, versus, search and browse pages.

    .venv/bin/python bench/load.py [--duration 60] [--connections 32] [--redis-db 14]

What it does, in order:

1. Creates a PostgreSQL database, unfragile_bench_load, on the server DATABASE_URL names
   (default postgres://postgres@127.0.0.1:5432), migrates it and loads the bundled catalog
   (which computes the scores). Flushes Redis database `--redis-db` on 127.0.0.1:6379.
2. Collects the static files into a temporary directory and starts the server as
   `make serve` does: gunicorn, WEB_WORKERS workers (2) x WEB_THREADS threads (4), DEBUG off,
   CACHE_URL on that Redis database, SECURE_SSL_REDIRECT=0, ALLOWED_HOSTS=127.0.0.1.
   SEARCH_RATE_LIMIT is raised to 1,000,000 a minute: every request of the bench comes from
   one address, which the real limit (60 a minute) would answer with 429 after a second.
3. Records searches the way readers make them: SESSIONS browsers (a session cookie, a browser
   User-Agent) each search for phrases built from the catalog's task names; then runs
   `manage.py rebuild_match_graph`, so co-match edges, Times Matched and the alternatives
   have data. Restarts the server and flushes Redis, so the run starts with a cold cache.
4. Writes the URL lists from the catalog: every published asset page; versus pages of real
   pairs (the co-match edges, then alternatives of the same kind sharing a task), in
   canonical order; searches for task names (alone and with a kind); browse pages (kinds,
   tasks, licences, organisations, sorts, second pages).
5. Runs wrk for `--duration` seconds with one thread per connection: each request picks its
   type by weight (asset 40%, versus 30%, search 20%, browse 10%) and a URL of that type at
   random, and its latency is timed in Lua per type. wrk's requests are cookie-less, so the
   searches do not add to the match graph (as for crawlers and cookie-less clients).

It prints requests/s, p50/p99 per page type and the errors (non-2xx/3xx answers and socket
errors). Goal (issue 6): zero errors and p99 under 250 ms on a 2-core machine.
Drops the database and flushes the Redis database at the end. Needs wrk, PostgreSQL, Redis.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote_plus

import common

ROOT = common.ROOT
BENCH_DB = "unfragile_bench_load"
WEIGHTS = {"asset": 40, "versus": 30, "search": 20, "browse": 10}
P99_GOAL_MS = 250
SESSIONS = 24
SEARCHES_PER_SESSION = 16
BROWSER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"

# One wrk thread per connection, so in each thread request() and response() alternate and
# the time between them is the latency of that request (LuaJIT's FFI reads the clock).
WRK_LUA = r"""
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now_us()
  ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000000 + tonumber(ts.tv_nsec) / 1000
end

local TYPES = {"asset", "versus", "search", "browse"}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

local urls, cumulative, total = {}, {}, 0
local current, started, out = nil, nil, nil

function init(args)
  local dir = args[1]
  for i, name in ipairs(TYPES) do
    urls[name] = {}
    for line in io.lines(dir .. "/urls-" .. name .. ".txt") do
      table.insert(urls[name], line)
    end
    total = total + tonumber(args[i + 1])
    cumulative[i] = total
  end
  -- One line per response: type, microseconds, status. Line-buffered, so nothing is lost
  -- when wrk exits without closing the thread's Lua state.
  out = io.open(string.format("%s/latency-%d.txt", dir, id), "w")
  out:setvbuf("line")
  math.randomseed(1000 + id)
end

function request()
  local pick, kind = math.random() * total, TYPES[#TYPES]
  for i, name in ipairs(TYPES) do
    if pick < cumulative[i] then kind = name; break end
  end
  local list = urls[kind]
  current = kind
  started = now_us()
  return wrk.format("GET", list[math.random(#list)])
end

function response(status, headers, body)
  out:write(string.format("%s %d %d\n", current, now_us() - started, status))
end

function done(summary, latency, requests)
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "status_errors": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "timeout": %d}\n',
    summary.requests, summary.duration, summary.bytes, summary.errors.status,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
"""

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of traffic")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--redis-db", type=int, default=14, help="flushed before and after")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _write_urls(Path(args.child))
        return
    for tool in ("wrk", "redis-cli"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed (Debian: apt-get install -y wrk redis-tools)")
    server_url = common.postgres_server() or common.DEFAULT_PG
    cache_url = f"redis://127.0.0.1:6379/{args.redis_db}"
    with (tempfile.TemporaryDirectory(prefix="bench-load-") as tmp,
          common.postgres_database(server_url, BENCH_DB) as db_url):
        _flush_redis(args.redis_db)
        try:
            with common.recorded("Load"):
                _run(args, Path(tmp), db_url, cache_url)
        finally:
            _flush_redis(args.redis_db)


def _run(args: argparse.Namespace, tmp: Path, db_url: str, cache_url: str) -> None:
    workers = int(os.environ.get("WEB_WORKERS", "2"))
    threads = int(os.environ.get("WEB_THREADS", "4"))
    env = common.server_env(tmp, db_url, CACHE_URL=cache_url, SEARCH_RATE_LIMIT="1000000")
    started = time.perf_counter()
    common.manage(env, "migrate", "--noinput", "-v0", quiet=True)
    common.manage(env, "collectstatic", "--noinput", "-v0", quiet=True)
    common.manage(env, "load_catalog", quiet=True)
    loaded = time.perf_counter() - started
    port = common.free_port()
    base = f"http://127.0.0.1:{port}"
    options = ["--workers", str(workers), "--threads", str(threads),
               "--access-logfile", "-", "--forwarded-allow-ips", "*"]

    def start() -> subprocess.Popen:
        # The home page, not /healthz: it needs the database and the templates too.
        return common.start_gunicorn(env, port, tmp / "gunicorn.log", *options,
                                     ready=base + "/")

    server = start()
    try:
        recorded = _record_searches(base, _task_phrases(env, tmp))
    except OSError:
        tail = (tmp / "gunicorn.log").read_text()[-3000:]
        sys.exit(f"a search failed; the server's log:\n{tail}")
    finally:
        common.stop(server)
    common.manage(env, "rebuild_match_graph", quiet=True)
    _flush_redis(args.redis_db)
    subprocess.run([sys.executable, __file__, "--child", str(tmp)], cwd=ROOT, env=env,
                   check=True)
    counts = json.loads((tmp / "counts.json").read_text())
    print(f"Loaded the bundled catalog into PostgreSQL and recorded {recorded} searches "
          f"({SESSIONS} sessions) in {time.perf_counter() - started:.0f} s "
          f"(load {loaded:.0f} s); URLs: " +
          ", ".join(f"{counts[k]:,} {k}" for k in WEIGHTS) + ".", flush=True)

    lua = tmp / "load.lua"
    lua.write_text(WRK_LUA)
    server = start()
    try:
        load_before = os.getloadavg()[0]
        cmd = ["wrk", f"-t{args.connections}", f"-c{args.connections}", f"-d{args.duration}s",
               "--timeout", "10s", "-s", str(lua), base + "/", "--", str(tmp),
               *[str(w) for w in WEIGHTS.values()]]
        summary = common.wrk(cmd)
    finally:
        common.stop(server)
    _report(args, workers, threads, load_before, _parse(summary, tmp))
    errors = [line for line in (tmp / "gunicorn.log").read_text().splitlines()
              if "Error" in line or "Traceback" in line]
    if errors:
        print(f"\nThe server logged {len(errors)} error lines; the first: {errors[0]}")


def _parse(summary: dict, tmp: Path) -> dict:
    latencies: dict[str, list[int]] = {k: [] for k in WEIGHTS}
    bad = dict.fromkeys(WEIGHTS, 0)
    for path in tmp.glob("latency-*.txt"):
        for row in path.read_text().splitlines():
            kind, took, status = row.split()
            latencies[kind].append(int(took))
            if not 200 <= int(status) < 400:
                bad[kind] += 1
    summary.update(latencies=latencies, bad=bad)
    return summary


def _percentile(values: list[int], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))] / 1000


def _report(args, workers: int, threads: int, load_before: float, res: dict) -> None:
    seconds = res["duration_us"] / 1e6
    sockets = res["connect"] + res["read"] + res["write"] + res["timeout"]
    print(f"\nload bench: bundled catalog on PostgreSQL, Redis cache, gunicorn {workers} workers "
          f"x {threads} threads, DEBUG off; wrk {args.connections} connections for "
          f"{args.duration} s; {os.cpu_count()} CPUs, load average {load_before:.1f} before "
          f"and {os.getloadavg()[0]:.1f} after")
    print(f"{'page type':<10}{'share':>7}{'requests':>10}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'max ms':>9}{'errors':>8}")
    worst = 0.0
    for kind in WEIGHTS:
        lat = res["latencies"][kind]
        if not lat:
            print(f"{kind:<10}  no requests")
            continue
        p99 = _percentile(lat, 99)
        worst = max(worst, p99)
        print(f"{kind:<10}{len(lat) / res['requests']:>7.0%}{len(lat):>10,}"
              f"{len(lat) / seconds:>8,.0f}{_percentile(lat, 50):>9.1f}{p99:>9.1f}"
              f"{max(lat) / 1000:>9.1f}{res['bad'][kind]:>8}")
    everything = [v for lat in res["latencies"].values() for v in lat]
    print(f"{'all':<10}{'':>7}{res['requests']:>10,}{res['requests'] / seconds:>8,.0f}"
          f"{statistics.median(everything) / 1000:>9.1f}{_percentile(everything, 99):>9.1f}"
          f"{max(everything) / 1000:>9.1f}{sum(res['bad'].values()):>8}")
    answers = sum(res["bad"].values())
    print(f"errors: {answers} non-2xx/3xx answers, {sockets} socket errors "
          f"(connect {res['connect']}, read {res['read']}, write {res['write']}, "
          f"timeout {res['timeout']})")
    met = answers == 0 and sockets == 0 and worst < P99_GOAL_MS
    print(f"goal: zero errors and p99 under {P99_GOAL_MS} ms for every page type: "
          f"{'meets' if met else 'MISSES'}")


def _task_phrases(env: dict, tmp: Path) -> list[str]:
    code = ("import json, django; django.setup(); from catalog.models import Task; "
            "print(json.dumps(list(Task.objects.filter(assets__status='published')"
            ".distinct().values_list('name', flat=True))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout
    names = json.loads(out)
    phrases = [n.lower() for n in names] + [f"{n.lower()} model" for n in names[::3]]
    (tmp / "phrases.json").write_text(json.dumps(phrases))
    return phrases


def _record_searches(base: str, phrases: list[str]) -> int:
    """Searches as browsers make them: the first search page sets the session flag, and each
    full page load after it counts once per session, phrase and day."""
    rng = random.Random(6)
    done = 0
    for _ in range(SESSIONS):
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        opener.addheaders = [("User-Agent", BROWSER_AGENT)]
        opener.open(base + "/search/", timeout=30).read()
        for phrase in rng.sample(phrases, min(SEARCHES_PER_SESSION, len(phrases))):
            opener.open(f"{base}/search/?q={quote_plus(phrase)}", timeout=30).read()
            done += 1
    return done


def _write_urls(tmp: Path) -> None:
    """Runs in a child process with the bench settings: one file of paths per page type."""
    import django

    django.setup()
    from django.db.models import Count

    from catalog.models import Asset, Organization, Task
    from catalog.views import PER_PAGE
    from comparisons import pairs
    from comparisons.models import CoMatch

    rng = random.Random(2026)
    published = Asset.objects.published()
    slugs = list(published.values_list("slug", flat=True))
    assets = [f"/assets/{slug}/" for slug in slugs]

    chosen: set[tuple[str, str]] = set()
    for a, b in CoMatch.objects.values_list("asset_a__slug", "asset_b__slug")[:2000]:
        chosen.add(pairs.canonical(a, b))
    by_key: dict[tuple[str, int], list[str]] = {}
    for kind, task, slug in published.filter(tasks__isnull=False).values_list(
        "kind", "tasks", "slug"
    ):
        by_key.setdefault((kind, task), []).append(slug)
    groups = [g for g in by_key.values() if len(g) > 1]
    while len(chosen) < 3000 and groups:
        a, b = rng.sample(rng.choice(groups), 2)
        chosen.add(pairs.canonical(a, b))
    versus = [pairs.versus_url(a, b) for a, b in sorted(chosen)]

    tasks = list(Task.objects.filter(assets__status="published").distinct())
    kinds = [k for k, _ in Asset.Kind.choices if published.filter(kind=k).exists()]
    phrases = json.loads((tmp / "phrases.json").read_text())
    search = [f"/search/?q={quote_plus(p)}" for p in phrases]
    search += [f"/search/?q={quote_plus(t.name.lower())}&kind={rng.choice(kinds)}"
               for t in tasks[::2]]

    browse = ["/assets/", "/assets/?sort=rank", "/assets/?sort=newest", "/assets/?sort=size"]
    pages = -(-published.count() // PER_PAGE)
    browse += [f"/assets/?page={p}" for p in range(2, min(pages, 6) + 1)]
    for kind in kinds:
        browse += [f"/assets/?kind={kind}", f"/assets/?kind={kind}&sort=rank"]
    browse += [f"/assets/?task={t.slug}" for t in tasks]
    orgs = Organization.objects.filter(assets__status="published").annotate(n=Count("assets"))
    browse += [f"/assets/?org={o.slug}" for o in orgs.order_by("-n")[:50]]
    browse += [f"/assets/?licence={lic}" for lic in
               published.exclude(licence="").values_list("licence", flat=True).distinct()[:20]]

    lists = {"asset": assets, "versus": versus, "search": search, "browse": browse}
    for kind, paths in lists.items():
        (tmp / f"urls-{kind}.txt").write_text("".join(f"{p}\n" for p in paths))
    (tmp / "counts.json").write_text(json.dumps({k: len(v) for k, v in lists.items()}))


def _flush_redis(db: int) -> None:
    subprocess.run(["redis-cli", "-h", "127.0.0.1", "-n", str(db), "FLUSHDB"], check=True,
                   stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
