"""The trainer's column mapping, as the preview page shows and sends it. Pure: no Flask, no database.

Each column's meaning is one choice: a field key (:data:`FIELDS`), ``day:N`` (the session's Nth day), or ``''``
(not used). A mapping is ``{column index: choice}`` for the columns the trainer set; it travels in the preview form
and in the rejected-rows link as ``"3=sex;5=day:2;7="``, and goes to ``parse_sheet(mapping=...)`` as it is.
"""
from __future__ import annotations

import re
from datetime import date

from training.workshops.sheets.headers import DAY, IGNORE, Column
from training.workshops.sheets.vocab import FIELDS

#: A day column whose date is not one of the session's days (shown as it is; the trainer can change it)
OUTSIDE = 'day:outside'
#: Columns a preview maps (a sheet wider than this keeps its automatic meanings beyond it)
MAX_COLUMNS = 200
_DAY = re.compile(r'day:([1-9]\d{0,2})')


def column_choice(column: Column, session_days: list[date]) -> str:
    """The choice a column has now: its field, ``day:N``, :data:`OUTSIDE`, or ``''``."""
    if column.field != DAY:
        return column.field or IGNORE
    if isinstance(column.day, date) and column.day in session_days:
        return f'day:{session_days.index(column.day) + 1}'
    if isinstance(column.day, int) and column.day > 0:
        return f'day:{column.day}'
    return OUTSIDE


def is_choice(value: str, days: int) -> bool:
    """Whether ``value`` is a choice the trainer may make for a session of ``days`` days."""
    if value == IGNORE or value in FIELDS:
        return True
    m = _DAY.fullmatch(value)
    return bool(m) and int(m[1]) <= days


def encode(mapping: dict[int, str]) -> str:
    return ';'.join(f'{i}={v}' for i, v in sorted(mapping.items()))


def decode(text: str | None, days: int) -> dict[int, str]:
    """The mapping in ``text`` (see :func:`encode`); raises ValueError when it is not one -- malformed, or giving
    one field to two columns (a preview never sends that: its selects refuse it)."""
    mapping: dict[int, str] = {}
    for part in (text or '').split(';'):
        if not part:
            continue
        index, sep, value = part.partition('=')
        if not sep or not index.isdigit() or int(index) >= MAX_COLUMNS or not is_choice(value, days):
            raise ValueError(part)
        mapping[int(index)] = value
    if mapping and duplicates([mapping.get(i, '') for i in range(max(mapping) + 1)]):
        raise ValueError(text)
    return mapping


def encode_choices(values: list[str]) -> str:
    return ';'.join(values)


def decode_choices(text: str | None) -> list[str]:
    """The choices shown, one per column (see :func:`encode_choices`); raises ValueError when malformed."""
    values = (text or '').split(';') if text else []
    if len(values) > MAX_COLUMNS or any(v != OUTSIDE and not is_choice(v, 999) for v in values):
        raise ValueError(text)
    return values


def changed(shown: list[str], chosen: list[str]) -> dict[int, str]:
    """The columns whose choice the trainer changed on the page."""
    return {i: new for i, (old, new) in enumerate(zip(shown, chosen, strict=True)) if new != old}


def duplicates(chosen: list[str]) -> dict[int, int]:
    """Columns given a field an earlier column already has: {column: earlier column} (days may repeat)."""
    first: dict[str, int] = {}
    out: dict[int, int] = {}
    for i, value in enumerate(chosen):
        if not value or value.startswith('day:'):
            continue
        if value in first:
            out[i] = first[value]
        else:
            first[value] = i
    return out
