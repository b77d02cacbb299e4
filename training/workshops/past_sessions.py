"""Sessions past their dates: a session whose last day has passed and that is still marked "planned" counts in no
report until a trainer says whether it was held or cancelled. The trainer's start page and the sessions list ask for
it (one small form per session); the programme report says how many of its period are not confirmed.

Reads return plain results; :func:`confirm` flushes, never commits."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from training.auth.models import Role, User
from training.errors import TrainingError
from training.extensions import db
from training.i18n import _
from training.workshops.models import SessionMode, SessionStatus, TrainingSession, session_trainers

#: Sessions listed on a trainer's start page (the sessions list holds all of them)
START_PAGE_LIMIT = 20
#: What a past session may be marked
OUTCOMES = (SessionStatus.held, SessionStatus.cancelled)


def unconfirmed(today: date | None = None):
    """The condition: still planned, and the last day is before today."""
    return sa.and_(TrainingSession.status == SessionStatus.planned,
                   TrainingSession.end_date < (today or date.today()))


def is_unconfirmed(session: TrainingSession, today: date | None = None) -> bool:
    """The same rule for one session in memory."""
    return session.status == SessionStatus.planned and session.end_date < (today or date.today())


def _trained_by(user: User):
    """The condition: a session ``user`` trains (administrators: every session)."""
    if user.has_role(Role.admin):
        return sa.true()
    return TrainingSession.id.in_(sa.select(session_trainers.c.session_id).where(session_trainers.c.user_id == user.id))


def for_user(user: User, *, today: date | None = None, limit: int = START_PAGE_LIMIT) -> tuple[list, int]:
    """(the first sessions past their dates that ``user`` trains, oldest first; how many there are in all)."""
    where = sa.and_(unconfirmed(today), _trained_by(user))
    total = db.session.scalar(sa.select(sa.func.count(TrainingSession.id)).where(where))
    sessions = list(db.session.scalars(sa.select(TrainingSession).where(where)
                                       .order_by(TrainingSession.end_date, TrainingSession.code).limit(limit)))
    return sessions, int(total or 0)


def count_for(user: User, *, today: date | None = None) -> int:
    """Sessions past their dates that ``user`` may mark (programme staff, who mark none: every one)."""
    where = unconfirmed(today)
    if not user.has_role(Role.staff):
        where = sa.and_(where, _trained_by(user))
    return int(db.session.scalar(sa.select(sa.func.count(TrainingSession.id)).where(where)) or 0)


def filter_conditions(*, start: date | None = None, end: date | None = None, country: str | None = None,
                      course: str | None = None, mode: str | None = None) -> list:
    """The programme report's filters on sessions (the period is on the first day), for the sessions list too."""
    conds = []
    if start:
        conds.append(TrainingSession.start_date >= start)
    if end:
        conds.append(TrainingSession.start_date <= end)
    if country:
        conds.append(TrainingSession.country == country)
    if course:
        conds.append(TrainingSession.course_slug == course)
    if mode and mode in SessionMode.__members__:
        conds.append(TrainingSession.mode == SessionMode[mode])
    return conds


def count_in_report(f, *, today: date | None = None) -> int:
    """Sessions past their dates in a programme report's period and filters (a ``ReportFilter``)."""
    conds = filter_conditions(start=f.start, end=f.end, country=f.country, course=f.course, mode=f.mode)
    return int(db.session.scalar(sa.select(sa.func.count(TrainingSession.id))
                                 .where(unconfirmed(today), *conds)) or 0)


def confirm(session: TrainingSession, status: SessionStatus, *, today: date | None = None) -> None:
    """Mark a session past its dates held or cancelled. Refused when it is not past its dates, or no longer
    planned (another trainer marked it meanwhile: the first answer stands)."""
    if status not in OUTCOMES:
        raise TrainingError(_('A past session is marked held or cancelled.'))
    # One conditional UPDATE decides between two trainers answering at once (the first answer stands); then the
    # same value is set through the ORM, so whatever follows a session's writes (flush listeners) sees the change.
    if not _claim(session, status, today or date.today()):
        raise TrainingError(_('This session is no longer waiting to be marked held or cancelled.'))
    session.status = status
    db.session.flush()


def _claim(session: TrainingSession, status: SessionStatus, today: date) -> bool:
    stmt = (sa.update(TrainingSession.__table__)
            .where(TrainingSession.__table__.c.id == session.id, unconfirmed(today))
            .values(status=status))
    return db.session.execute(stmt).rowcount == 1
