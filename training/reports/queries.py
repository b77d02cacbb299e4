"""Programme figures. Each table function returns ``(headers, rows)`` with stable keys; the view translates the
headers and formats the numbers. Figures about sessions are read from the sessions; figures about persons from the
reporting data (:mod:`training.reports.figures`), or with ``source='reference'`` computed from the attendance rows
(:mod:`training.reports.reference`), which the tests hold them equal to.

Definitions: training.reports.definitions.MEASURES (DESIGN section 6).
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import current_app

from training.courses.stats import completion_summary, objective_summary
from training.db import sqlite_in_memory
from training.extensions import db
from training.reports import figures, reference
from training.reports.definitions import FIGURE_TABLES, ReportFilter
from training.workshops.models import SessionStatus, Sex, TrainingSession

#: Sessions listed on the page (the downloads hold all of them)
SESSION_LIST_LIMIT = 200
#: Where the figures about persons come from: the reporting data (the page), or the source rows (the reference)
SOURCES = {'reporting': figures, 'reference': reference}
session_conditions = reference.session_conditions


def _source(source: str | None):
    return SOURCES[source or 'reporting']


@dataclass(frozen=True)
class SessionGroup:
    year: int
    country: str
    course: str | None
    language: str
    sessions: int
    first: date
    last: date


def session_groups(f: ReportFilter) -> list[SessionGroup]:
    """The period's sessions counted by year, country, course and language, in one read: every figure about sessions
    (totals, countries, by year, country and course, languages) is summed from these few groups."""
    year = reference.BY_COLUMNS['year']()
    stmt = (sa.select(year, TrainingSession.country, TrainingSession.course_slug, TrainingSession.language,
                      sa.func.count(TrainingSession.id), sa.func.min(TrainingSession.start_date),
                      sa.func.max(TrainingSession.start_date))
            .where(*session_conditions(f))
            .group_by(year, TrainingSession.country, TrainingSession.course_slug, TrainingSession.language))
    return [SessionGroup(int(y), c, course, lang, int(n), first, last)
            for y, c, course, lang, n, first, last in db.session.execute(stmt)]


def session_figures(f: ReportFilter, groups: list[SessionGroup] | None = None) -> dict:
    groups = session_groups(f) if groups is None else groups
    return {'sessions': sum(g.sessions for g in groups), 'countries': len({g.country for g in groups}),
            'first_date': min((g.first for g in groups), default=None),
            'last_date': max((g.last for g in groups), default=None)}


def person_dims(f: ReportFilter, source: str | None = None) -> dict[str, dict]:
    """(persons trained, participations) in total, by sex and by organisation type (see reference.person_dims)."""
    return _source(source).person_dims(f)


def combine(session_part: dict, dims: dict) -> dict:
    """The headline figures: session figures plus persons trained, participations and women trained."""
    total = dims[''].get(None, (0, 0))
    women = dims['sex'].get(Sex.female, (0, 0))
    return {**session_part, 'persons_trained': total[0], 'participations': total[1], 'women_trained': women[0]}


def summary(f: ReportFilter, dims: dict | None = None, source: str | None = None) -> dict:
    return combine(session_figures(f), person_dims(f, source) if dims is None else dims)


def _merge(keys_sessions: dict, keys_people: dict) -> list[tuple]:
    keys = sorted(set(keys_sessions) | set(keys_people), key=lambda k: (k is None, k))
    return [(k, *keys_sessions.get(k, (0, 0)), *keys_people.get(k, (0, 0))) for k in keys]


def _by(f: ReportFilter, column: str, source: str | None, groups: list[SessionGroup] | None) -> list[tuple]:
    """(key, sessions, countries, persons trained, participations) grouped by year, country or course."""
    sessions: dict = {}
    countries: dict = {}
    for g in session_groups(f) if groups is None else groups:
        key = getattr(g, column)
        sessions[key] = sessions.get(key, 0) + g.sessions
        countries.setdefault(key, set()).add(g.country)
    return _merge({k: (n, len(countries[k])) for k, n in sessions.items()}, _source(source).persons_by(f, column))


def by_year(f: ReportFilter, source: str | None = None, groups: list[SessionGroup] | None = None):
    return ['year', 'sessions', 'countries', 'persons_trained', 'participations'], _by(f, 'year', source, groups)


def by_country(f: ReportFilter, source: str | None = None, groups: list[SessionGroup] | None = None):
    rows = [(k, s, p, n) for k, s, _c, p, n in _by(f, 'country', source, groups)]
    rows.sort(key=lambda r: (-r[2], r[0]))
    return ['country', 'sessions', 'persons_trained', 'participations'], rows


def by_course(f: ReportFilter, source: str | None = None, groups: list[SessionGroup] | None = None):
    """A course counts once whatever language its sessions were held in; the last column says which."""
    groups = session_groups(f) if groups is None else groups
    languages: dict[str | None, dict[str, int]] = {}
    for g in groups:
        counts = languages.setdefault(g.course, {})
        counts[g.language] = counts.get(g.language, 0) + g.sessions
    rows = [(*row, '; '.join(f'{lang}: {n}' for lang, n in sorted(languages.get(row[0], {}).items(),
                                                                    key=lambda x: (-x[1], x[0]))))
            for row in _by(f, 'course', source, groups)]
    rows.sort(key=lambda r: (-r[3], r[0] or ''))
    return ['course', 'sessions', 'countries', 'persons_trained', 'participations', 'sessions_by_language'], rows


def by_sex(f: ReportFilter, dims: dict | None = None, source: str | None = None):
    totals = (person_dims(f, source) if dims is None else dims)['sex']
    rows = [(k, *totals[k]) for k in Sex if k in totals]
    return ['sex', 'persons_trained', 'participations'], rows


def by_organisation_type(f: ReportFilter, dims: dict | None = None, source: str | None = None):
    totals = (person_dims(f, source) if dims is None else dims)['org']
    rows = sorted(((k, *v) for k, v in totals.items()), key=lambda r: (-r[1], r[0].name if r[0] else '~'))
    return ['organisation_type', 'persons_trained', 'participations'], rows


def knowledge_gain(f: ReportFilter, source: str | None = None):
    """Per course and overall (DESIGN section 6): each person's gain is post-test minus pre-test score, averaged
    over that person's participations where both were taken; the table gives the mean over persons (and the mean
    pre- and post-test scores the same way)."""
    rows = [(k, n, _round(pre), _round(post), _round(gain)) for k, n, pre, post, gain in
            _source(source).knowledge_gain(f)]
    return ['course', 'persons_with_both', 'pre_mean', 'post_mean', 'gain_mean'], rows


def _round(value) -> float | None:
    return None if value is None else round(float(value), 1)


def sessions(f: ReportFilter, *, limit: int | None = None, source: str | None = None):
    """The sessions of the period with their participants and women participants."""
    stmt = (sa.select(TrainingSession.id, TrainingSession.code, TrainingSession.title, TrainingSession.country,
                      TrainingSession.city, TrainingSession.start_date, TrainingSession.end_date,
                      TrainingSession.mode, TrainingSession.course_slug)
            .where(*session_conditions(f)).order_by(TrainingSession.start_date, TrainingSession.code))
    if limit:
        stmt = stmt.limit(limit)
    found = db.session.execute(stmt).all()
    counts: dict = {}
    for i in range(0, len(found), 500):
        counts.update(_source(source).session_counts([row[0] for row in found[i:i + 500]]))
    rows = [(*row[1:], *counts.get(row[0], (0, 0))) for row in found]
    return ['code', 'title', 'country', 'city', 'start_date', 'end_date', 'mode', 'course', 'participants',
            'women'], rows


def online_courses(start: date, end: date):
    rows = [(d.get('title') or d.get('course'), d.get('language'), d.get('enrolled'),
             '; '.join(f'{lang}: {n}' for lang, n in (d.get('languages') or {}).items()), d.get('completed'),
             d.get('certificates'), _round(d.get('pre_mean')), _round(d.get('post_mean')))
            for d in completion_summary(start, end)]
    return ['title', 'language', 'enrolled', 'enrolled_by_language', 'completed', 'certificates', 'pre_mean',
            'post_mean'], rows


def online_objectives(start: date, end: date):
    """Knowledge gain by learning objective of the online courses, for the pre- and post-tests of the period."""
    rows = [(d['title'], d['objective'], d['persons'], d['pre'], d['post'], d['gain'])
            for d in objective_summary(start, end)]
    return ['title', 'objective', 'persons_with_both', 'pre_mean', 'post_mean', 'gain_mean'], rows


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


SESSION_TABLES = {'by_year': by_year, 'by_country': by_country, 'by_course': by_course}
TABLE_FUNCTIONS = {**SESSION_TABLES, 'knowledge_gain': knowledge_gain}


def _parallel_allowed(source: str | None) -> bool:
    """Independent aggregates over the source rows run side by side on separate connections (PostgreSQL, or SQLite
    files in WAL mode), so the reference waits for the slowest query rather than their sum. Not for the reporting
    data (small reads: threads would cost more than they save), in-memory SQLite (one shared connection) or when
    REPORT_PARALLEL_QUERIES is off."""
    if source != 'reference' or not current_app.config.get('REPORT_PARALLEL_QUERIES', True):
        return False
    return not sqlite_in_memory(db.engine.url)


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
                 tables: tuple[str, ...] | None = None, parallel: bool | None = None,
                 source: str | None = None) -> Report:
    """Every figure behind the programme report page (or the named tables only), from the reporting data or, with
    ``source='reference'``, computed from the source rows."""
    wanted = tables if tables is not None else tuple(t.key for t in FIGURE_TABLES)
    groups = session_groups(f)
    tasks = {'dims': lambda: person_dims(f, source), 'session_figures': lambda: session_figures(f, groups)}
    for key in wanted:
        if key in SESSION_TABLES:
            tasks[key] = (lambda key=key: SESSION_TABLES[key](f, source=source, groups=groups))
        elif key in TABLE_FUNCTIONS:
            tasks[key] = (lambda key=key: TABLE_FUNCTIONS[key](f, source=source))
        elif key == 'sessions':
            tasks[key] = lambda: sessions(f, limit=session_limit, source=source)
    results = _run_all(tasks, _parallel_allowed(source) if parallel is None else parallel)
    dims = results.pop('dims')
    figures_ = combine(results.pop('session_figures'), dims)
    start = f.start or figures_['first_date']
    end = f.end or figures_['last_date']
    report = Report(f, start, end, figures_)
    for key in wanted:
        if key == 'by_sex':
            report.tables[key] = by_sex(f, dims)
        elif key == 'by_organisation_type':
            report.tables[key] = by_organisation_type(f, dims)
        elif key == 'online_courses':
            report.tables[key] = online_courses(start or date(2000, 1, 1), end or date.today())
        elif key == 'online_objectives':
            report.tables[key] = online_objectives(start or date(2000, 1, 1), end or date.today())
        else:
            report.tables[key] = results[key]
    return report
