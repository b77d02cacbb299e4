"""The programme figures read from the reporting data (:mod:`training.reports.models`): the same functions, with the
same results, as :mod:`training.reports.reference`, in small indexed reads.

A period is cut into whole calendar months, read from ``report_cells`` and ``report_scored``, and at most two partial
months (the first and the last), read from ``report_rows`` by day. Persons trained over the period are the
participations in it whose previous participation in the scope is before the period's first day: in whole months
that is "previous month before the first month" (cells), except for a period starting inside a month, where a
participation whose previous one is in that first month counts if the previous one is before the first day -- those
are found from the previous participation's side (its next one, ``n<k>``), among the first month's participations
before the first day.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from training.extensions import db
from training.reports.definitions import ReportFilter
from training.reports.models import COUNTRY, COURSE, MODE, report_cells, report_gain, report_rows, report_scored
from training.vocab import OrganisationType
from training.workshops.models import Sex

C, R, G, S = report_cells.c, report_rows.c, report_gain.c, report_scored.c


def month_of(day: date) -> int:
    """The month number of a date: year * 12 + month - 1."""
    return day.year * 12 + day.month - 1


def first_day(month: int) -> int:
    return date(month // 12, month % 12 + 1, 1).toordinal()


def last_day(month: int) -> int:
    return first_day(month + 1) - 1 if month // 12 < date.max.year or month % 12 < 11 else date.max.toordinal()


@dataclass(frozen=True)
class Period:
    """A period as day numbers (a, b) and month numbers; no start is day 1 (year 1), no end the last day of 9999."""

    a: int
    b: int
    ma: int
    mb: int

    @classmethod
    def of(cls, f: ReportFilter) -> Period:
        start, end = f.start or date.min, f.end or date.max
        return cls(start.toordinal(), end.toordinal(), month_of(start), month_of(end))

    @property
    def aligned_a(self) -> bool:
        """Starts on the first day of a month."""
        return self.a == first_day(self.ma)

    @property
    def whole_months(self) -> tuple[int, int]:
        """First and last whole month (empty when first > last)."""
        return (self.ma if self.aligned_a else self.ma + 1), (self.mb if self.b == last_day(self.mb) else self.mb - 1)

    @property
    def partial_months(self) -> list[tuple[int, int]]:
        """(first day, last day) of the parts of the period that are not whole months."""
        whole_b = self.b == last_day(self.mb)
        if self.ma == self.mb:
            return [] if self.aligned_a and whole_b else [(self.a, self.b)]
        parts = [] if self.aligned_a else [(self.a, last_day(self.ma))]
        return parts + ([] if whole_b else [(first_day(self.mb), self.b)])


def scope_kind(f: ReportFilter) -> int:
    return (COUNTRY if f.country else 0) | (COURSE if f.course else 0) | (MODE if f.mode else 0)


def _scope(f: ReportFilter, cols) -> list:
    return [cols[name] == value for name, value in (('country', f.country), ('course', f.course),
                                                    ('mode', f.mode)) if value]


def _add(out: dict, key, persons, participations) -> None:
    p0, n0 = out.get(key, (0, 0))
    out[key] = (p0 + int(persons or 0), n0 + int(participations or 0))


def _before_first_day(p: Period, kind: int, f: ReportFilter, lo: int, hi: int):
    """The first month's participations before the period's first day whose next one in the scope is in the whole
    months lo..hi: each is the previous participation of one participation there that counts as a person trained
    although its previous one is in the same month as the first day (cells cannot tell)."""
    return (R.day.between(first_day(p.ma), p.a - 1), R[f'n{kind}'].between(first_day(lo), last_day(hi)),
            *_scope(f, R))


def _tally(f: ReportFilter, kind: int, dims: tuple[str, ...], group: tuple[str, ...]) -> dict:
    """{(dim, value, *group values): (persons, participations)} over the period, in scopes of ``kind``."""
    p = Period.of(f)
    lo, hi = p.whole_months
    out: dict = {}
    persons = sa.func.sum(sa.case((C.prev_month < p.ma, C.n), else_=0))
    stmt = (sa.select(C.dim, C.value, *[C[g] for g in group], persons, sa.func.sum(C.n))
            .where(C.kind == kind, C.dim.in_(dims), C.month.between(lo, hi), *_scope(f, C))
            .group_by(C.dim, C.value, *[C[g] for g in group]))
    if lo <= hi:
        for dim, value, *rest in db.session.execute(stmt):
            _add(out, (dim, value, *rest[:-2]), *rest[-2:])
    before = sa.func.coalesce(R[f'p{kind}'], 0) < p.a
    for first, last in p.partial_months:
        stmt = (sa.select(R.sex, R.org, *[R[g] for g in group], sa.func.sum(sa.case((before, 1), else_=0)),
                          sa.func.count())
                .where(R.day.between(first, last), *_scope(f, R)).group_by(R.sex, R.org, *[R[g] for g in group]))
        _rows_into(out, db.session.execute(stmt), dims)
    if not p.aligned_a and lo <= hi:
        stmt = (sa.select(R.sex, R.org, *[R[g] for g in group], sa.func.count(), sa.literal(0))
                .where(*_before_first_day(p, kind, f, lo, hi)).group_by(R.sex, R.org, *[R[g] for g in group]))
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
    """Persons trained within each year of the period (each year's part of the period counted on its own): whole
    months from the cells, partial ones from the rows."""
    p, kind = Period.of(f), scope_kind(f)
    lo, hi = p.whole_months
    out: dict = {}
    year = C.month // 12
    if lo <= hi:
        # Each year's part starts on 1 January, but the first year's on the period's first day
        start = sa.case((C.month < (p.ma // 12 + 1) * 12, p.ma), else_=year * 12)
        stmt = (sa.select(year, sa.func.sum(sa.case((C.prev_month < start, C.n), else_=0)), sa.func.sum(C.n))
                .where(C.kind == kind, C.dim == '', C.month.between(lo, hi), *_scope(f, C)).group_by(year))
        for y, persons, n in db.session.execute(stmt):
            _add(out, int(y), persons, n)
    for first, last in p.partial_months:
        y = date.fromordinal(first).year
        before = sa.func.coalesce(R[f'p{kind}'], 0) < max(p.a, date(y, 1, 1).toordinal())
        stmt = (sa.select(sa.func.sum(sa.case((before, 1), else_=0)), sa.func.count())
                .where(R.day.between(first, last), *_scope(f, R)))
        _add(out, y, *db.session.execute(stmt).one())
    first_year_end = min(hi, (p.ma // 12) * 12 + 11)
    if not p.aligned_a and lo <= first_year_end:  # only the first year's part starts inside a month
        _add(out, p.ma // 12, db.session.scalar(
            sa.select(sa.func.count()).where(*_before_first_day(p, kind, f, lo, first_year_end))), 0)
    return {k: v for k, v in out.items() if v[1]}


def _covers_everything(p: Period) -> bool:
    first, last = db.session.execute(sa.select(sa.select(sa.func.min(R.day)).scalar_subquery(),
                                               sa.select(sa.func.max(R.day)).scalar_subquery())).one()
    return first is None or (p.a <= first and p.b >= last)


def knowledge_gain(f: ReportFilter) -> list[tuple]:
    """As :func:`training.reports.reference.knowledge_gain`. Over all time (a period holding every participation)
    from the per-scope sums; otherwise see :func:`_gain_in_period`."""
    p = Period.of(f)
    if _covers_everything(p):
        return _gain_all_time(f)
    return _gain_in_period(f, p)


def _gain_in_period(f: ReportFilter, p: Period) -> list[tuple]:
    """Each person's mean scores over their participations in the period with both, averaged over persons.

    A person with one such participation contributes its scores: summed over the period from ``report_scored``
    (whole months) and the rows (partial months). The persons with two or more are exactly those whose scored
    participations in the period have a previous or next scored one in the period too (``ps``/``ns``, two index
    ranges); their participations are taken out of the plain sums and averaged per person instead."""
    totals: dict = {}  # course (None: all) -> [persons, sum of their mean pre, of their mean post]

    def add(course, n, pre, post):
        t = totals.setdefault(course, [0, 0.0, 0.0])
        t[0] += int(n or 0)
        t[1] += float(pre or 0)
        t[2] += float(post or 0)

    for course, *values in (*_score_sums(f, p), *_several_per_person(f, p)):
        add(course, *values)
    rows = sorted(((course or None, n, pre / n, post / n, (post - pre) / n)
                   for course, (n, pre, post) in totals.items() if course is not None and n > 0),
                  key=lambda r: r[0] or '')
    overall = totals.get(None)
    if rows and overall and overall[0] > 0:
        n, pre, post = overall
        rows.append(('__all__', n, pre / n, post / n, (post - pre) / n))
    return rows


def _score_sums(f: ReportFilter, p: Period) -> list[tuple]:
    """[(course or None for all, participations with both scores, sum of pre, sum of post)] over the period."""
    lo, hi = p.whole_months
    kind = scope_kind(f)
    out: list[tuple] = []
    if lo <= hi:
        sums = (sa.func.sum(S.n), sa.func.sum(S.sum_pre), sa.func.sum(S.sum_post))
        out += db.session.execute(sa.select(S.course, *sums).where(
            S.kind == kind | COURSE, S.month.between(lo, hi), *_scope(f, S)).group_by(S.course)).all()
        out.append((None, *db.session.execute(sa.select(*sums).where(
            S.kind == kind, S.month.between(lo, hi), *_scope(f, S))).one()))
    for first, last in p.partial_months:
        stmt = (sa.select(R.course, sa.func.count(), sa.func.sum(R.pre), sa.func.sum(R.post))
                .where(R.day.between(first, last), R.pre.is_not(None), R.post.is_not(None), *_scope(f, R))
                .group_by(R.course))
        for row in db.session.execute(stmt):
            out += [tuple(row), (None, *row[1:])]
    return out


def _several_per_person(f: ReportFilter, p: Period) -> list[tuple]:
    """For the persons with two or more scored participations in the period: [(course or None, persons minus
    participations, sum of their mean pre minus the plain sum, the same for post)] -- what turns the plain sums into
    sums of per-person means."""
    if db.session.get_bind().dialect.name == 'postgresql':  # hash every such person at once (no spill to disk)
        db.session.execute(sa.text("SET LOCAL work_mem = '64MB'"))
    # Their participations there: those whose previous scored one is in the period, and the first ones (whose next
    # one is): two index ranges, each read from its index alone
    multi = sa.union_all(
        sa.select(R.course, R.person_id, R.pre, R.post).where(R.ps.between(p.a, p.b), R.day <= p.b, *_scope(f, R)),
        sa.select(R.course, R.person_id, R.pre, R.post).where(R.ns.between(p.a, p.b), R.day >= p.a,
                                                              sa.func.coalesce(R.ps, 0) < p.a, *_scope(f, R)),
    ).subquery()
    m = multi.c
    cp = (sa.select(m.course, m.person_id, sa.func.count().label('n'), sa.func.sum(m.pre).label('pre'),
                    sa.func.sum(m.post).label('post')).group_by(m.course, m.person_id).cte('cp'))
    pp = (sa.select(sa.func.sum(cp.c.n).label('n'), sa.func.sum(cp.c.pre).label('pre'),
                    sa.func.sum(cp.c.post).label('post')).group_by(cp.c.person_id).subquery())

    def corrections(t, course):
        n = sa.cast(t.c.n, sa.Float)
        return sa.select(course, sa.func.count() - sa.func.sum(t.c.n), sa.func.sum(t.c.pre / n) - sa.func.sum(t.c.pre),
                         sa.func.sum(t.c.post / n) - sa.func.sum(t.c.post))

    return db.session.execute(sa.union_all(corrections(cp, cp.c.course).group_by(cp.c.course),
                                           corrections(pp, sa.literal(None, sa.String)))).all()


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

