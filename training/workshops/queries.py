"""Reads for the workshops pages and commands: functions returning a Select or plain results."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from training.extensions import db
from training.workshops.matching import Known, normalise_email, normalise_name
from training.workshops.models import (
    Attendance,
    AttendanceRole,
    CheckInWindow,
    Person,
    PersonMerge,
    SessionStatus,
    TrainingSession,
)


def participant_counts():
    """Subquery: session_id -> number of participants on the roster."""
    return (sa.select(Attendance.session_id, sa.func.count(Attendance.id).label('participants'))
            .where(Attendance.role == AttendanceRole.participant)
            .group_by(Attendance.session_id).subquery())


def sessions_select(*, start: date | None = None, end: date | None = None, status: SessionStatus | None = None,
                    country: str | None = None, q: str | None = None):
    """(TrainingSession, participants) rows, newest first."""
    counts = participant_counts()
    stmt = (sa.select(TrainingSession, sa.func.coalesce(counts.c.participants, 0).label('participants'))
            .outerjoin(counts, counts.c.session_id == TrainingSession.id))
    if start:
        stmt = stmt.where(TrainingSession.start_date >= start)
    if end:
        stmt = stmt.where(TrainingSession.start_date <= end)
    if status:
        stmt = stmt.where(TrainingSession.status == status)
    if country:
        stmt = stmt.where(TrainingSession.country == country.upper())
    if q:
        like = f'%{q.strip().lower()}%'
        stmt = stmt.where(sa.or_(sa.func.lower(TrainingSession.code).like(like),
                                 sa.func.lower(TrainingSession.title).like(like),
                                 sa.func.lower(TrainingSession.city).like(like)))
    return stmt.order_by(TrainingSession.start_date.desc(), TrainingSession.code)


def session_by_code(code: str) -> TrainingSession | None:
    return db.session.scalar(sa.select(TrainingSession).where(sa.func.lower(TrainingSession.code) == code.lower()))


def roster(session: TrainingSession) -> list[Attendance]:
    return list(db.session.scalars(
        sa.select(Attendance).join(Person).where(Attendance.session_id == session.id)
        .order_by(Attendance.role, Person.name_key, Person.id)))


def search_persons(q: str, *, limit: int = 20) -> list[Person]:
    """Search before adding: by email (exact, any case) or by any part of the normalised name."""
    q = (q or '').strip()
    if not q:
        return []
    email = normalise_email(q) if '@' in q else None
    if email:
        cond = Person.email == email
    else:
        words = normalise_name(q).split()
        if not words:
            return []
        cond = sa.and_(*[Person.name_key.like(f'%{w.replace("%", "").replace("_", "")}%') for w in words[:5]])
    return list(db.session.scalars(sa.select(Person).where(cond).order_by(Person.name_key, Person.id).limit(limit)))


def attendances_for_person(person: Person) -> list[Attendance]:
    return list(db.session.scalars(
        sa.select(Attendance).join(TrainingSession).where(Attendance.person_id == person.id)
        .order_by(TrainingSession.start_date.desc())))


def known_persons(country: str | None = None) -> list[Known]:
    stmt = sa.select(Person.id, Person.name_key, Person.country, Person.email)
    if country:
        stmt = stmt.where(Person.country == country.upper())
    return [Known(*row) for row in db.session.execute(stmt.order_by(Person.id))]


def persons_by_id(ids) -> dict[int, Person]:
    ids = list(set(ids))
    out: dict[int, Person] = {}
    for i in range(0, len(ids), 500):
        out.update({p.id: p for p in db.session.scalars(sa.select(Person).where(Person.id.in_(ids[i:i + 500])))})
    return out


def attendance_counts(ids) -> dict[int, int]:
    ids = list(set(ids))
    out: dict[int, int] = {}
    for i in range(0, len(ids), 500):
        out.update(db.session.execute(
            sa.select(Attendance.person_id, sa.func.count(Attendance.id))
            .where(Attendance.person_id.in_(ids[i:i + 500])).group_by(Attendance.person_id)).all())
    return out


def recent_merges(limit: int = 50) -> list[PersonMerge]:
    return list(db.session.scalars(sa.select(PersonMerge).order_by(PersonMerge.merged_at.desc(),
                                                                   PersonMerge.id.desc()).limit(limit)))


def open_windows(session: TrainingSession) -> list[CheckInWindow]:
    return list(db.session.scalars(sa.select(CheckInWindow).where(CheckInWindow.session_id == session.id,
                                                                  CheckInWindow.closed_at.is_(None))
                                   .order_by(CheckInWindow.opened_at.desc())))


def roster_matches(session: TrainingSession, q: str, *, limit: int = 10) -> list[Attendance]:
    """Self check-in search: roster entries whose name contains every word typed (at least 2 letters)."""
    words = [w for w in normalise_name(q).split() if len(w) >= 2][:5]
    if not words:
        return []
    conds = [Person.name_key.like(f'%{w.replace("%", "").replace("_", "")}%') for w in words]
    return list(db.session.scalars(
        sa.select(Attendance).join(Person).where(Attendance.session_id == session.id, *conds)
        .order_by(Person.name_key).limit(limit)))
