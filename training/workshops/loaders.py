"""The "load" step of the workshops views: the object a URL names, or 404 (an id from another session is not found
either, so one session's page never reaches another session's records)."""
from __future__ import annotations

from datetime import date

from flask import abort
from flask_login import current_user

from training.auth.models import Role
from training.extensions import db
from training.i18n import _
from training.workshops import queries
from training.workshops.checkin import open_window_by_token
from training.workshops.models import Attendance, CheckInWindow, Person, TrainingSession, WalkIn


def session_or_404(session_id: int) -> TrainingSession:
    return db.get_or_404(TrainingSession, session_id)


def person_or_404(person_id: int | str) -> Person:
    return db.get_or_404(Person, int(person_id))


def person_for(person_id: int | str, *, change: bool) -> Person:
    """A person's record for the current user, or 403: administrators reach every person; programme staff read
    every person; trainers read and change the persons on the rosters of the sessions they train, no others."""
    person = person_or_404(person_id)
    if current_user.has_role(Role.admin) or (not change and current_user.has_role(Role.staff)):
        return person
    if current_user.has_role(Role.trainer) and queries.persons_with_visible_email([person.id], current_user):
        return person
    abort(403)


def attendance_or_404(session_id: int, attendance_id: int | str) -> Attendance:
    attendance = db.session.get(Attendance, int(attendance_id))
    if attendance is None or attendance.session_id != session_id:
        abort(404)
    return attendance


def day_or_404(session: TrainingSession, text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        abort(404)
    if not session.start_date <= day <= session.end_date:
        abort(404)
    return day


def window_or_404(session: TrainingSession, window_id: int) -> CheckInWindow:
    window = db.session.get(CheckInWindow, window_id)
    if window is None or window.session_id != session.id:
        abort(404)
    return window


def walk_in_or_404(session: TrainingSession, walk_in_id: int) -> WalkIn:
    walk_in = db.session.get(WalkIn, walk_in_id)
    if walk_in is None or walk_in.session_id != session.id:
        abort(404)
    return walk_in


def open_window_or_404(token: str) -> CheckInWindow:
    """The check-in window a participant's link names, while it is open."""
    window = open_window_by_token(token)
    if window is None:
        abort(404, _('This check-in link is not valid or check-in has closed.'))
    return window
