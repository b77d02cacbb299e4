"""The sign-in sheet corpus of tests/data/sheets: each sheet with its expectations (see make_sheets.py there)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / 'data' / 'sheets'


@dataclass(frozen=True)
class CorpusSheet:
    name: str
    data: bytes
    expected: dict

    @property
    def days(self) -> list[date]:
        start = date.fromisoformat(self.expected['session']['start'])
        end = date.fromisoformat(self.expected['session']['end'])
        return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def corpus() -> list[CorpusSheet]:
    sheets = []
    for path in sorted(CORPUS.glob('*.expected.json')):
        expected = json.loads(path.read_text('utf-8'))
        sheets.append(CorpusSheet(expected['sheet'], (CORPUS / expected['sheet']).read_bytes(), expected))
    return sheets


def person_facts(persons) -> list[dict]:
    """full_name, sex, country and ISO days of each person, whatever object holds them."""
    def get(p, key):
        return p[key] if isinstance(p, dict) else getattr(p, key)
    return [{'full_name': get(p, 'full_name'), 'sex': get(p, 'sex'), 'country': get(p, 'country'),
             'days': [d if isinstance(d, str) else d.isoformat() for d in get(p, 'days')]} for p in persons]


def snapshot(db):
    """Every person, roster entry and day mark as stored: equal before and after an import that changes nothing."""
    import sqlalchemy as sa

    from training.workshops.models import Attendance, AttendanceDay, Person
    persons = db.session.execute(sa.select(Person.id, Person.full_name, Person.sex, Person.organisation,
                                           Person.organisation_type, Person.country, Person.email)
                                 .order_by(Person.id)).all()
    attendances = db.session.execute(sa.select(Attendance.id, Attendance.person_id, Attendance.role,
                                               Attendance.days_attended, Attendance.pre_test_score,
                                               Attendance.post_test_score).order_by(Attendance.id)).all()
    days = db.session.execute(sa.select(AttendanceDay.attendance_id, AttendanceDay.day)
                              .order_by(AttendanceDay.id)).all()
    return persons, attendances, days
