"""Shared helpers for the benchmarks: run the production server, drive wrk, read memory, print tables."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / 'bench' / 'out'
PY = sys.executable
FLASK = [PY, '-m', 'flask', '--app', 'app']


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def env_for(database_url: str, **extra) -> dict:
    env = dict(os.environ)
    env.update({'DATABASE_URL': database_url, 'SECRET_KEY': 'bench-only-secret', 'TRAINING_SESSION_COOKIE_SECURE':
                'false', 'TRAINING_RATELIMIT_STORAGE_URI': 'memory://',
                'TRAINING_LOGIN_LIMIT_PER_ADDRESS': '100000 per minute',
                'TRAINING_LOGIN_LIMIT_PER_ACCOUNT': '100000 per minute',
                'TRAINING_LOGIN_LIMIT_PER_ACCOUNT_ALL': '100000 per minute'})
    env.update(extra)
    return env


def prepare_database(database_url: str) -> None:
    """Migrate and load the demo data (idempotent)."""
    env = env_for(database_url)
    for args in (['db', 'upgrade'], ['demo', 'load']):
        result = subprocess.run([*FLASK, *args], cwd=ROOT, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f'flask {" ".join(args)} failed:\n{(result.stdout + result.stderr)[-3000:]}')


PG_BASE = os.environ.get('BENCH_PG', 'postgresql+psycopg://postgres@127.0.0.1:5432')


def _pg_admin():
    import psycopg
    return psycopg.connect(PG_BASE.replace('+psycopg', '') + '/postgres', autocommit=True, connect_timeout=3)


def postgres_url(name: str, *, fresh: bool = False) -> str | None:
    """Create (or, with fresh, drop and recreate) a database on the local PostgreSQL; None if it is not reachable."""
    try:
        with _pg_admin() as c:
            if fresh:
                c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            exists = c.execute('SELECT 1 FROM pg_database WHERE datname = %s', (name,)).fetchone()
            if not exists:
                c.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # noqa: BLE001
        print(f'PostgreSQL not available: {exc}', file=sys.stderr)
        return None
    return f'{PG_BASE}/{name}'


def drop_postgres(name: str) -> None:
    try:
        with _pg_admin() as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except Exception as exc:  # noqa: BLE001
        print(f'could not drop PostgreSQL database {name}: {exc}', file=sys.stderr)


def postgres_version() -> str:
    try:
        with _pg_admin() as c:
            return c.execute('SHOW server_version').fetchone()[0]
    except Exception:  # noqa: BLE001
        return 'not reachable'


@contextmanager
def gunicorn(database_url: str, *, workers: int = 2, app: str | None = None, **extra_env):
    """The production server with the repository's gunicorn.conf.py, on a free loopback port.

    Workers are not recycled during a run (GUNICORN_MAX_REQUESTS=0), so the memory read afterwards is that of
    workers which served the whole load, not of fresh ones.
    """
    app = app or os.environ.get('BENCH_WSGI', 'bench.wsgi:app')
    port = free_port()
    env = env_for(database_url, PORT=str(port), WEB_CONCURRENCY=str(workers), GUNICORN_ACCESS_LOG='/dev/null',
                  GUNICORN_LOG_LEVEL='warning', GUNICORN_MAX_REQUESTS='0', **extra_env)
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([PY, '-m', 'gunicorn', '--config', 'gunicorn.conf.py', app], cwd=ROOT, env=env,
                            stdout=log, stderr=log, start_new_session=True)
    url = f'http://127.0.0.1:{port}'
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(url + '/healthz', timeout=2) as r:  # noqa: S310 - loopback
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                log.seek(0)
                raise RuntimeError('gunicorn did not start:\n' + log.read().decode(errors='replace')[-3000:])
            time.sleep(0.3)
        yield url, proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def worker_rss_mb(master_pid: int) -> list[float]:
    """Resident memory of each gunicorn worker (children of the master), in MB."""
    sizes = []
    for status in Path('/proc').glob('[0-9]*/status'):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(':', 1) for line in text.splitlines() if ':' in line)
        if fields.get('PPid', '').strip() == str(master_pid):
            sizes.append(int(fields['VmRSS'].split()[0]) / 1024)
    return sizes


WRK_SCRIPT = r'''
local body = os.getenv("WRK_BODY")
local method = os.getenv("WRK_METHOD") or "GET"
local cookie = os.getenv("WRK_COOKIE")
local token = os.getenv("WRK_CSRF")
wrk.method = method
if body and body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end
if token and token ~= "" then wrk.headers["X-CSRFToken"] = token end
wrk.headers["User-Agent"] = os.getenv("WRK_USER_AGENT") or "training-bench/1"
wrk.headers["Accept-Encoding"] = "gzip"
done = function(summary, latency, requests)
  io.write(string.format('{"requests": %d, "duration_us": %d, "errors": %d, "non2xx": %d, '
    .. '"p50": %.3f, "p95": %.3f, "p99": %.3f}\n',
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
'''


def parse_wrk(stdout: str) -> dict:
    """The JSON line our lua ``done`` hook prints: requests, errors, non-2xx/3xx, p50/p95/p99 in ms, plus rps."""
    line = next((ln for ln in stdout.splitlines() if ln.startswith('{"requests"')), None)
    if line is None:
        raise RuntimeError('wrk printed no summary:\n' + stdout[-2000:])
    data = json.loads(line)
    seconds = data['duration_us'] / 1e6
    data['rps'] = data['requests'] / seconds if seconds > 0 else 0.0
    return data


def wrk(url: str, *, seconds: float = 6, connections: int = 16, threads: int = 2, method: str = 'GET',
        body: str = '', cookie: str = '', csrf_token: str = '') -> dict:
    """Bounded load on loopback: wrk runs for a fixed time and stops by itself."""
    if not url.startswith('http://127.0.0.1:'):
        raise ValueError('load tests target loopback only')
    exe = shutil.which('wrk')
    if not exe:
        raise RuntimeError('wrk is not installed (apt-get install wrk)')
    OUT.mkdir(parents=True, exist_ok=True)
    script = OUT / 'wrk.lua'
    script.write_text(WRK_SCRIPT)
    env = dict(os.environ, WRK_METHOD=method, WRK_BODY=body, WRK_COOKIE=cookie, WRK_CSRF=csrf_token)
    duration = max(1, round(seconds))
    result = subprocess.run([exe, f'-t{threads}', f'-c{connections}', f'-d{duration}s', '--timeout', '10s',
                             '-s', str(script), url], capture_output=True, text=True, env=env, timeout=duration + 30)
    return parse_wrk(result.stdout)


class Table:
    """Rows of (figure, value, budget, pass) printed as one table and written to RESULTS.md."""

    def __init__(self):
        self.rows: list[tuple[str, str, str, str]] = []

    def add(self, figure: str, value: str, budget: str = '', ok: bool | None = None) -> None:
        verdict = '' if ok is None else ('pass' if ok else 'FAIL')
        self.rows.append((figure, value, budget, verdict))
        print(f'  {figure:<58} {value:>16}  {budget:<14} {verdict}', flush=True)

    def markdown(self) -> str:
        lines = ['| figure | value | budget | result |', '|---|---:|---|---|']
        lines += [f'| {a} | {b} | {c} | {d} |' for a, b, c, d in self.rows]
        return '\n'.join(lines)
