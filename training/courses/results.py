"""Read-only aggregates over the per-question answer rows (:class:`QuizAnswer`): knowledge gain per learning
objective, and the item analysis of a quiz. SQL aggregates; the statistics are computed in training.courses.item_stats.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import sqlalchemy as sa

from training.courses.item_stats import ItemStats, Sums, item_stats
from training.courses.models import Enrolment, QuizAnswer, QuizAttempt
from training.courses.queries import first_pre_best_post
from training.extensions import db
from training.vocab import QuizKind


def _period(column, since: datetime | None, until: datetime | None) -> list:
    return [c for c in (since is not None and column >= since, until is not None and column < until)
            if c is not False]


def counted_attempts(*where, since: datetime | None = None, until: datetime | None = None) -> sa.Subquery:
    """The attempts knowledge gain counts, one per enrolment and test: the first pre-test (kept when it falls in
    [since, until)) and the best post-test taken in the period (highest score, then earliest). Columns ``id``,
    ``enrolment_id``, ``kind``. ``where``: extra conditions on QuizAttempt. Mirrors queries.first_pre_best_post."""
    pre = (sa.select(QuizAttempt.id, QuizAttempt.enrolment_id, QuizAttempt.kind, QuizAttempt.submitted_at,
                     sa.func.row_number().over(partition_by=QuizAttempt.enrolment_id,
                                               order_by=(QuizAttempt.submitted_at, QuizAttempt.id)).label('rank'))
           .where(QuizAttempt.kind == QuizKind.pre_test, *where).subquery())
    post = (sa.select(QuizAttempt.id, QuizAttempt.enrolment_id, QuizAttempt.kind,
                      sa.func.row_number().over(partition_by=QuizAttempt.enrolment_id,
                                                order_by=(QuizAttempt.score.desc(), QuizAttempt.submitted_at,
                                                          QuizAttempt.id)).label('rank'))
            .where(QuizAttempt.kind == QuizKind.post_test, *where,
                   *_period(QuizAttempt.submitted_at, since, until)).subquery())
    return sa.union_all(
        sa.select(pre.c.id, pre.c.enrolment_id, pre.c.kind).where(pre.c.rank == 1,
                                                                  *_period(pre.c.submitted_at, since, until)),
        sa.select(post.c.id, post.c.enrolment_id, post.c.kind).where(post.c.rank == 1),
    ).subquery('counted_attempts')


def objective_gains(course_slug: str | None = None, *, since: datetime | None = None,
                    until: datetime | None = None) -> list[dict]:
    """Per course and learning objective, over the enrolments whose counted pre-test and post-test both asked
    questions on it: ``course``, ``objective``, ``persons``, ``pre`` and ``post`` (mean percent correct on that
    objective's questions) and ``gain`` (post minus pre, in points). Sorted by course."""
    where = []
    if course_slug is not None:
        where.append(QuizAttempt.enrolment_id.in_(sa.select(Enrolment.id).where(Enrolment.course_slug == course_slug)))
    counted = counted_attempts(*where, since=since, until=until)
    percent = sa.func.avg(sa.case((QuizAnswer.correct, 100.0), else_=0.0))
    per = (sa.select(counted.c.enrolment_id, counted.c.kind, QuizAnswer.objective, percent.label('pct'))
           .join(QuizAnswer, QuizAnswer.attempt_id == counted.c.id).where(QuizAnswer.objective.is_not(None))
           .group_by(counted.c.enrolment_id, counted.c.kind, QuizAnswer.objective).subquery())
    pivot = (sa.select(per.c.enrolment_id, per.c.objective,
                       sa.func.max(sa.case((per.c.kind == QuizKind.pre_test, per.c.pct))).label('pre'),
                       sa.func.max(sa.case((per.c.kind == QuizKind.post_test, per.c.pct))).label('post'))
             .group_by(per.c.enrolment_id, per.c.objective).subquery())
    rows = db.session.execute(
        sa.select(Enrolment.course_slug, pivot.c.objective, sa.func.count(), sa.func.avg(pivot.c.pre),
                  sa.func.avg(pivot.c.post))
        .join(Enrolment, Enrolment.id == pivot.c.enrolment_id)
        .where(pivot.c.pre.is_not(None), pivot.c.post.is_not(None))
        .group_by(Enrolment.course_slug, pivot.c.objective).order_by(Enrolment.course_slug, pivot.c.objective)).all()
    return [{'course': slug, 'objective': objective, 'persons': int(n), 'pre': round(float(pre), 1),
             'post': round(float(post), 1), 'gain': round(float(post) - float(pre), 1)}
            for slug, objective, n, pre, post in rows]


def item_analysis(course_slug: str, quiz_id: str) -> dict[str, ItemStats]:
    """Per question id of one quiz, over every attempt at it: difficulty, discrimination, option choices and flags."""
    right = sa.case((QuizAnswer.correct, 1.0), else_=0.0)
    rest = ((QuizAttempt.correct_count - right) * 1.0
            / sa.func.nullif(QuizAttempt.question_count - 1, 0))
    scope = (QuizAnswer.attempt_id == QuizAttempt.id, QuizAttempt.quiz_id == quiz_id,
             QuizAttempt.enrolment_id.in_(sa.select(Enrolment.id).where(Enrolment.course_slug == course_slug)))
    sums = db.session.execute(
        sa.select(QuizAnswer.question_id, sa.func.count(), sa.func.sum(right), sa.func.sum(sa.func.coalesce(rest, 0.0)),
                  sa.func.sum(sa.func.coalesce(rest * rest, 0.0)), sa.func.sum(sa.func.coalesce(rest * right, 0.0)))
        .where(*scope).group_by(QuizAnswer.question_id)).all()
    chosen: dict[str, dict[str, int]] = defaultdict(dict)
    for question_id, picked, n in db.session.execute(
            sa.select(QuizAnswer.question_id, QuizAnswer.chosen, sa.func.count()).where(*scope)
            .group_by(QuizAnswer.question_id, QuizAnswer.chosen)).all():
        for option_id in (picked or '').split():
            chosen[question_id][option_id] = chosen[question_id].get(option_id, 0) + int(n)
    return {qid: item_stats(qid, Sums(int(n), int(r or 0), float(s or 0), float(ss or 0), float(sr or 0)),
                            chosen.get(qid, {}))
            for qid, n, r, s, ss, sr in sums}


def quiz_attempt_counts(course_slug: str) -> dict[str, int]:
    """Attempts per quiz id of one course."""
    return dict(db.session.execute(
        sa.select(QuizAttempt.quiz_id, sa.func.count()).join(Enrolment, QuizAttempt.enrolment_id == Enrolment.id)
        .where(Enrolment.course_slug == course_slug).group_by(QuizAttempt.quiz_id)).all())


def course_gain(course_slug: str) -> dict:
    """Over the enrolments of a course with both tests: ``persons``, mean first pre-test and best post-test
    scores, and the mean gain in points (None without any)."""
    scores = first_pre_best_post(
        QuizAttempt.enrolment_id.in_(sa.select(Enrolment.id).where(Enrolment.course_slug == course_slug)))
    n, pre, post = db.session.execute(
        sa.select(sa.func.count(), sa.func.avg(scores.c.pre), sa.func.avg(scores.c.post))
        .where(scores.c.pre.is_not(None), scores.c.post.is_not(None))).one()
    if not n:
        return {'persons': 0, 'pre': None, 'post': None, 'gain': None}
    return {'persons': int(n), 'pre': round(float(pre), 1), 'post': round(float(post), 1),
            'gain': round(float(post) - float(pre), 1)}
