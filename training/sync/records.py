"""Rows <-> the plain records of a package or sync file: enums by name, dates and times in ISO 8601, references to
other records by their ``uid``, people who did something (authors) by their email address.

Each kind of record names the fields that travel; the importer compares those fields three ways (as packaged, as at
the venue, as at the centre now), so the lists below are also the lists of what a venue may change.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa

from training.errors import TrainingError
from training.i18n import _
from training.workshops.services import PERSON_FIELDS, SESSION_FIELDS

#: The attendance fields a venue may change (days attended follow the day register)
ATTENDANCE_FIELDS = ('role', 'completed', 'pre_test_score', 'post_test_score')
#: A trainer's account as a venue needs it to sign in
USER_FIELDS = ('email', 'name', 'password_hash', 'country', 'organisation', 'organisation_type', 'preferred_language')

__all__ = ['ATTENDANCE_FIELDS', 'PERSON_FIELDS', 'SESSION_FIELDS', 'USER_FIELDS', 'Malformed', 'columns', 'decode',
           'dangling', 'decode_all', 'encode', 'reference', 'values_of']


class Malformed(TrainingError):
    """A record whose values cannot be what the database holds (signed, but not made by this platform's code)."""


def encode(value):
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def values_of(obj, fields) -> dict:
    return {name: encode(getattr(obj, name)) for name in fields}


def _column(model, name: str) -> sa.Column:
    return model.__table__.c[name]


def _time(_kind, value):
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError('naive time')
    return parsed


def _boolean(_kind, value):
    if not isinstance(value, bool):
        raise ValueError('not a boolean')
    return value


def _number(_kind, value):
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError('not a number')
    return float(value)


def _integer(_kind, value):
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError('not an integer')
    return value


def _text(kind, value):
    if not isinstance(value, str) or (kind.length and len(value) > kind.length) or '\x00' in value:
        raise ValueError('not a text of the right length')
    return value


#: (column type, converter), the first that fits wins (an Enum is a String, a DateTime is not a Date)
_CONVERTERS = (
    (sa.Enum, lambda kind, value: kind.enum_class[value] if kind.enum_class is not None else _text(kind, value)),
    (sa.DateTime, _time),
    (sa.Date, lambda _kind, value: date.fromisoformat(value)),
    (sa.Boolean, _boolean),
    (sa.Float, _number),
    (sa.Integer, _integer),
    (sa.String, _text),
)


def decode(model, name: str, value):
    """The Python value of ``model.name`` for a record's ``value``; raises :class:`Malformed` if it cannot be."""
    column = _column(model, name)
    if value is None:
        if not column.nullable:
            raise Malformed(_('The file holds a value that is not valid for %(field)s.', field=name))
        return None
    kind = column.type.impl if isinstance(column.type, sa.types.TypeDecorator) else column.type
    converter = next((f for t, f in _CONVERTERS if isinstance(kind, t)), None)
    if converter is None:
        return value
    try:
        return converter(kind, value)
    except (KeyError, ValueError, TypeError) as exc:
        raise Malformed(_('The file holds a value that is not valid for %(field)s.', field=name)) from exc


def decode_all(model, record: dict, fields) -> dict:
    """{field: Python value} for the fields the record gives."""
    return {name: decode(model, name, record[name]) for name in fields if name in record}


def columns(model, *, exclude=()) -> tuple[str, ...]:
    """The columns of ``model`` that travel as they are: all but the local id and the foreign keys (references go
    by uid or email instead), and any named in ``exclude``."""
    return tuple(c.name for c in model.__table__.columns
                 if c.name != 'id' and not c.foreign_keys and c.name not in exclude)


def dangling() -> Malformed:
    return Malformed(_('The file is damaged: a record refers to another that it does not hold.'))


def reference(record: dict, name: str, known: dict):
    """The object a record refers to by uid (or email), from ``known``; Malformed if the file does not hold it."""
    value = record.get(name)
    if value not in known:
        raise dangling()
    return known[value]
