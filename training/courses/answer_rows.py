"""Each question of a submitted attempt as a row (:class:`QuizAnswer`): written with the attempt, and rebuilt for
attempts that have none (older attempts, attempts merged from a venue laptop). Flushes, never commits."""
from __future__ import annotations

import sqlalchemy as sa

from training.content import registry
from training.courses import draws, scoring
from training.courses.models import Enrolment, QuizAnswer, QuizAttempt
from training.extensions import db

#: Attempts rebuilt per call of :func:`backfill` (a page that needs the rows rebuilds what is missing, a batch at
#: a time; ``flask courses answers --backfill`` does all of them)
BATCH = 2000


def rows_for(attempt: QuizAttempt, quiz, result: scoring.QuizResult | None = None) -> list[dict]:
    """One row per question the attempt asked that the quiz still has: from the ``result`` just scored, or scored
    again against the current key."""
    if result is None:
        result = scoring.score_quiz(quiz, attempt.answers or {}, draws.question_ids(attempt.presented))
    rows = []
    for r in result.questions:
        question = quiz.question(r.question_id)
        rows.append({'attempt_id': attempt.id, 'question_id': r.question_id, 'objective': question.objective,
                     'correct': r.correct, 'chosen': ' '.join(sorted(r.chosen))})
    return rows


def record(attempt: QuizAttempt, quiz, result: scoring.QuizResult | None = None) -> None:
    """Write the rows of an attempt that has its id (flushed): one multi-row insert."""
    rows = rows_for(attempt, quiz, result)
    if rows:  # a Core statement: the ORM's bulk insert cost twice as much for the same rows (issue 18)
        db.session.execute(_INSERT, rows)


_INSERT = sa.insert(QuizAnswer.__table__)


def backfill(course_slug: str | None = None, *, limit: int | None = BATCH, after: int = 0) -> tuple[int, int | None]:
    """Write the rows of attempts (of one course, or all; with ids above ``after``) that have none. Returns (how
    many were written, the last attempt id looked at, None when there was none). Attempts at a quiz no longer in
    the content are left as they are."""
    has_rows = sa.exists().where(QuizAnswer.attempt_id == QuizAttempt.id)
    stmt = (sa.select(QuizAttempt, Enrolment.course_slug).join(Enrolment, QuizAttempt.enrolment_id == Enrolment.id)
            .where(~has_rows, QuizAttempt.id > after).order_by(QuizAttempt.id))
    if course_slug is not None:
        stmt = stmt.where(Enrolment.course_slug == course_slug)
    if limit is not None:
        stmt = stmt.limit(limit)
    done, last = 0, None
    courses = registry().courses
    for attempt, slug in db.session.execute(stmt).all():
        last = attempt.id
        course = courses.get(slug)
        quiz = course.quiz(attempt.quiz_id) if course is not None else None
        if quiz is not None:
            record(attempt, quiz)
            done += 1
    db.session.flush()
    return done, last
