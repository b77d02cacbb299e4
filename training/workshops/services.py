"""Writes for training sessions, persons, the roster and the day register. Functions flush but never commit: the
view or CLI command commits once, so a failure leaves nothing half-written.

Sheet imports live in :mod:`training.workshops.imports`, self check-in in :mod:`training.workshops.checkin`, merging
duplicate persons in :mod:`training.workshops.merging`."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from training import limits, text
from training.auth.models import User
from training.errors import TrainingError
from training.extensions import db
from training.i18n import _
from training.workshops import queries
from training.workshops.matching import normalise_email, normalise_name
from training.workshops.models import (
    Attendance,
    AttendanceDay,
    AttendanceRole,
    CheckInMethod,
    Person,
    SessionStatus,
    TrainingSession,
)

SESSION_FIELDS = ('code', 'title', 'course_slug', 'country', 'city', 'venue', 'start_date', 'end_date', 'mode',
                  'language', 'partner', 'audience', 'status', 'notes')
PERSON_FIELDS = ('full_name', 'sex', 'organisation', 'organisation_type', 'country', 'email', 'consent_to_contact')


# -- sessions -------------------------------------------------------------------------------------------------------

def _check_session(code: str, start: date, end: date, *, current_id: int | None = None) -> None:
    for field, day in (('start_date', start), ('end_date', end)):
        if not limits.in_bounds(day):  # a session from 0001 to 9999 laid out 3.65 million day columns
            raise TrainingError(_('Enter a date from 1990 on, at most five years ahead.'), field=field)
    if end < start:
        raise TrainingError(_('The last day is before the first day.'), field='end_date')
    if (end - start).days + 1 > limits.MAX_SESSION_DAYS:
        raise TrainingError(_('A training session lasts at most %(n)d days.', n=limits.MAX_SESSION_DAYS),
                            field='end_date')
    clash = db.session.scalar(sa.select(TrainingSession.id).where(sa.func.lower(TrainingSession.code) == code.lower()))
    if clash is not None and clash != current_id:
        raise TrainingError(_('Another session already has this code.'), field='code')


def create_session(*, created_by: User | None = None, trainers: list[User] = (), **data) -> TrainingSession:
    unknown = set(data) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f'unknown session fields: {sorted(unknown)}')
    _check_session(data['code'], data['start_date'], data['end_date'])
    session = TrainingSession(**data, created_by_id=created_by.id if created_by else None)
    session.trainers = list(trainers)
    db.session.add(session)
    db.session.flush()
    return session


def update_session(session: TrainingSession, *, trainers: list[User] | None = None, **data) -> TrainingSession:
    unknown = set(data) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f'unknown session fields: {sorted(unknown)}')
    _check_session(data.get('code', session.code), data.get('start_date', session.start_date),
                   data.get('end_date', session.end_date), current_id=session.id)
    new_end = data.get('end_date', session.end_date)
    new_start = data.get('start_date', session.start_date)
    outside = db.session.scalar(
        sa.select(sa.func.count(AttendanceDay.id)).join(Attendance)
        .where(Attendance.session_id == session.id,
               sa.or_(AttendanceDay.day < new_start, AttendanceDay.day > new_end)))
    if outside:
        raise TrainingError(_('Attendance is recorded on days outside these dates; clear those days first.'),
                            field='start_date')
    for key, value in data.items():
        setattr(session, key, value)
    if trainers is not None:
        session.trainers = list(trainers)
    db.session.flush()
    return session


# -- persons and roster ---------------------------------------------------------------------------------------------

def person_values(data: dict) -> dict:
    """The person fields as stored: name on single spaces (required), email normalised, country upper case."""
    values = dict(data)
    values['full_name'] = ' '.join((values.get('full_name') or '').split())
    if not values['full_name']:
        raise TrainingError(_('Enter the person\'s name.'), field='full_name')
    values['email'] = text.normalise_email(values.get('email'))  # refuses look-alike addresses
    if values.get('country'):
        values['country'] = values['country'].upper()
    return values


def find_person_by_email(email: str | None) -> Person | None:
    email = normalise_email(email)
    if not email:
        return None
    return db.session.scalar(sa.select(Person).where(Person.email == email).order_by(Person.id).limit(1))


def create_person(**data) -> Person:
    values = person_values(data)
    if values['email'] and find_person_by_email(values['email']):
        raise TrainingError(_('A person with this email address is already on record; add that person instead.'),
                            field='email')
    person = Person(**values, name_key=normalise_name(values['full_name']))
    db.session.add(person)
    db.session.flush()
    return person


def update_person(person: Person, **data) -> Person:
    values = person_values(data)
    other = find_person_by_email(values['email']) if values['email'] else None
    if other is not None and other.id != person.id:
        raise TrainingError(_('Another person has this email address; merge the two records instead.'),
                            field='email')
    for key, value in values.items():
        setattr(person, key, value)
    person.name_key = normalise_name(person.full_name)
    db.session.flush()
    return person


def add_to_roster(session: TrainingSession, person: Person, *,
                  role: AttendanceRole = AttendanceRole.participant) -> Attendance:
    if session.status == SessionStatus.cancelled:
        raise TrainingError(_('This session was cancelled; its roster is closed.'))
    if queries.attendance_of(session, person) is not None:
        raise TrainingError(_('%(name)s is already on the roster.', name=person.full_name), field='person')
    attendance = Attendance(session_id=session.id, person_id=person.id, role=role)
    db.session.add(attendance)
    db.session.flush()
    return attendance


def add_new_person(session: TrainingSession, *, role: AttendanceRole = AttendanceRole.participant,
                   **data) -> Attendance:
    """Create a person and put them on the roster. An email address already on record is refused with the name of
    the person who has it, so the trainer adds that person from the search results instead of a duplicate."""
    existing = find_person_by_email(data.get('email'))
    if existing is not None:
        raise TrainingError(_('%(name)s already has this email address: add that person from the search '
                              'results.', name=existing.full_name), field='email')
    return add_to_roster(session, create_person(**data), role=role)


def remove_from_roster(attendance: Attendance) -> None:
    db.session.delete(attendance)
    db.session.flush()


def update_attendance(attendance: Attendance, *, role: AttendanceRole, completed: bool,
                      pre_test_score: float | None, post_test_score: float | None) -> Attendance:
    for name, score in (('pre_test_score', pre_test_score), ('post_test_score', post_test_score)):
        if score is not None and not 0 <= score <= 100:
            raise TrainingError(_('Scores are percentages between 0 and 100.'), field=name)
    attendance.role = role
    attendance.completed = completed
    attendance.pre_test_score = pre_test_score
    attendance.post_test_score = post_test_score
    db.session.flush()
    return attendance


def set_present(attendance: Attendance, day: date, present: bool, *,
                method: CheckInMethod = CheckInMethod.register) -> bool:
    """Mark or clear one day; returns True if something changed. Keeps days_attended equal to the marks."""
    session = attendance.session
    if not session.start_date <= day <= session.end_date:
        raise TrainingError(_('That day is not one of the session\'s days.'), field='day')
    mark = next((m for m in attendance.day_marks if m.day == day), None)
    changed = False
    if present and mark is None:
        attendance.day_marks.append(AttendanceDay(day=day, method=method))
        changed = True
    elif not present and mark is not None:
        attendance.day_marks.remove(mark)
        changed = True
    if changed:
        attendance.days_attended = len(attendance.day_marks)
        db.session.flush()
    return changed


def record_day(session: TrainingSession, day: date, present_ids: set[int]) -> int:
    """The register for one day: exactly the attendances in present_ids are marked present. Returns changes."""
    changes = 0
    for attendance in queries.attendances(session):
        if set_present(attendance, day, attendance.id in present_ids):
            changes += 1
    return changes
