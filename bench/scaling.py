"""Throughput with 1, 2 and 4 gunicorn workers against one PostgreSQL, and the database's share of the work.

For each worker count, a fresh gunicorn (gunicorn.conf.py, that many workers) serves the signed-in hello-world, a
lesson and a quiz submission to wrk at 16 connections. Besides requests/s, the CPU time the PostgreSQL server
processes and the gunicorn workers spent during each run is read from /proc: the database's CPU per request says
how many requests/s one database core can serve, that is where the database, not the workers, becomes the limit
once the workers have machines of their own. On this 2-core machine the workers, wrk and PostgreSQL share the same
two cores, so more workers than cores cannot add throughput here.
"""
from __future__ import annotations

import os
from pathlib import Path

from bench.common import gunicorn, wrk
from bench.throughput import CONNECTIONS, Target, quiz_submission, targets_for

WORKERS = (1, 2, 4)
TICKS = os.sysconf('SC_CLK_TCK')


def _cpu_seconds(match) -> float:
    """CPU seconds (user + system) of every process for which ``match(parent pid, command line)`` holds."""
    total = 0.0
    for stat in Path('/proc').glob('[0-9]*/stat'):
        try:
            cmdline = (stat.parent / 'cmdline').read_bytes().replace(b'\0', b' ').decode(errors='replace')
            fields = stat.read_text().rsplit(')', 1)[1].split()
        except OSError:
            continue
        if match(int(fields[1]), cmdline):
            total += (int(fields[11]) + int(fields[12])) / TICKS
    return total


def _run(base: str, t: Target, seconds: float, master_pid: int, database: str) -> dict:
    """One wrk run, with the CPU time of this database's server processes (the backends serving its connections:
    other databases on the same server are not counted) and of this gunicorn's workers."""
    def backends(_ppid: int, cmdline: str) -> bool:
        return cmdline.startswith('postgres:') and f' {database} ' in cmdline

    def workers(ppid: int, _cmdline: str) -> bool:
        return ppid == master_pid

    db0, app0 = _cpu_seconds(backends), _cpu_seconds(workers)
    r = wrk(base + t.path, seconds=seconds, connections=CONNECTIONS, method=t.method, body=t.body, cookie=t.cookie,
            csrf_token=t.csrf_token)
    r['db_ms'] = (_cpu_seconds(backends) - db0) * 1000 / max(1, r['requests'])
    r['app_ms'] = (_cpu_seconds(workers) - app0) * 1000 / max(1, r['requests'])
    return r


def measure(database_url: str, app, *, seconds: float = 3) -> tuple[list, list[str]]:
    rows, notes = [], []
    for n in WORKERS:
        with gunicorn(database_url, workers=n) as (base, proc):
            targets, found = targets_for(base, app)
            chosen = {t.name: t for t in targets}
            picks = [chosen['hello-world, signed in'], chosen['lesson'], quiz_submission(found['quiz'])]
            for t in picks:
                if t.path is None:
                    continue
                wrk(base + t.path, seconds=1, connections=CONNECTIONS, method=t.method, body=t.body,
                    cookie=t.cookie, csrf_token=t.csrf_token)  # warm-up
                r = _run(base, t, seconds, proc.pid, database_url.rsplit('/', 1)[-1])
                trouble = r['errors'] + r['non2xx']
                rows.append((f'postgresql, {n} worker{"s" if n > 1 else ""}: {t.name}',
                             f'{r["rps"]:.0f} rps, p95 {r["p95"]:.0f} ms; CPU per request: PostgreSQL '
                             f'{r["db_ms"]:.2f} ms, workers {r["app_ms"]:.2f} ms'
                             + (f' ({trouble} errors)' if trouble else ''), '', None))
                if n == WORKERS[-1] and r['db_ms'] > 0:
                    notes.append(f'scaling: {t.name}: PostgreSQL spends {r["db_ms"]:.2f} ms of CPU per request, '
                                 f'so one database core serves about {1000 / r["db_ms"]:.0f} of these per second')
    return rows, notes
