"""The programme figures read from the reporting data (:mod:`training.reports.models`): the same functions, with the
same results, as :mod:`training.reports.reference`, in small indexed reads.

A period is cut into whole calendar years, read from ``report_cells``, and at most two partial years (the first
and the last), read from ``report_rows`` by day. Persons trained over the period are the participations in it whose
previous participation in the scope is before the period's first day: in whole years that is "previous year before
the first year" (cells), except for a period starting inside a year, where a participation whose previous one is in
that first year counts if the previous one is before the first day -- those are found from the previous
participation's side (its next one, ``n<k>``), among the first year's participations before the first day.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from training.extensions import db
from training.reports.definitions import ReportFilter
from training.reports.models import COUNTRY, COURSE, MODE, report_cells, report_gain, report_rows
from training.vocab import OrganisationType
from training.workshops.models import Sex

C, R, G = report_cells.c, report_rows.c, report_gain.c


def jan1(year: int) -> int:
    return date(year, 1, 1).toordinal()


def dec31(year: int) -> int:
    return date(year, 12, 31).toordinal()


@dataclass(frozen=True)
class Period:
    """A period as day numbers (a, b) and years; no start is day 1 (year 1), no end the last day of year 9999."""

    a: int
    b: int
    ya: int
    yb: int
    aligned_a: bool  # starts on 1 January (or has no start)
    aligned_b: bool  # ends on 31 December (or has no end)

    @classmethod
    def of(cls, f: ReportFilter) -> Period:
        return cls(f.start.toordinal() if f.start else 1, f.end.toordinal() if f.end else date.max.toordinal(),
                   f.start.year if f.start else 1, f.end.year if f.end else date.max.year,
                   f.start is None or (f.start.month, f.start.day) == (1, 1),
                   f.end is None or (f.end.month, f.end.day) == (12, 31))

    @property
    def whole_years(self) -> tuple[int, int]:
        """First and last whole year (empty when first > last)."""
        return self.ya if self.aligned_a else self.ya + 1, self.yb if self.aligned_b else self.yb - 1

    @property
    def partial_years(self) -> list[tuple[int, int, int]]:
        """(first day, last day, year) of the parts of the period that are not whole years."""
        if self.ya == self.yb:
            return [] if self.aligned_a and self.aligned_b else [(self.a, self.b, self.ya)]
        parts = [] if self.aligned_a else [(self.a, dec31(self.ya), self.ya)]
        return parts + ([] if self.aligned_b else [(jan1(self.yb), self.b, self.yb)])


def scope_kind(f: ReportFilter) -> int:
    return (COUNTRY if f.country else 0) | (COURSE if f.course else 0) | (MODE if f.mode else 0)


def _scope(f: ReportFilter, cols) -> list:
    return [cols[name] == value for name, value in (('country', f.country), ('course', f.course),
                                                    ('mode', f.mode)) if value]


def _add(out: dict, key, persons, participations) -> None:
    p0, n0 = out.get(key, (0, 0))
    out[key] = (p0 + int(persons or 0), n0 + int(participations or 0))


def _tally(f: ReportFilter, kind: int, dims: tuple[str, ...], group: tuple[str, ...]) -> dict:
    """{(dim, value, *group values): (persons, participations)} over the period, in scopes of ``kind``."""
    p = Period.of(f)
    lo, hi = p.whole_years
    out: dict = {}
    persons = sa.func.sum(sa.case((C.prev_year < p.ya, C.n), else_=0))
    stmt = (sa.select(C.dim, C.value, *[C[g] for g in group], persons, sa.func.sum(C.n))
            .where(C.kind == kind, C.dim.in_(dims), C.year.between(lo, hi), *_scope(f, C))
            .group_by(C.dim, C.value, *[C[g] for g in group]))
    if lo <= hi:
        for dim, value, *rest in db.session.execute(stmt):
            _add(out, (dim, value, *rest[:-2]), *rest[-2:])
    before = sa.func.coalesce(R[f'p{kind}'], 0) < p.a
    for first, last, _year in p.partial_years:
        stmt = (sa.select(R.sex, R.org, *[R[g] for g in group], sa.func.sum(sa.case((before, 1), else_=0)),
                          sa.func.count())
                .where(R.day.between(first, last), *_scope(f, R)).group_by(R.sex, R.org, *[R[g] for g in group]))
        _rows_into(out, db.session.execute(stmt), dims)
    if not p.aligned_a and lo <= hi:  # previous participation in the first (partial) year, before its first day
        stmt = (sa.select(R.sex, R.org, *[R[g] for g in group], sa.func.count(), sa.literal(0))
                .where(R.day.between(jan1(p.ya), p.a - 1), R[f'n{kind}'].between(jan1(lo), dec31(hi)),
                       *_scope(f, R)).group_by(R.sex, R.org, *[R[g] for g in group]))
        _rows_into(out, db.session.execute(stmt), dims)
    return {k: v for k, v in out.items() if v[1]}


def _rows_into(out: dict, rows, dims: tuple[str, ...]) -> None:
    for sex, org, *rest in rows:
        for dim, value in (('', ''), ('sex', sex), ('org', org)):
            if dim in dims:
                _add(out, (dim, value, *rest[:-2]), *rest[-2:])


def person_dims(f: ReportFilter) -> dict[str, dict]:
    """As :func:`training.reports.reference.person_dims`."""
    out: dict[str, dict] = {'': {}, 'sex': {}, 'org': {}}
    for (dim, value), figures in _tally(f, scope_kind(f), ('', 'sex', 'org'), ()).items():
        key = None if dim == '' else (Sex[value] if dim == 'sex' else (OrganisationType[value] if value else None))
        out[dim][key] = figures
    return out


def persons_by(f: ReportFilter, column: str) -> dict:
    """As :func:`training.reports.reference.persons_by`: {year / country / course: (persons, participations)}."""
    if column == 'year':
        return _by_year(f)
    extra = COUNTRY if column == 'country' else COURSE
    found = _tally(f, scope_kind(f) | extra, ('',), (column,))
    return {(key[2] or None): figures for key, figures in found.items()}


def _by_year(f: ReportFilter) -> dict:
    """Persons trained within each year of the period: whole years from the cells, partial ones from the rows."""
    p, kind = Period.of(f), scope_kind(f)
    lo, hi = p.whole_years
    out: dict = {}
    if lo <= hi:
        stmt = (sa.select(C.year, sa.func.sum(sa.case((C.prev_year < C.year, C.n), else_=0)), sa.func.sum(C.n))
                .where(C.kind == kind, C.dim == '', C.year.between(lo, hi), *_scope(f, C)).group_by(C.year))
        for year, persons, n in db.session.execute(stmt):
            _add(out, int(year), persons, n)
    for first, last, year in p.partial_years:
        before = sa.func.coalesce(R[f'p{kind}'], 0) < max(p.a, jan1(year))
        stmt = (sa.select(sa.func.sum(sa.case((before, 1), else_=0)), sa.func.count())
                .where(R.day.between(first, last), *_scope(f, R)))
        _add(out, year, *db.session.execute(stmt).one())
    return {k: v for k, v in out.items() if v[1]}


def _covers_everything(p: Period) -> bool:
    first, last = db.session.execute(sa.select(sa.select(sa.func.min(R.day)).scalar_subquery(),
                                               sa.select(sa.func.max(R.day)).scalar_subquery())).one()
    return first is None or (p.a <= first and p.b >= last)


def knowledge_gain(f: ReportFilter) -> list[tuple]:
    """As :func:`training.reports.reference.knowledge_gain`. Over all time (a period holding every participation)
    from the per-scope sums; otherwise per person over the period's participations with both scores, read from
    their own index (two grouped passes: per course and person, and per person)."""
    p = Period.of(f)
    if _covers_everything(p):
        return _gain_all_time(f)
    return _gain_grouped((R.day.between(p.a, p.b), R.pre.is_not(None), R.post.is_not(None), *_scope(f, R)))


def _gain_grouped(where) -> list[tuple]:
    """Two grouped passes over the period's scored participations (their own index): per course and person, and per
    person. PostgreSQL gets the memory to hash every person of the period at once (no spill to disk)."""
    if db.session.get_bind().dialect.name == 'postgresql':
        db.session.execute(sa.text("SET LOCAL work_mem = '64MB'"))

    def means(*keys):
        cells = (sa.select(*keys, sa.func.sum(R.pre).label('pre'), sa.func.sum(R.post).label('post'),
                           sa.func.count().label('n')).where(*where).group_by(*keys, R.person_id).subquery())
        return (sa.select(*[cells.c[k.name] for k in keys], sa.func.count(), sa.func.avg(cells.c.pre / cells.c.n),
                          sa.func.avg(cells.c.post / cells.c.n)).group_by(*[cells.c[k.name] for k in keys]))

    rows = sorted(((course or None, n, pre, post, post - pre) for course, n, pre, post in
                   db.session.execute(means(R.course))), key=lambda r: r[0] or '')
    if rows:
        n, pre, post = db.session.execute(means()).one()
        rows.append(('__all__', n, pre, post, post - pre))
    return rows


def _gain_all_time(f: ReportFilter) -> list[tuple]:
    def read(kind):
        return db.session.execute(sa.select(G.course, G.persons, G.sum_pre, G.sum_post)
                                  .where(G.kind == kind, G.persons > 0, *_scope(f, G))).all()

    rows = sorted(((course or None, n, pre / n, post / n, (post - pre) / n)
                   for course, n, pre, post in read(scope_kind(f) | COURSE)), key=lambda r: r[0] or '')
    total = read(scope_kind(f))
    if rows and total:
        _c, n, pre, post = total[0]
        rows.append(('__all__', n, pre / n, post / n, (post - pre) / n))
    return rows


def session_counts(session_ids: list[int]) -> dict[int, tuple[int, int]]:
    """As :func:`training.reports.reference.session_counts`."""
    stmt = (sa.select(R.session_id, sa.func.count(), sa.func.count().filter(R.sex == Sex.female.name))
            .where(R.session_id.in_(session_ids)).group_by(R.session_id))
    return {sid: (int(n), int(w)) for sid, n, w in db.session.execute(stmt)} if session_ids else {}
