"""Sign-in sheet import: the one entry point (:func:`import_sheet`) composes parsing (:mod:`.sheets`), matching each
row against the persons on record (:mod:`.matching`) and writing the whole sheet or nothing. The web pages (preview,
then confirm a stashed upload) and ``flask attendance import`` all go through it. Flushes, never commits."""
from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import BinaryIO

import sqlalchemy as sa

from training.audit.services import record
from training.auth.models import User
from training.db import utcnow
from training.errors import TrainingError
from training.extensions import db
from training.i18n import _
from training.vocab import OrganisationType
from training.workshops import queries
from training.workshops.matching import BY_EMAIL, Known, PersonIndex
from training.workshops.models import (
    Attendance,
    AttendanceRole,
    PendingImport,
    Person,
    SessionStatus,
    Sex,
    TrainingSession,
)
from training.workshops.sheets import (
    SAME_PERSON_AS_ROW,
    SESSION_CANCELLED,
    ParsedSheet,
    RowError,
    SheetRow,
    parse_sheet,
)

NEW, MATCHED, REJECTED = 'new', 'matched', 'rejected'
#: Largest sheet accepted from the web (the command line reads any file)
MAX_UPLOAD = 5 * 1024 * 1024


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


class ImportRefused(TrainingError):
    def __init__(self, plan: ImportPlan):
        super().__init__(_('Nothing was imported: correct the rejected rows and upload the sheet again.'))
        self.plan = plan


# -- the entry point ------------------------------------------------------------------------------------------------

def import_sheet(session: TrainingSession, filename: str, content: bytes, *, write: bool) -> ImportPlan:
    """Parse a sign-in sheet, match every row, and when ``write`` is set write every row or none.

    Returns the plan (what each row is, or would be: new person, matched person and by which rule, rejected). With
    ``write``, a sheet with any rejected row raises :class:`ImportRefused` (carrying the plan) and writes nothing."""
    plan = plan_import(session, parse_sheet(filename, content, max_days=session.days))
    if write:
        apply_import(session, plan)
    return plan


def read_upload(stream: BinaryIO) -> bytes:
    data = stream.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise TrainingError(_('The file is larger than 5 MB; split the sheet.'), field='sheet')
    return data


def preview_upload(session: TrainingSession, filename: str, stream: BinaryIO, *,
                   by: User | None) -> tuple[ImportPlan, PendingImport | None]:
    """The preview of an uploaded sheet: writes nothing but, when every row is good, a stash of the file to confirm."""
    content = read_upload(stream)
    plan = import_sheet(session, filename, content, write=False)
    return plan, stash_import(session, filename, content, by=by) if plan.ok else None


def confirm_upload(session: TrainingSession, pending: PendingImport) -> ImportPlan:
    """Import a stashed sheet, checked again against the database as it is now, and drop the stash."""
    plan = import_sheet(session, pending.filename, pending.content, write=True)
    record(pending.created_by_id, 'session.imported', session, rows=len(plan.rows), created=plan.count(NEW),
           matched=plan.count(MATCHED))
    db.session.delete(pending)
    db.session.flush()
    return plan


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


# -- planning -------------------------------------------------------------------------------------------------------

def plan_import(session: TrainingSession, sheet: ParsedSheet) -> ImportPlan:
    """Decide, for each row, new person / matched person (and by which rule) / rejected. Writes nothing."""
    by_row: dict[int, PlanRow] = {}
    for error in sheet.rejected:
        by_row.setdefault(error.row, PlanRow(error.row, REJECTED)).errors.append(error)
    if session.status == SessionStatus.cancelled:
        sheet_problems = [RowError(0, None, SESSION_CANCELLED)]
    else:
        sheet_problems = list(sheet.problems)
    index = PersonIndex(queries.known_for(sheet.rows))
    on_roster = queries.roster_person_ids(session)
    matches = (index.match(r.full_name, r.country, r.email) for r in sheet.rows)
    names = queries.person_names(m.person_id for m in matches if m is not None)
    used: dict[int, int] = {}  # person id (negative: new in this sheet) -> row
    for row in sheet.rows:
        by_row[row.row] = _plan_row(row, index, used, names, on_roster)
    return ImportPlan([by_row[k] for k in sorted(by_row)], sheet_problems, sheet.ignored_columns)


def _plan_row(row: SheetRow, index: PersonIndex, used: dict[int, int], names: dict[int, str],
              on_roster: set[int]) -> PlanRow:
    match = index.match(row.full_name, row.country, row.email)
    if match is not None and match.person_id in used:
        rule = 'email' if match.by == BY_EMAIL else 'full_name'
        return PlanRow(row.row, REJECTED, row, errors=[
            RowError(row.row, rule, SAME_PERSON_AS_ROW, {'other': used[match.person_id]})])
    if match is not None:
        used[match.person_id] = row.row
        return PlanRow(row.row, MATCHED, row, person_id=match.person_id, person_name=names.get(match.person_id),
                       by=match.by, on_roster=match.person_id in on_roster)
    temp = -row.row
    used[temp] = row.row
    index.add(Known(temp, row.name_key, row.country, row.email))
    return PlanRow(row.row, NEW, row)


# -- writing --------------------------------------------------------------------------------------------------------

def _is_postgresql() -> bool:
    return db.session.get_bind().dialect.name == 'postgresql'


def _next_ids(table: str, n: int) -> list[int]:
    """PostgreSQL: reserve n ids from the table's sequence (so COPY can write them)."""
    return list(db.session.scalars(sa.text(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "  # noqa: S608
                                           'FROM generate_series(1, :n)'), {'n': n}))


def _copy_rows(table: sa.Table, rows: list[dict]) -> None:
    """PostgreSQL: COPY rows into table inside the session's transaction (enums written by name)."""
    columns = list(rows[0])
    cursor = db.session.connection().connection.driver_connection.cursor()
    with cursor.copy(f'COPY {table.name} ({", ".join(columns)}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([v.name if isinstance(v, enum.Enum) else v for v in (row[c] for c in columns)])


def _person_row(s: SheetRow, now: datetime) -> dict:
    return {'full_name': s.full_name, 'name_key': s.name_key, 'sex': Sex[s.sex], 'organisation': s.organisation,
            'organisation_type': OrganisationType[s.organisation_type] if s.organisation_type else None,
            'country': s.country, 'email': s.email, 'user_id': None, 'consent_to_contact': s.consent,
            'created_at': now}


def _insert_persons(new_rows: list[PlanRow], now: datetime) -> None:
    """Write the new persons and set each plan row's person id."""
    table = Person.__table__
    values = [_person_row(r.sheet_row, now) for r in new_rows]
    # New rows are unique by (name key, country, email) within the sheet and against the persons on record
    # (else they would have matched), so the returned ids are mapped back by that key: RETURNING in batches
    # without per-row ordering keeps this to a few statements on every backend.
    ids: dict[tuple, int] = {}
    if _is_postgresql():
        for row, pid in zip(values, _next_ids('persons', len(values)), strict=True):
            row['id'] = pid
            ids[(row['name_key'], row['country'], row['email'])] = pid
        _copy_rows(table, values)
    else:
        stmt = sa.insert(table).returning(table.c.id, table.c.name_key, table.c.country, table.c.email)
        for chunk in queries.chunks(values, 1000):
            for pid, key, country, email in db.session.execute(stmt, chunk):
                ids[(key, country, email)] = pid
    for r in new_rows:
        r.person_id = ids[(r.sheet_row.name_key, r.sheet_row.country, r.sheet_row.email)]


def _sheet_values(s: SheetRow) -> dict:
    """The attendance values a sheet row gives (a blank never overwrites a known value)."""
    values = {'role': AttendanceRole[s.role]}
    for name in ('days_attended', 'pre_test_score', 'post_test_score'):
        if getattr(s, name) is not None:
            values[name] = getattr(s, name)
    return values


def _write_attendances(session: TrainingSession, plan: ImportPlan, now: datetime) -> None:
    default_days = session.days if session.status == SessionStatus.held or session.start_date <= date.today() else 0
    inserts, updates = [], []
    for r in plan.rows:
        if r.status == REJECTED:
            continue
        values = _sheet_values(r.sheet_row)
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


def apply_import(session: TrainingSession, plan: ImportPlan) -> dict:
    """Write the whole plan, or nothing (raises ImportRefused if any row is rejected). Bulk statements, so a
    10,000-row sheet stays fast. Returns the summary counts."""
    if not plan.ok:
        raise ImportRefused(plan)
    now = utcnow()
    new_rows = [r for r in plan.rows if r.status == NEW]
    if new_rows:
        _insert_persons(new_rows, now)
    _write_attendances(session, plan, now)
    db.session.flush()
    return plan.summary()
