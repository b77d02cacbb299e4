"""The centre writes one training session's package for a venue laptop: the session, its roster (persons,
attendances, the day register), the content it needs (course and scenario ids, the text itself ships with the code)
and its trainers' accounts so they can sign in at the venue. No other person's data, no other account.

The package is signed with the centre's package key and carries the session's sync key (:mod:`.keys`).
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from training.auth.models import Role
from training.backup.snapshot import revision
from training.content import registry
from training.db import new_uid, utcnow
from training.extensions import db
from training.sync import fileformat, keys
from training.sync.records import ATTENDANCE_FIELDS, PERSON_FIELDS, SESSION_FIELDS, USER_FIELDS, encode, values_of
from training.workshops.models import Attendance, AttendanceDay, Person, TrainingSession


@dataclass(frozen=True)
class Package:
    content: bytes
    package_uid: str
    counts: dict

    @property
    def size(self) -> int:
        return len(self.content)


def content_needed(session: TrainingSession) -> dict:
    """The course the session follows (one course in all its languages) and every scenario a live run may use,
    by id and version: the venue checks that its copy of the code holds them."""
    content = registry()
    courses = {}
    course = content.course(session.course_slug) if session.course_slug else None
    if course is not None:
        courses[course.slug] = course.version
    return {'courses': courses, 'scenarios': sorted(content.scenarios)}


def session_records(session: TrainingSession) -> list[dict]:
    """The session, its trainers' accounts, its roster and day register, as records."""
    records = [{'kind': 'session', 'uid': session.uid, **values_of(session, SESSION_FIELDS),
                'trainers': sorted(t.email for t in session.trainers)}]
    for trainer in sorted(session.trainers, key=lambda u: u.email):
        if trainer.is_active:
            records.append({'kind': 'user', **values_of(trainer, USER_FIELDS), 'roles': [Role.trainer.name]})
    rows = db.session.execute(
        sa.select(Attendance, Person).join(Person, Attendance.person_id == Person.id)
        .where(Attendance.session_id == session.id).order_by(Person.id)).all()
    for _attendance, person in rows:
        records.append({'kind': 'person', 'uid': person.uid, **values_of(person, PERSON_FIELDS),
                        'created_at': encode(person.created_at)})
    for attendance, person in rows:
        records.append({'kind': 'attendance', 'uid': attendance.uid, 'person': person.uid,
                        **values_of(attendance, ATTENDANCE_FIELDS), 'created_at': encode(attendance.created_at)})
    marks = db.session.execute(
        sa.select(AttendanceDay, Attendance.uid).join(Attendance)
        .where(Attendance.session_id == session.id).order_by(AttendanceDay.attendance_id, AttendanceDay.day))
    for mark, attendance_uid in marks:
        records.append({'kind': 'day', 'uid': mark.uid, 'attendance': attendance_uid, 'day': encode(mark.day),
                        'method': mark.method.name, 'marked_at': encode(mark.marked_at)})
    return records


def build_package(session: TrainingSession, *, secret: str, by=None, centre_url: str | None = None) -> Package:
    """The signed package file (bytes) for ``session``."""
    package_uid = new_uid()
    records = session_records(session)
    header = {
        'format': fileformat.PACKAGE, 'version': fileformat.VERSION,
        'session': {'uid': session.uid, 'code': session.code, 'title': session.title},
        'package': {'uid': package_uid, 'created_at': utcnow().isoformat(),
                    'created_by': getattr(by, 'email', None)},
        'centre': {'url': centre_url, 'revision': revision(db.session.connection())},
        'content': content_needed(session),
        'sync_key': keys.sync_key(secret, session.uid, package_uid).hex(),
    }
    blob = fileformat.write(header, records, keys.package_key(secret))
    counts: dict[str, int] = {}
    for record in records:
        counts[record['kind']] = counts.get(record['kind'], 0) + 1
    return Package(content=blob, package_uid=package_uid, counts=counts)
