"""Writing an import plan (see :mod:`.imports`): new persons, empty fields of matched persons filled in (never a known
value overwritten by a blank, and a differing value only where the trainer chose the sheet's), roster entries, and
the day register, which is the one source of "days attended". Bulk statements (:mod:`training.bulk`: COPY on
PostgreSQL), so a 10,000-row sheet stays fast. Flushes, never commits."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime

import sqlalchemy as sa

from training.bulk import insert_rows, is_postgresql, reserve_ids, update_rows
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
    if is_postgresql():
        for row, pid in zip(values, reserve_ids(table, len(values)), strict=True):
            row['id'] = pid
            ids[(row['name_key'], row['country'], row['email'])] = pid
        insert_rows(table, values)
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
            groups.setdefault(tuple(sorted(values)), []).append({'id': r.person_id, **values})
    for rows in groups.values():  # one bulk update per set of fields changed
        update_rows(Person.__table__, rows)


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


def _present_days(session: TrainingSession, plan: ImportPlan) -> dict[int, list[date]]:
    """{sheet row: the session's days it marks present}, each day once."""
    has_day_columns = bool(plan.sheet and plan.sheet.day_columns)
    all_days = queries.session_days(session)
    return {r.row: [d for d in dict.fromkeys(_days_for(r.sheet_row, session, has_day_columns=has_day_columns,
                                                       all_days=all_days))
                    if session.start_date <= d <= session.end_date] for r in plan.valid_rows}


def _write_attendances(session: TrainingSession, plan: ImportPlan, days: dict[int, list[date]],
                       now: datetime) -> None:
    """Roster entries: new ones written with their count of marked days; those already there get the sheet's role
    and scores where it gives them."""
    inserts = []
    for r in plan.valid_rows:
        values = _attendance_values(r.sheet_row)
        if r.on_roster:
            if values:
                db.session.execute(sa.update(Attendance).where(Attendance.session_id == session.id,
                                                               Attendance.person_id == r.person_id).values(**values))
        else:
            inserts.append({'session_id': session.id, 'person_id': r.person_id, 'days_attended': len(days[r.row]),
                            'role': AttendanceRole.participant, 'pre_test_score': None, 'post_test_score': None,
                            'completed': False, 'created_at': now, **values})
    insert_rows(Attendance.__table__, inserts)


def _write_days(session: TrainingSession, plan: ImportPlan, days: dict[int, list[date]], now: datetime) -> None:
    """Add the days each row marks present to the register (never removing one), then set every roster entry's
    "days attended" to its count of marked days where it differs (new entries were written with theirs)."""
    roster = {person_id: (attendance_id, stored) for person_id, attendance_id, stored in db.session.execute(
        sa.select(Attendance.person_id, Attendance.id, Attendance.days_attended)
        .where(Attendance.session_id == session.id))}
    marked: set[tuple[int, date]] = set(db.session.execute(
        sa.select(AttendanceDay.attendance_id, AttendanceDay.day).join(Attendance)
        .where(Attendance.session_id == session.id)).tuples())
    rows = []
    for r in plan.valid_rows:
        attendance_id = roster[r.person_id][0]
        for day in days[r.row]:
            if (attendance_id, day) not in marked:
                marked.add((attendance_id, day))
                rows.append({'attendance_id': attendance_id, 'day': day, 'method': CheckInMethod.imported,
                             'marked_at': now})
    insert_rows(AttendanceDay.__table__, rows)
    counts = Counter(attendance_id for attendance_id, _day in marked)
    update_rows(Attendance.__table__, [{'id': attendance_id, 'days_attended': counts[attendance_id]}
                                       for attendance_id, stored in roster.values()
                                       if counts[attendance_id] != stored])


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
    days = _present_days(session, plan)
    _write_attendances(session, plan, days, now)
    _write_days(session, plan, days, now)
    changes.touch(sessions=[session.id])  # bulk statements: the reporting data follows before the commit
    db.session.flush()
    return plan.summary()
