"""Read-only queries for course pages (plain functions returning results; no writes)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from training.auth.models import User
from training.courses import scoring
from training.courses.models import Certificate, Enrolment, LessonProgress, QuizAttempt, QuizDraw
from training.extensions import db
from training.text import like_contains
from training.vocab import QuizKind

#: The catalogue and "my learning" read them on every visit: one statement, built once (issue 18)
_ENROLMENTS = (sa.select(Enrolment).options(so.joinedload(Enrolment.lesson_progress))
               .where(Enrolment.user_id == sa.bindparam('user_id'))
               .order_by(Enrolment.last_activity_at.desc(), Enrolment.id.desc()))


@dataclass(frozen=True, slots=True)
class EnrolmentState:
    """What the lesson, quiz and catalogue pages need of an enrolment (the services that take an enrolment for these
    fields take this too)."""
    id: int
    course_slug: str
    last_lesson_id: str | None
    pre_test_skipped_at: datetime | None
    completed_at: datetime | None
    last_activity_at: datetime | None
    language: str | None
    done_lesson_ids: frozenset[str]
    #: Read for a quiz page (``enrolment_state(..., quiz_id=...)``): that quiz's form on record, or None
    draw: DrawOnRecord | None = None


@dataclass(frozen=True, slots=True)
class DrawOnRecord:
    """The form of a quiz the trainee has on screen, as stored (``QuizDraw``'s columns)."""
    id: int
    enrolment_id: int
    quiz_id: str
    presented: list
    created_at: datetime


_ENROLMENT_ROWS, _PROGRESS_ROWS = Enrolment.__table__, LessonProgress.__table__
#: The lesson, quiz and catalogue pages read enrolments as rows, not as model objects: building an Enrolment and its
#: LessonProgress objects cost as much again as running the statement, on every such page (issue 18)
_STATES = (
    sa.select(_ENROLMENT_ROWS.c.id, _ENROLMENT_ROWS.c.course_slug, _ENROLMENT_ROWS.c.last_lesson_id,
              _ENROLMENT_ROWS.c.pre_test_skipped_at, _ENROLMENT_ROWS.c.completed_at, _ENROLMENT_ROWS.c.last_activity_at,
              _ENROLMENT_ROWS.c.language, _PROGRESS_ROWS.c.lesson_id)
    .select_from(_ENROLMENT_ROWS.outerjoin(_PROGRESS_ROWS, _PROGRESS_ROWS.c.enrolment_id == _ENROLMENT_ROWS.c.id))
    .where(_ENROLMENT_ROWS.c.user_id == sa.bindparam('user_id')))
_ENROLMENT_STATE = _STATES.where(_ENROLMENT_ROWS.c.course_slug == sa.bindparam('course_slug'))
_DRAW_ROWS = QuizDraw.__table__
#: A quiz page's read: the enrolment and the form of the quiz on record (at most one: unique per enrolment and quiz),
#: one statement and one round trip instead of two (issue 18). The form comes with every row (one per lesson done):
#: its question list is read as text and decoded once (:func:`_draw`), not once a row
_QUIZ_STATE = _ENROLMENT_STATE.add_columns(*(
    (sa.cast(c, sa.Text) if c.name == 'presented' else c).label(f'draw_{c.name}') for c in _DRAW_ROWS.c)).outerjoin(
    _DRAW_ROWS, sa.and_(_DRAW_ROWS.c.enrolment_id == _ENROLMENT_ROWS.c.id,
                        _DRAW_ROWS.c.quiz_id == sa.bindparam('quiz_id')))


def _states(rows, *, draws: bool = False) -> list[EnrolmentState]:
    """One state per enrolment from its rows (one per lesson done, or one with no lesson); with ``draws``, each with
    the form on record its rows carry."""
    grouped: dict[int, tuple] = {}  # enrolment id -> (its first row, the lessons done)
    for row in rows:
        done = grouped.setdefault(row.id, (row, set()))[1]
        if row.lesson_id is not None:
            done.add(row.lesson_id)
    return [EnrolmentState(r.id, r.course_slug, r.last_lesson_id, r.pre_test_skipped_at, r.completed_at,
                           r.last_activity_at, r.language, frozenset(done), _draw(r) if draws else None)
            for r, done in grouped.values()]


def _draw(row) -> DrawOnRecord | None:
    if row.draw_id is None:
        return None
    return DrawOnRecord(row.draw_id, row.draw_enrolment_id, row.draw_quiz_id, json.loads(row.draw_presented),
                        row.draw_created_at)


def enrolment_state(user, course_slug: str, *, quiz_id: str | None = None) -> EnrolmentState | None:
    """The user's enrolment in a course with the lessons they marked done (and, for a quiz page, that quiz's form on
    record), in one statement; None: not enrolled."""
    params = {'user_id': user.id, 'course_slug': course_slug}
    if quiz_id is None:
        states = _states(db.session.execute(_ENROLMENT_STATE, params))
    else:
        states = _states(db.session.execute(_QUIZ_STATE, {**params, 'quiz_id': quiz_id}), draws=True)
    return states[0] if states else None


def enrolments_for(user) -> list[Enrolment]:
    """The user's enrolments with their lesson progress, in one statement."""
    return list(db.session.scalars(_ENROLMENTS, {'user_id': user.id}).unique())


def certificates_for(user) -> dict[int, Certificate]:
    """The user's certificates by enrolment id."""
    rows = db.session.scalars(sa.select(Certificate).where(Certificate.user_id == user.id))
    return {c.enrolment_id: c for c in rows}


def quiz_summaries(enrolment: Enrolment) -> dict[str, dict]:
    """Per quiz id: number of attempts, best and last score, whether ever passed (one aggregate query + one)."""
    rows = db.session.execute(
        sa.select(QuizAttempt.quiz_id, sa.func.count(QuizAttempt.id), sa.func.max(QuizAttempt.score),
                  sa.func.max(sa.case((QuizAttempt.passed, 1), else_=0)), sa.func.max(QuizAttempt.id))
        .where(QuizAttempt.enrolment_id == enrolment.id).group_by(QuizAttempt.quiz_id)).all()
    last_ids = [r[4] for r in rows]
    last_scores = dict(db.session.execute(
        sa.select(QuizAttempt.id, QuizAttempt.score).where(QuizAttempt.id.in_(last_ids))).all()) if last_ids else {}
    return {quiz_id: {'attempts': n, 'best': best, 'passed': bool(passed), 'last': last_scores.get(last_id),
                      'last_id': last_id}
            for quiz_id, n, best, passed, last_id in rows}


def first_pre_best_post(*where, since: datetime | None = None, until: datetime | None = None) -> sa.Subquery:
    """THE knowledge-gain query: one row per enrolment with ``enrolment_id``, ``pre`` (the score of its first
    pre-test, first by submission time then by id) and ``post`` (its best post-test score); either may be null.

    ``where`` are extra conditions on :class:`QuizAttempt` (e.g. which enrolments). With ``since``/``until``, only
    attempts submitted in [since, until) count: the first pre-test when it falls in the period, the best of the
    post-tests taken in the period.
    """
    def period(column):
        return [c for c in (since is not None and column >= since, until is not None and column < until)
                if c is not False]

    ranked = (sa.select(QuizAttempt.enrolment_id, QuizAttempt.score, QuizAttempt.submitted_at,
                        sa.func.row_number().over(partition_by=QuizAttempt.enrolment_id,
                                                  order_by=(QuizAttempt.submitted_at, QuizAttempt.id)).label('rank'))
              .where(QuizAttempt.kind == QuizKind.pre_test, *where).subquery())
    no_score = sa.cast(sa.null(), QuizAttempt.score.type)
    scores = sa.union_all(
        sa.select(ranked.c.enrolment_id, ranked.c.score.label('pre'), no_score.label('post'))
        .where(ranked.c.rank == 1, *period(ranked.c.submitted_at)),
        sa.select(QuizAttempt.enrolment_id, no_score, QuizAttempt.score)
        .where(QuizAttempt.kind == QuizKind.post_test, *where, *period(QuizAttempt.submitted_at)),
    ).subquery()
    return (sa.select(scores.c.enrolment_id, sa.func.max(scores.c.pre).label('pre'),
                      sa.func.max(scores.c.post).label('post'))
            .group_by(scores.c.enrolment_id).subquery('knowledge_scores'))


def gains_for(enrolment_ids: list[int]) -> dict[int, dict]:
    """Knowledge gain per enrolment (first pre-test, best post-test, difference), for every id given."""
    scores = {}
    if enrolment_ids:
        gains = first_pre_best_post(QuizAttempt.enrolment_id.in_(enrolment_ids))
        scores = {eid: (pre, post) for eid, pre, post in db.session.execute(sa.select(gains)).all()}
    return {eid: scoring.gain_figures(*scores.get(eid, (None, None))) for eid in enrolment_ids}


def certificates_query(q: str = '', state: str = '') -> sa.Select:
    """Certificates for the admin list, newest first, filtered by code, holder name or email, and state."""
    stmt = (sa.select(Certificate).join(User, Certificate.user_id == User.id)
            .options(so.contains_eager(Certificate.user))
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc()))
    if q:
        text = q.lower()
        stmt = stmt.where(sa.or_(like_contains(sa.func.lower(Certificate.code), text),
                                 like_contains(sa.func.lower(Certificate.holder_name), text),
                                 like_contains(User.email, text), like_contains(Certificate.course_slug, text)))
    if state == 'valid':
        stmt = stmt.where(Certificate.revoked_at.is_(None))
    elif state == 'revoked':
        stmt = stmt.where(Certificate.revoked_at.is_not(None))
    return stmt


def certificate_of(enrolment: Enrolment) -> Certificate | None:
    return db.session.scalar(sa.select(Certificate).where(Certificate.enrolment_id == enrolment.id))


def progress_by_course(user, courses) -> dict[str, tuple[EnrolmentState, int]]:
    """For the catalogue: per course slug the user is enrolled in, (enrolment, percent of lessons done); one
    statement."""
    states = _states(db.session.execute(_STATES, {'user_id': user.id}))
    return {e.course_slug: (e, scoring.progress_percent(courses[e.course_slug], e.done_lesson_ids))
            for e in states if e.course_slug in courses}


def course_page_state(enrolment: Enrolment, course) -> dict:
    """What the course page shows an enrolled trainee: quizzes taken, progress, completion, certificate, gain."""
    done = enrolment.done_lesson_ids
    summaries = quiz_summaries(enrolment)
    passed = {quiz_id for quiz_id, s in summaries.items() if s['passed']}
    certificate = certificate_of(enrolment) if enrolment.completed_at else None
    return {'enrolment': enrolment, 'done': done, 'quizzes': summaries,
            'progress': scoring.progress_percent(course, done),
            'status': scoring.completion_status(course, done, passed), 'certificate': certificate,
            'gain': gains_for([enrolment.id])[enrolment.id]}


def learning_rows(user, courses) -> list[dict]:
    """One row per enrolment of ``user`` for "my learning": course (None when retired), progress, certificate
    and knowledge gain."""
    enrolments = enrolments_for(user)
    certificates = certificates_for(user)
    gains = gains_for([e.id for e in enrolments])
    rows = []
    for enrolment in enrolments:
        course = courses.get(enrolment.course_slug)
        gain = gains[enrolment.id]
        rows.append({'enrolment': enrolment, 'course': course,
                     'progress': scoring.progress_percent(course, enrolment.done_lesson_ids) if course else None,
                     'certificate': certificates.get(enrolment.id),
                     'pre': gain['pre'], 'post': gain['post'], 'gain': gain['gain']})
    return rows
