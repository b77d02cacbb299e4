"""Declarative base, the project-wide constraint naming convention and shared column types."""
from __future__ import annotations

import enum
import os
import time
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, registry

NAMING_CONVENTION = {
    'ix': 'ix_%(table_name)s_%(column_0_N_name)s',
    'uq': 'uq_%(table_name)s_%(column_0_N_name)s',
    'ck': 'ck_%(table_name)s_%(constraint_name)s',
    'fk': 'fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s',
    'pk': 'pk_%(table_name)s',
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def sqlite_in_memory(url: str | sa.URL) -> bool:
    """A SQLite database without a file (``sqlite://``, ``sqlite:///``, ``sqlite:///:memory:``): one connection,
    shared by every thread."""
    url = sa.engine.make_url(url)
    return url.get_backend_name() == 'sqlite' and url.database in (None, '', ':memory:')


class UTCDateTime(sa.types.TypeDecorator):
    """A timezone-aware UTC datetime on every backend (SQLite stores naive values)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError('naive datetime given for a UTC column')
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def lock_row(session: so.Session, model, row_id: int) -> None:
    """Hold ``model`` row ``row_id`` until the transaction ends, so that a rule counted under it ("at most 40 teams")
    holds when two requests arrive at once: the second waits for the first to commit, then counts what it wrote.

    PostgreSQL: ``SELECT ... FOR UPDATE``. SQLite has no row locks: a write that changes nothing takes the database's
    write lock instead (pysqlite begins the transaction at that write, so what is read after it is current).
    """
    if session.get_bind().dialect.name == 'postgresql':
        session.execute(sa.select(model.id).where(model.id == row_id).with_for_update())
    else:
        session.execute(sa.update(model).where(model.id == row_id).values(id=model.id)
                        .execution_options(synchronize_session=False))


def new_uid() -> str:
    """A globally unique id (UUID 4, canonical text form): the same record at a venue, at the centre, anywhere.
    Formatted from 16 random bytes directly, as uuid.uuid4() would give it (a third of its cost: imports write
    tens of thousands)."""
    h = os.urandom(16).hex()
    return f'{h[:8]}-{h[8:12]}-4{h[13:16]}-{"89ab"[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}'


#: A random UUID 4 in canonical text form, written in SQLite's own SQL (used as the column's server default)
SQLITE_NEW_UID = (
    "lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2)"
    " || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-'"
    " || lower(hex(randomblob(6)))")
POSTGRESQL_NEW_UID = 'gen_random_uuid()::text'


class NewUid(sa.sql.expression.FunctionElement):
    """The database's own "new UUID" expression, so rows written by bulk statements (COPY, raw INSERT) get one too."""

    type = sa.String(36)
    name = 'new_uid'
    inherit_cache = True


@compiles(NewUid, 'sqlite')
def _new_uid_sqlite(_element, _compiler, **_kw) -> str:
    return SQLITE_NEW_UID


@compiles(NewUid, 'postgresql')
def _new_uid_postgresql(_element, _compiler, **_kw) -> str:
    return POSTGRESQL_NEW_UID


def uid_column() -> so.MappedColumn:
    """``uid``: a globally unique id given on creation (by Python, else by the database), never changed. Records that
    travel between a venue laptop and the central server are matched by it (training.sync)."""
    return so.mapped_column(sa.String(36), unique=True, default=new_uid, server_default=NewUid())


def enum_column(enum_cls: type[enum.Enum], **kw) -> sa.Enum:
    """Store an enum by name in a portable VARCHAR + CHECK constraint (no native PG enum types to migrate)."""
    return sa.Enum(enum_cls, native_enum=False, length=32, create_constraint=True,
                   name=enum_cls.__name__.lower(), validate_strings=True, **kw)


class Base(DeclarativeBase):
    registry = registry(metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
                        type_annotation_map={datetime: UTCDateTime()})


#: Where a pooled connection notes when it was last given back (``ping_when_idle``)
_IDLE_SINCE = 'training_idle_since'


def ping_when_idle(engine: sa.Engine, idle_s: float) -> None:
    """Test a pooled connection before it is used only when it has lain idle ``idle_s`` or longer: a restarted or
    failed-over server, or a firewall that dropped an idle connection, is found before a request uses it, as with
    SQLAlchemy's ``pool_pre_ping``, which tests every time; a connection given back a moment ago (a busy server) is
    used at once. On PostgreSQL the test is a round trip: one in four of a signed-in page's, one in eight of a quiz
    submission's (issue 18). A connection that fails the test is replaced (the pool tries three times)."""

    @sa.event.listens_for(engine, 'connect')
    def _connected(_dbapi_connection, record):
        record.info[_IDLE_SINCE] = time.monotonic()

    @sa.event.listens_for(engine, 'checkin')
    def _given_back(_dbapi_connection, record):
        if record is not None:
            record.info[_IDLE_SINCE] = time.monotonic()

    @sa.event.listens_for(engine, 'checkout')
    def _taken(dbapi_connection, record, _proxy):
        since = record.info.get(_IDLE_SINCE)
        if since is not None and time.monotonic() - since < idle_s:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise sa.exc.DisconnectionError(str(exc)) from exc
