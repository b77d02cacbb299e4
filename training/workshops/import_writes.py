"""Writing an import plan (see :mod:`.imports`): new persons, empty fields of matched persons filled in (never a known
value overwritten by a blank, and a differing value only where the trainer chose the sheet's), roster entries, and
the day register, which is the one source of "days attended". Bulk statements (COPY on PostgreSQL), so a 10,000-row
sheet stays fast. Flushes, never commits."""
from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from training.db import utcnow
from training.extensions import db
from training.vocab import OrganisationType
from training.workshops import changes, queries
from training.workshops.imports import MATCHED, NEW, ImportPlan, ImportRefused, PlanRow
from training.workshops.models import (
    Attendance,
    AttendanceDay,
    AttendanceRole,
    CheckInMethod,
    Person,
    SessionStatus,
    Sex,
    TrainingSession,
)
from training.workshops.sheets import SheetRow


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


def _insert(table: sa.Table, rows: list[dict]) -> None:
    if not rows:
        return
    if _is_postgresql():
        _copy_rows(table, rows)
    else:
        db.session.execute(sa.insert(table), rows)


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


def _update_persons(plan: ImportPlan, use_sheet: set[tuple[int, str]]) -> None:
    """Matched persons: empty fields filled from the sheet; a differing field replaced only where chosen."""
    taken = set()
    emails = {v for r in plan.valid_rows for f, v in r.fills.items() if f == 'email'}
    emails |= {theirs for r in plan.valid_rows for name, _mine, theirs in r.differences
               if name == 'email' and (r.row, 'email') in use_sheet}
    for cond in queries.in_chunks(Person.email, emails):
        taken.update(db.session.scalars(sa.select(Person.email).where(cond)))
    groups: dict[tuple[str, ...], list[dict]] = {}
    for r in plan.valid_rows:
        if r.status != MATCHED:
            continue
        values = dict(r.fills)
        values.update({name: theirs for name, _mine, theirs in r.differences if (r.row, name) in use_sheet})
        if values.get('email') in taken:
            values.pop('email')  # another person has this address: keep the record's, merge by hand if needed
        if 'sex' in values:
            values['sex'] = Sex[values['sex']]
        if 'organisation_type' in values:
            values['organisation_type'] = OrganisationType[values['organisation_type']]
        if values:
            groups.setdefault(tuple(sorted(values)), []).append({'pid': r.person_id, **{f'v_{k}': v for k, v in
                                                                                       values.items()}})
    table = Person.__table__
    for names, rows in groups.items():  # one executemany per set of fields changed
        stmt = (sa.update(table).where(table.c.id == sa.bindparam('pid'))
                .values({name: sa.bindparam(f'v_{name}') for name in names}))
        db.session.execute(stmt, rows)


def _days_for(s: SheetRow, session: TrainingSession, *, has_day_columns: bool, all_days: list[date]) -> list[date]:
    """The days a row marks present: its day columns; else the first N days for a "days attended" count of N; else,
    for a session that has begun, every day (a sign-in sheet without day columns lists who came)."""
    days = [d for d in s.days if isinstance(d, date)]
    if has_day_columns or days:
        return days
    if s.days_attended is not None:
        return all_days[:s.days_attended]
    if session.status == SessionStatus.held or session.start_date <= date.today():
        return all_days
    return []


def _attendance_values(s: SheetRow) -> dict:
    """The attendance values a sheet row gives (a blank never overwrites a known value)."""
    values = {}
    if 'role' in s.given:
        values['role'] = AttendanceRole[s.role]
    for name in ('pre_test_score', 'post_test_score'):
        if getattr(s, name) is not None:
            values[name] = getattr(s, name)
    return values


def _write_attendances(session: TrainingSession, plan: ImportPlan, now: datetime) -> None:
    inserts = []
    for r in plan.valid_rows:
        values = _attendance_values(r.sheet_row)
        if r.on_roster:
            if values:
                db.session.execute(sa.update(Attendance).where(Attendance.session_id == session.id,
                                                               Attendance.person_id == r.person_id).values(**values))
        else:
            inserts.append({'session_id': session.id, 'person_id': r.person_id, 'days_attended': 0,
                            'role': AttendanceRole.participant, 'pre_test_score': None, 'post_test_score': None,
                            'completed': False, 'created_at': now, **values})
    _insert(Attendance.__table__, inserts)


def _write_days(session: TrainingSession, plan: ImportPlan, now: datetime) -> None:
    """Add the days each row marks present to the register (never removing one), then set every roster entry's
    "days attended" to its count of marked days."""
    has_day_columns = bool(plan.sheet and plan.sheet.day_columns)
    ids = dict(db.session.execute(sa.select(Attendance.person_id, Attendance.id)
                                  .where(Attendance.session_id == session.id)).all())
    marked: set[tuple[int, date]] = set(db.session.execute(
        sa.select(AttendanceDay.attendance_id, AttendanceDay.day).join(Attendance)
        .where(Attendance.session_id == session.id)).tuples())
    rows = []
    all_days = [session.start_date + timedelta(days=i) for i in range(session.days)]
    for r in plan.valid_rows:
        attendance_id = ids[r.person_id]
        for day in _days_for(r.sheet_row, session, has_day_columns=has_day_columns, all_days=all_days):
            if (attendance_id, day) not in marked and session.start_date <= day <= session.end_date:
                marked.add((attendance_id, day))
                rows.append({'attendance_id': attendance_id, 'day': day, 'method': CheckInMethod.imported,
                             'marked_at': now})
    _insert(AttendanceDay.__table__, rows)
    count = (sa.select(sa.func.count(AttendanceDay.id)).where(AttendanceDay.attendance_id == Attendance.id)
             .scalar_subquery())
    db.session.execute(sa.update(Attendance).where(Attendance.session_id == session.id)
                       .values(days_attended=count).execution_options(synchronize_session=False))


def apply_import(session: TrainingSession, plan: ImportPlan, *, accept_valid: bool = False,
                 use_sheet: set[tuple[int, str]] = frozenset()) -> dict:
    """Write the plan: every row, or nothing (raises ImportRefused if any row is rejected) unless ``accept_valid``,
    which writes the valid rows. Returns the summary counts."""
    if plan.problems or (not plan.ok and not accept_valid):
        raise ImportRefused(plan)
    now = utcnow()
    new_rows = [r for r in plan.valid_rows if r.status == NEW]
    if new_rows:
        _insert_persons(new_rows, now)
    _update_persons(plan, use_sheet)
    _write_attendances(session, plan, now)
    _write_days(session, plan, now)
    changes.touch(sessions=[session.id])  # bulk statements: the reporting data follows before the commit
    db.session.flush()
    return plan.summary()
