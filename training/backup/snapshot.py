"""Create a consistent snapshot of every table, and restore one into an empty migrated database.

Consistency while the site runs:

- SQLite: the online backup API (``sqlite3.Connection.backup``) copies the database in one step into a temporary
  file next to the output (in WAL mode, writers carry on meanwhile); the rows are then read from that copy, so the
  live database is held only for the copy, not for the slower JSON writing.
- PostgreSQL: one REPEATABLE READ, READ ONLY transaction reads every table, as ``pg_dump`` does: every row it sees
  is as of its first statement, and it blocks no writer.

Restore runs in one transaction: the target must be at the same Alembic revision and empty, or nothing is written.
"""
from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from training.backup.fileformat import (
    FORMAT,
    VERSION,
    BackupError,
    Writer,
    check_header,
    convert,
    decoder,
    encoder,
    read_lines,
)
from training.db import utcnow

BATCH = 2000
VERSION_TABLE = 'alembic_version'


def revision(conn: sa.Connection) -> str | None:
    """The database's Alembic revision (heads joined by commas), None for a database made without migrations."""
    if not sa.inspect(conn).has_table(VERSION_TABLE):
        return None
    heads = sorted(conn.execute(sa.text(f'SELECT version_num FROM {VERSION_TABLE}')).scalars())  # noqa: S608
    return ','.join(heads) or None


def _dump(conn: sa.Connection, metadata: sa.MetaData, writer: Writer, dialect: str,
          on_snapshot: Callable[[], None] | None) -> dict:
    header = {'format': FORMAT, 'version': VERSION, 'revision': revision(conn), 'dialect': dialect,
              'created_at': utcnow().isoformat()}
    if on_snapshot is not None:
        on_snapshot()
    writer.line(header)
    counts = {}
    for table in metadata.sorted_tables:
        columns = list(table.columns)
        functions = [encoder(c) for c in columns]
        writer.line({'table': table.name, 'columns': [c.name for c in columns]})
        stmt = sa.select(*columns).order_by(*table.primary_key.columns)
        n = 0
        for partition in conn.execution_options(stream_results=True, yield_per=BATCH).execute(stmt).partitions():
            for row in partition:
                writer.line(convert(functions, row))
            n += len(partition)
        writer.line({'end': table.name, 'rows': n})
        counts[table.name] = n
    writer.line({'complete': True, 'tables': counts})
    return {'revision': header['revision'], 'tables': counts}


def unknown_tables(engine: sa.Engine, metadata: sa.MetaData) -> list[str]:
    """Tables in the database that the application does not know (not backed up)."""
    names = set(sa.inspect(engine).get_table_names())
    return sorted(names - set(metadata.tables) - {VERSION_TABLE})


def create(engine: sa.Engine, metadata: sa.MetaData, path, *, on_snapshot: Callable[[], None] | None = None) -> dict:
    """Write a backup of every table of ``metadata`` to ``path`` (atomically: a partial file is never left).

    ``on_snapshot`` is called once the snapshot is fixed and before rows are read (tests use it to write meanwhile).
    """
    path = Path(path)
    tmp = path.with_name(f'.{path.name}.partial')
    writer = Writer(tmp)
    try:
        if engine.dialect.name == 'sqlite':
            result = _create_sqlite(engine, metadata, writer, path.parent, on_snapshot)
        elif engine.dialect.name == 'postgresql':
            conn = engine.connect().execution_options(isolation_level='REPEATABLE READ', postgresql_readonly=True)
            with conn, conn.begin():
                result = _dump(conn, metadata, writer, 'postgresql', on_snapshot)
        else:
            raise BackupError(f'backups of {engine.dialect.name} databases are not supported')
        writer.close()
        os.replace(tmp, path)
    except BaseException:
        writer.close()
        tmp.unlink(missing_ok=True)
        raise
    return result


def _create_sqlite(engine, metadata, writer, workdir: Path, on_snapshot) -> dict:
    with tempfile.TemporaryDirectory(dir=workdir, prefix='.backup-') as tmpdir:
        copy_path = Path(tmpdir) / 'snapshot.sqlite'
        target = sqlite3.connect(copy_path)
        source = engine.raw_connection()
        try:
            source.driver_connection.backup(target)  # one step: a consistent copy
        finally:
            source.close()
            target.close()
        snapshot = sa.create_engine(f'sqlite:///{copy_path}')
        try:
            with snapshot.connect() as conn:
                return _dump(conn, metadata, writer, 'sqlite', on_snapshot)
        finally:
            snapshot.dispose()


# -- restore --------------------------------------------------------------------------------------------------------

def _check_target(conn: sa.Connection, metadata: sa.MetaData, header: dict) -> None:
    have = revision(conn)
    if have != header.get('revision'):
        raise BackupError(
            f'the backup was taken at database revision {header.get("revision") or "(none)"}, this database is at '
            f'{have or "(none: not migrated)"}. Restore into a new database migrated to the same revision '
            f'(`flask db upgrade {header.get("revision") or "head"}` with the code of that version), then retry.')
    missing = [t.name for t in metadata.sorted_tables if not sa.inspect(conn).has_table(t.name)]
    if missing:
        raise BackupError(f'this database has no table {missing[0]}: run `flask db upgrade` first')
    for table in metadata.sorted_tables:
        if conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first() is not None:
            raise BackupError(
                f'this database is not empty (table {table.name} has rows). Restore only into an empty, migrated '
                f'database: create a new one and run `flask db upgrade`, or point DATABASE_URL at it.')


class _Loader:
    """Feeds the rows of one table at a time into INSERTs of BATCH rows."""

    def __init__(self, conn: sa.Connection, metadata: sa.MetaData):
        self.conn, self.metadata = conn, metadata
        self.table = None
        self.counts: dict[str, int] = {}

    def begin(self, block: dict) -> None:
        table = self.metadata.tables.get(block['table'])
        if table is None:
            raise BackupError(f'the backup has a table {block["table"]} that this version does not know')
        if block['columns'] != [c.name for c in table.columns]:
            raise BackupError(f'table {table.name}: the backup has other columns than this database')
        self.table, self.names = table, block['columns']
        self.functions = [decoder(c) for c in table.columns]
        self.batch, self.counts[table.name] = [], 0

    def add(self, row: list) -> None:
        if self.table is None:
            raise BackupError('the backup has a row outside any table; the file is damaged')
        self.batch.append(dict(zip(self.names, convert(self.functions, row), strict=True)))
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            self.conn.execute(self.table.insert(), self.batch)
            self.counts[self.table.name] += len(self.batch)
            self.batch = []

    def end(self, block: dict) -> None:
        self.flush()
        if self.table is None or block['end'] != self.table.name or block['rows'] != self.counts[self.table.name]:
            raise BackupError(f'table {block["end"]}: the row count does not match; the file is damaged')
        self.table = None


def restore(engine: sa.Engine, metadata: sa.MetaData, path) -> dict:
    """Load a backup into an empty database at the same revision, in one transaction. Returns the row counts."""
    lines = read_lines(path)
    header = check_header(next(lines, None), path)
    with engine.begin() as conn:
        _check_target(conn, metadata, header)
        loader = _Loader(conn, metadata)
        complete = None
        for obj in lines:
            if isinstance(obj, list):
                loader.add(obj)
            elif 'table' in obj:
                loader.begin(obj)
            elif 'end' in obj:
                loader.end(obj)
            elif obj.get('complete'):
                complete = obj
        if complete is None or complete.get('tables') != loader.counts:
            raise BackupError(f'{path}: the backup is incomplete (cut short?); nothing was restored')
        if conn.dialect.name == 'postgresql':
            _reset_sequences(conn, metadata)
    return {'revision': header.get('revision'), 'tables': loader.counts, 'dialect': header.get('dialect')}


def _reset_sequences(conn: sa.Connection, metadata: sa.MetaData) -> None:
    """Point every serial/identity sequence past the restored ids (inserting explicit ids does not advance them)."""
    for table in metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, sa.Integer) or pk[0].autoincrement is False:
            continue
        col = pk[0]
        conn.execute(sa.text(
            f'SELECT setval(pg_get_serial_sequence(:t, :c), COALESCE(MAX({col.name}), 1), MAX({col.name}) IS NOT NULL) '  # noqa: S608
            f'FROM {table.name}'), {'t': table.name, 'c': col.name})
