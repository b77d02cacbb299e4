"""A venue database starts from a session package: the trainers' accounts (so they sign in with their usual
password), the session, its roster and day register, every record keeping the ``uid`` it has at the centre.

The database must be new (migrated, with no session and no person); a database already started from the same
package is left as it is, one started from another package is refused. Flushes, never commits.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from training.auth.models import Role, User, UserRole
from training.content import registry
from training.errors import TrainingError
from training.extensions import db
from training.i18n import _
from training.sync import fileformat
from training.sync.models import VenuePackage
from training.sync.records import ATTENDANCE_FIELDS, PERSON_FIELDS, SESSION_FIELDS, USER_FIELDS, decode, decode_all
from training.workshops.matching import normalise_name
from training.workshops.models import Attendance, AttendanceDay, CheckInMethod, Person, TrainingSession


class InstallRefused(TrainingError):
    pass


@dataclass
class Installed:
    session: TrainingSession | None
    counts: dict = field(default_factory=dict)
    already: bool = False
    warnings: list[str] = field(default_factory=list)


def current_package() -> VenuePackage | None:
    """The package this venue database started from (None on the central server)."""
    return db.session.scalar(sa.select(VenuePackage).order_by(VenuePackage.id).limit(1))


def read_package(blob: bytes) -> fileformat.SignedFile:
    return fileformat.read(blob, kind=fileformat.PACKAGE, key=None)


def missing_content(package: fileformat.SignedFile) -> list[str]:
    """Course and scenario ids the package needs that this copy of the code does not have (or has older)."""
    content = registry()
    needed = package.header.get('content') or {}
    missing = []
    for slug, version in (needed.get('courses') or {}).items():
        course = content.course(slug)
        if course is None or course.version < int(version or 0):
            missing.append(f'course {slug} (version {version})')
    missing += [f'scenario {slug}' for slug in needed.get('scenarios') or () if content.scenario(slug) is None]
    return missing


def _check_database(package: fileformat.SignedFile) -> VenuePackage | None:
    existing = current_package()
    if existing is not None:
        if existing.package_uid == package.header['package']['uid']:
            return existing
        raise InstallRefused(_('This venue database was started from another package (session %(uid)s). Start a '
                               'new venue database for this one.', uid=existing.session_uid))
    if db.session.scalar(sa.select(sa.func.count()).select_from(TrainingSession)) or \
            db.session.scalar(sa.select(sa.func.count()).select_from(Person)):
        raise InstallRefused(_('This database already holds sessions or persons: a venue starts from a new, '
                               'empty database.'))
    return None


def _users(package: fileformat.SignedFile) -> dict[str, User]:
    """The trainers' accounts, as at the centre (an account already here takes the centre's password)."""
    users = {}
    for record in package.of_kind('user'):
        values = decode_all(User, record, USER_FIELDS)
        user = db.session.scalar(sa.select(User).where(User.email == values['email']))
        if user is None:
            user = User(**values)
            db.session.add(user)
        else:
            for name, value in values.items():
                setattr(user, name, value)
        if Role.trainer not in user.roles:
            user.role_links.append(UserRole(role=Role.trainer))
        users[user.email] = user
    db.session.flush()
    return users


def _session(package: fileformat.SignedFile, users: dict[str, User]) -> TrainingSession:
    records = package.of_kind('session')
    if len(records) != 1 or records[0]['uid'] != package.session_uid:
        raise InstallRefused(_('The package is damaged: it does not hold its training session.'))
    record = records[0]
    session = TrainingSession(uid=record['uid'], **decode_all(TrainingSession, record, SESSION_FIELDS))
    session.trainers = [users[email] for email in record.get('trainers', ()) if email in users]
    db.session.add(session)
    db.session.flush()
    return session


def _roster(package: fileformat.SignedFile, session: TrainingSession) -> dict[str, int]:
    persons: dict[str, Person] = {}
    for record in package.of_kind('person'):
        values = decode_all(Person, record, (*PERSON_FIELDS, 'created_at'))
        persons[record['uid']] = Person(uid=record['uid'], name_key=normalise_name(values['full_name']), **values)
    db.session.add_all(persons.values())
    attendances: dict[str, Attendance] = {}
    for record in package.of_kind('attendance'):
        attendances[record['uid']] = Attendance(
            uid=record['uid'], session=session, person=persons[record['person']],
            **decode_all(Attendance, record, (*ATTENDANCE_FIELDS, 'created_at')))
    db.session.add_all(attendances.values())
    for record in package.of_kind('day'):
        attendance = attendances[record['attendance']]
        attendance.day_marks.append(AttendanceDay(
            uid=record['uid'], day=decode(AttendanceDay, 'day', record['day']),
            method=decode(AttendanceDay, 'method', record.get('method')) or CheckInMethod.register,
            marked_at=decode(AttendanceDay, 'marked_at', record['marked_at'])))
    for attendance in attendances.values():
        attendance.days_attended = len(attendance.day_marks)
    db.session.flush()
    return {'persons': len(persons), 'attendances': len(attendances), 'days': len(package.of_kind('day'))}


def install(blob: bytes) -> Installed:
    """Start this (new) venue database from the package ``blob``."""
    package = read_package(blob)
    existing = _check_database(package)
    warnings = [f'this copy of the platform lacks {item}: update it before the workshop'
                for item in missing_content(package)]
    if existing is not None:
        session = db.session.scalar(sa.select(TrainingSession).where(TrainingSession.uid == existing.session_uid))
        return Installed(session=session, already=True, warnings=warnings)
    try:
        users = _users(package)
        session = _session(package, users)
        counts = {'trainers': len(users), **_roster(package, session)}
    except KeyError as exc:
        raise InstallRefused(_('The package is damaged: a record refers to one it does not hold.')) from exc
    db.session.add(VenuePackage(session_uid=package.session_uid, package_uid=package.header['package']['uid'],
                                content=blob))
    db.session.flush()
    return Installed(session=session, counts=counts, warnings=warnings)
