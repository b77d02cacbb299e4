"""A pooled connection is tested before use only after lying idle (training.db.ping_when_idle, issue 18): a busy
server saves a round trip a request, and a connection the server dropped while idle is still replaced before a
request uses it."""
from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from training.db import ping_when_idle

IDLE_S = 0.2


@pytest.fixture
def engine(app, db, tmp_path):
    """An engine on the test database when it is PostgreSQL (a server that can drop a connection), else on a SQLite
    file, with the idle ping."""
    url = db.engine.url if db.engine.dialect.name == 'postgresql' else f'sqlite:///{tmp_path / "ping.sqlite"}'
    made = sa.create_engine(url, pool_size=1, max_overflow=0)
    ping_when_idle(made, IDLE_S)
    yield made
    made.dispose()


def _pings(engine, monkeypatch) -> list:
    pings = []
    real = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, 'do_ping', lambda conn: pings.append(conn) or real(conn))
    return pings


def _drop(engine, dbapi_connection) -> None:
    """What a restarted server or a firewall does to an idle connection."""
    if engine.dialect.name == 'postgresql':
        pid = dbapi_connection.info.backend_pid
        with engine.dialect.loaded_dbapi.connect(engine.url.render_as_string(hide_password=False).replace(
                '+psycopg', ''), autocommit=True) as other:
            other.execute('SELECT pg_terminate_backend(%s)', (pid,))
    else:
        dbapi_connection.close()


def test_a_connection_given_back_a_moment_ago_is_used_without_a_test(engine, monkeypatch):
    pings = _pings(engine, monkeypatch)
    for _ in range(5):
        with engine.connect() as conn:
            assert conn.execute(sa.text('SELECT 1')).scalar() == 1
    assert pings == []  # new, then given back and taken again at once
    time.sleep(IDLE_S * 1.5)
    with engine.connect() as conn:
        conn.execute(sa.text('SELECT 1'))
    assert len(pings) == 1


def test_a_connection_dropped_while_idle_is_replaced_before_use(engine, monkeypatch):
    pings = _pings(engine, monkeypatch)
    with engine.connect() as conn:
        first = conn.connection.dbapi_connection
    _drop(engine, first)
    time.sleep(IDLE_S * 1.5)
    with engine.connect() as conn:
        assert conn.execute(sa.text('SELECT 2')).scalar() == 2
        assert conn.connection.dbapi_connection is not first
    assert len(pings) == 1
