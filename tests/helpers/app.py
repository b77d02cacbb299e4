"""The test app and its database.

The suite runs on SQLite in memory by default. Set TRAINING_TEST_DATABASE_URL to run the same suite on
PostgreSQL (CI does). Either way the tables are created once per app and emptied after every test.

Under pytest-xdist (`make test` runs ``-n auto``) each worker process has its own database: SQLite in memory is
per process anyway; on PostgreSQL worker ``gw1`` uses ``<database>_gw1`` on the same server, created if missing.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from training import create_app
from training.config import normalise_database_url
from training.extensions import db, limiter


def _worker_database(url: str) -> str:
    """The database of this xdist worker: ``url`` itself outside xdist and on SQLite; else ``<name>_<worker>``,
    created on the same server when missing."""
    worker = os.environ.get('PYTEST_XDIST_WORKER')
    if not worker or url.startswith('sqlite'):
        return url
    parsed = sa.engine.make_url(url)
    name = f'{parsed.database}_{worker}'
    server = sa.create_engine(parsed, isolation_level='AUTOCOMMIT')  # the given database, which exists
    try:
        with server.connect() as conn:
            found = conn.scalar(sa.text('SELECT 1 FROM pg_database WHERE datname = :n'), {'n': name})
            if not found:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        server.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


TEST_DATABASE_URL = _worker_database(
    normalise_database_url(os.environ.get('TRAINING_TEST_DATABASE_URL') or 'sqlite://'))
IS_SQLITE = TEST_DATABASE_URL.startswith('sqlite')


@contextmanager
def new_database(directory: Path, name: str) -> Iterator[str]:
    """The URL of a new, empty database of the kind under test, dropped afterwards: a SQLite file in ``directory``,
    or ``<test database>_<name>`` on the PostgreSQL server."""
    if IS_SQLITE:
        yield f'sqlite:///{Path(directory) / name}.sqlite'
        return
    server = sa.create_engine(TEST_DATABASE_URL, isolation_level='AUTOCOMMIT')
    dbname = f'{sa.engine.make_url(TEST_DATABASE_URL).database}_{name}'
    with server.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS {dbname} WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE {dbname}'))
    try:
        yield sa.engine.make_url(TEST_DATABASE_URL).set(database=dbname).render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS {dbname} WITH (FORCE)'))
        server.dispose()


def app_config(**extra) -> dict:
    return {
        'TESTING': True,
        'SQLALCHEMY_DATABASE_URI': TEST_DATABASE_URL,
        'WTF_CSRF_ENABLED': False,
        'RATELIMIT_STORAGE_URI': 'memory://',
        'SERVER_NAME': None,
        'PASSWORD_METHOD': 'pbkdf2:sha256:1000',  # fast for tests; production uses scrypt
        'SHUFFLE_SEED': 'tests',  # answer options in a reproducible order
        **extra,
    }


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    The ``app`` fixture keeps one app context open for the whole test; without this, Flask-Login's cached user
    (kept on ``g``) and the database session would carry over from one request, or one client, to the next.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def build_app(**extra) -> Flask:
    """An app with the test config (plus ``extra``) whose tables exist."""
    app = create_app(app_config(**extra))
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.create_all()
        if _stale(db.engine):  # a test database kept from before a model changed: made again
            db.drop_all()
            db.create_all()
    return app


def _stale(engine) -> bool:
    inspector = sa.inspect(engine)
    return any({c['name'] for c in inspector.get_columns(t.name)} != {c.name for c in t.columns}
               for t in db.metadata.sorted_tables)


def empty_database() -> None:
    """Remove every row (DELETE in dependency order) from the current app's database."""
    db.session.remove()
    with db.engine.begin() as conn:
        if conn.dialect.name == 'postgresql':
            # DELETE, not TRUNCATE: on a handful of rows it is far cheaper (TRUNCATE swaps every table's files).
            conn.execute(sa.text('SET LOCAL synchronous_commit = off'))
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


def dispose(app: Flask) -> None:
    with app.app_context():
        empty_database()
        db.engine.dispose()


class Reuse:
    """One app shared by the tests that do not change its set-up: its state is put back after each test.

    After a test: every row deleted, rate-limit counters reset, config restored (a test may lower a limit).
    """

    def __init__(self, app: Flask):
        self.app = app
        self._config = dict(app.config)

    def reset(self) -> None:
        with self.app.app_context():
            empty_database()
            limiter.reset()  # inside the app: its storage may be the app's database (training.throttle)
        if dict(self.app.config) != self._config:
            self.app.config.clear()
            self.app.config.update(self._config)
