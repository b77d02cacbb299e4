"""Writes the programme's reporting data must follow, noted on the database session.

Writes through the ORM (an attendance added, a session's status changed, a person merged or erased) are noted by
:mod:`training.reports.maintain` by itself. A bulk statement that bypasses the ORM (a sheet import's executemany
and COPY) names what it changed here; the reporting data is brought up to date before the transaction commits.
"""
from __future__ import annotations

from collections.abc import Iterable

from training.extensions import db

#: Key in ``Session.info``: {'persons': set of person ids, 'sessions': set of session ids}
TOUCHED = 'report_touched'


def touched(session=None) -> dict[str, set[int]]:
    info = (session if session is not None else db.session()).info
    return info.setdefault(TOUCHED, {'persons': set(), 'sessions': set()})


def touch(*, persons: Iterable[int] = (), sessions: Iterable[int] = ()) -> None:
    """The reporting data of these persons (and of every participant of these sessions) must be recomputed."""
    t = touched()
    t['persons'].update(p for p in persons if p is not None)
    t['sessions'].update(s for s in sessions if s is not None)
