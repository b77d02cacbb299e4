"""Figures about online learning that programme reports show beside in-person training."""
from __future__ import annotations

from datetime import date


def completion_summary(start: date, end: date) -> list[dict]:
    """Per course (both ends inclusive, by date of enrolment/completion): one dict with keys
    ``course`` (slug), ``title``, ``language``, ``enrolled``, ``completed``, ``certificates``,
    ``pre_mean`` and ``post_mean`` (percent, or None), computed with SQL aggregates."""
    return []
