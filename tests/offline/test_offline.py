"""Offline lessons: what saving a course fetches and weighs, and answers sent from the device stored once."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.helpers.courses import COURSE
from training.auth.models import Role
from training.content import registry
from training.courses import draws
from training.courses import services as course_services
from training.courses.models import QuizAttempt
from training.extensions import db
from training.vocab import QuizKind


@pytest.fixture
def enrolled(auth):
    user = auth.login_as(Role.trainee)
    course = registry().course(COURSE)
    enrolment = course_services.enrol(user, course)
    course_services.skip_pre_test(enrolment)
    db.session.commit()
    return user, course, enrolment


def _practice(course):
    return next(q for q in course.quizzes.values() if q.kind == QuizKind.practice)


def _form(enrolment, quiz, key='k' * 24) -> dict:
    course = registry().course(enrolment.course_slug)
    presented = course_services.current_draw(enrolment, course, quiz).presented
    db.session.commit()
    data = {'offline_key': key}
    for question, _options in draws.shown(quiz, presented):
        data[f'q-{question.id}'] = sorted(question.correct_ids)
    return data


def test_the_save_plan_lists_the_pages_and_their_size_before_anything_is_fetched(client, enrolled):
    _user, course, _enrolment = enrolled
    plan = client.get(f'/courses/{COURSE}/offline.json').json
    assert plan['label'] == f'Save for offline ({plan["kilobytes"]} KB)'
    assert plan['bytes'] > sum(len(str(lesson.html)) for lesson in course.lessons)
    assert f'/courses/{COURSE}/lessons/{course.lessons[0].id}' in plan['urls']
    assert f'/courses/{COURSE}/quizzes/{_practice(course).id}' in plan['urls']
    assert any(u.endswith('/css/site.css') for u in plan['urls']) and '/offline' in plan['urls']


def test_saving_needs_an_enrolment(auth, client):
    auth.login_as(Role.trainee)
    assert client.get(f'/courses/{COURSE}/offline.json').status_code == 409


def test_answers_sent_twice_with_the_same_key_are_stored_once(client, enrolled):
    _user, course, enrolment = enrolled
    quiz = _practice(course)
    data = _form(enrolment, quiz)
    first = client.post(f'/courses/{COURSE}/quizzes/{quiz.id}/offline', data=data)
    assert first.status_code == 200 and first.json['stored'] is True and first.json['score'] == 100.0
    again = client.post(f'/courses/{COURSE}/quizzes/{quiz.id}/offline', data=data)
    assert again.status_code == 200 and again.json['stored'] is False
    assert again.json['attempt_url'] == first.json['attempt_url']
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)) == 1
    assert client.get(first.json['attempt_url']).status_code == 200


def test_answers_without_a_key_or_incomplete_are_refused_with_a_reason(client, enrolled):
    _user, course, enrolment = enrolled
    quiz = _practice(course)
    data = _form(enrolment, quiz)
    response = client.post(f'/courses/{COURSE}/quizzes/{quiz.id}/offline', data={**data, 'offline_key': 'x'})
    assert response.status_code == 422 and 'no valid key' in response.json['error']
    first_question = next(k for k in data if k.startswith('q-'))
    response = client.post(f'/courses/{COURSE}/quizzes/{quiz.id}/offline', data={**data, first_question: []})
    assert response.status_code == 422 and 'Some questions have no answer' in response.json['error']
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)) == 0


def test_another_account_cannot_reuse_a_key(auth, client, enrolled, create_user):
    _user, course, enrolment = enrolled
    quiz = _practice(course)
    data = _form(enrolment, quiz)
    assert client.post(f'/courses/{COURSE}/quizzes/{quiz.id}/offline', data=data).status_code == 200
    auth.logout()
    other = auth.login_as(Role.trainee, email='other@example.org')
    other_enrolment = course_services.enrol(other, course)
    db.session.commit()
    response = client.post(f'/courses/{COURSE}/quizzes/{quiz.id}/offline', data=_form(other_enrolment, quiz))
    assert response.status_code == 422 and 'another account' in response.json['error']


def test_the_service_worker_and_manifest_are_served_from_the_site(client):
    sw = client.get('/sw.js')
    assert sw.status_code == 200 and sw.mimetype == 'application/javascript'
    assert sw.headers['Service-Worker-Allowed'] == '/' and 'no-cache' in sw.headers['Cache-Control']
    manifest = client.get('/manifest.webmanifest')
    assert manifest.mimetype == 'application/manifest+json' and manifest.json['display'] == 'standalone'
    assert client.get(manifest.json['icons'][0]['src']).status_code == 200
    assert 'You are offline' in client.get('/offline').get_data(as_text=True)


def test_course_pages_work_without_javascript_the_save_button_is_hidden_until_the_script_shows_it(client, enrolled):
    html = client.get(f'/courses/{COURSE}').get_data(as_text=True)
    assert 'data-offline-save hidden' in html and 'js/offline.js' in html


def test_answers_naming_options_the_questions_do_not_have_are_refused_and_no_attempt_is_used(client, enrolled):
    _user, course, enrolment = enrolled
    quiz = _practice(course)
    data = _form(enrolment, quiz)
    forged = {k: (['no-such-option'] if k.startswith('q-') else v) for k, v in data.items()}
    response = client.post(f'/courses/{COURSE}/quizzes/{quiz.id}/offline', data=forged)
    assert response.status_code == 422 and 'Some questions have no answer' in response.json['error']
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)) == 0


def test_a_key_already_used_for_another_quiz_is_refused_not_answered_with_that_quizs_attempt(client, enrolled):
    _user, course, enrolment = enrolled
    practices = [q for q in course.quizzes.values() if q.kind == QuizKind.practice]
    first, second = practices[0], practices[1]
    assert client.post(f'/courses/{COURSE}/quizzes/{first.id}/offline', data=_form(enrolment, first)).status_code == 200
    response = client.post(f'/courses/{COURSE}/quizzes/{second.id}/offline', data=_form(enrolment, second))
    assert response.status_code == 422 and 'another quiz' in response.json['error']
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)) == 1


def test_malformed_or_huge_bodies_and_unknown_quizzes_get_a_4xx(client, enrolled):
    _user, course, enrolment = enrolled
    quiz = _practice(course)
    url = f'/courses/{COURSE}/quizzes/{quiz.id}/offline'
    assert client.post(url, data=b'{not json', content_type='application/json').status_code == 422
    assert client.post(url, data=b'x' * (9 * 1024 * 1024), content_type='application/x-www-form-urlencoded'
                       ).status_code == 413
    unknown = client.post(f'/courses/{COURSE}/quizzes/no-such-quiz/offline', data=_form(enrolment, quiz))
    assert unknown.status_code == 404
    assert client.post(f'/courses/no-such-course/quizzes/{quiz.id}/offline', data={}).status_code == 404
