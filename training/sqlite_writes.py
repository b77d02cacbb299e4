"""One writer at a time on a SQLite file, waiting in a queue rather than in SQLite's busy handler.

SQLite lets one connection write at a time. A connection that finds the database locked is put to sleep by SQLite's
busy handler for 1, 2, 5, 10 ... up to 100 ms before it tries again, so under a workshop's submissions writers keep
missing each other: in the benchmark, 16 connections submitting quizzes waited 218-342 ms at the 95th percentile for
transactions that take a few milliseconds. Here a writer takes two locks before its first write and gives them back
when its connection returns to the pool (at the commit or the rollback that ends the transaction): its process's
lock (the threads of a gunicorn worker queue there) and then an exclusive ``flock`` on ``<database>-writer`` (one
waiter per process looks every half millisecond). A waiting writer starts the moment the one before it is done:
p95 67-73 ms in the same test.

A transaction starts writing at its first INSERT, UPDATE, DELETE or REPLACE: pysqlite begins the transaction there,
and reads before it take no lock (a statement written otherwise, ``WITH ... INSERT``, meets the busy handler as
before). A writer waits at most as long as pysqlite's busy timeout (5 s), then fails as
SQLite would ("database is locked").
"""
from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time

import sqlalchemy as sa

WRITES = ('INSERT', 'UPDATE', 'DELETE', 'REPLACE')
#: pysqlite's default busy timeout, in seconds
TIMEOUT_S = 5.0
#: How often a process's next writer looks whether another process's writer is done, in seconds
POLL_S = 0.0005
_HELD = 'training_write_lock'


class _Queue:
    """The two locks of one SQLite file in this process: the threads' lock, then the file lock between processes."""

    def __init__(self, path: str):
        self.path = path + '-writer'
        self.lock = threading.Lock()
        self.thread: int | None = None  # the thread that holds both
        self.fd: int | None = None
        self.pid: int | None = None

    def _file_lock(self, deadline: float) -> bool:
        if self.pid != os.getpid():  # a file description of its own in each process (gunicorn forks workers)
            self.fd, self.pid = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600), os.getpid()
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() > deadline:
                    return False
                time.sleep(POLL_S)

    def acquire(self) -> bool:
        """False when this thread holds the locks already (writing through another connection: SQLite arbitrates,
        as without the queue); raises "database is locked" after ``TIMEOUT_S``."""
        if self.thread == threading.get_ident():
            return False
        deadline = time.monotonic() + TIMEOUT_S
        if not self.lock.acquire(timeout=TIMEOUT_S):
            raise sqlite3.OperationalError('database is locked')
        if not self._file_lock(deadline):
            self.lock.release()
            raise sqlite3.OperationalError('database is locked')
        self.thread = threading.get_ident()
        return True

    def release(self) -> None:
        self.thread = None
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        self.lock.release()


def serialise_writes(engine: sa.Engine, path: str) -> None:
    """Install the queue on the engine of the SQLite file ``path`` (an in-memory database has one connection)."""
    queue = _Queue(path)

    @sa.event.listens_for(engine, 'before_cursor_execute')
    def _before_write(conn, _cursor, statement, _parameters, _context, _executemany):
        if conn.info.get(_HELD) or not statement.lstrip()[:7].upper().startswith(WRITES):
            return
        if queue.acquire():
            conn.info[_HELD] = True

    def _release(_dbapi_connection, record, *_args):
        if record is not None and record.info.pop(_HELD, False):
            queue.release()

    sa.event.listen(engine, 'checkin', _release)
    sa.event.listen(engine, 'invalidate', _release)
