"""In Chromium: a trainee saves a course for offline, loses the connection, reads a lesson, answers a quiz; back
online, the answers are sent once and the attempt is stored once (issue 17, step 5)."""
from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.helpers import sign_in
from tests.helpers.courses import COURSE
from training.auth import services as auth_services
from training.auth.models import Role
from training.courses import services as course_services
from training.courses.models import QuizAttempt
from training.extensions import db
from training.offline.models import OfflineSubmission
from training.vocab import QuizKind

PASSWORD = 'a long enough password'


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_course_saved_for_offline_reads_and_takes_a_quiz_offline_and_the_attempt_is_stored_once(
        page, live_app, live_server):
    with live_app.app_context():
        user = auth_services.create_user(email='offline@example.org', name='Olu Offline', password=PASSWORD,
                                         roles=(Role.trainee,))
        course = live_app.extensions['content'].course(COURSE)
        enrolment = course_services.enrol(user, course)
        course_services.skip_pre_test(enrolment)
        db.session.commit()
    lesson = course.lessons[1]
    quiz = next(q for q in course.quizzes.values() if q.kind == QuizKind.practice)

    sign_in(page, 'offline@example.org', PASSWORD)
    page.goto(f'/courses/{COURSE}')
    save = page.get_by_role('button', name=re.compile(r'^Save for offline \(\d+ KB\)$'))
    expect(save).to_be_visible()
    save.click()
    expect(page.get_by_text(re.compile(r'Saved for offline: \d+ KB on this device'))).to_be_visible(timeout=30_000)

    page.context.set_offline(True)
    page.goto(f'/courses/{COURSE}/lessons/{lesson.id}')
    expect(page.get_by_role('heading', level=1)).to_have_text(lesson.title)
    page.goto(f'/courses/{COURSE}/quizzes/{quiz.id}')
    expect(page.get_by_role('heading', level=1)).to_have_text(quiz.title)
    groups = page.locator('fieldset.question')
    for number in range(groups.count()):  # the questions this form drew, in its order
        group = groups.nth(number)
        legend = ' '.join(group.locator('legend').inner_text().split())
        question = next(q for q in quiz.questions if ' '.join(q.prompt.split()) in legend)
        for option in (o for o in question.options if o.correct):
            group.get_by_label(option.text, exact=True).check()
    page.get_by_role('button', name='Submit answers').click()
    expect(page.get_by_text(re.compile('saved on this device; it will be sent when you are back online'))) \
        .to_be_visible()
    assert _count(live_app, QuizAttempt) == 0

    page.context.set_offline(False)
    expect(page.get_by_text(re.compile('sent, your answers are stored'))).to_be_visible(timeout=20_000)
    page.reload()  # the page again: nothing is sent twice
    expect(page.get_by_text(re.compile('sent, your answers are stored'))).to_be_visible()
    page.get_by_role('link', name='See the result').click()
    expect(page.get_by_role('heading', level=1)).to_contain_text(quiz.title)
    assert _count(live_app, QuizAttempt) == 1
    assert _count(live_app, OfflineSubmission) == 1
