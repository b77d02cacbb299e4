"""Keeping the reporting data (:mod:`training.reports.models`) current in the same transaction as every write.

What changes a person's reporting rows: an attendance added, removed, moved to another person (a merge) or given
another role or scores; a session's status (held, cancelled), start date, country, course or mode; a person's sex or
organisation type; a person deleted (merge). ORM writes of these are noted by the session events below; bulk
statements note theirs with :func:`training.workshops.changes.touch`. After each flush, and before each commit, the
noted persons' reporting rows are recomputed from the source rows and the cells adjusted by the difference, so a
report read in the same transaction, or after the commit, counts what was written.

Recomputing is per person (a person has a handful of participations): their rows are derived again, compared with
the stored ones, and only a person whose rows differ is rewritten. From SET_BASED_FROM persons on (a sheet import, a
large session changing) the same is done in set-based statements (:func:`training.reports.rebuild.recompute_persons`).
"""
from __future__ import annotations

from collections import Counter, defaultdict

import sqlalchemy as sa

from training.reports import rebuild
from training.reports.models import (
    COUNTRY,
    COURSE,
    DIMS,
    KINDS,
    MODE,
    report_cells,
    report_gain,
    report_rows,
    report_scored,
)
from training.workshops.models import Attendance, AttendanceRole, Person, SessionStatus, TrainingSession

CHUNK = 500
#: From this many persons on, the recompute is done in set-based statements (rebuild.recompute_persons)
SET_BASED_FROM = 200
WATCHED = {
    Attendance: ('person_id', 'session_id', 'role', 'pre_test_score', 'post_test_score'),
    Person: ('sex', 'organisation_type'),
    TrainingSession: ('status', 'start_date', 'country', 'course_slug', 'mode'),
}
ROW_COLUMNS = tuple(c.name for c in report_rows.columns)


# -- deriving a person's rows -------------------------------------------------------------------------------------

def scope_of(row: dict, kind: int) -> tuple[str, str, str]:
    return (row['country'] if kind & COUNTRY else '', row['course'] if kind & COURSE else '',
            row['mode'] if kind & MODE else '')


def scored(row: dict) -> bool:
    return row['pre'] is not None and row['post'] is not None


def link_rows(rows: list[dict]) -> list[dict]:
    """Set p<k>, m<k>, n<k> on one person's rows: previous participation's day and month number, next one's day,
    within each scope (same country / course / mode as the kind says), in the order (day, session); and ps, ns on
    those with both scores: the previous and next one with both scores."""
    rows.sort(key=lambda r: (r['day'], r['session_id']))
    for kind in KINDS:
        last: dict[tuple, dict] = {}
        for row in rows:
            scope = scope_of(row, kind)
            prev = last.get(scope)
            row[f'p{kind}'] = prev['day'] if prev else None
            row[f'm{kind}'] = prev['month'] if prev else None
            row[f'n{kind}'] = None
            if prev:
                prev[f'n{kind}'] = row['day']
            last[scope] = row
    prev = None
    for row in rows:
        row['ps'] = row['ns'] = None
        if scored(row):
            if prev:
                row['ps'], prev['ns'] = prev['day'], row['day']
            prev = row
    return rows


def source_rows(conn: sa.Connection, person_ids: list[int]) -> dict[int, list[dict]]:
    """{person id: [reporting row]} derived from the source rows (participants of held sessions)."""
    stmt = (sa.select(Attendance.id, Attendance.person_id, Attendance.session_id, TrainingSession.start_date,
                      TrainingSession.country, TrainingSession.course_slug, TrainingSession.mode, Person.sex,
                      Person.organisation_type, Attendance.pre_test_score, Attendance.post_test_score)
            .join(TrainingSession, TrainingSession.id == Attendance.session_id)
            .join(Person, Person.id == Attendance.person_id)
            .where(Attendance.person_id.in_(person_ids), Attendance.role == AttendanceRole.participant,
                   TrainingSession.status == SessionStatus.held))
    out: dict[int, list[dict]] = defaultdict(list)
    for aid, pid, sid, start, country, course, mode, sex, org, pre, post in conn.execute(stmt):
        out[pid].append({'attendance_id': aid, 'person_id': pid, 'session_id': sid, 'day': start.toordinal(),
                         'year': start.year, 'month': start.year * 12 + start.month - 1, 'country': country,
                         'course': course or '', 'mode': mode.name, 'sex': sex.name, 'org': org.name if org else '',
                         'pre': pre, 'post': post})
    return {pid: link_rows(rows) for pid, rows in out.items()}


def stored_rows(conn: sa.Connection, person_ids: list[int]) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = defaultdict(list)
    for row in conn.execute(sa.select(report_rows).where(report_rows.c.person_id.in_(person_ids))).mappings():
        out[row['person_id']].append(dict(row))
    return out


def _same(old: list[dict], new: list[dict]) -> bool:
    def key(rows):
        return sorted(tuple(r[c] for c in ROW_COLUMNS) for r in rows)
    return len(old) == len(new) and key(old) == key(new)


# -- what a person's rows add to the cells ------------------------------------------------------------------------

def cell_counts(rows: list[dict], sign: int, cells: Counter) -> None:
    for row in rows:
        for kind in KINDS:
            scope = scope_of(row, kind)
            prev_month = row[f'm{kind}'] or 0
            for dim, value in zip(DIMS, ('', row['sex'], row['org']), strict=True):
                cells[(kind, dim, *scope, value, row['month'], prev_month)] += sign


def scored_sums(rows: list[dict], sign: int, sums: dict) -> None:
    """One person's participations with both scores, and their scores, per scope and month."""
    for row in rows:
        if scored(row):
            for kind in KINDS:
                total = sums.setdefault((kind, *scope_of(row, kind), row['month']), [0, 0.0, 0.0])
                total[0] += sign
                total[1] += sign * row['pre']
                total[2] += sign * row['post']


def gain_sums(rows: list[dict], sign: int, gain: dict) -> None:
    """One person's knowledge-gain contribution to each scope: 1 person, mean pre, mean post (both scores)."""
    with_both = [r for r in rows if scored(r)]
    for kind in KINDS:
        sums: dict[tuple, list] = {}
        for row in with_both:
            s = sums.setdefault(scope_of(row, kind), [0.0, 0.0, 0])
            s[0] += row['pre']
            s[1] += row['post']
            s[2] += 1
        for scope, (pre, post, n) in sums.items():
            total = gain.setdefault((kind, *scope), [0, 0.0, 0.0])
            total[0] += sign
            total[1] += sign * pre / n
            total[2] += sign * post / n


# -- applying -----------------------------------------------------------------------------------------------------

CELL_KEY = ('kind', 'dim', 'country', 'course', 'mode', 'value', 'month', 'prev_month')
SCORED_KEY = ('kind', 'country', 'course', 'mode', 'month')
GAIN_KEY = ('kind', 'country', 'course', 'mode')
UPSERT_CELL = sa.text(
    'INSERT INTO report_cells (kind, dim, country, course, mode, value, month, prev_month, n) '
    'VALUES (:kind, :dim, :country, :course, :mode, :value, :month, :prev_month, :n) '
    'ON CONFLICT (kind, dim, country, course, mode, value, month, prev_month) '
    'DO UPDATE SET n = report_cells.n + excluded.n')
UPSERT_SCORED = sa.text(
    'INSERT INTO report_scored (kind, country, course, mode, month, n, sum_pre, sum_post) '
    'VALUES (:kind, :country, :course, :mode, :month, :n, :sum_pre, :sum_post) '
    'ON CONFLICT (kind, country, course, mode, month) DO UPDATE SET n = report_scored.n + excluded.n, '
    'sum_pre = report_scored.sum_pre + excluded.sum_pre, sum_post = report_scored.sum_post + excluded.sum_post')
UPSERT_GAIN = sa.text(
    'INSERT INTO report_gain (kind, country, course, mode, persons, sum_pre, sum_post) '
    'VALUES (:kind, :country, :course, :mode, :persons, :sum_pre, :sum_post) '
    'ON CONFLICT (kind, country, course, mode) DO UPDATE SET persons = report_gain.persons + excluded.persons, '
    'sum_pre = report_gain.sum_pre + excluded.sum_pre, sum_post = report_gain.sum_post + excluded.sum_post')


def apply_deltas(conn: sa.Connection, cells: Counter, gain: dict, scored_: dict) -> None:
    """Add the differences to the cells, in key order (two transactions never wait on each other in a cycle)."""
    rows = [dict(zip(CELL_KEY, key, strict=True), n=n) for key, n in sorted(cells.items()) if n]
    if rows:
        conn.execute(UPSERT_CELL, rows)
    months = [dict(zip(SCORED_KEY, key, strict=True), n=v[0], sum_pre=v[1], sum_post=v[2])
              for key, v in sorted(scored_.items()) if v[0] or v[1] or v[2]]
    if months:
        conn.execute(UPSERT_SCORED, months)
    drained = [dict(zip(SCORED_KEY, key, strict=True)) for key, v in sorted(scored_.items()) if v[0] < 0]
    if drained:
        conn.execute(sa.delete(report_scored).where(
            *[report_scored.c[name] == sa.bindparam(name) for name in SCORED_KEY], report_scored.c.n == 0), drained)
    sums = [dict(zip(GAIN_KEY, key, strict=True), persons=v[0], sum_pre=v[1], sum_post=v[2])
            for key, v in sorted(gain.items()) if v[0] or v[1] or v[2]]
    if sums:
        conn.execute(UPSERT_GAIN, sums)
    emptied = [dict(zip(CELL_KEY, key, strict=True)) for key, n in sorted(cells.items()) if n < 0]
    if emptied:  # cells this change may have brought to zero
        conn.execute(sa.delete(report_cells).where(
            *[report_cells.c[name] == sa.bindparam(name) for name in CELL_KEY], report_cells.c.n == 0), emptied)
    gone = [dict(zip(GAIN_KEY, key, strict=True)) for key, v in sorted(gain.items()) if v[0] < 0]
    if gone:
        conn.execute(sa.delete(report_gain).where(
            *[report_gain.c[name] == sa.bindparam(name) for name in GAIN_KEY], report_gain.c.persons == 0), gone)


def _lock(conn: sa.Connection, person_ids: list[int]) -> None:
    """PostgreSQL: two transactions recomputing one person take turns (the second reads what the first wrote)."""
    if conn.dialect.name == 'postgresql':
        conn.execute(sa.select(Person.id).where(Person.id.in_(person_ids)).order_by(Person.id)
                     .with_for_update(key_share=True))  # FOR NO KEY UPDATE: no wait on foreign-key checks


def recompute(conn: sa.Connection, person_ids) -> int:
    """Bring the reporting rows of these persons up to date and the cells with them. Returns persons rewritten."""
    ids = sorted(set(person_ids))
    if len(ids) >= SET_BASED_FROM:
        return rebuild.recompute_persons(conn, ids)
    changed = 0
    cells: Counter = Counter()
    gain: dict = {}
    months: dict = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        _lock(conn, chunk)
        old, new = stored_rows(conn, chunk), source_rows(conn, chunk)
        redo = [pid for pid in chunk if not _same(old.get(pid, []), new.get(pid, []))]
        if not redo:
            continue
        for pid in redo:
            cell_counts(old.get(pid, []), -1, cells)
            cell_counts(new.get(pid, []), 1, cells)
            gain_sums(old.get(pid, []), -1, gain)
            gain_sums(new.get(pid, []), 1, gain)
            scored_sums(old.get(pid, []), -1, months)
            scored_sums(new.get(pid, []), 1, months)
        conn.execute(sa.delete(report_rows).where(report_rows.c.person_id.in_(redo)))
        inserts = [row for pid in redo for row in new.get(pid, [])]
        if inserts:
            conn.execute(sa.insert(report_rows), inserts)
        changed += len(redo)
    apply_deltas(conn, cells, gain, months)
    return changed
