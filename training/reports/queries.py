"""Programme figures, every one a SQL aggregate (GROUP BY / COUNT DISTINCT in the database, never a Python loop
over attendance rows). Each table function returns ``(headers, rows)`` with stable keys; the view translates the
headers and formats the numbers.

Definitions: training.reports.definitions.MEASURES (DESIGN section 6).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

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
PARTICIPATIONS = sa.func.count(Attendance.id)


def summary(f: ReportFilter) -> dict:
    s = db.session.execute(sa.select(
        sa.func.count(TrainingSession.id), sa.func.count(sa.distinct(TrainingSession.country)),
        sa.func.min(TrainingSession.start_date), sa.func.max(TrainingSession.start_date))
        .where(*session_conditions(f))).one()
    p = db.session.execute(_participants(f, PERSONS, PARTICIPATIONS,
                                         sa.func.count(sa.distinct(sa.case(
                                             (Person.sex == Sex.female, Attendance.person_id))))).join(
        Person, Person.id == Attendance.person_id)).one()
    return {'sessions': int(s[0]), 'countries': int(s[1]), 'first_date': s[2], 'last_date': s[3],
            'persons_trained': int(p[0]), 'participations': int(p[1]), 'women_trained': int(p[2])}


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


def _by_person(f: ReportFilter, column) -> list[tuple]:
    stmt = (_participants(f, column, PERSONS, PARTICIPATIONS).join(Person, Person.id == Attendance.person_id)
            .group_by(column))
    return [(k, int(p), int(n)) for k, p, n in db.session.execute(stmt)]


def by_sex(f: ReportFilter):
    return ['sex', 'persons_trained', 'participations'], _by_person(f, Person.sex)


def by_organisation_type(f: ReportFilter):
    rows = _by_person(f, Person.organisation_type)
    rows.sort(key=lambda r: (-r[1], r[0].name if r[0] else '~'))
    return ['organisation_type', 'persons_trained', 'participations'], rows


def knowledge_gain(f: ReportFilter):
    """Per course and overall: participations with both scores, mean pre, mean post, mean gain (points)."""
    both = sa.and_(Attendance.pre_test_score.is_not(None), Attendance.post_test_score.is_not(None))
    cols = (sa.func.count(Attendance.id), sa.func.avg(Attendance.pre_test_score),
            sa.func.avg(Attendance.post_test_score),
            sa.func.avg(Attendance.post_test_score - Attendance.pre_test_score))
    per_course = db.session.execute(_participants(f, TrainingSession.course_slug, *cols).where(both)
                                    .group_by(TrainingSession.course_slug)
                                    .order_by(TrainingSession.course_slug)).all()
    total = db.session.execute(_participants(f, *cols).where(both)).one()

    def row(key, n, pre, post, gain):
        return (key, int(n), _round(pre), _round(post), _round(gain))

    rows = [row(k, *rest) for k, *rest in per_course if rest[0]]
    if total[0]:
        rows.append(row('__all__', *total))
    return ['course', 'participations_with_both', 'pre_mean', 'post_mean', 'gain_mean'], rows


def _round(value) -> float | None:
    return None if value is None else round(float(value), 1)


def sessions(f: ReportFilter, *, limit: int | None = None):
    participants = (sa.select(Attendance.session_id, PARTICIPATIONS.label('n'),
                              sa.func.sum(sa.case((Person.sex == Sex.female, 1), else_=0)).label('women'))
                    .join(Person, Person.id == Attendance.person_id)
                    .join(TrainingSession, TrainingSession.id == Attendance.session_id)
                    .where(Attendance.role == AttendanceRole.participant, *session_conditions(f))
                    .group_by(Attendance.session_id).subquery())
    stmt = (sa.select(TrainingSession.code, TrainingSession.title, TrainingSession.country, TrainingSession.city,
                      TrainingSession.start_date, TrainingSession.end_date, TrainingSession.mode,
                      TrainingSession.course_slug, sa.func.coalesce(participants.c.n, 0),
                      sa.func.coalesce(participants.c.women, 0))
            .outerjoin(participants, participants.c.session_id == TrainingSession.id)
            .where(*session_conditions(f)).order_by(TrainingSession.start_date, TrainingSession.code))
    if limit:
        stmt = stmt.limit(limit)
    rows = [(code, title, country, city, start, end, mode, course, int(n), int(w))
            for code, title, country, city, start, end, mode, course, n, w in db.session.execute(stmt)]
    return ['code', 'title', 'country', 'city', 'start_date', 'end_date', 'mode', 'course', 'participants',
            'women'], rows


def online_courses(start: date, end: date):
    from training.courses.stats import completion_summary
    rows = [(d.get('course'), d.get('title'), d.get('language'), d.get('enrolled'), d.get('completed'),
             d.get('certificates'), d.get('pre_mean'), d.get('post_mean')) for d in completion_summary(start, end)]
    return ['course', 'title', 'language', 'enrolled', 'completed', 'certificates', 'pre_mean', 'post_mean'], rows


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


def build_report(f: ReportFilter, *, session_limit: int | None = SESSION_LIST_LIMIT,
                 tables: tuple[str, ...] | None = None) -> Report:
    """Every figure behind the programme report page (or the named tables only)."""
    figures = summary(f)
    start = f.start or figures['first_date']
    end = f.end or figures['last_date']
    report = Report(f, start, end, figures)
    wanted = tables or ('by_year', 'by_country', 'by_sex', 'by_organisation_type', 'by_course', 'knowledge_gain',
                        'online_courses', 'sessions')
    for key in wanted:
        if key in TABLE_FUNCTIONS:
            report.tables[key] = TABLE_FUNCTIONS[key](f)
        elif key == 'sessions':
            report.tables[key] = sessions(f, limit=session_limit)
        elif key == 'online_courses':
            report.tables[key] = online_courses(start or date(2000, 1, 1), end or date.today())
    return report
