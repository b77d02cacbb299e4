"""Reads for the workshops pages, services and commands: functions returning a Select or plain results."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from training.auth.models import Role, User, UserRole
from training.content import registry
from training.extensions import db
from training.text import like_contains
from training.workshops.matching import Known, name_variants, near_matches, normalise_email, normalise_name
from training.workshops.models import (
    Attendance,
    AttendanceDay,
    AttendanceRole,
    CheckInWindow,
    PendingImport,
    Person,
    PersonMerge,
    SessionStatus,
    TrainingSession,
    WalkIn,
    session_trainers,
)

#: Above this many persons on record, near matches are listed one country at a time
NEAR_MATCH_LIMIT = 20_000
#: Near matches listed at most
NEAR_MATCH_SHOWN = 200
#: Ids per IN (...) list: well below SQLite's and PostgreSQL's parameter limits
CHUNK = 500


def chunks(items: Iterable, size: int = CHUNK) -> Iterator[list]:
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]


def in_chunks(column, values: Iterable) -> Iterator:
    """Conditions ``column IN values`` in as few statements as the database allows: one array parameter on
    PostgreSQL (``= ANY(...)``, a single bound value whatever the count), lists of CHUNK on SQLite."""
    values = list(values)
    if not values:
        return
    if db.session.get_bind().dialect.name == 'postgresql':
        yield column == sa.any_(sa.bindparam(None, values, type_=postgresql.ARRAY(column.type)))
        return
    for chunk in chunks(values):
        yield column.in_(chunk)


def session_days(session: TrainingSession) -> list[date]:
    return [session.start_date + timedelta(days=i) for i in range(session.days)]


def participant_counts():
    """Subquery: session_id -> number of participants on the roster."""
    return (sa.select(Attendance.session_id, sa.func.count(Attendance.id).label('participants'))
            .where(Attendance.role == AttendanceRole.participant)
            .group_by(Attendance.session_id).subquery())


def participants_for(session_ids: list[int]) -> dict[int, int]:
    if not session_ids:
        return {}
    return dict(db.session.execute(
        sa.select(Attendance.session_id, sa.func.count()).where(Attendance.session_id.in_(session_ids),
                                                                Attendance.role == AttendanceRole.participant)
        .group_by(Attendance.session_id)).all())


def person_countries() -> list[tuple[str, int]]:
    """(country, persons on record), for the duplicates filter."""
    return [(c, int(n)) for c, n in db.session.execute(
        sa.select(Person.country, sa.func.count()).where(Person.country.is_not(None))
        .group_by(Person.country).order_by(Person.country))]


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
        text = q.strip().lower()
        stmt = stmt.where(sa.or_(like_contains(sa.func.lower(TrainingSession.code), text),
                                 like_contains(sa.func.lower(TrainingSession.title), text),
                                 like_contains(sa.func.lower(TrainingSession.city), text)))
    return stmt.order_by(TrainingSession.start_date.desc(), TrainingSession.code)


def session_by_code(code: str) -> TrainingSession | None:
    return db.session.scalar(sa.select(TrainingSession).where(sa.func.lower(TrainingSession.code) == code.lower()))


def roster(session: TrainingSession) -> list[Attendance]:
    return list(db.session.scalars(
        sa.select(Attendance).join(Person).where(Attendance.session_id == session.id)
        .order_by(Attendance.role, Person.name_key, Person.id)))


def roster_overview(session: TrainingSession) -> dict:
    """The session page's roster: entries, the session's days, the (entry, day) marks and the count per role."""
    entries = roster(session)
    return {'roster': entries, 'days': session_days(session),
            'marks': {(a.id, m.day) for a in entries for m in a.day_marks},
            'counts': {role.name: sum(1 for a in entries if a.role == role) for role in AttendanceRole}}


def present_ids(entries: list[Attendance], day: date) -> set[int]:
    return {a.id for a in entries for m in a.day_marks if m.day == day}


def course_title(slug: str) -> str:
    course = registry().course(slug)
    return str(getattr(course, 'title', None) or slug)


def roster_person_ids(session: TrainingSession) -> set[int]:
    return set(db.session.scalars(sa.select(Attendance.person_id).where(Attendance.session_id == session.id)))


def attendance_of(session: TrainingSession, person: Person) -> Attendance | None:
    return db.session.scalar(sa.select(Attendance).where(Attendance.session_id == session.id,
                                                         Attendance.person_id == person.id))


def attendances(session: TrainingSession) -> list[Attendance]:
    return list(db.session.scalars(sa.select(Attendance).where(Attendance.session_id == session.id)))


def trainer_choices() -> list[tuple[int, str]]:
    """Active trainers and admins, for a session's trainers list."""
    stmt = (sa.select(User).join(UserRole).where(UserRole.role.in_([Role.trainer, Role.admin]), User.is_active)
            .distinct().order_by(User.name))
    return [(u.id, f'{u.name} <{u.email}>') for u in db.session.scalars(stmt)]


def users_by_id(ids) -> list[User]:
    ids = set(ids or [])
    return list(db.session.scalars(sa.select(User).where(User.id.in_(ids)))) if ids else []


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
        cond = sa.and_(*[like_contains(Person.name_key, w) for w in words[:5]])
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
    out: dict[int, Person] = {}
    for cond in in_chunks(Person.id, set(ids)):
        out.update({p.id: p for p in db.session.scalars(sa.select(Person).where(cond))})
    return out


def person_names(ids) -> dict[int, str]:
    out: dict[int, str] = {}
    for cond in in_chunks(Person.id, set(ids)):
        out.update(db.session.execute(sa.select(Person.id, Person.full_name).where(cond)).all())
    return out


def known_for(rows) -> list[Known]:
    """The persons on record that rows (with ``email``, ``name_key`` and ``country``) could match: same email, or
    same name key. Lowest id first, so that among existing duplicates the oldest record wins, as everywhere else."""
    cols = (Person.id, Person.name_key, Person.country, Person.email)
    known: dict[int, Known] = {}
    emails = {r.email for r in rows if r.email}
    keys = {k for r in rows if r.country for k in name_variants(r.name_key)}
    for cond in (*in_chunks(Person.email, emails), *in_chunks(Person.name_key, keys)):
        for pid, key, country, email in db.session.execute(sa.select(*cols).where(cond)):
            known[pid] = Known(pid, key, country, email)
    return [known[k] for k in sorted(known)]


def roster_known(session: TrainingSession) -> list[Known]:
    """The persons on a session's roster, as matching knows them."""
    return [Known(*row) for row in db.session.execute(
        sa.select(Person.id, Person.name_key, Person.country, Person.email).join(Attendance)
        .where(Attendance.session_id == session.id).order_by(Person.id))]


#: Person fields an import may fill in or change
IMPORTED_PERSON_FIELDS = ('sex', 'organisation', 'organisation_type', 'country', 'email')


def person_details(ids) -> dict[int, dict]:
    """id -> full name and the fields an import may fill in, with enum values as their names."""
    cols = [Person.id, Person.full_name] + [getattr(Person, f) for f in IMPORTED_PERSON_FIELDS]
    out: dict[int, dict] = {}
    for cond in in_chunks(Person.id, set(ids)):
        for row in db.session.execute(sa.select(*cols).where(cond)):
            values = dict(zip(('id', 'full_name', *IMPORTED_PERSON_FIELDS), row, strict=True))
            out[row[0]] = {k: getattr(v, 'name', v) for k, v in values.items()}
    return out


def attendance_counts(ids) -> dict[int, int]:
    out: dict[int, int] = {}
    for cond in in_chunks(Attendance.person_id, set(ids)):
        out.update(db.session.execute(
            sa.select(Attendance.person_id, sa.func.count(Attendance.id)).where(cond)
            .group_by(Attendance.person_id)).all())
    return out


def duplicate_candidates(country: str | None, user: User | None = None) -> dict:
    """The duplicates page: near-match pairs among all persons, or one country's when there are too many to compare,
    with the records and how many attendances each has. For ``user`` other than an administrator, only the pairs
    of persons both on the rosters of sessions ``user`` trains (the ones they may open and merge)."""
    countries = person_countries()
    too_many = country is None and sum(n for _c, n in countries) > NEAR_MATCH_LIMIT
    pairs = [] if too_many else near_matches(known_persons(country))
    if user is not None and pairs:
        reachable = persons_with_visible_email({i for p in pairs for i in (p.a, p.b)}, user)
        if reachable is not None:
            pairs = [p for p in pairs if p.a in reachable and p.b in reachable]
    pairs = pairs[:NEAR_MATCH_SHOWN]
    people = persons_by_id([p.a for p in pairs] + [p.b for p in pairs])
    return {'pairs': pairs, 'people': people, 'counts': attendance_counts(people), 'country': country,
            'countries': countries, 'too_many': too_many}


def recent_merges(limit: int = 50, user: User | None = None) -> list[PersonMerge]:
    """The latest merges; for ``user`` other than an administrator, those they made."""
    select = sa.select(PersonMerge)
    if user is not None and not user.has_role(Role.admin):
        select = select.where(PersonMerge.merged_by_id == user.id)
    return list(db.session.scalars(select.order_by(PersonMerge.merged_at.desc(), PersonMerge.id.desc()).limit(limit)))


def open_windows(session: TrainingSession) -> list[CheckInWindow]:
    return list(db.session.scalars(sa.select(CheckInWindow).where(CheckInWindow.session_id == session.id,
                                                                  CheckInWindow.closed_at.is_(None))
                                   .order_by(CheckInWindow.opened_at.desc())))


#: Fewer letters than this find nobody at self check-in (a page anyone with the code opens: no listing the roster)
MIN_SEARCH_LETTERS = 3


def roster_matches(session: TrainingSession, q: str, *, limit: int = 10) -> list[Attendance]:
    """Self check-in search: this session's roster entries whose name contains every word typed (of at least 2
    letters), once at least 3 letters are typed."""
    words = [w for w in normalise_name(q).split() if len(w) >= 2][:5]
    if sum(len(w) for w in words) < MIN_SEARCH_LETTERS:
        return []
    conds = [like_contains(Person.name_key, w) for w in words]
    return list(db.session.scalars(
        sa.select(Attendance).join(Person).where(Attendance.session_id == session.id, *conds)
        .order_by(Person.name_key).limit(limit)))


def walk_ins(session: TrainingSession) -> list[WalkIn]:
    """The session's walk-ins awaiting a trainer, oldest first."""
    return list(db.session.scalars(sa.select(WalkIn).where(WalkIn.session_id == session.id)
                                   .order_by(WalkIn.created_at, WalkIn.id)))


def checked_in_count(session: TrainingSession, day: date) -> int:
    """Roster entries marked present on ``day``."""
    return db.session.scalar(sa.select(sa.func.count(AttendanceDay.id)).join(Attendance).where(
        Attendance.session_id == session.id, AttendanceDay.day == day))


def pending_import(session: TrainingSession, token: str, user: User) -> PendingImport | None:
    """A sheet stashed by ``user`` for ``session`` awaiting confirmation (another user's token finds nothing)."""
    return db.session.scalar(sa.select(PendingImport).where(PendingImport.token == token,
                                                            PendingImport.session_id == session.id,
                                                            PendingImport.created_by_id == user.id))


def persons_with_visible_email(person_ids: Iterable[int], user: User) -> set[int] | None:
    """Of ``person_ids``, those whose email ``user`` may see: persons on the roster of a session ``user`` trains.
    None: every email (administrators)."""
    if user.has_role(Role.admin):
        return None
    trained = sa.select(session_trainers.c.session_id).where(session_trainers.c.user_id == user.id)
    out: set[int] = set()
    for cond in in_chunks(Attendance.person_id, set(person_ids)):
        out.update(db.session.scalars(sa.select(Attendance.person_id).distinct().where(
            cond, Attendance.session_id.in_(trained))))
    return out
