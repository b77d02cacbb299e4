"""Self check-in: a trainer opens a window for one day of a session (a typed code and a QR link), participants mark
themselves present, walk-ins are matched or registered. Flushes, never commits."""
from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from training.auth.models import User
from training.codes import CHECK_IN
from training.db import utcnow
from training.errors import TrainingError
from training.extensions import db
from training.i18n import _
from training.vocab import OrganisationType
from training.workshops import queries
from training.workshops.matching import Known, PersonIndex, normalise_name
from training.workshops.models import (
    Attendance,
    CheckInMethod,
    CheckInWindow,
    Person,
    SessionStatus,
    Sex,
    TrainingSession,
    WalkIn,
)
from training.workshops.services import add_to_roster, person_values, set_present


def default_day(session: TrainingSession, today: date) -> date:
    """The day check-in opens for unless the trainer picks another: today during the session, else its first day."""
    return today if session.start_date <= today <= session.end_date else session.start_date


def current_window(session: TrainingSession, now: datetime | None = None) -> CheckInWindow | None:
    """The session's check-in window open now, if any (the latest opened)."""
    now = now or utcnow()
    return next((w for w in queries.open_windows(session) if w.is_open(now)), None)


def open_check_in(session: TrainingSession, day: date, *, minutes: int, by: User | None,
                  now: datetime | None = None) -> CheckInWindow:
    now = now or utcnow()
    if session.status == SessionStatus.cancelled:
        raise TrainingError(_('This session was cancelled; check-in cannot open.'))
    if not session.start_date <= day <= session.end_date:
        raise TrainingError(_('That day is not one of the session\'s days.'), field='day')
    if not 5 <= minutes <= 12 * 60:
        raise TrainingError(_('Keep check-in open between 5 minutes and 12 hours.'), field='minutes')
    for window in queries.open_windows(session):
        window.closed_at = now
    code = CHECK_IN.unique_in(CheckInWindow.code)
    window = CheckInWindow(session_id=session.id, day=day, code=code, token=secrets.token_urlsafe(24),
                           opened_at=now, expires_at=now + timedelta(minutes=minutes),
                           opened_by_id=by.id if by else None)
    db.session.add(window)
    db.session.flush()
    return window


def close_check_in(window: CheckInWindow, *, now: datetime | None = None) -> None:
    if window.closed_at is None:
        window.closed_at = now or utcnow()
        db.session.flush()


def open_window_by_code(code: str, *, now: datetime | None = None) -> CheckInWindow | None:
    code = CHECK_IN.normalise(code)
    if code is None:
        return None
    window = db.session.scalar(sa.select(CheckInWindow).where(CheckInWindow.code == code))
    return window if window is not None and window.is_open(now or utcnow()) else None


def open_window_by_token(token: str, *, now: datetime | None = None) -> CheckInWindow | None:
    if not token or len(token) > 64:
        return None
    window = db.session.scalar(sa.select(CheckInWindow).where(CheckInWindow.token == token))
    return window if window is not None and window.is_open(now or utcnow()) else None


def check_in(window: CheckInWindow, attendance: Attendance) -> bool:
    """Mark a roster entry present on the window's day. Returns False if already marked."""
    if attendance.session_id != window.session_id:
        raise TrainingError(_('This person is not on this session\'s roster.'))
    return set_present(attendance, window.day, True, method=CheckInMethod.self_check_in)


def record_walk_in(window: CheckInWindow, **data) -> WalkIn:
    """Someone not on the roster registers at check-in: what they typed is kept for the session's trainers to
    confirm (:func:`confirm_walk_in`). Nothing on record is looked at, so the page tells nothing about who is on
    record, and nobody joins the roster without a trainer."""
    values = person_values(data)
    details = {'sex': (values.get('sex') or Sex.undisclosed).name, 'organisation': values.get('organisation'),
               'organisation_type': values['organisation_type'].name if values.get('organisation_type') else None,
               'consent_to_contact': bool(values.get('consent_to_contact'))}
    walk_in = WalkIn(session_id=window.session_id, day=window.day, full_name=values['full_name'],
                     email=values.get('email'), country=values.get('country'), details=details)
    db.session.add(walk_in)
    db.session.flush()
    return walk_in


def walk_in_values(walk_in: WalkIn) -> dict:
    """The walk-in as person fields (for :func:`training.workshops.services.create_person`)."""
    details = walk_in.details or {}
    organisation_type = details.get('organisation_type')
    return {'full_name': walk_in.full_name, 'email': walk_in.email, 'country': walk_in.country,
            'sex': Sex[details.get('sex') or 'undisclosed'], 'organisation': details.get('organisation'),
            'organisation_type': OrganisationType[organisation_type] if organisation_type else None,
            'consent_to_contact': bool(details.get('consent_to_contact'))}


def walk_in_match(walk_in: WalkIn) -> Person | None:
    """The person on record a walk-in is, by the usual rules (same email; or same name and country), for the
    trainer to confirm."""
    sought = Known(0, normalise_name(walk_in.full_name), walk_in.country, walk_in.email)
    match = PersonIndex(queries.known_for([sought])).match(walk_in.full_name, walk_in.country, walk_in.email)
    return db.session.get(Person, match.person_id) if match is not None else None


def confirm_walk_in(walk_in: WalkIn, person: Person | None) -> Attendance:
    """A trainer's decision: the walk-in is ``person`` (on record), or a new person when None; they join the roster
    as a participant and are marked present on the walk-in's day. Once: a second confirmation finds nothing."""
    session = walk_in.session
    if db.session.execute(sa.delete(WalkIn).where(WalkIn.id == walk_in.id)).rowcount != 1:
        raise TrainingError(_('This walk-in has already been dealt with.'))
    if person is None:
        values = person_values(walk_in_values(walk_in))
        person = Person(**values, name_key=normalise_name(values['full_name']))
        db.session.add(person)
        db.session.flush()
    attendance = queries.attendance_of(session, person) or add_to_roster(session, person)
    set_present(attendance, walk_in.day, True, method=CheckInMethod.self_check_in)
    return attendance


def dismiss_walk_in(walk_in: WalkIn) -> None:
    """Not someone to mark present (a mistake, a duplicate, a prank): the entry is deleted."""
    db.session.execute(sa.delete(WalkIn).where(WalkIn.id == walk_in.id))
