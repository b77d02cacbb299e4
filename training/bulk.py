"""Bulk writes for large imports: many rows in few statements, inside the session's transaction.

SQLAlchemy's executemany runs every value through its type's bind processor and every missing column through its
Python default, row by row, in interpreted code: for a 10,000-row sign-in sheet (30,000 marks in the day register)
that cost more than the database's own work. Here each column's processor is looked up once, the rows become
tuples, and the driver takes them at once: ``COPY ... FROM STDIN`` in text format on PostgreSQL, one
``executemany`` on SQLite. Columns left out get their server default (``uid`` has one on every backend). Flushes
nothing and commits nothing; callers pass the columns in every row.
"""
from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date

import sqlalchemy as sa

from training.db import new_uid
from training.extensions import db

#: Characters COPY's text format escapes (backslash first, so the others' escapes are not escaped again)
_COPY_ESCAPES = (('\\', '\\\\'), ('\t', '\\t'), ('\n', '\\n'), ('\r', '\\r'))
#: Rows per COPY write (a few megabytes of text at most)
_COPY_BATCH = 5000


_gc_lock = threading.Lock()
_gc_pausers = 0


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while a bulk operation runs (reference counting still frees what it can).

    A 10,000-row sheet keeps tens of thousands of objects alive at once (rows, persons on record, the plan): each
    time they reach the oldest generation the collector walks every object of the process. In the benchmark's
    import (``gc.callbacks``) five full collections cost a quarter of the time, 0.50 of 2.17 s, to find 2,290
    objects in reference cycles, which the first collection after the pause frees as well (1.62 s in all with it).
    Counted, so that two overlapping imports in one worker's threads turn it back on only when the last ends; left
    off if something else had turned it off."""
    global _gc_pausers
    with _gc_lock:
        counted = _gc_pausers > 0 or gc.isenabled()
        if counted:
            _gc_pausers += 1
            gc.disable()
    try:
        yield
    finally:
        if counted:
            with _gc_lock:
                _gc_pausers -= 1
                if _gc_pausers == 0:
                    gc.enable()


def is_postgresql() -> bool:
    return db.session.get_bind().dialect.name == 'postgresql'


def _processors(table: sa.Table, columns: Sequence[str], dialect) -> list[Callable | None]:
    """Each column's bind processor for this dialect (the one SQLAlchemy's own statements apply)."""
    return [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns]


def _processed(values: list, processor: Callable, *, none=None) -> list:
    """A column's values through ``processor``, each distinct value once (a sheet's rows share their day, their
    method and their time of writing); None becomes ``none``."""
    memo: dict = {None: none}
    try:
        return [memo[v] if v in memo else memo.setdefault(v, processor(v)) for v in values]
    except TypeError:  # an unhashable value (a JSON document): each on its own
        return [none if v is None else processor(v) for v in values]


def _columns(rows: Sequence[dict], columns: Sequence[str], processors: list[Callable | None]) -> list[list]:
    """The rows' values column by column, through each column's bind processor."""
    by_column = []
    for name, processor in zip(columns, processors, strict=True):
        values = [row[name] for row in rows]
        by_column.append(values if processor is None else _processed(values, processor))
    return by_column


def copy_text(value) -> str:
    """One value, not None (that is ``\\N``), in COPY's text format (after the column's bind processor)."""
    if value is True or value is False:
        return 't' if value else 'f'
    if isinstance(value, str):
        if value.isprintable() and '\\' not in value:
            return value
        for char, escaped in _COPY_ESCAPES:
            value = value.replace(char, escaped)
        return value
    if isinstance(value, date):  # date and datetime: ISO 8601, with the offset for an aware datetime
        return value.isoformat()
    return str(value)


def insert_rows(table: sa.Table, rows: Sequence[dict]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table``: COPY on PostgreSQL, one executemany on SQLite."""
    if not rows:
        return
    connection = db.session.connection()
    postgresql = connection.dialect.name == 'postgresql'
    if not postgresql and 'uid' in table.c and 'uid' not in rows[0]:
        rows = [{**row, 'uid': new_uid()} for row in rows]  # SQLite's own uid expression costs about twice as much
    columns = list(rows[0])
    by_column = _columns(rows, columns, _processors(table, columns, connection.dialect))
    names = ', '.join(columns)
    if postgresql:
        texts = [_processed(values, copy_text, none='\\N') for values in by_column]
        lines = ['\t'.join(cells) + '\n' for cells in zip(*texts, strict=True)]
        cursor = connection.connection.driver_connection.cursor()
        with cursor.copy(f'COPY {table.name} ({names}) FROM STDIN') as copy:
            for i in range(0, len(lines), _COPY_BATCH):
                copy.write(''.join(lines[i:i + _COPY_BATCH]))
    else:
        tuples = list(zip(*by_column, strict=True))
        marks = ', '.join('?' * len(columns))  # names are the model's, never user input
        connection.exec_driver_sql(f'INSERT INTO {table.name} ({names}) VALUES ({marks})', tuples)  # noqa: S608


def reserve_ids(table: sa.Table, n: int) -> list[int]:
    """PostgreSQL: n new ids from the table's sequence, for rows written by :func:`insert_rows` with their id."""
    return list(db.session.scalars(sa.text(
        f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) FROM generate_series(1, :n)"),  # noqa: S608
        {'n': n}))


def update_rows(table: sa.Table, rows: Sequence[dict], *, key: str = 'id') -> None:
    """Set, for each row, its columns (every row gives the same ones) on the record whose ``key`` it gives. On
    PostgreSQL one statement whatever the count (``UPDATE ... FROM unnest(arrays)``, one array per column); on SQLite
    an executemany, which runs a statement per row about as fast as it would join a list of values."""
    if not rows:
        return
    names = [name for name in rows[0] if name != key]
    if not is_postgresql():
        db.session.execute(sa.update(table).where(table.c[key] == sa.bindparam(f'k_{key}'))
                           .values({name: sa.bindparam(f'v_{name}') for name in names}),
                           [{f'k_{key}': row[key], **{f'v_{name}': row[name] for name in names}} for row in rows])
        return
    dialect = db.session.get_bind().dialect
    columns = [key, *names]
    arrays = {f'a{i}': values for i, values in enumerate(_columns(rows, columns, _processors(table, columns, dialect)))}
    given = ', '.join(f'CAST(:a{i} AS {table.c[name].type.compile(dialect)}[])' for i, name in enumerate(columns))
    sets = ', '.join(f'{name} = given.{name}' for name in names)
    sql = (f'UPDATE {table.name} SET {sets} FROM unnest({given}) AS given ({", ".join(columns)}) '  # noqa: S608
           f'WHERE {table.name}.{key} = given.{key}')  # the names are the model's, never user input
    db.session.execute(sa.text(sql), arrays)
