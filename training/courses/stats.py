"""Figures about online learning that programme reports show beside in-person training."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from training.content import registry
from training.courses import queries, results
from training.courses.models import Certificate, Enrolment
from training.extensions import db


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00 UTC, the day after end 00:00 UTC): both ends inclusive as dates."""
    return (datetime.combine(start, time.min, tzinfo=UTC),
            datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC))


def _languages(counts: dict[str | None, int], original: str | None) -> dict[str, int]:
    """Enrolments per language, the unrecorded ones under the course's original language; largest first."""
    merged: dict[str, int] = {}
    for language, n in counts.items():
        key = language or original or '?'
        merged[key] = merged.get(key, 0) + n
    return dict(sorted(merged.items(), key=lambda kv: (-kv[1], kv[0])))


def completion_summary(start: date, end: date) -> list[dict]:
    """Per course (both ends inclusive, by date of enrolment/completion): one dict with keys
    ``course`` (slug), ``title``, ``language``, ``enrolled``, ``completed``, ``certificates``,
    ``pre_mean`` and ``post_mean`` (percent, or None), computed with SQL aggregates.

    - enrolled: enrolments made in the period;
    - completed: enrolments whose completion rule was first met in the period;
    - certificates: certificates issued in the period and not revoked;
    - pre_mean: mean of each trainee's first pre-test score, for pre-tests taken in the period;
    - post_mean: mean of each trainee's best post-test score, over post-tests taken in the period;
    - languages: {language: enrolments made in the period}, by the language each trainee last studied the course
      in (a course is counted once, whatever languages it is read in; unrecorded: the course's original language).

    Every course in the content registry is listed (zeros included); a retired course that still has
    records is listed under its slug.
    """
    lo, hi = _bounds(start, end)

    def counts(column, *where, model=Enrolment):
        stmt = (sa.select(model.course_slug, sa.func.count(model.id)).where(column >= lo, column < hi, *where)
                .group_by(model.course_slug))
        return dict(db.session.execute(stmt).all())

    enrolled = counts(Enrolment.enrolled_at)
    by_language: dict[str, dict[str, int]] = {}
    for slug, language, n in db.session.execute(
            sa.select(Enrolment.course_slug, Enrolment.language, sa.func.count(Enrolment.id))
            .where(Enrolment.enrolled_at >= lo, Enrolment.enrolled_at < hi)
            .group_by(Enrolment.course_slug, Enrolment.language)):
        by_language.setdefault(slug, {})[language] = int(n)
    completed = counts(Enrolment.completed_at)
    certificates = counts(Certificate.issued_at, Certificate.revoked_at.is_(None), model=Certificate)

    scores = queries.first_pre_best_post(since=lo, until=hi)
    means = db.session.execute(
        sa.select(Enrolment.course_slug, sa.func.avg(scores.c.pre), sa.func.avg(scores.c.post))
        .join(scores, scores.c.enrolment_id == Enrolment.id).group_by(Enrolment.course_slug)).all()
    pre_mean = {slug: pre for slug, pre, _post in means if pre is not None}
    post_mean = {slug: post for slug, _pre, post in means if post is not None}

    courses = registry().courses
    originals = registry().in_language(None).courses
    slugs = list(courses) + sorted((set(enrolled) | set(completed) | set(certificates)) - set(courses))
    rows = []
    for slug in dict.fromkeys(slugs):
        course = courses.get(slug)
        pre, post = pre_mean.get(slug), post_mean.get(slug)
        rows.append({
            'course': slug,
            'title': course.title if course else slug,
            'language': course.language if course else None,
            'enrolled': int(enrolled.get(slug, 0)),
            'completed': int(completed.get(slug, 0)),
            'certificates': int(certificates.get(slug, 0)),
            'pre_mean': round(float(pre), 1) if pre is not None else None,
            'post_mean': round(float(post), 1) if post is not None else None,
            'languages': _languages(by_language.get(slug, {}), originals[slug].language if course else None),
        })
    return rows


def objective_summary(start: date, end: date) -> list[dict]:
    """Knowledge gain per course and learning objective for the tests taken in the period (both ends inclusive):
    ``title``, ``objective`` (its text), ``persons``, ``pre``, ``post`` and ``gain`` (see
    training.courses.results.objective_gains). Objectives no longer in a course keep their id."""
    lo, hi = _bounds(start, end)
    courses = registry().courses
    rows = []
    for row in results.objective_gains(since=lo, until=hi):
        course = courses.get(row['course'])
        objective = course.objective(row['objective']) if course else None
        rows.append({**row, 'title': course.title if course else row['course'],
                     'objective': objective.text if objective else row['objective']})
    return rows
