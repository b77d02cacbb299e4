"""Writes for training sessions, persons and attendance. Functions flush but never commit: the view or CLI command
commits once, so a failure leaves nothing half-written."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from training.auth.models import User
from training.db import utcnow
from training.errors import TrainingError
from training.extensions import db
from training.i18n import _
from training.vocab import OrganisationType
from training.workshops.matching import BY_EMAIL, Known, PersonIndex, normalise_email, normalise_name
from training.workshops.models import (
    Attendance,
    AttendanceDay,
    AttendanceRole,
    CheckInMethod,
    CheckInWindow,
    PendingImport,
    Person,
    PersonMerge,
    SessionStatus,
    Sex,
    TrainingSession,
)
from training.workshops.sheets import SAME_PERSON_AS_ROW, SESSION_CANCELLED, ParsedSheet, RowError, SheetRow

SESSION_FIELDS = ('code', 'title', 'course_slug', 'country', 'city', 'venue', 'start_date', 'end_date', 'mode',
                  'language', 'partner', 'audience', 'status', 'notes')
PERSON_FIELDS = ('full_name', 'sex', 'organisation', 'organisation_type', 'country', 'email', 'consent_to_contact')


# -- sessions -------------------------------------------------------------------------------------------------------

def _check_session(code: str, start: date, end: date, *, current_id: int | None = None) -> None:
    if end < start:
        raise TrainingError(_('The last day is before the first day.'), field='end_date')
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


def session_days(session: TrainingSession) -> list[date]:
    return [session.start_date + timedelta(days=i) for i in range(session.days)]


# -- persons and roster ---------------------------------------------------------------------------------------------

def _person_values(data: dict) -> dict:
    values = dict(data)
    values['full_name'] = ' '.join((values.get('full_name') or '').split())
    if not values['full_name']:
        raise TrainingError(_('Enter the person\'s name.'), field='full_name')
    values['email'] = normalise_email(values.get('email'))
    if values.get('country'):
        values['country'] = values['country'].upper()
    return values


def find_person_by_email(email: str | None) -> Person | None:
    email = normalise_email(email)
    if not email:
        return None
    return db.session.scalar(sa.select(Person).where(Person.email == email).order_by(Person.id).limit(1))


def create_person(**data) -> Person:
    values = _person_values(data)
    if values['email'] and find_person_by_email(values['email']):
        raise TrainingError(_('A person with this email address is already on record; add that person instead.'),
                            field='email')
    person = Person(**values, name_key=normalise_name(values['full_name']))
    db.session.add(person)
    db.session.flush()
    return person


def update_person(person: Person, **data) -> Person:
    values = _person_values(data)
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
    existing = db.session.scalar(sa.select(Attendance).where(Attendance.session_id == session.id,
                                                            Attendance.person_id == person.id))
    if existing is not None:
        raise TrainingError(_('%(name)s is already on the roster.', name=person.full_name), field='person')
    attendance = Attendance(session_id=session.id, person_id=person.id, role=role)
    db.session.add(attendance)
    db.session.flush()
    return attendance


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
    rows = db.session.scalars(sa.select(Attendance).where(Attendance.session_id == session.id)).all()
    for attendance in rows:
        if set_present(attendance, day, attendance.id in present_ids):
            changes += 1
    return changes


# -- merging --------------------------------------------------------------------------------------------------------

def merge_persons(keep: Person, merge: Person, *, by: User | None) -> PersonMerge:
    """Move every attendance of ``merge`` to ``keep`` (combining both where they were at the same session), fill
    blanks of ``keep`` from ``merge``, delete ``merge``, and keep an audit entry."""
    if keep.id == merge.id:
        raise TrainingError(_('Choose two different persons to merge.'), field='merge')
    if keep.user_id and merge.user_id and keep.user_id != merge.user_id:
        raise TrainingError(_('Both records are linked to different user accounts; they cannot be merged.'))
    audit = PersonMerge(kept_person_id=keep.id, merged_person_id=merge.id, merged_full_name=merge.full_name,
                        merged_email=merge.email, merged_country=merge.country,
                        merged_by_id=by.id if by else None)
    kept_rows = {a.session_id: a for a in db.session.scalars(
        sa.select(Attendance).where(Attendance.person_id == keep.id))}
    moved = combined = 0
    for attendance in db.session.scalars(sa.select(Attendance).where(Attendance.person_id == merge.id)).all():
        target = kept_rows.get(attendance.session_id)
        if target is None:
            attendance.person_id = keep.id
            moved += 1
            continue
        days = {m.day for m in target.day_marks}
        for mark in attendance.day_marks:
            if mark.day not in days:
                target.day_marks.append(AttendanceDay(day=mark.day, method=mark.method, marked_at=mark.marked_at))
        target.days_attended = max(target.days_attended, attendance.days_attended, len(target.day_marks))
        target.completed = target.completed or attendance.completed
        if target.pre_test_score is None:
            target.pre_test_score = attendance.pre_test_score
        if target.post_test_score is None:
            target.post_test_score = attendance.post_test_score
        if target.role != AttendanceRole.participant and attendance.role == AttendanceRole.participant:
            target.role = attendance.role
        db.session.delete(attendance)
        combined += 1
    for name in ('email', 'organisation', 'organisation_type', 'country'):
        if getattr(keep, name) is None and getattr(merge, name) is not None:
            setattr(keep, name, getattr(merge, name))
    if keep.sex == Sex.undisclosed and merge.sex != Sex.undisclosed:
        keep.sex = merge.sex
    keep.consent_to_contact = keep.consent_to_contact or merge.consent_to_contact
    user_id = merge.user_id
    # Earlier merges into the record being removed now point at the record kept, so the audit trail stays whole
    db.session.execute(sa.update(PersonMerge).where(PersonMerge.kept_person_id == merge.id)
                       .values(kept_person_id=keep.id))
    db.session.flush()
    db.session.delete(merge)
    db.session.flush()
    if keep.user_id is None and user_id:
        keep.user_id = user_id
    audit.attendances_moved = moved
    audit.attendances_combined = combined
    db.session.add(audit)
    db.session.flush()
    return audit


# -- bulk import ----------------------------------------------------------------------------------------------------

NEW, MATCHED, REJECTED = 'new', 'matched', 'rejected'


@dataclass
class PlanRow:
    row: int
    status: str
    sheet_row: SheetRow | None = None
    person_id: int | None = None
    person_name: str | None = None
    by: str | None = None  # matching rule for MATCHED
    on_roster: bool = False
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ImportPlan:
    rows: list[PlanRow]
    problems: list[RowError]
    ignored_columns: list[str]

    @property
    def rejected(self) -> list[RowError]:
        return [e for r in self.rows if r.status == REJECTED for e in r.errors]

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.rejected

    def summary(self, translate=lambda s: s) -> dict:
        return {'rows': len(self.rows), 'created': self.count(NEW), 'matched': self.count(MATCHED),
                'rejected': [{'row': e.row, 'reason': e.text(translate)} for e in self.problems + self.rejected]}


def _chunks(items, size=500):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _known_for(rows: list[SheetRow]) -> list[Known]:
    cols = (Person.id, Person.name_key, Person.country, Person.email)
    known: dict[int, Known] = {}
    emails = {r.email for r in rows if r.email}
    keys = {r.name_key for r in rows if r.country}
    for chunk in _chunks(emails):
        for pid, key, country, email in db.session.execute(sa.select(*cols).where(Person.email.in_(chunk))):
            known[pid] = Known(pid, key, country, email)
    for chunk in _chunks(keys):
        for pid, key, country, email in db.session.execute(sa.select(*cols).where(Person.name_key.in_(chunk))):
            known[pid] = Known(pid, key, country, email)
    # lowest id first, so that among existing duplicates the oldest record wins, as everywhere else
    return [known[k] for k in sorted(known)]


def _is_postgresql() -> bool:
    return db.session.get_bind().dialect.name == 'postgresql'


def _next_ids(table: str, n: int) -> list[int]:
    """PostgreSQL: reserve n ids from the table's sequence (so COPY can write them)."""
    return list(db.session.scalars(sa.text(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "  # noqa: S608
                                           'FROM generate_series(1, :n)'), {'n': n}))


def _copy_rows(table: sa.Table, rows: list[dict]) -> None:
    """PostgreSQL: COPY rows into table inside the session's transaction (enums written by name)."""
    import enum
    columns = list(rows[0])
    cursor = db.session.connection().connection.driver_connection.cursor()
    with cursor.copy(f'COPY {table.name} ({", ".join(columns)}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([v.name if isinstance(v, enum.Enum) else v for v in (row[c] for c in columns)])


def plan_import(session: TrainingSession, sheet: ParsedSheet) -> ImportPlan:
    """Decide, for each row, new person / matched person (and by which rule) / rejected. Writes nothing."""
    by_row: dict[int, PlanRow] = {}
    for error in sheet.rejected:
        by_row.setdefault(error.row, PlanRow(error.row, REJECTED)).errors.append(error)
    if session.status == SessionStatus.cancelled:
        sheet_problems = [RowError(0, None, SESSION_CANCELLED)]
    else:
        sheet_problems = list(sheet.problems)
    index = PersonIndex(_known_for(sheet.rows))
    on_roster = set(db.session.scalars(sa.select(Attendance.person_id).where(Attendance.session_id == session.id)))
    ids = [m.person_id for r in sheet.rows if (m := index.match(r.full_name, r.country, r.email))]
    names = {}
    for chunk in _chunks(set(ids)):
        names.update(db.session.execute(sa.select(Person.id, Person.full_name).where(Person.id.in_(chunk))).all())
    used: dict[int, int] = {}  # person id (negative: new in this sheet) -> row
    for row in sheet.rows:
        match = index.match(row.full_name, row.country, row.email)
        if match is not None and match.person_id in used:
            rule = 'email' if match.by == BY_EMAIL else 'full_name'
            by_row[row.row] = PlanRow(row.row, REJECTED, row, errors=[
                RowError(row.row, rule, SAME_PERSON_AS_ROW, {'other': used[match.person_id]})])
            continue
        if match is not None:
            used[match.person_id] = row.row
            by_row[row.row] = PlanRow(row.row, MATCHED, row, person_id=match.person_id,
                                      person_name=names.get(match.person_id), by=match.by,
                                      on_roster=match.person_id in on_roster)
        else:
            temp = -row.row
            used[temp] = row.row
            index.add(Known(temp, row.name_key, row.country, row.email))
            by_row[row.row] = PlanRow(row.row, NEW, row)
    return ImportPlan([by_row[k] for k in sorted(by_row)], sheet_problems, sheet.ignored_columns)


class ImportRefused(TrainingError):
    def __init__(self, plan: ImportPlan):
        super().__init__(_('Nothing was imported: correct the rejected rows and upload the sheet again.'))
        self.plan = plan


def apply_import(session: TrainingSession, plan: ImportPlan) -> dict:
    """Write the whole plan, or nothing (raises ImportRefused if any row is rejected). Bulk statements, so a
    10,000-row sheet stays fast. Returns the summary counts."""
    if not plan.ok:
        raise ImportRefused(plan)
    now = utcnow()
    new_rows = [r for r in plan.rows if r.status == NEW]
    if new_rows:
        table = Person.__table__
        values = [{
            'full_name': r.sheet_row.full_name, 'name_key': r.sheet_row.name_key, 'sex': Sex[r.sheet_row.sex],
            'organisation': r.sheet_row.organisation,
            'organisation_type': (OrganisationType[r.sheet_row.organisation_type]
                                  if r.sheet_row.organisation_type else None),
            'country': r.sheet_row.country, 'email': r.sheet_row.email, 'user_id': None,
            'consent_to_contact': r.sheet_row.consent, 'created_at': now} for r in new_rows]
        # New rows are unique by (name key, country, email) within the sheet and against the persons on record
        # (else they would have matched), so the returned ids are mapped back by that key: RETURNING in batches
        # without per-row ordering keeps this to a few statements on every backend.
        ids: dict[tuple, int] = {}
        stmt = sa.insert(table).returning(table.c.id, table.c.name_key, table.c.country, table.c.email)
        if _is_postgresql():
            for row, pid in zip(values, _next_ids('persons', len(values)), strict=True):
                row['id'] = pid
                ids[(row['name_key'], row['country'], row['email'])] = pid
            _copy_rows(table, values)
        else:
            for chunk in _chunks(values, 1000):
                for pid, key, country, email in db.session.execute(stmt, chunk):
                    ids[(key, country, email)] = pid
        for r in new_rows:
            r.person_id = ids[(r.sheet_row.name_key, r.sheet_row.country, r.sheet_row.email)]
    default_days = session.days if session.status == SessionStatus.held or session.start_date <= date.today() else 0
    inserts, updates = [], []
    for r in plan.rows:
        if r.status == REJECTED:
            continue
        s = r.sheet_row
        values = {'role': AttendanceRole[s.role]}
        if s.days_attended is not None:
            values['days_attended'] = s.days_attended
        if s.pre_test_score is not None:
            values['pre_test_score'] = s.pre_test_score
        if s.post_test_score is not None:
            values['post_test_score'] = s.post_test_score
        if r.on_roster:
            updates.append((r.person_id, values))
        else:
            inserts.append({'session_id': session.id, 'person_id': r.person_id, 'days_attended': default_days,
                            'pre_test_score': None, 'post_test_score': None, 'completed': False,
                            'created_at': now, **values})
    if inserts and _is_postgresql():
        _copy_rows(Attendance.__table__, inserts)
    elif inserts:
        db.session.execute(sa.insert(Attendance.__table__), inserts)
    for person_id, values in updates:
        db.session.execute(sa.update(Attendance).where(Attendance.session_id == session.id,
                                                       Attendance.person_id == person_id).values(**values))
    db.session.flush()
    return plan.summary()


def stash_import(session: TrainingSession, filename: str, content: bytes, *, by: User | None) -> PendingImport:
    """Keep an uploaded sheet until the trainer confirms its preview (older stashes of this user are dropped)."""
    cutoff = utcnow() - timedelta(days=1)
    db.session.execute(sa.delete(PendingImport).where(sa.or_(
        PendingImport.created_at < cutoff,
        sa.and_(PendingImport.created_by_id == (by.id if by else None), PendingImport.session_id == session.id))))
    pending = PendingImport(token=secrets.token_urlsafe(24), session_id=session.id, filename=filename[:255],
                            content=content, created_by_id=by.id if by else None)
    db.session.add(pending)
    db.session.flush()
    return pending


# -- self check-in --------------------------------------------------------------------------------------------------

#: Unambiguous characters for typed codes (no 0/O, 1/I/L, 2/Z, 5/S, 8/B)
CODE_ALPHABET = '34679ACDEFGHJKMNPQRTUVWXY'
CODE_LENGTH = 6


def new_code() -> str:
    return ''.join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str | None) -> str:
    return ''.join(ch for ch in (text or '').upper() if ch.isalnum())[:12]


def open_check_in(session: TrainingSession, day: date, *, minutes: int, by: User | None,
                  now: datetime | None = None) -> CheckInWindow:
    now = now or utcnow()
    if session.status == SessionStatus.cancelled:
        raise TrainingError(_('This session was cancelled; check-in cannot open.'))
    if not session.start_date <= day <= session.end_date:
        raise TrainingError(_('That day is not one of the session\'s days.'), field='day')
    if not 5 <= minutes <= 12 * 60:
        raise TrainingError(_('Keep check-in open between 5 minutes and 12 hours.'), field='minutes')
    for window in db.session.scalars(sa.select(CheckInWindow).where(CheckInWindow.session_id == session.id,
                                                                     CheckInWindow.closed_at.is_(None))):
        window.closed_at = now
    for _attempt in range(20):
        code = new_code()
        if db.session.scalar(sa.select(CheckInWindow.id).where(CheckInWindow.code == code)) is None:
            break
    else:  # pragma: no cover - 25**6 codes
        raise TrainingError(_('No free check-in code; try again.'))
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
    code = normalise_code(code)
    if len(code) != CODE_LENGTH:
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


def walk_in(window: CheckInWindow, **data) -> tuple[Attendance, bool]:
    """Register someone not on the roster: matched to a person on record by the usual rules (email, or name and
    country), else created; added to the roster as a participant and marked present. Returns (attendance,
    matched_existing)."""
    values = _person_values(data)
    index = PersonIndex(_known_for([SheetRow(row=0, full_name=values['full_name'], country=values.get('country'),
                                              email=values.get('email'))]))
    match = index.match(values['full_name'], values.get('country'), values.get('email'))
    session = window.session
    if match is not None:
        person = db.session.get(Person, match.person_id)
        attendance = db.session.scalar(sa.select(Attendance).where(Attendance.session_id == session.id,
                                                                  Attendance.person_id == person.id))
        if attendance is None:
            attendance = add_to_roster(session, person)
    else:
        person = Person(**values, name_key=normalise_name(values['full_name']))
        db.session.add(person)
        db.session.flush()
        attendance = add_to_roster(session, person)
    check_in(window, attendance)
    return attendance, match is not None
