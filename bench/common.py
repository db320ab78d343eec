"""What the bench scripts share: a PostgreSQL database of their own, gunicorn on a free port,
wrk's JSON line, and bench/RESULTS.md.

Every script prints its figures as it goes; `recorded(title)` also keeps what is printed inside
it and, when the block ends without an error, writes it into bench/RESULTS.md as the section
`title`, under the date, the machine and the command, replacing that section from an earlier
run. So `make bench` leaves RESULTS.md holding the figures of the last run of each script.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import platform
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"

# A settings module the servers of the benches run with: the project's, with static files
# collected into the bench's temporary directory instead of the project's staticfiles/.
SETTINGS = """
from unfragile.settings import *  # noqa: F403

STATIC_ROOT = {static_root!r}
"""

RESULTS_HEAD = """# Bench results

Figures of the last run of each script in `bench/`, written by the scripts themselves
(`make bench` runs them all). The machines are shared and noisy: compare a figure with the
baseline measured in the same run (the static file, the first run), not with another day's.
"""


# PostgreSQL -----------------------------------------------------------------------------


def postgres_server() -> str | None:
    """The server DATABASE_URL names, when it names a PostgreSQL one."""
    url = os.environ.get("DATABASE_URL", "")
    return url if urlsplit(url).scheme in {"postgres", "postgresql"} else None


@contextlib.contextmanager
def postgres_database(server_url: str, name: str) -> Iterator[str]:
    """A fresh database `name` on that server, dropped afterwards; yields its URL."""
    import psycopg

    parts = urlsplit(server_url)
    admin = urlunsplit(parts._replace(path="/postgres"))

    def drop(conn: psycopg.Connection) -> None:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    with psycopg.connect(admin, autocommit=True) as conn:
        drop(conn)
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            drop(conn)


# Servers and wrk ------------------------------------------------------------------------


def server_env(tmp: Path, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of `make serve` over this database, with the bench's settings module."""
    static_root = tmp / "static"
    (tmp / "bench_settings.py").write_text(SETTINGS.format(static_root=str(static_root)))
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp), str(ROOT)]),
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        **extra,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    if "CACHE_URL" not in extra:
        env.pop("CACHE_URL", None)
    return env


def manage(env: dict, *args: str, quiet: bool = False) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL if quiet else None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, timeout: float = 10) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()


def start_gunicorn(env: dict, port: int, log: Path, *options: str, ready: str) -> subprocess.Popen:
    """gunicorn on 127.0.0.1:port in its own process group; returns once `ready` (a URL)
    answers, or exits with the end of the server's log."""
    server = subprocess.Popen(
        [str(GUNICORN), "unfragile.wsgi", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", *options],
        cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=log.open("ab"),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn exited:\n" + log.read_text()[-2000:])
        try:
            get(ready)
            return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    sys.exit("gunicorn did not answer within 60 s:\n" + log.read_text()[-2000:])


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


# A wrk script for one URL, or for a file of paths that wrk's threads take turns through
# (`-- PATHS STEP OFFSET HX`: each thread starts at its id plus OFFSET and steps by STEP, so
# no two requests name the same path; HX "1" sends HX-Request). done() writes one JSON line.
WRK_PATHS_LUA = r"""
local thread_count = 0
function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
end

local paths, i, step, headers = nil, 0, 1, {}
function init(args)
  if args[1] then
    paths = {}
    for line in io.lines(args[1]) do paths[#paths + 1] = line end
    step = tonumber(args[2])
    i = id + tonumber(args[3] or 0)
    if args[4] == "1" then headers["HX-Request"] = "true" end
  end
end

function request()
  if paths == nil then return wrk.request() end
  local path = paths[(i % #paths) + 1]
  i = i + step
  return wrk.format("GET", path, headers)
end

function done(summary, latency, requests)
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "status_errors": %d, ' ..
    '"socket_errors": %d, "p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout, latency:percentile(50), latency:percentile(99)))
end
"""


def wrk_paths(lua: Path, url: str, *, threads: int, connections: int, seconds: int,
              paths: Path | None = None, offset: int = 0, htmx: bool = False) -> dict:
    """wrk with WRK_PATHS_LUA (written to `lua`) on one URL, or on a file of paths."""
    if not lua.exists():
        lua.write_text(WRK_PATHS_LUA)
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "-s", str(lua), url]
    if paths:
        cmd += ["--", str(paths), str(threads), str(offset), "1" if htmx else "0"]
    return wrk(cmd)


def wrk(cmd: list[str]) -> dict:
    """Run wrk with a script whose done() writes one `WRK_JSON {...}` line; that line, parsed,
    with `rps` (requests a second) added."""
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"wrk failed:\n{done.stdout}\n{done.stderr}")
    line = next(line for line in done.stdout.splitlines() if line.startswith("WRK_JSON "))
    result = json.loads(line.removeprefix("WRK_JSON "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


# RESULTS.md -----------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 2**20:.0f} GiB"
    return (f"{os.cpu_count()} CPUs ({cpu}){memory}; {platform.system()} "
            f"{platform.release()}; Python {platform.python_version()}")


class _Tee(io.TextIOBase):
    def __init__(self, out: io.TextIOBase) -> None:
        self.out, self.kept = out, io.StringIO()

    def write(self, text: str) -> int:
        self.kept.write(text)
        return self.out.write(text)

    def flush(self) -> None:
        self.out.flush()


@contextlib.contextmanager
def recorded(title: str) -> Iterator[None]:
    """Print as usual; on success, also write what was printed into RESULTS.md as `title`."""
    started = datetime.now(UTC)
    tee = _Tee(sys.stdout)
    with contextlib.redirect_stdout(tee):
        yield
    command = " ".join(shlex.quote(a) for a in [".venv/bin/python", *sys.argv])
    if server := postgres_server():
        command = f"DATABASE_URL={shlex.quote(server)} {command}"
    body = (f"{started:%Y-%m-%d %H:%M} UTC · {machine()} · load average "
            f"{os.getloadavg()[0]:.1f} at the end\n\n    {command}\n\n```\n"
            f"{tee.kept.getvalue().strip()}\n```\n")
    write_section(title, body)


def write_section(title: str, body: str, path: Path = RESULTS) -> None:
    """Put `## title` with this body into the file, in place of a section of that title."""
    text = path.read_text() if path.exists() else RESULTS_HEAD
    section = f"## {title}\n\n{body.rstrip()}\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section + "\n", text, count=1).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    path.write_text(text)


def run_teed(cmd: list[str], **kwargs) -> None:
    """A child process whose output goes through print(), so `recorded` keeps it."""
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, **kwargs) as child:
        assert child.stdout is not None
        for line in child.stdout:
            print(line, end="", flush=True)
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, cmd)
