"""Courses learner state (keyed by content slugs and ids, never copies of the text).

A lesson, quiz or question that disappears from the files leaves these records intact; pages show it as retired.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from training.db import enum_column, uid_column, utcnow
from training.extensions import db
from training.vocab import QuizKind


class Enrolment(db.Model):
    """A user taking a course. One per user and course."""

    __tablename__ = 'course_enrolments'
    __table_args__ = (sa.UniqueConstraint('user_id', 'course_slug'),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id', ondelete='CASCADE'), index=True)
    course_slug: so.Mapped[str] = so.mapped_column(sa.String(100), index=True)
    #: The content version the trainee enrolled on (course.yaml ``version``)
    course_version: so.Mapped[int] = so.mapped_column(default=1)
    enrolled_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    #: The lesson last opened, for "resume where you left off"
    last_lesson_id: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    last_activity_at: so.Mapped[datetime | None]
    #: Set when the trainee chose to start without taking the pre-test (recorded for reports)
    pre_test_skipped_at: so.Mapped[datetime | None]
    #: Set once, when the completion rule is first met
    completed_at: so.Mapped[datetime | None] = so.mapped_column(index=True)
    #: The language the trainee last studied the course in (a course is one course in all its languages);
    #: None before this was recorded
    language: so.Mapped[str | None] = so.mapped_column(sa.String(8))

    user: so.Mapped[User] = so.relationship()  # noqa: F821
    lesson_progress: so.Mapped[list[LessonProgress]] = so.relationship(
        back_populates='enrolment', cascade='all, delete-orphan', passive_deletes=True, lazy='selectin',
        order_by='LessonProgress.completed_at')
    attempts: so.WriteOnlyMapped[QuizAttempt] = so.relationship(
        back_populates='enrolment', cascade='all, delete-orphan', passive_deletes=True)

    @property
    def done_lesson_ids(self) -> frozenset[str]:
        return frozenset(p.lesson_id for p in self.lesson_progress)

    def __repr__(self) -> str:
        return f'<Enrolment {self.id} user={self.user_id} {self.course_slug}>'


class LessonProgress(db.Model):
    """A lesson the trainee marked as done."""

    __tablename__ = 'course_lesson_progress'
    __table_args__ = (sa.UniqueConstraint('enrolment_id', 'lesson_id'),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    enrolment_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('course_enrolments.id', ondelete='CASCADE'))
    lesson_id: so.Mapped[str] = so.mapped_column(sa.String(100))
    completed_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    enrolment: so.Mapped[Enrolment] = so.relationship(back_populates='lesson_progress')


class QuizAttempt(db.Model):
    """One submitted quiz: the options chosen per question id, and the score computed on the server."""

    __tablename__ = 'course_quiz_attempts'
    __table_args__ = (
        # Ordered as the quiz page lists a trainee's latest attempts: found from the index, never sorted, however
        # many there are
        sa.Index('ix_course_quiz_attempts_enrolment_quiz', 'enrolment_id', 'quiz_id', 'submitted_at', 'id'),
        sa.CheckConstraint('score >= 0 AND score <= 100', name='score_in_range'),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Globally unique: the same record at a venue laptop and at the centre (training.sync)
    uid: so.Mapped[str] = uid_column()
    enrolment_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('course_enrolments.id', ondelete='CASCADE'))
    quiz_id: so.Mapped[str] = so.mapped_column(sa.String(100))
    kind: so.Mapped[QuizKind] = so.mapped_column(enum_column(QuizKind), index=True)
    #: {question id: [option ids]}
    answers: so.Mapped[dict] = so.mapped_column(sa.JSON)
    #: The form as shown: [[question id, [option ids in the order shown]], ...] (None: before shuffling existed,
    #: every question in the authored order)
    presented: so.Mapped[list | None] = so.mapped_column(sa.JSON)
    correct_count: so.Mapped[int]
    question_count: so.Mapped[int]
    #: Percent, 0-100
    score: so.Mapped[float]
    pass_mark: so.Mapped[int]
    passed: so.Mapped[bool]
    submitted_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    #: The language the quiz was read in; None before this was recorded
    language: so.Mapped[str | None] = so.mapped_column(sa.String(8))

    enrolment: so.Mapped[Enrolment] = so.relationship(back_populates='attempts')

    def __repr__(self) -> str:
        return f'<QuizAttempt {self.id} {self.quiz_id} {self.score:.0f}%>'


class QuizAnswer(db.Model):
    """One question of a submitted attempt: its objective, whether it was answered correctly and the options chosen.
    One row per question asked, written with the attempt, so that item analysis and knowledge gain per objective
    are SQL aggregates. Derived from the attempt (training.courses.answer_rows): rebuilt where missing."""

    __tablename__ = 'course_quiz_answers'
    __table_args__ = (sa.UniqueConstraint('attempt_id', 'question_id'),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    attempt_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('course_quiz_attempts.id', ondelete='CASCADE'))
    question_id: so.Mapped[str] = so.mapped_column(sa.String(100))
    #: The learning objective the question assessed when the attempt was scored (None: none declared)
    objective: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    correct: so.Mapped[bool]
    #: Option ids chosen, space-separated ('' when unanswered)
    chosen: so.Mapped[str] = so.mapped_column(sa.String(500), default='')

    def __repr__(self) -> str:
        return f'<QuizAnswer {self.attempt_id} {self.question_id} {"right" if self.correct else "wrong"}>'


class QuizDraw(db.Model):
    """The form of a quiz a trainee has on screen and has not submitted yet: which questions, each with its
    options in a shuffled order. Kept until the attempt is submitted, so reloading the page shows the same form,
    and then copied to the attempt (:attr:`QuizAttempt.presented`)."""

    __tablename__ = 'course_quiz_draws'
    __table_args__ = (sa.UniqueConstraint('enrolment_id', 'quiz_id'),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    enrolment_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('course_enrolments.id', ondelete='CASCADE'))
    quiz_id: so.Mapped[str] = so.mapped_column(sa.String(100))
    #: [[question id, [option ids in the order shown]], ...]
    presented: so.Mapped[list] = so.mapped_column(sa.JSON)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f'<QuizDraw {self.id} {self.quiz_id}>'


class Certificate(db.Model):
    """Issued when a course's completion rule is met. The public verification page reads it from here."""

    __tablename__ = 'course_certificates'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Unguessable, short enough to type (see training.codes.CERTIFICATE); stored in upper case, e.g. ``DM7Q-KC4X-RW9T``
    code: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    enrolment_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey('course_enrolments.id', ondelete='RESTRICT'), unique=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id', ondelete='RESTRICT'), index=True)
    course_slug: so.Mapped[str] = so.mapped_column(sa.String(100), index=True)
    course_version: so.Mapped[int] = so.mapped_column(default=1)
    #: The holder's name as certified at issue (a later change of account name does not alter the certificate)
    holder_name: so.Mapped[str] = so.mapped_column(sa.String(200))
    hours: so.Mapped[float]
    issuer: so.Mapped[str] = so.mapped_column(sa.String(200))
    issued_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    revoked_at: so.Mapped[datetime | None]
    revoked_reason: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    revoked_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id', ondelete='SET NULL'))

    enrolment: so.Mapped[Enrolment] = so.relationship()
    user: so.Mapped[User] = so.relationship(foreign_keys=[user_id])  # noqa: F821
    revoked_by: so.Mapped[User | None] = so.relationship(foreign_keys=[revoked_by_id])  # noqa: F821

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def __repr__(self) -> str:
        return f'<Certificate {self.code} {self.course_slug}>'


from training.auth.models import User  # noqa: E402 - resolve relationship targets
