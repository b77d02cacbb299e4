"""The production server's worker: gunicorn's threaded worker, taking a new connection only while no other worker
holds fewer (least connections), on one listening socket shared by the workers.

Why (issue 18): a browser, a proxy or a load tester keeps its connections open and sends request after request on
each, so how the connections are spread over the workers decides how the work is. On one shared socket with
gunicorn's own worker, the worker that wakes first takes the connections that arrive together (Linux wakes the most
recent waiter): one worker could hold 16 of 16 while the other idled. With a socket per worker (``SO_REUSEPORT``)
the kernel picks the worker by a hash of the client's address and port: 16 connections were split 7/9, 6/10, 4/12 in
five runs, and the connections of the fuller worker waited the longer (quiz submissions at 16 connections, SQLite,
2 cores: 361-397 a second, p95 63-75 ms). Least connections split them 8/8: 476 a second, p95 53 ms, and the
signed-in hello-world 1,199 -> 1,345 a second.

How: each worker writes its number of open connections (kept alive or busy) to a slot of a small array of shared
memory that the master maps before forking; before waiting for events it listens on the shared socket only when no
other live worker's count is lower. A worker that does not listen looks again every ``RECHECK_S``, so a connection
waits that long at most when two workers' counts cross. A slot not written for ``STALE_MS`` (a worker stuck or gone
without the master noticing yet) and the slot of a stopping worker count for nothing, so no worker waits on them.
Works with ``reuse_port`` off only (each worker's own socket would keep its connections however it counts); with
it on, or without the hooks below, the worker is gunicorn's own.
"""
from __future__ import annotations

import mmap
import time

from gunicorn.workers.gthread import ThreadWorker

#: Workers one master can run at once (gunicorn's TTIN signal adds workers)
SLOTS = 256
#: How often a worker that does not listen looks again at the counts, in seconds
RECHECK_S = 0.005
#: A slot not written for this long counts for nothing (an idle worker writes every second), in milliseconds
STALE_MS = 3000
FREE = -1


class Counts:
    """Per slot: a worker's open connections (``FREE``: no worker) and when it last wrote them (monotonic ms,
    system-wide on Linux), in memory shared by the master and the workers it forks."""

    def __init__(self, slots: int = SLOTS):
        self._memory = mmap.mmap(-1, 8 + slots * 16)  # anonymous and shared: the workers see the master's mapping
        view = memoryview(self._memory).cast('q')
        self.top, self.loads, self.stamps = view[:1], view[1:slots + 1], view[slots + 1:]  # top: slots ever used
        for slot in range(slots):
            self.loads[slot] = FREE

    def claim(self, taken: set[int]) -> int | None:
        """A free slot not in ``taken`` (the master's live workers), set to no connections; None: all taken."""
        slot = next((s for s in range(len(self.loads)) if s not in taken), None)
        if slot is not None:
            self.write(slot, 0)
            self.top[0] = max(self.top[0], slot + 1)
        return slot

    def write(self, slot: int, load: int) -> None:
        self.stamps[slot] = _now_ms()
        self.loads[slot] = load

    def free(self, slot: int) -> None:
        self.loads[slot] = FREE

    def least(self, slot: int, load: int) -> bool:
        """Whether ``load`` (the count of ``slot``, just written) is no more than any other live worker's."""
        oldest = _now_ms() - STALE_MS
        loads, stamps = self.loads, self.stamps
        return all(loads[s] >= load or loads[s] == FREE or stamps[s] < oldest or s == slot
                   for s in range(self.top[0]))


def _now_ms() -> int:
    return time.monotonic_ns() // 1_000_000


COUNTS = Counts()


def pre_fork(server, worker) -> None:
    """gunicorn hook (master, before a worker forks): the worker's slot."""
    taken = {w.slot for w in server.WORKERS.values() if getattr(w, 'slot', None) is not None}
    worker.slot = COUNTS.claim(taken)


def child_exit(server, worker) -> None:
    """gunicorn hook (master, a worker has exited): its slot is free again."""
    if getattr(worker, 'slot', None) is not None:
        COUNTS.free(worker.slot)


class LeastConnectionsWorker(ThreadWorker):
    """gunicorn's threaded worker that listens only while it holds no more connections than any other worker."""

    def _balancing(self) -> bool:
        return getattr(self, 'slot', None) is not None and not self.cfg.reuse_port

    def set_accept_enabled(self, enabled: bool) -> None:
        if enabled and self._balancing():
            COUNTS.write(self.slot, self.nr_conns)
            enabled = COUNTS.least(self.slot, self.nr_conns)
        super().set_accept_enabled(enabled)

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        if self._balancing():
            if self.alive:
                self.set_accept_enabled(self.nr_conns < self.worker_connections)
                if not self._accepting:
                    timeout = min(timeout, RECHECK_S)
            else:  # stopping: the others no longer defer to this worker
                COUNTS.free(self.slot)
        super().wait_for_and_dispatch_events(timeout)
