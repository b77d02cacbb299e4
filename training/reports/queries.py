"""Programme figures, every one a SQL aggregate (GROUP BY / COUNT DISTINCT in the database, never a Python loop
over attendance rows). Each table function returns ``(headers, rows)`` with stable keys; the view translates the
headers and formats the numbers.

Definitions: training.reports.definitions.MEASURES (DESIGN section 6).
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import current_app

from training.courses.stats import completion_summary
from training.extensions import db
from training.reports.definitions import FIGURE_TABLES, ReportFilter
from training.workshops.models import (
    Attendance,
    AttendanceRole,
    Person,
    SessionMode,
    SessionStatus,
    Sex,
    TrainingSession,
)

#: Sessions listed on the page (the downloads hold all of them)
SESSION_LIST_LIMIT = 200


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


def _year():
    return sa.extract('year', TrainingSession.start_date)


PERSONS = sa.func.count(sa.distinct(Attendance.person_id))
PARTICIPATIONS = sa.func.count()


def session_figures(f: ReportFilter) -> dict:
    s = db.session.execute(sa.select(
        sa.func.count(TrainingSession.id), sa.func.count(sa.distinct(TrainingSession.country)),
        sa.func.min(TrainingSession.start_date), sa.func.max(TrainingSession.start_date))
        .where(*session_conditions(f))).one()
    return {'sessions': int(s[0]), 'countries': int(s[1]), 'first_date': s[2], 'last_date': s[3]}


def person_crosstab(f: ReportFilter) -> list[tuple]:
    """(sex, organisation type, persons trained, participations): one pass over the participations.

    Participations are first grouped by person (so each person is one row, whatever the number of sessions), then
    joined to persons once per person rather than once per participation. Totals, the sex and the organisation
    type tables are sums over these few aggregate rows (at most 4 x 14), see ``rollup``.
    """
    per_person = (_participants(f, Attendance.person_id.label('person_id'), PARTICIPATIONS.label('n'))
                  .group_by(Attendance.person_id).subquery())
    stmt = (sa.select(Person.sex, Person.organisation_type, sa.func.count(), sa.func.sum(per_person.c.n))
            .select_from(per_person).join(Person, Person.id == per_person.c.person_id)
            .group_by(Person.sex, Person.organisation_type))
    return [(sex, org, int(p), int(n or 0)) for sex, org, p, n in db.session.execute(stmt)]


def rollup(crosstab: list[tuple], index: int | None) -> dict:
    """Sum the cross-tab's (persons, participations) by column ``index`` (0 sex, 1 organisation type) or in total."""
    out: dict = {}
    for row in crosstab:
        key = row[index] if index is not None else None
        persons, participations = out.get(key, (0, 0))
        out[key] = (persons + row[2], participations + row[3])
    return out


def combine(figures: dict, crosstab: list[tuple]) -> dict:
    """The headline figures: session figures plus persons trained, participations and women trained."""
    total = rollup(crosstab, None).get(None, (0, 0))
    women = rollup(crosstab, 0).get(Sex.female, (0, 0))
    return {**figures, 'persons_trained': total[0], 'participations': total[1], 'women_trained': women[0]}


def summary(f: ReportFilter, crosstab: list[tuple] | None = None) -> dict:
    return combine(session_figures(f), person_crosstab(f) if crosstab is None else crosstab)


def _merge(keys_sessions: dict, keys_people: dict) -> list[tuple]:
    keys = sorted(set(keys_sessions) | set(keys_people), key=lambda k: (k is None, k))
    return [(k, *keys_sessions.get(k, (0, 0)), *keys_people.get(k, (0, 0))) for k in keys]


def _by(f: ReportFilter, key) -> list[tuple]:
    """(key, sessions, countries, persons trained, participations) grouped by a session column."""
    sessions = {row[0]: (int(row[1]), int(row[2])) for row in db.session.execute(
        sa.select(key, sa.func.count(TrainingSession.id), sa.func.count(sa.distinct(TrainingSession.country)))
        .where(*session_conditions(f)).group_by(key))}
    people = {row[0]: (int(row[1]), int(row[2])) for row in db.session.execute(
        _participants(f, key, PERSONS, PARTICIPATIONS).group_by(key))}
    return _merge(sessions, people)


def by_year(f: ReportFilter):
    rows = [(int(k), *rest) for k, *rest in _by(f, _year())]
    return ['year', 'sessions', 'countries', 'persons_trained', 'participations'], rows


def by_country(f: ReportFilter):
    rows = [(k, s, p, n) for k, s, _c, p, n in _by(f, TrainingSession.country)]
    rows.sort(key=lambda r: (-r[2], r[0]))
    return ['country', 'sessions', 'persons_trained', 'participations'], rows


def by_course(f: ReportFilter):
    rows = [(k, s, c, p, n) for k, s, c, p, n in _by(f, TrainingSession.course_slug)]
    rows.sort(key=lambda r: (-r[3], r[0] or ''))
    return ['course', 'sessions', 'countries', 'persons_trained', 'participations'], rows


def by_sex(f: ReportFilter, crosstab: list[tuple] | None = None):
    totals = rollup(person_crosstab(f) if crosstab is None else crosstab, 0)
    rows = [(k, *totals[k]) for k in Sex if k in totals]
    return ['sex', 'persons_trained', 'participations'], rows


def by_organisation_type(f: ReportFilter, crosstab: list[tuple] | None = None):
    totals = rollup(person_crosstab(f) if crosstab is None else crosstab, 1)
    rows = sorted(((k, *v) for k, v in totals.items()), key=lambda r: (-r[1], r[0].name if r[0] else '~'))
    return ['organisation_type', 'persons_trained', 'participations'], rows


def knowledge_gain(f: ReportFilter):
    """Per course and overall (DESIGN section 6): each person's gain is post-test minus pre-test score, averaged
    over that person's participations where both were taken; the table gives the mean over persons (and the mean
    pre- and post-test scores the same way).

    One pass over the participations: sums per (course, person) are kept in a materialised CTE, from which the
    per-course means and the overall means (sums regrouped per person) are both taken.
    """
    both = sa.and_(Attendance.pre_test_score.is_not(None), Attendance.post_test_score.is_not(None))
    course = TrainingSession.course_slug.label('course')
    cells = (_participants(f, course, Attendance.person_id.label('person_id'),
                           sa.func.sum(Attendance.pre_test_score).label('pre'),
                           sa.func.sum(Attendance.post_test_score).label('post'), sa.func.count().label('n'))
             .where(both).group_by(TrainingSession.course_slug, Attendance.person_id)
             .cte('kg_cells').prefix_with('MATERIALIZED'))

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
    rows = sorted(((k, int(n), _round(pre), _round(post), _round(gain))
                   for k, overall_row, n, pre, post, gain in results if n and not overall_row),
                  key=lambda r: r[0] or '')
    if rows:
        n, pre, post, gain = next(r[2:] for r in results if r[1])
        rows.append(('__all__', int(n), _round(pre), _round(post), _round(gain)))
    return ['course', 'persons_with_both', 'pre_mean', 'post_mean', 'gain_mean'], rows


def _round(value) -> float | None:
    return None if value is None else round(float(value), 1)


def sessions(f: ReportFilter, *, limit: int | None = None):
    """The sessions of the period with their participants and women participants (index range counts per
    session, so listing the first sessions does not aggregate the whole table)."""
    participant = sa.and_(Attendance.session_id == TrainingSession.id, Attendance.role == AttendanceRole.participant)
    n = sa.select(sa.func.count()).select_from(Attendance).where(participant).correlate(TrainingSession)
    women = (sa.select(sa.func.count()).select_from(Attendance).join(Person, Person.id == Attendance.person_id)
             .where(participant, Person.sex == Sex.female).correlate(TrainingSession))
    stmt = (sa.select(TrainingSession.code, TrainingSession.title, TrainingSession.country, TrainingSession.city,
                      TrainingSession.start_date, TrainingSession.end_date, TrainingSession.mode,
                      TrainingSession.course_slug, n.scalar_subquery(), women.scalar_subquery())
            .where(*session_conditions(f)).order_by(TrainingSession.start_date, TrainingSession.code))
    if limit:
        stmt = stmt.limit(limit)
    rows = [(code, title, country, city, start, end, mode, course, int(p), int(w))
            for code, title, country, city, start, end, mode, course, p, w in db.session.execute(stmt)]
    return ['code', 'title', 'country', 'city', 'start_date', 'end_date', 'mode', 'course', 'participants',
            'women'], rows


def online_courses(start: date, end: date):
    rows = [(d.get('title') or d.get('course'), d.get('language'), d.get('enrolled'),
             '; '.join(f'{lang}: {n}' for lang, n in (d.get('languages') or {}).items()), d.get('completed'),
             d.get('certificates'), _round(d.get('pre_mean')), _round(d.get('post_mean')))
            for d in completion_summary(start, end)]
    return ['title', 'language', 'enrolled', 'enrolled_by_language', 'completed', 'certificates', 'pre_mean',
            'post_mean'], rows


def filter_options() -> dict:
    """Countries, courses and modes that occur among held sessions (for the filter form)."""
    countries = [c for (c,) in db.session.execute(
        sa.select(TrainingSession.country).where(TrainingSession.status == SessionStatus.held).distinct())]
    courses = [c for (c,) in db.session.execute(
        sa.select(TrainingSession.course_slug).where(TrainingSession.status == SessionStatus.held,
                                                     TrainingSession.course_slug.is_not(None)).distinct())]
    return {'countries': sorted(countries), 'courses': sorted(courses)}


@dataclass
class Report:
    filter: ReportFilter
    start: date | None
    end: date | None
    summary: dict
    tables: dict[str, tuple[list[str], list[tuple]]] = field(default_factory=dict)


TABLE_FUNCTIONS = {
    'by_year': by_year, 'by_country': by_country, 'by_sex': by_sex, 'by_organisation_type': by_organisation_type,
    'by_course': by_course, 'knowledge_gain': knowledge_gain,
}


def _parallel_allowed() -> bool:
    """Independent aggregates run side by side on separate connections (PostgreSQL, or SQLite files in WAL mode),
    so the page waits for the slowest query rather than their sum. Not for in-memory SQLite (one shared
    connection) or when REPORT_PARALLEL_QUERIES is off."""
    if not current_app.config.get('REPORT_PARALLEL_QUERIES', True):
        return False
    url = db.engine.url
    return not (url.get_backend_name() == 'sqlite' and url.database in (None, '', ':memory:'))


def _run_all(tasks: dict, parallel: bool) -> dict:
    if not parallel or len(tasks) < 2:
        return {key: fn() for key, fn in tasks.items()}
    app = current_app._get_current_object()

    def call(fn):
        with app.app_context():
            try:
                return fn()
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=min(4, len(tasks))) as pool:
        futures = {key: pool.submit(call, fn) for key, fn in tasks.items()}
        return {key: future.result() for key, future in futures.items()}


def build_report(f: ReportFilter, *, session_limit: int | None = SESSION_LIST_LIMIT,
                 tables: tuple[str, ...] | None = None, parallel: bool | None = None) -> Report:
    """Every figure behind the programme report page (or the named tables only)."""
    wanted = tables if tables is not None else tuple(t.key for t in FIGURE_TABLES)
    tasks = {'crosstab': lambda: person_crosstab(f), 'session_figures': lambda: session_figures(f)}
    for key in wanted:
        if key in TABLE_FUNCTIONS and key not in ('by_sex', 'by_organisation_type'):
            tasks[key] = (lambda key=key: TABLE_FUNCTIONS[key](f))
        elif key == 'sessions':
            tasks[key] = lambda: sessions(f, limit=session_limit)
    results = _run_all(tasks, _parallel_allowed() if parallel is None else parallel)
    crosstab = results.pop('crosstab')
    figures = combine(results.pop('session_figures'), crosstab)
    start = f.start or figures['first_date']
    end = f.end or figures['last_date']
    report = Report(f, start, end, figures)
    for key in wanted:
        if key in ('by_sex', 'by_organisation_type'):
            report.tables[key] = TABLE_FUNCTIONS[key](f, crosstab)
        elif key == 'online_courses':
            report.tables[key] = online_courses(start or date(2000, 1, 1), end or date.today())
        else:
            report.tables[key] = results[key]
    return report
