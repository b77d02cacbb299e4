"""The bounds every date a user types must respect, in one place (issue 11 item 5).

A training session, an attendance day or a report period outside them is refused with a message on the field,
before it reaches a page that lays out one column per day or a query that adds a day to 9999-12-31.
"""
from __future__ import annotations

from datetime import date

#: No session of the programme (nor any record a sheet may bring) predates this
EARLIEST = date(1990, 1, 1)
#: How far ahead a session may be planned
YEARS_AHEAD = 5
#: The longest training session, in days (first to last day inclusive)
MAX_SESSION_DAYS = 60


def latest(today: date | None = None) -> date:
    """The last day a session may be planned for: 31 December, ``YEARS_AHEAD`` years from now."""
    today = today or date.today()
    return date(today.year + YEARS_AHEAD, 12, 31)


def in_bounds(day: date, today: date | None = None) -> bool:
    return EARLIEST <= day <= latest(today)
