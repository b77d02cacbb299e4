"""Course pages with a database: catalogue, enrolment, lessons, quizzes, attempts, certificates, permissions."""
from __future__ import annotations

import re

import pytest

from tests.helpers.courses import COURSE, correct_answers, form_data, wrong_answers
from tests.helpers.pdf import pdf_text
from training.auth.models import Role
from training.courses import services
from training.courses.models import Certificate, Enrolment, QuizAttempt, QuizKind
from training.forms import CONTROL_CHARACTERS


def _text(response) -> str:
    return response.get_data(as_text=True)


R2P_EN = 'Prevention and the responsibility to protect'


def test_catalogue_lists_and_filters(client):
    html = _text(client.get('/courses/'))
    assert 'Understanding genocide and atrocity crimes' in html
    # a course is listed once, in the interface language where it is translated
    assert R2P_EN in html and 'La prévention et la responsabilité de protéger' not in html
    registry = client.application.extensions['content']
    for lang in ('fr', 'es', 'ar'):  # the courses one can read in that language (no filter if none can)
        html = _text(client.get(f'/courses/?language={lang}'))
        readable = [c for c in registry.courses.values() if lang in registry.languages_of('course', c.slug)]
        for course in registry.courses.values():
            assert (course.title in html) == (course in readable or not readable), (lang, course)
    html = _text(client.get('/courses/', headers={'Accept-Language': 'fr'}))
    assert 'La prévention et la responsabilité de protéger' in html and R2P_EN not in html
    html = _text(client.get('/courses/?level=advanced'))
    assert 'No course matches these filters.' in html
    # unknown filter values are ignored rather than failing
    assert client.get('/courses/?language=xx&level=<script>').status_code == 200


def test_course_page_for_visitors_and_enrolled(client, auth, course):
    html = _text(client.get(f'/courses/{COURSE}'))
    assert course.title in html and 'Sign in to enrol' in html and 'Estimated time' in html
    for module in course.modules:
        assert module.title in html
    auth.login_as(Role.trainee)
    assert 'Enrol in this course' in _text(client.get(f'/courses/{COURSE}'))
    assert client.get('/courses/no-such-course').status_code == 404


def test_enrol_goes_to_the_pre_test_and_lessons_wait_for_it(client, auth, course, db):
    user = auth.login_as(Role.trainee)
    first = course.lessons[0].id
    # not enrolled: lessons send you to the course page
    response = client.get(f'/courses/{COURSE}/lessons/{first}')
    assert response.status_code == 302 and response.headers['Location'].endswith(f'/courses/{COURSE}')
    response = client.post(f'/courses/{COURSE}/enrol')
    assert response.headers['Location'].endswith(f'/courses/{COURSE}/quizzes/{course.pre_test_id}')
    assert db.session.query(Enrolment).filter_by(user_id=user.id).count() == 1
    # enrolling twice is harmless
    assert client.post(f'/courses/{COURSE}/enrol').status_code == 302
    assert db.session.query(Enrolment).filter_by(user_id=user.id).count() == 1
    response = client.get(f'/courses/{COURSE}/lessons/{first}')
    assert response.headers['Location'].endswith(f'/quizzes/{course.pre_test_id}')
    # skipping is recorded and opens the first lesson
    response = client.post(f'/courses/{COURSE}/pre-test/skip')
    assert response.headers['Location'].endswith(f'/lessons/{first}')
    assert db.session.query(Enrolment).one().pre_test_skipped_at is not None
    assert client.get(f'/courses/{COURSE}/lessons/{first}').status_code == 200


def test_quiz_page_never_carries_the_answer_key(client, auth, course):
    auth.login_as(Role.trainee)
    client.post(f'/courses/{COURSE}/enrol')
    for quiz in [course.pre_test, *(course.quiz(q) for q in course.completion.pass_quizzes)]:
        html = _text(client.get(f'/courses/{COURSE}/quizzes/{quiz.id}'))
        assert not re.search(r'<[^>]*correct[^>]*>', html, re.IGNORECASE)  # no attribute or class gives it away
        assert 'feedback' not in html
        for question in quiz.questions:
            for option in question.options:
                assert option.feedback.strip()[:60] not in html
            if question.explanation:
                assert question.explanation[:60] not in html


def test_pre_test_result_hides_the_key_and_the_post_test_shows_gain(client, auth, course, db):
    auth.login_as(Role.trainee)
    client.post(f'/courses/{COURSE}/enrol')
    pre = course.pre_test
    response = client.post(f'/courses/{COURSE}/quizzes/{pre.id}', data=form_data(wrong_answers(pre)))
    assert response.status_code == 302
    html = _text(client.get(response.headers['Location']))
    assert '0%' in html and 'answers of the pre-test are not shown' in html
    assert 'correct answer' not in html
    for question in pre.questions:
        for option in question.options:
            assert option.feedback.strip()[:60] not in html
    # the pre-test is taken once
    html = _text(client.get(f'/courses/{COURSE}/quizzes/{pre.id}'))
    assert 'already taken the pre-test' in html and '<form method="post" class="quiz"' not in html
    # the post-test waits for the lessons
    html = _text(client.get(f'/courses/{COURSE}/quizzes/{course.post_test_id}'))
    assert 'opens once you have marked the lessons as done' in html


def test_practice_quiz_attempts_feedback_best_and_last(client, auth, course, db):
    auth.login_as(Role.trainee)
    client.post(f'/courses/{COURSE}/enrol')
    client.post(f'/courses/{COURSE}/pre-test/skip')
    quiz = course.quiz('genocide-check')
    url = f'/courses/{COURSE}/quizzes/{quiz.id}'
    first = client.post(url, data=form_data(wrong_answers(quiz)))
    html = _text(client.get(first.headers['Location']))
    assert 'Not passed yet' in html and 'Try again' in html
    # practice quizzes show all the feedback after submission
    for option in quiz.questions[0].options:
        assert option.feedback.strip()[:40] in html
    second = client.post(url, data=form_data(correct_answers(quiz)))
    html = _text(client.get(second.headers['Location']))
    assert '100%' in html and 'Passed' in html
    html = _text(client.get(url))
    assert '2 attempts' in html and 'best score:' in html and 'last score:' in html and 'All attempts' in html
    assert db.session.query(QuizAttempt).count() == 2


def test_incomplete_quiz_form_is_refused_with_a_message(client, auth, course, db):
    auth.login_as(Role.trainee)
    client.post(f'/courses/{COURSE}/enrol')
    quiz = course.quiz('genocide-check')
    answers = correct_answers(quiz)
    answers.pop(quiz.questions[1].id)
    response = client.post(f'/courses/{COURSE}/quizzes/{quiz.id}', data=form_data(answers))
    assert response.status_code == 422
    assert 'There is 1 problem with this form' in _text(response)
    assert db.session.query(QuizAttempt).count() == 0


def test_forged_answers_are_scored_on_the_server(client, auth, course, db):
    auth.login_as(Role.trainee)
    client.post(f'/courses/{COURSE}/enrol')
    quiz = course.quiz('genocide-check')
    data = form_data(correct_answers(quiz))
    data[f'q-{quiz.questions[0].id}'] = ['not-an-option']
    response = client.post(f'/courses/{COURSE}/quizzes/{quiz.id}', data=data)
    assert response.status_code == 422  # not a valid choice
    assert db.session.query(QuizAttempt).count() == 0


def test_attempts_are_private(client, auth, course, db, create_user):
    other = create_user()
    enrolment = services.enrol(other, course)
    attempt, _ = services.submit_quiz(enrolment, course, course.quiz('genocide-check'), {})
    db.session.commit()
    auth.login_as(Role.trainee)
    assert client.get(f'/courses/{COURSE}/attempts/{attempt.id}').status_code == 404


def test_whole_course_through_the_pages(client, auth, course, db, app):
    user = auth.login_as(Role.trainee, name='Aïssata Koné')
    client.post(f'/courses/{COURSE}/enrol')
    pre = course.pre_test
    client.post(f'/courses/{COURSE}/quizzes/{pre.id}', data=form_data(wrong_answers(pre)))
    for lesson in course.lessons:
        page = client.get(f'/courses/{COURSE}/lessons/{lesson.id}')
        assert page.status_code == 200 and lesson.title in _text(page)
        for tag in lesson.factors:
            framework_id, _sep, factor_id = tag.partition(':')
            assert f'/frameworks/{framework_id}#factor-{factor_id}"' in _text(page)
        assert client.post(f'/courses/{COURSE}/lessons/{lesson.id}/done').status_code == 302
    # resume sends you to the first practice quiz not yet passed
    response = client.get(f'/courses/{COURSE}/resume')
    assert response.headers['Location'].endswith(f'/quizzes/{course.completion.pass_quizzes[0]}')
    for quiz_id in course.completion.pass_quizzes:
        quiz = course.quiz(quiz_id)
        client.post(f'/courses/{COURSE}/quizzes/{quiz_id}', data=form_data(correct_answers(quiz)))
    post = course.post_test
    response = client.post(f'/courses/{COURSE}/quizzes/{post.id}', data=form_data(correct_answers(post)))
    html = _text(client.get(response.headers['Location'], follow_redirects=True))
    assert 'knowledge gain is +100 points' in html
    certificate = db.session.query(Certificate).filter_by(user_id=user.id).one()
    assert certificate.code in html
    assert certificate.enrolment.completed_at is not None  # the quiz page read it as rows, completing wrote it

    pdf = client.get(f'/certificates/{certificate.code}/pdf')
    assert pdf.status_code == 200 and pdf.mimetype == 'application/pdf'
    text = pdf_text(pdf.data)
    for expected in ('Aïssata Koné', course.title, certificate.code, f'/certificates/{certificate.code}'):
        assert expected in text, (expected, text)
    assert 'attachment' in pdf.headers['Content-Disposition']

    html = _text(client.get('/my-learning'))
    assert 'Completed' in html and certificate.code in html and '+100 points' in html

    auth.logout()
    html = _text(client.get(f'/certificates/{certificate.code}'))
    assert 'This certificate is valid.' in html and 'Aïssata Koné' in html and course.title in html
    assert app.config['CERTIFICATE_ISSUER'] in html
    # the PDF is for its holder (and admins)
    assert client.get(f'/certificates/{certificate.code}/pdf').status_code == 302
    auth.login_as(Role.trainee)
    assert client.get(f'/certificates/{certificate.code}/pdf').status_code == 404


def test_verification_unknown_code_is_404(client):
    assert client.get('/certificates/ABCD-EFGH-JKMN').status_code == 404
    assert client.get('/certificates/' + 'x' * 200).status_code == 404


def test_unknown_code_shows_the_lookup_form_again_with_an_error(app, client):
    app.config['CERTIFICATE_LOOKUP_LIMIT'] = '10000 per minute'
    for response in (client.get('/certificates/ABCD-EFGH-JKMN'),
                     client.get('/certificates/', query_string={'code': 'abcd efgh'}),
                     client.get('/certificates/', query_string={'code': 'abcd efgh jkmn'}, follow_redirects=True)):
        html = _text(response)
        assert response.status_code == 404
        assert 'No certificate has this code.' in html and 'Check the certificate' in html
        assert 'Page not found' not in html


def test_lookup_in_any_case_with_spaces_and_without_dashes(app, client, certificate):
    app.config['CERTIFICATE_LOOKUP_LIMIT'] = '10000 per minute'
    compact = certificate.code.replace('-', '')
    for typed in (certificate.code.lower(), f' {compact[:4]} {compact[4:8].lower()}  {compact[8:]} ', compact.lower()):
        response = client.get('/certificates/', query_string={'code': typed}, follow_redirects=True)
        assert response.status_code == 200 and 'This certificate is valid.' in _text(response), typed
        response = client.get(f'/certificates/{typed.strip()}', follow_redirects=True)
        assert response.status_code == 200 and 'This certificate is valid.' in _text(response), typed


@pytest.fixture
def certificate(db, enrolment, course, complete_course):
    return complete_course(enrolment, course)


def test_admin_revokes_and_the_public_page_says_so(client, auth, certificate, db):
    auth.login_as(Role.admin)
    html = _text(client.get('/manage/certificates'))
    assert certificate.code in html and 'Lina Learner' in html
    url = f'/manage/certificates/{certificate.code}'
    response = client.post(url, data={'reason': '   '})
    assert response.status_code == 422 and 'Give the reason' in _text(response)
    response = client.post(url, data={'reason': 'Issued to the wrong account'})
    assert response.status_code == 302
    db.session.refresh(certificate)
    assert certificate.is_revoked and certificate.revoked_reason == 'Issued to the wrong account'
    html = _text(client.get(f'/certificates/{certificate.code}'))
    assert 'This certificate has been revoked.' in html and 'This certificate is valid.' not in html
    assert 'wrong account' not in html  # the reason stays internal
    assert '1 certificate' in _text(client.get('/manage/certificates?state=revoked'))
    assert '0 certificates' in _text(client.get('/manage/certificates?state=valid'))


@pytest.mark.parametrize('role', [Role.trainee, Role.trainer, Role.staff])
def test_only_admins_manage_certificates(client, auth, certificate, role):
    auth.login_as(role)
    assert client.get('/manage/certificates').status_code == 403
    assert client.post(f'/manage/certificates/{certificate.code}', data={'reason': 'x'}).status_code == 403


def test_naughty_strings_in_free_text(client, auth, certificate, db, naughty_strings):
    auth.login_as(Role.admin)
    for s in naughty_strings:
        response = client.get('/manage/certificates', query_string={'q': s})
        assert response.status_code == 200, s
        assert '<script>alert' not in _text(response)
    for s in naughty_strings[::5]:
        response = client.get('/courses/', query_string={'language': s, 'level': s})
        assert response.status_code == 200
    # a naughty revocation reason is stored as given and shown escaped
    reason = next(s for s in naughty_strings if '<script>' in s)
    client.post(f'/manage/certificates/{certificate.code}', data={'reason': reason})
    db.session.refresh(certificate)
    assert certificate.revoked_reason == reason.strip()[:500]
    html = _text(client.get(f'/manage/certificates/{certificate.code}'))
    assert '<script>' not in html and '&lt;script&gt;' in html


def test_lesson_page_is_light(client, auth, course, app):
    auth.login_as(Role.trainee)
    client.post(f'/courses/{COURSE}/enrol')
    client.post(f'/courses/{COURSE}/pre-test/skip')
    biggest = max(course.lessons, key=lambda x: len(x.html))
    response = client.get(f'/courses/{COURSE}/lessons/{biggest.id}', headers={'Accept-Encoding': 'gzip'})
    css_url = re.search(r'href="(/static/v/[^"]+\.css)"', _text_maybe_gzip(response))[1]
    css = client.get(css_url, headers={'Accept-Encoding': 'gzip'})
    total = len(response.data) + len(css.data)
    assert total <= 30 * 1024, total
    assert '<script' not in _text_maybe_gzip(response)


def _text_maybe_gzip(response) -> str:
    import gzip
    data = response.data
    if response.headers.get('Content-Encoding') == 'gzip':
        data = gzip.decompress(data)
    return data.decode()


def test_french_interface_and_course(client, auth, course):
    html = _text(client.get('/courses/?language=fr', headers={'Accept-Language': 'fr'}))
    assert '<html lang="fr">' in html and 'Toutes les langues' in html and '4 heures' in html
    html = _text(client.get('/courses/prevention-responsibility-to-protect', headers={'Accept-Language': 'fr'}))
    assert 'La prévention et la responsabilité de protéger' in html
    assert '<span lang="en">English</span>, <span lang="fr">Français</span>' in html
    assert 'Plan du cours' in html and 'lire toutes les leçons' in html


def test_retired_quiz_attempt_and_course_stay_visible(client, auth, db, course):
    user = auth.login_as(Role.trainee)
    enrolment = services.enrol(user, course)
    retired = QuizAttempt(enrolment_id=enrolment.id, quiz_id='old-quiz', kind=QuizKind.practice,
                          answers={'q1': ['a']}, correct_count=1,
                          question_count=1, score=100.0, pass_mark=70, passed=True)
    db.session.add(retired)
    gone = Enrolment(user_id=user.id, course_slug='a-retired-course')
    db.session.add(gone)
    db.session.commit()
    html = _text(client.get(f'/courses/{COURSE}/attempts/{retired.id}'))
    assert 'This quiz has been retired' in html and '100%' in html
    html = _text(client.get('/my-learning'))
    assert 'a-retired-course' in html and 'This course has been retired' in html
    assert client.get('/courses/a-retired-course/resume').status_code == 404


def test_verification_is_rate_limited(make_app):
    app = make_app(CERTIFICATE_LOOKUP_LIMIT='3 per minute')
    client = app.test_client()
    assert [client.get(f'/certificates/Abcd-Efgh-{n:04d}').status_code for n in range(4)] == [404, 404, 404, 429]


def test_lookup_by_typed_code(app, client, certificate, naughty_strings):
    app.config['CERTIFICATE_LOOKUP_LIMIT'] = '10000 per minute'
    assert client.get('/certificates/').status_code == 200
    typed = ' ' + certificate.code.replace('-', '') + ' '
    response = client.get('/certificates/', query_string={'code': typed})
    assert response.headers['Location'].endswith(f'/certificates/{certificate.code}')
    response = client.get(f'/certificates/{certificate.code.replace("-", "")}')
    assert response.status_code == 302 and response.headers['Location'].endswith(f'/certificates/{certificate.code}')
    assert 'This certificate is valid.' in _text(client.get(f'/certificates/{certificate.code}'))
    for s in naughty_strings:
        response = client.get('/certificates/', query_string={'code': s}, follow_redirects=True)
        assert response.status_code in (200, 404), s
        assert '<script>alert' not in _text(response)


def test_every_naughty_revocation_reason_is_stored_and_escaped(client, auth, certificate, db, naughty_strings):
    auth.login_as(Role.admin)
    url = f'/manage/certificates/{certificate.code}'
    for s in naughty_strings[::2]:
        certificate.revoked_at = certificate.revoked_reason = certificate.revoked_by_id = None
        db.session.commit()
        response = client.post(url, data={'reason': s})
        db.session.refresh(certificate)
        if s.strip() and len(s.strip()) <= 500 and not CONTROL_CHARACTERS.search(s):
            assert response.status_code == 302, s
            assert certificate.revoked_reason == s.strip()
            html = _text(client.get(url))
            assert '<script>alert' not in html and '<img src=x' not in html.lower()
        else:
            assert response.status_code == 422 and certificate.revoked_at is None, s
