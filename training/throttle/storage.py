"""A storage for the ``limits`` library (under Flask-Limiter) in the site's own database: ``database://``.

Flask-Limiter's default, memory, is per process: with two gunicorn workers a "5 per 10 minutes" limit let 10
through, and each host counted apart (issue 11 item 7). This storage keeps the fixed-window counters in one table
of the database every worker already shares, each increment one atomic upsert in its own short transaction
(``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``, PostgreSQL and SQLite alike), so no request's transaction holds
it. When the database cannot be reached, Flask-Limiter falls back to memory (``RATELIMIT_IN_MEMORY_FALLBACK_ENABLED``)
rather than refusing every request.
"""
from __future__ import annotations

import time

import sqlalchemy as sa
from flask import has_app_context
from limits.storage import Storage
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from training.extensions import db
from training.throttle.models import ThrottleCounter

#: Expired windows are deleted at most this often (seconds) by each process
SWEEP_EVERY = 300

_table = ThrottleCounter.__table__


class DatabaseStorage(Storage):
    STORAGE_SCHEME = ['database']

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._swept = 0.0

    @property
    def base_exceptions(self):
        return sa.exc.SQLAlchemyError

    @staticmethod
    def _engine() -> sa.Engine:
        return db.engine  # the current app's (limits are checked inside requests)

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        engine = self._engine()
        insert = pg_insert if engine.dialect.name == 'postgresql' else sqlite_insert
        expired = _table.c.expires_at <= now
        statement = insert(_table).values(key=key, count=amount, expires_at=now + expiry).on_conflict_do_update(
            index_elements=[_table.c.key],
            set_={'count': sa.case((expired, amount), else_=_table.c.count + amount),
                  'expires_at': sa.case((expired, now + expiry), else_=_table.c.expires_at)},
        ).returning(_table.c.count)
        with engine.begin() as conn:
            count = conn.execute(statement).scalar_one()
            if now - self._swept > SWEEP_EVERY:
                self._swept = now
                conn.execute(sa.delete(_table).where(_table.c.expires_at < now))
        return count

    def get(self, key: str) -> int:
        with self._engine().connect() as conn:
            count = conn.scalar(sa.select(_table.c.count).where(_table.c.key == key,
                                                                 _table.c.expires_at > time.time()))
        return count or 0

    def get_expiry(self, key: str) -> float:
        with self._engine().connect() as conn:
            expires = conn.scalar(sa.select(_table.c.expires_at).where(_table.c.key == key))
        return expires if expires is not None else time.time()

    def check(self) -> bool:
        try:
            with self._engine().connect() as conn:
                conn.execute(sa.select(1))
        except sa.exc.SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        if not has_app_context():  # no app, no database to reset
            return None
        with self._engine().begin() as conn:
            return conn.execute(sa.delete(_table)).rowcount

    def clear(self, key: str) -> None:
        with self._engine().begin() as conn:
            conn.execute(sa.delete(_table).where(_table.c.key == key))
