"""Course rules with side effects: enrolment, progress, quiz attempts, completion and certificates.

Functions take model objects, content objects and plain values; they may flush but never commit (the view or CLI
command commits once). Business rules raise ``CourseError`` with a user-safe, translated message.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from training.codes import CERTIFICATE
from training.content.courses import Course, Quiz
from training.courses import answer_rows, draws, queries, scoring
from training.courses.models import Certificate, Enrolment, LessonProgress, QuizAttempt, QuizDraw
from training.courses.queries import DrawOnRecord, EnrolmentState
from training.db import new_uid, utcnow
from training.errors import TrainingError
from training.extensions import db
from training.i18n import _
from training.shuffling import make_rng
from training.vocab import QuizKind


class CourseError(TrainingError):
    pass


#: An enrolment as a model object, or as the rows the lesson, quiz and catalogue pages read (issue 18)
AnyEnrolment = Enrolment | EnrolmentState


# ---------------------------------------------------------------------------------------------------------------
# Enrolment and lessons

#: Every lesson and quiz page reads the enrolment with its lesson progress: one statement, built once (issue 18)
_ENROLMENT = sa.select(Enrolment).options(so.joinedload(Enrolment.lesson_progress)).where(
    Enrolment.user_id == sa.bindparam('user_id'), Enrolment.course_slug == sa.bindparam('course_slug'))


#: How precisely an enrolment's last activity is kept (it orders "my learning")
ACTIVITY_PRECISION = timedelta(minutes=1)
#: A submission's two writes, built once (issue 18)
_INSERT_ATTEMPT = sa.insert(QuizAttempt.__table__).returning(QuizAttempt.__table__.c.id)
_UPDATE_ENROLMENT = sa.update(Enrolment.__table__).where(Enrolment.__table__.c.id == sa.bindparam('enrolment_id'))
_TOUCH = _UPDATE_ENROLMENT.values(last_activity_at=sa.bindparam('now'), language=sa.bindparam('course_language'))
_VISIT = _UPDATE_ENROLMENT.values(last_lesson_id=sa.bindparam('lesson_id'), last_activity_at=sa.bindparam('now'))


def get_enrolment(user, course_slug: str) -> Enrolment | None:
    """The enrolment with its lesson progress, in one statement."""
    return db.session.scalars(_ENROLMENT, {'user_id': user.id, 'course_slug': course_slug}).unique().first()


def enrol(user, course: Course, *, now: datetime | None = None) -> Enrolment:
    """Enrol ``user`` (idempotent: an existing enrolment is returned unchanged)."""
    enrolment = get_enrolment(user, course.slug)
    if enrolment is not None:
        return enrolment
    now = now or utcnow()
    enrolment = Enrolment(user_id=user.id, course_slug=course.slug, course_version=course.version,
                          enrolled_at=now, last_activity_at=now, language=course.language)
    db.session.add(enrolment)
    db.session.flush()
    return enrolment


def visit_lesson(enrolment: AnyEnrolment, lesson_id: str, *, now: datetime | None = None) -> bool:
    """Remember the lesson for "resume"; returns whether anything changed (re-reading a page writes nothing).
    A lesson page's :class:`~training.courses.queries.EnrolmentState` is written with one UPDATE."""
    if enrolment.last_lesson_id == lesson_id:
        return False
    now = now or utcnow()
    if isinstance(enrolment, Enrolment):
        enrolment.last_lesson_id, enrolment.last_activity_at = lesson_id, now
    else:
        db.session.execute(_VISIT, {'enrolment_id': enrolment.id, 'lesson_id': lesson_id, 'now': now})
    return True


def pre_test_decided(enrolment: AnyEnrolment) -> bool:
    """The pre-test was taken or deliberately skipped (lessons are only opened after that, so a lesson marked
    done also answers the question without a query)."""
    return (enrolment.pre_test_skipped_at is not None or bool(enrolment.done_lesson_ids)
            or last_attempt(enrolment, QuizKind.pre_test) is not None)


def skip_pre_test(enrolment: Enrolment, *, now: datetime | None = None) -> None:
    if last_attempt(enrolment, QuizKind.pre_test) is not None:
        raise CourseError(_('You have already taken the pre-test.'))
    if enrolment.pre_test_skipped_at is None:
        enrolment.pre_test_skipped_at = now or utcnow()


def mark_lesson_done(enrolment: Enrolment, course: Course, lesson_id: str, *,
                     now: datetime | None = None) -> Certificate | None:
    """Record the lesson as done (idempotent); returns a certificate if this completed the course."""
    if course.lesson(lesson_id) is None:
        raise CourseError(_('This lesson is no longer part of the course.'))
    now = now or utcnow()
    if lesson_id not in enrolment.done_lesson_ids:
        enrolment.lesson_progress.append(LessonProgress(lesson_id=lesson_id, completed_at=now))
    visit_lesson(enrolment, lesson_id, now=now)
    enrolment.language = course.language
    db.session.flush()
    return check_completion(enrolment, course, now=now)


def next_lesson_id(enrolment: Enrolment, course: Course) -> str:
    """Where to resume: the lesson after the last one opened if that one is done, else the last one opened,
    else the first lesson not done."""
    done = enrolment.done_lesson_ids
    ids = course.lesson_ids
    last = enrolment.last_lesson_id
    if last in ids:
        if last not in done:
            return last
        for lesson_id in ids[ids.index(last) + 1:]:
            if lesson_id not in done:
                return lesson_id
    return next((i for i in ids if i not in done), ids[-1])


def resume_step(enrolment: Enrolment, course: Course) -> tuple[str, str] | None:
    """Where "resume" leads, as a course step (``('quiz', id)`` or ``('lesson', id)``); None: the course page
    (the course is complete)."""
    if not pre_test_decided(enrolment):
        return ('quiz', course.pre_test_id)
    current = status(enrolment, course)
    if current.met:
        return None
    if current.lessons_met:
        return ('quiz', current.quizzes_missing[0] if current.quizzes_missing else course.post_test_id)
    return ('lesson', next_lesson_id(enrolment, course))


# ---------------------------------------------------------------------------------------------------------------
# Quizzes

#: How many past attempts a quiz page lists (the count and the best score cover all of them).
ATTEMPT_HISTORY = 20


@dataclass(frozen=True)
class AttemptHistory:
    count: int
    best: float | None
    recent: list  # the latest attempts first, at most ATTEMPT_HISTORY

    @property
    def last(self):
        return self.recent[0] if self.recent else None


def attempt_history(enrolment: AnyEnrolment, quiz_id: str, limit: int = ATTEMPT_HISTORY) -> AttemptHistory:
    """Count and best score by SQL aggregate, and only the latest attempts as rows (a trainee may try often)."""
    params = {'enrolment_id': enrolment.id, 'quiz_id': quiz_id}
    count, best = db.session.execute(_ATTEMPTS_SUMMARY, params).one()
    recent = list(db.session.scalars(_LATEST_ATTEMPTS, {**params, 'limit': limit}))
    return AttemptHistory(count=count, best=best, recent=recent)


_OF_QUIZ = (QuizAttempt.enrolment_id == sa.bindparam('enrolment_id'), QuizAttempt.quiz_id == sa.bindparam('quiz_id'))
_ATTEMPTS_SUMMARY = sa.select(sa.func.count(QuizAttempt.id), sa.func.max(QuizAttempt.score)).where(*_OF_QUIZ)
#: In the order of the index ix_course_quiz_attempts_enrolment_quiz, which gives them without sorting
_LATEST_ATTEMPTS = sa.select(QuizAttempt).where(*_OF_QUIZ).order_by(
    QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc()).limit(sa.bindparam('limit'))


def last_attempt(enrolment: AnyEnrolment, kind: QuizKind) -> QuizAttempt | None:
    return db.session.scalar(
        sa.select(QuizAttempt).where(QuizAttempt.enrolment_id == enrolment.id, QuizAttempt.kind == kind)
        .order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc()).limit(1))


def passed_quiz_ids(enrolment: AnyEnrolment) -> set[str]:
    return set(db.session.scalars(
        sa.select(QuizAttempt.quiz_id).where(QuizAttempt.enrolment_id == enrolment.id, QuizAttempt.passed)
        .distinct()))


def quiz_open(enrolment: AnyEnrolment, course: Course, quiz: Quiz) -> tuple[bool, str | None]:
    """Whether the trainee may take ``quiz`` now, and if not, why (a translated sentence)."""
    if quiz.kind == QuizKind.pre_test:
        if last_attempt(enrolment, QuizKind.pre_test) is not None:
            return False, _('You have already taken the pre-test; it is taken once, before the first lesson.')
        if not enrolment.done_lesson_ids.isdisjoint(course.lesson_ids):
            return False, _('The pre-test is taken before the first lesson; you have already started the lessons.')
    if quiz.kind == QuizKind.post_test:
        status = scoring.completion_status(course, enrolment.done_lesson_ids, ())
        if not status.lessons_met:
            return False, _('The post-test opens once you have marked the lessons as done.')
    return True, None


def _shown_before(enrolment: AnyEnrolment, course: Course, quiz: Quiz) -> tuple[Counter, set[str]]:
    """For a quiz that draws from a bank: how often this trainee was shown each question (in any quiz drawing from
    the same bank), and, for the post-test, the questions of their pre-test (never asked again)."""
    if not quiz.draw:
        return Counter(), set()
    sharing = [q.id for q in course.quizzes.values() if q.id == quiz.id or (quiz.bank and q.bank == quiz.bank)]
    rows = db.session.execute(sa.select(QuizAttempt.kind, QuizAttempt.presented).where(
        QuizAttempt.enrolment_id == enrolment.id, QuizAttempt.quiz_id.in_(sharing))).all()
    seen: Counter = Counter()
    pre: set[str] = set()
    for kind, presented in rows:
        asked = draws.question_ids(presented) or []
        seen.update(asked)
        if kind == QuizKind.pre_test and quiz.kind == QuizKind.post_test:
            pre.update(asked)
    return seen, pre


#: The form on screen, read by every quiz page and submission: built once (issue 18)
_DRAW = sa.select(QuizDraw).where(QuizDraw.enrolment_id == sa.bindparam('enrolment_id'),
                                  QuizDraw.quiz_id == sa.bindparam('quiz_id'))
#: ``current_draw``'s default: read the form on record
READ = object()


def current_draw(enrolment: AnyEnrolment, course: Course, quiz: Quiz, *, keep: bool = True,
                 on_record: DrawOnRecord | None | object = READ) -> QuizDraw:
    """The form of ``quiz`` the trainee has on screen: the one drawn earlier if it still fits the quiz, else a
    fresh draw (its questions, options shuffled), kept until the attempt is submitted. With ``keep=False`` a fresh
    draw is not written (a submission scores against it and would delete it at once; :func:`keep_draw` writes it
    when the form is shown again). ``on_record``: the form on record as the page read it with the enrolment
    (:func:`~training.courses.queries.enrolment_state` with the quiz), instead of reading it here."""
    if on_record is READ:
        row = db.session.scalar(_DRAW, {'enrolment_id': enrolment.id, 'quiz_id': quiz.id})
    else:
        row = _persistent(on_record)
    if row is not None and draws.is_current(quiz, row.presented):
        return row
    seen, pre = _shown_before(enrolment, course, quiz)
    seed = current_app.config.get('SHUFFLE_SEED')
    # A seeded draw (tests, the assessment simulation) also depends on the attempts taken; an unseeded one does not,
    # and is made without counting them
    taken = None if seed is None else db.session.scalar(sa.select(sa.func.count(QuizAttempt.id)).where(
        QuizAttempt.enrolment_id == enrolment.id, QuizAttempt.quiz_id == quiz.id))
    rng = make_rng(seed, enrolment.id, quiz.id, taken)
    if row is None:
        row = QuizDraw(enrolment_id=enrolment.id, quiz_id=quiz.id)
        if keep:
            db.session.add(row)
    row.presented = draws.draw(quiz, rng, seen, pre)
    row.created_at = utcnow()
    if keep:
        db.session.flush()
    return row


def _persistent(draw: DrawOnRecord | None) -> QuizDraw | None:
    """The form as read with the enrolment, as the model object a read would have made (in the session, unchanged),
    so that changing or deleting it works the same."""
    if draw is None:
        return None
    row = QuizDraw(id=draw.id, enrolment_id=draw.enrolment_id, quiz_id=draw.quiz_id, presented=draw.presented,
                   created_at=draw.created_at)
    so.make_transient_to_detached(row)
    db.session.add(row)
    return row


def keep_draw(draw: QuizDraw) -> bool:
    """Write a draw made with ``keep=False`` (the form goes back to the trainee); whether there is anything to
    commit: a new form, or the one on record drawn again (the quiz changed). The form on record as it was: False."""
    state = sa.inspect(draw)
    if state.transient:
        db.session.add(draw)
        db.session.flush()
        return True
    return state.modified


def submit_quiz(enrolment: AnyEnrolment, course: Course, quiz: Quiz, answers: dict, *,
                now: datetime | None = None, draw: QuizDraw | None = None) -> tuple[QuizAttempt, Certificate | None]:
    """Score ``answers`` to the form on screen (``draw``, the current one if not given) on the server, keep the
    attempt with that form, and issue a certificate if this completes the course (only a passed attempt can). The
    quiz page's :class:`~training.courses.queries.EnrolmentState` gets one UPDATE at most (:func:`_touch`)."""
    allowed, reason = quiz_open(enrolment, course, quiz)
    if not allowed:
        raise CourseError(reason)
    now = now or utcnow()
    draw = draw or current_draw(enrolment, course, quiz, keep=False)
    shown = draw.presented
    asked = draws.question_ids(shown)
    # Scored before the first write: the locks a write takes (SQLite's database lock, PostgreSQL's row locks) are
    # held until the commit, so the work done while holding them is only the writing
    result = scoring.score_quiz(quiz, answers, asked)
    normalised = scoring.normalise_answers(quiz, answers, asked)
    # One form on screen, one attempt: the form is claimed by deleting it (a statement, not an ORM delete), which
    # also gives the next attempt a fresh form. Of two submissions at once (a double click), the second waits for
    # the first and finds nothing left to claim.
    if draw.id is not None and db.session.execute(
            sa.delete(QuizDraw).where(QuizDraw.id == draw.id)).rowcount != 1:
        raise CourseError(_('This form has already been submitted.'))
    values = dict(
        uid=new_uid(), enrolment_id=enrolment.id, quiz_id=quiz.id, kind=quiz.kind, answers=normalised,
        presented=shown, correct_count=result.correct_count, question_count=result.question_count,
        score=result.score, pass_mark=quiz.pass_mark, passed=result.passed, submitted_at=now,
        language=quiz.language or course.language)
    # One INSERT ... RETURNING id, and the object made persistent as written: the unit of work's flush of one new
    # object cost a sixth of a submission (issue 18: workshops' bursts of submissions)
    attempt = QuizAttempt(id=db.session.execute(_INSERT_ATTEMPT, values).scalar_one(), **values)
    so.make_transient_to_detached(attempt)
    db.session.add(attempt)
    answer_rows.record(attempt, quiz, result)
    certificate = check_completion(enrolment, course, now=now) if result.passed else None
    # The enrolment's row is updated last: its lock, which every submission of the trainee waits for, is held from
    # here to the commit
    _touch(enrolment, now, course.language)
    return attempt, certificate


def _touch(enrolment: AnyEnrolment, now: datetime, language: str | None) -> None:
    """The enrolment's last activity and language, written by one statement and kept as written (the unit of
    work's flush of one changed attribute cost a tenth of a submission; issue 18). The last activity is kept to
    the minute: a submission within a minute of the last one in the same language writes nothing here (each such
    UPDATE took the enrolment's row lock to the commit, and the trainee's next submission waited for it)."""
    last = enrolment.last_activity_at
    if enrolment.language == language and last is not None and timedelta(0) <= now - last < ACTIVITY_PRECISION:
        return
    db.session.execute(_TOUCH, {'enrolment_id': enrolment.id, 'now': now, 'course_language': language})
    if isinstance(enrolment, Enrolment):
        so.attributes.set_committed_value(enrolment, 'last_activity_at', now)
        so.attributes.set_committed_value(enrolment, 'language', language)


def rescore(attempt: QuizAttempt, quiz: Quiz) -> scoring.QuizResult:
    """The per-question result of a stored attempt against the current key (for the feedback page)."""
    return scoring.score_quiz(quiz, attempt.answers or {}, draws.question_ids(attempt.presented))


def knowledge_gain(enrolment: Enrolment) -> dict:
    """First pre-test score, best post-test score and their difference (see queries.first_pre_best_post)."""
    return queries.gains_for([enrolment.id])[enrolment.id]


# ---------------------------------------------------------------------------------------------------------------
# Completion and certificates

def status(enrolment: AnyEnrolment, course: Course) -> scoring.CompletionStatus:
    return scoring.completion_status(course, enrolment.done_lesson_ids, passed_quiz_ids(enrolment))


def certificate_for(enrolment: Enrolment) -> Certificate | None:
    return queries.certificate_of(enrolment)


def check_completion(enrolment: AnyEnrolment, course: Course, *, now: datetime | None = None,
                     code: str | None = None) -> Certificate | None:
    """If the completion rule is met for the first time, mark the enrolment completed and issue the certificate.

    Returns the newly issued certificate, or None. A revoked certificate is never silently replaced.
    """
    if enrolment.completed_at is not None or not status(enrolment, course).met:
        return None
    if isinstance(enrolment, EnrolmentState):  # read as a row: completing the course is written through the model
        enrolment = db.session.get(Enrolment, enrolment.id)
    now = now or utcnow()
    enrolment.completed_at = now
    if certificate_for(enrolment) is not None:
        return None
    certificate = Certificate(
        code=code or CERTIFICATE.unique_in(Certificate.code), enrolment_id=enrolment.id, user_id=enrolment.user_id,
        course_slug=course.slug, course_version=course.version, holder_name=enrolment.user.name,
        hours=course.estimated_hours, issuer=current_app.config['CERTIFICATE_ISSUER'], issued_at=now)
    db.session.add(certificate)
    db.session.flush()
    return certificate


def get_certificate(code: str | None) -> Certificate | None:
    """The certificate with ``code`` as typed (any case, spaces, with or without dashes), or None."""
    code = CERTIFICATE.normalise(code)
    if code is None:
        return None
    return db.session.scalar(sa.select(Certificate).where(Certificate.code == code))


def revoke_certificate(certificate: Certificate, *, by, reason: str, now: datetime | None = None) -> None:
    reason = (reason or '').strip()
    if not reason:
        raise CourseError(_('Give the reason for revoking the certificate.'), field='reason')
    if len(reason) > 500:
        raise CourseError(_('Keep the reason under %(n)d characters.', n=500), field='reason')
    if certificate.revoked_at is not None:
        raise CourseError(_('This certificate is already revoked.'))
    certificate.revoked_at = now or utcnow()
    certificate.revoked_reason = reason
    certificate.revoked_by_id = by.id
    db.session.flush()
