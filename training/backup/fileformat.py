"""The backup file: gzip'd JSON lines. Pure: no Flask, no session.

    {"format": "training-backup", "version": 1, "revision": "<alembic revision>", "dialect": ..., "created_at": ...}
    {"table": "users", "columns": ["id", "email", ...]}
    [1, "a@example.org", ...]                      one JSON array per row, in primary-key order
    {"end": "users", "rows": 1}
    ...                                            every table, parents before children
    {"complete": true, "tables": {"users": 1, ...}}

Values: dates and times in ISO 8601 (times in UTC with offset), enums by name, binary data in base64, JSON columns
as JSON. A file without its last line (a copy cut short) is refused.
"""
from __future__ import annotations

import base64
import enum
import gzip
import json
from collections.abc import Callable, Iterator
from datetime import date, datetime

import sqlalchemy as sa

FORMAT = 'training-backup'
VERSION = 1


class BackupError(Exception):
    """A backup cannot be written or restored; the message says why and what to do."""


def _base_type(column: sa.Column):
    t = column.type
    return t.impl if isinstance(t, sa.types.TypeDecorator) else t


def encoder(column: sa.Column) -> Callable | None:
    """How a column's Python value becomes JSON (None: as it is)."""
    t = _base_type(column)
    if isinstance(t, sa.LargeBinary):
        return lambda v: None if v is None else base64.b64encode(v).decode('ascii')
    if isinstance(t, sa.Enum):
        return lambda v: v.name if isinstance(v, enum.Enum) else v
    if isinstance(t, sa.DateTime | sa.Date | sa.Time):
        return lambda v: None if v is None else v.isoformat()
    return None


def decoder(column: sa.Column) -> Callable | None:
    """How a JSON value becomes the column's Python value again (None: as it is)."""
    t = _base_type(column)
    if isinstance(t, sa.LargeBinary):
        return lambda v: None if v is None else base64.b64decode(v)
    if isinstance(t, sa.DateTime):
        return lambda v: None if v is None else datetime.fromisoformat(v)
    if isinstance(t, sa.Date):
        return lambda v: None if v is None else date.fromisoformat(v)
    return None


def convert(functions: list[Callable | None], row) -> list:
    return [v if f is None else f(v) for f, v in zip(functions, row, strict=True)]


class Writer:
    def __init__(self, path):
        self._fh = gzip.open(path, 'wt', encoding='utf-8', compresslevel=6, newline='\n')

    def line(self, obj) -> None:
        self._fh.write(json.dumps(obj, ensure_ascii=False, separators=(',', ':')))
        self._fh.write('\n')

    def close(self) -> None:
        self._fh.close()


def read_lines(path) -> Iterator:
    """Every JSON line of a backup file; refuses files that are not backups."""
    try:
        with gzip.open(path, 'rt', encoding='utf-8') as fh:
            for number, text in enumerate(fh, 1):
                try:
                    yield json.loads(text)
                except ValueError as exc:
                    raise BackupError(f'{path}: line {number} is not valid JSON; the file is damaged') from exc
    except (OSError, EOFError) as exc:
        raise BackupError(f'{path}: not a readable gzip file ({exc}); the file is damaged or not a backup') from exc


def check_header(header, path) -> dict:
    if not isinstance(header, dict) or header.get('format') != FORMAT:
        raise BackupError(f'{path}: not a backup made by `flask backup create`')
    if header.get('version') != VERSION:
        raise BackupError(f'{path}: backup format version {header.get("version")}; this version reads {VERSION}')
    return header
