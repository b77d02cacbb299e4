"""What a course saved for offline holds, and a quiz answered offline stored once. Flushes, never commits."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, url_for

from training.assets import asset_url
from training.courses import draws, scoring
from training.courses import services as course_services
from training.courses.models import QuizAttempt
from training.errors import TrainingError
from training.extensions import db
from training.i18n import _
from training.offline.models import OfflineSubmission

KEY = re.compile(r'^[A-Za-z0-9_-]{16,64}$')
#: Scripts and styles a saved page needs
ASSETS = ('css/site.css', 'js/site.js', 'js/offline.js')
#: The page around a lesson or quiz (header, navigation, footer), in bytes: measured on the rendered layout
LAYOUT_BYTES = 4500


@dataclass(frozen=True)
class SavePlan:
    urls: list[str]
    bytes: int

    @property
    def kilobytes(self) -> int:
        return max(1, round(self.bytes / 1024))


def _quiz_bytes(quiz) -> int:
    return sum(len(q.prompt.encode()) + 120 + sum(len(o.text.encode()) + 160 for o in q.options)
               for q in quiz.questions)


def save_plan(enrolment, course) -> SavePlan:
    """The pages to keep on the device: the course page, every lesson (once the pre-test is taken or skipped), every
    quiz open now, the offline page and the scripts and styles; and about how many bytes they take. The lesson last
    opened comes last, so that fetching them all leaves "continue where you left off" where it was."""
    urls = [url_for('courses.course', slug=course.slug), url_for('offline.offline_page')]
    size = LAYOUT_BYTES * 2 + len(str(course.summary).encode())
    if course_services.pre_test_decided(enrolment):
        lessons = sorted(course.lessons, key=lambda lesson: lesson.id == enrolment.last_lesson_id)
        for lesson in lessons:
            urls.append(url_for('courses.lesson', slug=course.slug, lesson_id=lesson.id))
            size += LAYOUT_BYTES + len(str(lesson.html).encode())
    for quiz in course.quizzes.values():
        if course_services.quiz_open(enrolment, course, quiz)[0]:
            urls.append(url_for('courses.quiz', slug=course.slug, quiz_id=quiz.id))
            size += LAYOUT_BYTES + _quiz_bytes(quiz)
    static = Path(current_app.static_folder)
    for name in ASSETS:
        urls.append(asset_url(name))
        size += (static / name).stat().st_size if (static / name).is_file() else 0
    return SavePlan(urls=urls, bytes=size)


def stored_attempt(key: str, user) -> QuizAttempt | None:
    row = db.session.scalar(sa.select(OfflineSubmission).where(OfflineSubmission.key == key))
    if row is None:
        return None
    if row.user_id != user.id:
        raise TrainingError(_('This answer was sent by another account.'))
    return db.session.get(QuizAttempt, row.attempt_id)


def asked_ids(enrolment, course, quiz) -> list[str]:
    """The questions of the form the trainee has (the draw kept until it is submitted)."""
    draw = course_services.current_draw(enrolment, course, quiz)
    return [question.id for question, _options in draws.shown(quiz, draw.presented)]


def submit_offline(enrolment, course, quiz, form, *, key: str, user) -> tuple[QuizAttempt, bool]:
    """Store answers given offline (``form``: the quiz form's fields, ``q-<question id>``), once per ``key``:
    returns (attempt, stored now). A key seen before returns the attempt it stored, whatever was sent this time."""
    if not KEY.match(key or ''):
        raise TrainingError(_('The answer has no valid key; reload the quiz and answer again.'))
    found = stored_attempt(key, user)
    if found is not None:
        if found.enrolment_id != enrolment.id or found.quiz_id != quiz.id:
            raise TrainingError(_('This key was sent with the answers of another quiz; reload the quiz and answer '
                                  'again.'))
        return found, False
    asked = asked_ids(enrolment, course, quiz)
    answers = {qid: form.getlist(f'q-{qid}') for qid in asked}
    # an option that is not one of the question's is no answer (a forged or stale form), never scored as wrong
    if not answers or not all(scoring.normalise_answers(quiz, answers, asked).values()):
        raise TrainingError(_('Some questions have no answer; open the quiz again and answer every question.'))
    attempt, _certificate = course_services.submit_quiz(enrolment, course, quiz, answers)
    db.session.add(OfflineSubmission(key=key, user_id=user.id, attempt_id=attempt.id))
    db.session.flush()
    return attempt, True
