"""Paper tests: the one printed form of a quiz for a session, and a participant's answer sheet entered by the
facilitator, scored on the server like an online attempt. Flushes, never commits."""
from __future__ import annotations

import random
import string

import sqlalchemy as sa

from training.courses import draws, scoring
from training.db import utcnow
from training.errors import TrainingError
from training.extensions import db
from training.i18n import _
from training.paper.models import PaperTestEntry
from training.vocab import QuizKind
from training.workshops.models import Attendance, TrainingSession

LETTERS = string.ascii_uppercase


def printed_form(session: TrainingSession, quiz) -> list:
    """The form printed for this session: its options in one shuffled order, the same in every copy, on the
    answer sheet and on the entry page (so letters mean the same option everywhere)."""
    return draws.draw(quiz, random.Random(f'paper:{session.uid}:{quiz.id}'))  # noqa: S311 - an order, not a secret


def lettered(quiz, presented) -> list[tuple[int, object, list[tuple[str, object]]]]:
    """(number, question, [(letter, option), ...]) in the printed order."""
    return [(n, question, list(zip(LETTERS, options, strict=False)))
            for n, (question, options) in enumerate(draws.shown(quiz, presented), 1)]


def entry_of(attendance: Attendance, course_slug: str, quiz_id: str) -> PaperTestEntry | None:
    return db.session.scalar(sa.select(PaperTestEntry).where(
        PaperTestEntry.attendance_id == attendance.id, PaperTestEntry.course_slug == course_slug,
        PaperTestEntry.quiz_id == quiz_id))


def enter_paper_test(attendance: Attendance, course, quiz, answers: dict, *, by=None) -> PaperTestEntry:
    """Score a participant's paper answers and keep them (entering again corrects the earlier entry). A pre- or
    post-test sets the attendance's pre- or post-test score, as reports read it."""
    if course.quiz(quiz.id) is not quiz:
        raise TrainingError(_('This quiz is not part of the course.'))
    presented = printed_form(attendance.session, quiz)
    result = scoring.score_quiz(quiz, answers, draws.question_ids(presented))
    entry = entry_of(attendance, course.slug, quiz.id)
    if entry is None:
        entry = PaperTestEntry(attendance_id=attendance.id, course_slug=course.slug, quiz_id=quiz.id)
        db.session.add(entry)
    entry.kind = quiz.kind
    entry.answers = scoring.normalise_answers(quiz, answers, draws.question_ids(presented))
    entry.presented = presented
    entry.correct_count, entry.question_count = result.correct_count, result.question_count
    entry.score, entry.pass_mark, entry.passed = result.score, quiz.pass_mark, result.passed
    entry.entered_at, entry.entered_by_id = utcnow(), getattr(by, 'id', None)
    if quiz.kind == QuizKind.pre_test:
        attendance.pre_test_score = result.score
    elif quiz.kind == QuizKind.post_test:
        attendance.post_test_score = result.score
    db.session.flush()
    return entry


def entries_for(session: TrainingSession) -> list[PaperTestEntry]:
    return list(db.session.scalars(sa.select(PaperTestEntry).join(Attendance)
                                   .where(Attendance.session_id == session.id).order_by(PaperTestEntry.entered_at)))
