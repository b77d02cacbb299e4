"""The venue's sync file: what happened since the package, signed with the package's sync key.

Roster records (the session, persons, attendances) go out when new or changed, each with ``base``: its values as
packaged, so the centre can tell a change made here from one made there meanwhile; an attendance taken off the roster
here goes out as ``removed``. The day register goes out per
attendance (the days marked here, and those the package had). Activity (accounts made here, quiz attempts, live
runs, paper entries) is in :mod:`.export_activity`; all of it carries its times and its authors.
"""
from __future__ import annotations

import platform

import sqlalchemy as sa

from training.db import utcnow
from training.errors import TrainingError
from training.extensions import db
from training.i18n import _
from training.sync import export_activity, fileformat
from training.sync.install import current_package, read_package
from training.sync.records import ATTENDANCE_FIELDS, PERSON_FIELDS, SESSION_FIELDS, encode, values_of
from training.workshops.models import Attendance, Person, TrainingSession


class NotAVenue(TrainingError):
    pass


class Baseline:
    """The package's records by kind and uid: what the centre had when the laptop left."""

    def __init__(self, package: fileformat.SignedFile):
        self.by_kind: dict[str, dict[str, dict]] = {}
        for record in package.records:
            if 'uid' in record:
                self.by_kind.setdefault(record['kind'], {})[record['uid']] = record
        self.user_emails = {r['email'] for r in package.of_kind('user')}
        self.days: dict[str, dict[str, dict]] = {}
        for record in package.of_kind('day'):
            self.days.setdefault(record['attendance'], {})[record['day']] = record

    def get(self, kind: str, uid: str) -> dict | None:
        return self.by_kind.get(kind, {}).get(uid)


def _changed(kind: str, uid: str, values: dict, baseline: Baseline) -> dict | None:
    """The record to send: new (``base`` None) or with a field changed since the package; None if unchanged."""
    base = baseline.get(kind, uid)
    if base is not None and all(base.get(k) == v for k, v in values.items()):
        return None
    return {'kind': kind, 'uid': uid, **values,
            'base': None if base is None else {k: base.get(k) for k in values}}


def roster_records(session: TrainingSession, baseline: Baseline) -> list[dict]:
    records = []
    if (record := _changed('session', session.uid, values_of(session, SESSION_FIELDS), baseline)) is not None:
        records.append(record)
    rows = db.session.execute(
        sa.select(Attendance, Person).join(Person, Attendance.person_id == Person.id)
        .where(Attendance.session_id == session.id).order_by(Attendance.id)).all()
    for _attendance, person in rows:
        values = {**values_of(person, PERSON_FIELDS), 'created_at': encode(person.created_at)}
        if (record := _changed('person', person.uid, values, baseline)) is not None:
            record['base'] = record['base'] and {k: v for k, v in record['base'].items() if k != 'created_at'}
            records.append(record)
    for attendance, person in rows:
        values = {**values_of(attendance, ATTENDANCE_FIELDS), 'person': person.uid}
        if (record := _changed('attendance', attendance.uid, values, baseline)) is not None:
            record['created_at'] = encode(attendance.created_at)
            records.append(record)
        records.extend(_days(attendance, baseline))
    return records + _removed(baseline, {attendance.uid for attendance, _person in rows})


def _removed(baseline: Baseline, present: set[str]) -> list[dict]:
    """Attendances the package carried that are no longer on the roster here: taken off at the venue, with the
    values and day marks they had when packaged (the centre removes them only if it has not changed them since)."""
    out = []
    for uid, base in sorted(baseline.by_kind.get('attendance', {}).items()):
        if uid not in present:
            out.append({'kind': 'removed', 'record': 'attendance', 'uid': uid,
                        'base': {k: base.get(k) for k in (*ATTENDANCE_FIELDS, 'person')},
                        'days': sorted(baseline.days.get(uid, {}))})
    return out


def _days(attendance: Attendance, baseline: Baseline) -> list[dict]:
    base = baseline.days.get(attendance.uid, {})
    marks = [{'uid': m.uid, 'day': encode(m.day), 'method': m.method.name, 'marked_at': encode(m.marked_at)}
             for m in attendance.day_marks]
    if {m['uid'] for m in marks} == {b['uid'] for b in base.values()}:
        return []
    return [{'kind': 'days', 'attendance': attendance.uid, 'marks': marks,
             'base': sorted(({'uid': b['uid'], 'day': b['day']} for b in base.values()), key=lambda b: b['day'])}]


def venue_session() -> tuple[TrainingSession, fileformat.SignedFile]:
    row = current_package()
    if row is None:
        raise NotAVenue(_('This database is not a venue: it was not started from a session package.'))
    package = read_package(row.content)
    session = db.session.scalar(sa.select(TrainingSession).where(TrainingSession.uid == row.session_uid))
    if session is None:
        raise NotAVenue(_('The session of this venue is no longer in its database.'))
    return session, package


def export_file(*, by=None) -> tuple[bytes, dict]:
    """The signed sync file (bytes) and the count of each kind of record in it."""
    session, package = venue_session()
    baseline = Baseline(package)
    records = roster_records(session, baseline) + export_activity.activity_records(session, baseline)
    now = utcnow()
    header = {
        'format': fileformat.SYNC, 'version': fileformat.VERSION,
        'session': {'uid': session.uid, 'code': session.code},
        'package': {'uid': package.header['package']['uid']},
        'venue': {'exported_at': now.isoformat(), 'exported_by': getattr(by, 'email', None),
                  'host': platform.node()[:100]},
    }
    blob = fileformat.write(header, records, bytes.fromhex(package.header['sync_key']))
    current_package().last_export_at = now
    counts: dict[str, int] = {}
    for record in records:
        counts[record['kind']] = counts.get(record['kind'], 0) + 1
    return blob, counts
