"""The programme figures computed directly from the source rows (attendances, sessions, persons): the reference.

Every figure about persons is a distinct count or a per-person mean over the attendance rows of the period, so
this costs a pass over up to every attendance row. The report page reads the same figures from the reporting data
(:mod:`training.reports.figures`); the property tests and ``flask report rebuild --check`` hold them equal to
these. Each function here has its twin there, with the same arguments and the same result.

Definitions: training.reports.definitions.MEASURES (DESIGN section 6).
"""
from __future__ import annotations

import sqlalchemy as sa

from training.extensions import db
from training.reports.definitions import ReportFilter
from training.workshops.models import (
    Attendance,
    AttendanceRole,
    Person,
    SessionMode,
    SessionStatus,
    Sex,
    TrainingSession,
)


def session_conditions(f: ReportFilter) -> list:
    conds = [TrainingSession.status == SessionStatus.held]
    if f.start:
        conds.append(TrainingSession.start_date >= f.start)
    if f.end:
        conds.append(TrainingSession.start_date <= f.end)
    if f.country:
        conds.append(TrainingSession.country == f.country)
    if f.course:
        conds.append(TrainingSession.course_slug == f.course)
    if f.mode:
        conds.append(TrainingSession.mode == SessionMode[f.mode])
    return conds


def _participants(f: ReportFilter, *columns):
    """SELECT columns FROM attendances JOIN training_sessions WHERE participant AND the session filters."""
    return (sa.select(*columns).select_from(Attendance)
            .join(TrainingSession, TrainingSession.id == Attendance.session_id)
            .where(Attendance.role == AttendanceRole.participant, *session_conditions(f)))


def year_of_start():
    return sa.extract('year', TrainingSession.start_date)


PERSONS = sa.func.count(sa.distinct(Attendance.person_id))
PARTICIPATIONS = sa.func.count()
BY_COLUMNS = {'year': year_of_start, 'country': lambda: TrainingSession.country,
              'course': lambda: TrainingSession.course_slug}


def person_dims(f: ReportFilter) -> dict[str, dict]:
    """(persons trained, participations) in total ({None: ...}), by sex and by organisation type:
    ``{'': {None: (p, n)}, 'sex': {Sex: (p, n)}, 'org': {OrganisationType | None: (p, n)}}``.

    One pass: participations grouped by person first, then joined to persons once per person."""
    per_person = (_participants(f, Attendance.person_id.label('person_id'), PARTICIPATIONS.label('n'))
                  .group_by(Attendance.person_id).subquery())
    stmt = (sa.select(Person.sex, Person.organisation_type, sa.func.count(), sa.func.sum(per_person.c.n))
            .select_from(per_person).join(Person, Person.id == per_person.c.person_id)
            .group_by(Person.sex, Person.organisation_type))
    out: dict[str, dict] = {'': {}, 'sex': {}, 'org': {}}
    for sex, org, persons, n in db.session.execute(stmt):
        for dim, key in (('', None), ('sex', sex), ('org', org)):
            p0, n0 = out[dim].get(key, (0, 0))
            out[dim][key] = (p0 + int(persons), n0 + int(n or 0))
    return out


def persons_by(f: ReportFilter, column: str) -> dict:
    """{year / country / course: (persons trained, participations)} -- persons counted once per group."""
    key = BY_COLUMNS[column]()
    rows = db.session.execute(_participants(f, key, PERSONS, PARTICIPATIONS).group_by(key))
    return {(int(k) if column == 'year' else k): (int(p), int(n)) for k, p, n in rows}


def knowledge_gain(f: ReportFilter) -> list[tuple]:
    """[(course, persons, pre mean, post mean, gain mean)] per course, then ('__all__', ...) over all courses;
    unrounded. Each person's gain is post minus pre averaged over that person's participations with both scores
    (per course, and over all of them for the overall row); the means are over persons."""
    both = sa.and_(Attendance.pre_test_score.is_not(None), Attendance.post_test_score.is_not(None))
    course = TrainingSession.course_slug.label('course')
    cells = (_participants(f, course, Attendance.person_id.label('person_id'),
                           sa.func.sum(Attendance.pre_test_score).label('pre'),
                           sa.func.sum(Attendance.post_test_score).label('post'), sa.func.count().label('n'))
             .where(both).group_by(TrainingSession.course_slug, Attendance.person_id)
             .cte('kg_cells').prefix_with('MATERIALIZED'))
    return gain_rows(cells)


def gain_rows(cells) -> list[tuple]:
    """The per-course and overall means from per-(course, person) sums (columns course, person_id, pre, post, n)."""
    def means(pre, post):
        return sa.func.count(), sa.func.avg(pre), sa.func.avg(post), sa.func.avg(post - pre)

    per_course = (sa.select(cells.c.course, sa.literal(0).label('overall'),
                            *means(cells.c.pre / cells.c.n, cells.c.post / cells.c.n))
                  .group_by(cells.c.course))
    people = (sa.select(sa.func.sum(cells.c.pre).label('pre'), sa.func.sum(cells.c.post).label('post'),
                        sa.func.sum(cells.c.n).label('n'))
              .group_by(cells.c.person_id).subquery())
    overall = sa.select(sa.null(), sa.literal(1), *means(people.c.pre / people.c.n, people.c.post / people.c.n))
    results = db.session.execute(sa.union_all(per_course, overall)).all()
    rows = sorted(((k or None, int(n), pre, post, gain) for k, overall_row, n, pre, post, gain in results
                   if n and not overall_row), key=lambda r: r[0] or '')
    total = next((r for r in results if r[1] and r[2]), None)
    if rows and total is not None:
        rows.append(('__all__', int(total[2]), total[3], total[4], total[5]))
    return rows


def session_counts(session_ids: list[int]) -> dict[int, tuple[int, int]]:
    """{session id: (participants, women participants)}."""
    stmt = (sa.select(Attendance.session_id, sa.func.count(),
                      sa.func.count().filter(Person.sex == Sex.female))
            .join(Person, Person.id == Attendance.person_id)
            .where(Attendance.session_id.in_(session_ids), Attendance.role == AttendanceRole.participant)
            .group_by(Attendance.session_id))
    return {sid: (int(n), int(w)) for sid, n, w in db.session.execute(stmt)} if session_ids else {}
