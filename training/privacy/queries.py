"""Where personal values still appear in the database (a check run after every erasure)."""
from __future__ import annotations

import re

import sqlalchemy as sa

from training.extensions import db
from training.workshops.models import Person

#: Values shorter than this are not looked for (too many false alarms: "Li", "UN")
MIN_LENGTH = 4
#: Values erasure writes itself: not personal, not looked for
LABEL = re.compile(r'^(Anonymous participant #\d+|Erased account #\d+|erased-\d+@erased\.invalid)$')


def _escape(value: str) -> str:
    return value.replace('\\', '\\\\').replace('%', '\\%').replace('_', '\\_')


def _text_columns(table: sa.Table) -> list[sa.Column]:
    return [c for c in table.columns
            if isinstance(c.type, sa.String | sa.Text | sa.JSON) and not isinstance(c.type, sa.Enum)]


def text_mentions(values) -> list[tuple[str, str, int]]:
    """(table, column, rows) for every text column of every table holding one of ``values`` (case-insensitive for
    ASCII letters on SQLite, for all letters on PostgreSQL)."""
    wanted = sorted({v.strip() for v in values if v and len(v.strip()) >= MIN_LENGTH and not LABEL.match(v.strip())})
    if not wanted:
        return []
    found = []
    for table in db.metadata.sorted_tables:
        for column in _text_columns(table):
            text = sa.cast(column, sa.Text) if isinstance(column.type, sa.JSON) else column
            conds = []
            for value in wanted:
                pattern = f'%{_escape(value)}%'
                conds += [text.like(pattern, escape='\\'),
                          sa.func.lower(text).like(f'%{_escape(value.lower())}%', escape='\\')]
            n = db.session.scalar(sa.select(sa.func.count()).select_from(table).where(sa.or_(*conds)))
            if n:
                found.append((table.name, column.name, int(n)))
    return found


def person_of_user(user_id: int):
    return db.session.scalar(sa.select(Person).where(Person.user_id == user_id))
