"""The production server's worker (training/serving.py): least connections over one shared socket (issue 18)."""
from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from training.serving import FREE, STALE_MS, Counts

ROOT = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------------------------------------------------------
# The shared counts

def test_a_worker_listens_only_while_no_other_holds_fewer_connections():
    counts = Counts(8)
    a, b = counts.claim(set()), counts.claim({0})
    counts.write(a, 3)
    counts.write(b, 2)
    assert not counts.least(a, 3)
    assert counts.least(b, 2)
    counts.write(b, 3)
    assert counts.least(a, 3) and counts.least(b, 3)  # a tie: both listen


def test_a_free_or_silent_slot_counts_for_nothing():
    counts = Counts(8)
    a, b = counts.claim(set()), counts.claim({0})
    counts.write(a, 5)
    counts.write(b, 0)
    counts.free(b)
    assert counts.loads[b] == FREE and counts.least(a, 5)
    counts.write(b, 0)
    counts.stamps[b] -= STALE_MS + 1  # a worker stuck, or gone without the master noticing yet
    assert counts.least(a, 5)


def test_slots_are_claimed_once_and_given_back():
    counts = Counts(3)
    assert [counts.claim(set()), counts.claim({0}), counts.claim({0, 1}), counts.claim({0, 1, 2})] == [0, 1, 2, None]
    counts.free(1)
    assert counts.claim({0, 2}) == 1


# ---------------------------------------------------------------------------------------------------------------
# Under gunicorn, with the repository's gunicorn.conf.py

def _port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@contextmanager
def _gunicorn(workers: int = 2, **env):
    port = _port()
    environ = {**os.environ, 'PORT': str(port), 'WEB_CONCURRENCY': str(workers), 'GUNICORN_ACCESS_LOG': '/dev/null',
               'GUNICORN_LOG_LEVEL': 'warning', **env}
    proc = subprocess.Popen([sys.executable, '-m', 'gunicorn', '--config', 'gunicorn.conf.py',
                             'tests.helpers.pid_app:app'], cwd=ROOT, env=environ, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while len(_workers(proc.pid)) < workers or not _answers(port):
            assert proc.poll() is None and time.monotonic() < deadline, 'gunicorn did not start'
            time.sleep(0.1)
        yield port, proc
    finally:
        proc.terminate()  # the master stops its workers gracefully
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


def _workers(master: int) -> list[int]:
    out = subprocess.run(['pgrep', '-P', str(master)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def _answers(port: int) -> bool:
    try:
        _request(http.client.HTTPConnection('127.0.0.1', port, timeout=5))
    except OSError:
        return False
    return True


def _request(conn: http.client.HTTPConnection) -> int:
    conn.request('GET', '/')
    return int(conn.getresponse().read())


def _open(port: int, n: int, *, together: bool) -> tuple[list, Counter]:
    """``n`` keep-alive connections, each after one request: the connections, and how many each worker holds."""
    conns = [http.client.HTTPConnection('127.0.0.1', port, timeout=10) for _ in range(n)]
    if together:
        with ThreadPoolExecutor(n) as pool:
            pids = list(pool.map(_request, conns))
    else:
        pids = []
        for conn in conns:
            pids.append(_request(conn))
            time.sleep(0.02)  # the worker that took it has counted it
    return conns, Counter(pids)


def _spread(held: Counter, workers: list[int]) -> list[int]:
    return sorted(held.get(pid, 0) for pid in workers)


def test_keep_alive_connections_are_spread_evenly_over_the_workers():
    """With a socket per worker the kernel split 16 connections 7/9 to 4/12 by a hash of the client's port, and on
    one shared socket gunicorn's own worker could take all 16: the fuller worker's connections waited the longer."""
    with _gunicorn() as (port, proc):
        conns, held = _open(port, 16, together=False)
        assert _spread(held, _workers(proc.pid)) == [8, 8]
        assert Counter(_request(c) for c in conns) == held  # kept alive: each connection stays with its worker
        more, held_more = _open(port, 16, together=True)
        assert _spread(held + held_more, _workers(proc.pid)) in ([15, 17], [16, 16])
        for conn in conns + more:
            conn.close()


def test_a_worker_that_dies_is_replaced_and_new_connections_are_still_served():
    with _gunicorn() as (port, proc):
        conns, held = _open(port, 4, together=False)
        victim = held.most_common(1)[0][0]
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 20
        while victim in _workers(proc.pid) or len(_workers(proc.pid)) < 2:
            assert time.monotonic() < deadline, 'the worker was not replaced'
            time.sleep(0.1)
        started = time.monotonic()
        fresh, held = _open(port, 6, together=False)
        assert time.monotonic() - started < 5
        assert victim not in held and sum(held.values()) == 6
        for conn in conns + fresh:
            conn.close()


def test_with_a_socket_per_worker_the_worker_is_gunicorns_own():
    """Each worker's own socket keeps the connections the kernel gives it: not listening on it would strand them."""
    with _gunicorn(GUNICORN_REUSE_PORT='1') as (port, _proc):
        conns, held = _open(port, 4, together=False)
        assert sum(held.values()) == 4
        for conn in conns:
            conn.close()


def test_after_a_reload_the_new_workers_share_the_connections():
    """A reload (HUP) starts new workers while the old ones finish: the stopping workers' counts no longer hold the
    new ones back, and new connections are spread over the new workers."""
    with _gunicorn() as (port, proc):
        before = set(_workers(proc.pid))
        time.sleep(1)  # the master's own start-up done: a reload during it can leave an old worker running
        os.kill(proc.pid, signal.SIGHUP)
        deadline = time.monotonic() + 20
        while set(_workers(proc.pid)) & before or len(_workers(proc.pid)) < 2:
            assert time.monotonic() < deadline, 'the workers were not replaced'
            time.sleep(0.1)
        conns, held = _open(port, 8, together=False)
        assert _spread(held, _workers(proc.pid)) == [4, 4]
        for conn in conns:
            conn.close()
