"""In Chromium: a trainee enrols, takes the pre-test, reads every lesson, passes the practice quizzes and the
post-test, downloads the PDF certificate and opens its verification page."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.helpers.pdf import pdf_text
from training.auth import services as auth_services
from training.auth.models import Role
from training.extensions import db

COURSE = 'understanding-atrocity-crimes'
PASSWORD = 'a long enough password'


def _answer(page, quiz, *, correct: bool):
    """Tick the options of every question on the page (the right ones, or a wrong one) by their labels: a test
    draws some of its bank's questions, and options come in a shuffled order."""
    groups = page.locator('fieldset.question')
    expect(groups).to_have_count(quiz.size)
    for number in range(quiz.size):
        group = groups.nth(number)
        legend = group.locator('legend').inner_text()
        question = next(q for q in quiz.questions if q.prompt[:40] in legend)
        if correct:
            chosen = [o for o in question.options if o.correct]
        else:
            chosen = [next(o for o in question.options if not o.correct)]
        for option in chosen:
            group.get_by_label(option.text, exact=True).check()
    page.get_by_role('button', name='Submit answers').click()


def test_trainee_completes_a_course_and_verifies_the_certificate(page, live_app, live_server, tmp_path):
    with live_app.app_context():
        auth_services.create_user(email='e2e-learner@example.org', name='Nadia Haddad', password=PASSWORD,
                                  roles=(Role.trainee,))
        db.session.commit()
        course = live_app.extensions['content'].course(COURSE)

    page.goto('/login')
    page.get_by_label('Email address').fill('e2e-learner@example.org')
    page.get_by_label('Password').fill(PASSWORD)
    page.get_by_role('button', name='Sign in').click()

    page.get_by_role('navigation', name='Main').get_by_role('link', name='Courses').click()
    page.get_by_role('link', name=course.title).click()
    expect(page.get_by_role('heading', level=1)).to_have_text(course.title)
    page.get_by_role('button', name='Enrol in this course').click()

    # the pre-test, before the first lesson: answered (wrongly), and its key is not shown
    expect(page.get_by_role('heading', level=1)).to_have_text(course.pre_test.title)
    _answer(page, course.pre_test, correct=False)
    expect(page.locator('p.result')).to_contain_text('0')
    expect(page.get_by_text('correct answer')).to_have_count(0)
    page.get_by_role('link', name='Continue').click()

    # every lesson, in order, marked as done; practice quizzes are passed where they come
    for module in course.modules:
        for item in module.items:
            if item.kind == 'lesson':
                lesson = course.lesson(item.id)
                expect(page.get_by_role('heading', level=1)).to_have_text(lesson.title)
                page.get_by_role('button', name='Mark as done and continue').click()
            else:
                quiz = course.quiz(item.id)
                expect(page.get_by_role('heading', level=1)).to_have_text(quiz.title)
                _answer(page, quiz, correct=True)
                expect(page.locator('p.result')).to_contain_text('Passed')
                page.get_by_role('link', name='Continue').click()

    # the post-test: other questions of the same bank, on the same objectives
    expect(page.get_by_role('heading', level=1)).to_have_text(course.post_test.title)
    _answer(page, course.post_test, correct=True)
    expect(page.locator('p.result')).to_contain_text('100')
    expect(page.get_by_text('your knowledge gain is +100 points')).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role('link', name='Download the certificate (PDF)').click()
    download = download_info.value
    assert re.fullmatch(r'certificate-[A-Za-z0-9-]+\.pdf', download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    data = path.read_bytes()
    code = download.suggested_filename[len('certificate-'):-len('.pdf')]
    text = pdf_text(data)
    for expected in ('Nadia Haddad', course.title, code, f'{live_server.url}/certificates/{code}'):
        assert expected in text, (expected, text)

    page.get_by_role('link', name='Verification page').click()
    expect(page).to_have_url(re.compile(rf'/certificates/{re.escape(code)}$'))
    expect(page.get_by_text('This certificate is valid.')).to_be_visible()
    expect(page.locator('dl.facts')).to_contain_text('Nadia Haddad')
    expect(page.locator('dl.facts')).to_contain_text(course.title)

    # My learning shows the completed course
    page.get_by_role('link', name='My learning').click()
    expect(page.get_by_text('Completed')).to_be_visible()
    expect(page.get_by_text(code)).to_be_visible()
