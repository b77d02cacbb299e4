"""SQLite writers of one process queue for each other instead of sleeping in SQLite's busy handler
(training.sqlite_writes). Engine-level: a SQLite file, threads, no app."""
from __future__ import annotations

import multiprocessing
import sqlite3
import threading

import pytest
import sqlalchemy as sa

from training import sqlite_writes


@pytest.fixture
def engine(tmp_path):
    # SQLite's own wait is cut to 0.1 s: a writer that met the other in SQLite, not in the queue, would fail
    engine = sa.create_engine(f'sqlite:///{tmp_path / "w.sqlite"}', connect_args={'timeout': 0.1})
    with engine.begin() as conn:
        conn.exec_driver_sql('PRAGMA journal_mode=WAL')
        conn.exec_driver_sql('CREATE TABLE t (id INTEGER PRIMARY KEY, who TEXT)')
    sqlite_writes.serialise_writes(engine, str(tmp_path / 'w.sqlite'))
    yield engine
    engine.dispose()


def _holding_a_write(engine, started: threading.Event, release: threading.Event) -> threading.Thread:
    def run():
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO t (who) VALUES ('first')"))
            started.set()
            release.wait(10)
    thread = threading.Thread(target=run)
    thread.start()
    started.wait(10)
    return thread


def test_a_second_writer_waits_for_the_first_instead_of_finding_the_database_locked(engine):
    started, release = threading.Event(), threading.Event()
    first = _holding_a_write(engine, started, release)
    errors = []

    def second():
        try:
            with engine.begin() as conn:
                conn.execute(sa.text("INSERT INTO t (who) VALUES ('second')"))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion
            errors.append(exc)
    thread = threading.Thread(target=second)
    thread.start()
    thread.join(0.5)  # five times SQLite's own timeout: without the queue the second writer has failed by now
    release.set()
    first.join(10)
    thread.join(10)
    assert errors == []
    with engine.connect() as conn:
        assert conn.execute(sa.text('SELECT who FROM t ORDER BY id')).scalars().all() == ['first', 'second']


def test_reads_do_not_wait_for_a_writer(engine):
    started, release = threading.Event(), threading.Event()
    first = _holding_a_write(engine, started, release)
    try:
        with engine.connect() as conn:  # would wait for the writer (and time out) if reads took the lock
            assert conn.execute(sa.text('SELECT COUNT(*) FROM t')).scalar() == 0
    finally:
        release.set()
        first.join(10)


def test_a_rolled_back_or_failed_transaction_gives_the_lock_back(engine, monkeypatch):
    monkeypatch.setattr(sqlite_writes, 'TIMEOUT_S', 0.2)
    with engine.connect() as conn:
        conn.execute(sa.text("INSERT INTO t (who) VALUES ('rolled back')"))
        conn.rollback()
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO t (id, who) VALUES (1, 'a')"))
        conn.execute(sa.text("INSERT INTO t (id, who) VALUES (1, 'b')"))
    with engine.begin() as conn:  # would wait 0.2 s and fail with "database is locked" if either kept the lock
        conn.execute(sa.text("INSERT INTO t (who) VALUES ('after')"))
    with engine.connect() as conn:
        assert conn.execute(sa.text('SELECT who FROM t')).scalars().all() == ['after']


def test_a_writer_waits_no_longer_than_sqlite_would(engine, monkeypatch):
    monkeypatch.setattr(sqlite_writes, 'TIMEOUT_S', 0.2)
    started, release = threading.Event(), threading.Event()
    first = _holding_a_write(engine, started, release)
    try:
        with pytest.raises(sqlite3.OperationalError, match='database is locked'), engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO t (who) VALUES ('too late')"))
    finally:
        release.set()
        first.join(10)


def test_many_writers_at_once_all_write(engine):
    def writer(n):
        for i in range(20):
            with engine.begin() as conn:
                conn.execute(sa.text('INSERT INTO t (who) VALUES (:who)'), {'who': f'{n}-{i}'})
    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    with engine.connect() as conn:
        assert conn.execute(sa.text('SELECT COUNT(DISTINCT who) FROM t')).scalar() == 160


def test_a_thread_writing_through_two_connections_never_waits_for_itself(engine, monkeypatch):
    """The second connection meets SQLite's own timeout (0.1 s here), as it would without the queue, instead of
    waiting for a lock its own thread holds."""
    monkeypatch.setattr(sqlite_writes, 'TIMEOUT_S', 30)
    with engine.connect() as first, engine.connect() as second:
        first.execute(sa.text("INSERT INTO t (who) VALUES ('first')"))
        with pytest.raises(sa.exc.OperationalError, match='database is locked'):
            second.execute(sa.text("INSERT INTO t (who) VALUES ('second')"))
        first.commit()
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO t (who) VALUES ('after')"))


def _other_process_holds_a_write(path: str, started, release) -> None:
    engine = sa.create_engine(f'sqlite:///{path}', connect_args={'timeout': 0.1})
    sqlite_writes.serialise_writes(engine, path)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO t (who) VALUES ('other process')"))
        started.set()
        release.wait(10)
    engine.dispose()


def test_a_writer_waits_for_another_process_writer_too(engine, tmp_path):
    """Two gunicorn workers: the second waits on the file lock, not in SQLite's busy handler (0.1 s here)."""
    context = multiprocessing.get_context('fork')
    started, release = context.Event(), context.Event()
    other = context.Process(target=_other_process_holds_a_write, args=(str(tmp_path / 'w.sqlite'), started, release))
    other.start()
    try:
        assert started.wait(10)
        threading.Timer(0.5, release.set).start()  # five times SQLite's own timeout
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO t (who) VALUES ('this process')"))
    finally:
        release.set()
        other.join(10)
    with engine.connect() as conn:
        assert conn.execute(sa.text('SELECT who FROM t ORDER BY id')).scalars().all() == ['other process',
                                                                                         'this process']
