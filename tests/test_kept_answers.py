"""Never lose a trainee's answers (issue 13 item 7): a quiz or stage form sent after the session ended, or after
signing out in another tab, is kept; after signing in again it comes back filled in, with a plain message. Any
other form sent with an expired token gets a plain message, never the raw "CSRF token" error."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.helpers.auth import PASSWORD
from tests.helpers.courses import COURSE
from training.kept_answers.models import KeptAnswers

EMAIL = 'kept@example.org'


def _token(html: str) -> str:
    tag = re.search(r'<input[^>]*\bname="csrf_token"[^>]*>', html).group(0)
    return re.search(r'value="([^"]+)"', tag).group(1)


def _sign_in(client, next_url: str | None = None):
    url = '/login' + (f'?next={next_url}' if next_url else '')
    token = _token(client.get(url).get_data(as_text=True))
    return client.post(url, data={'email': EMAIL, 'password': PASSWORD, 'csrf_token': token})


def _checked(html: str, field: str) -> list[str]:
    tags = re.findall(rf'<input[^>]*\bname="{re.escape(field)}"[^>]*>', html)
    return [re.search(r'value="([^"]*)"', t).group(1) for t in tags if re.search(r'\bchecked\b', t)]


@pytest.fixture
def site(make_app, create_user):
    """An app that checks CSRF tokens, a trainee enrolled in the course who skipped the pre-test."""
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        create_user(email=EMAIL, name='Kim Kept')
    client = app.test_client()
    assert _sign_in(client).status_code == 302
    page = client.get(f'/courses/{COURSE}').get_data(as_text=True)
    client.post(f'/courses/{COURSE}/enrol', data={'csrf_token': _token(page)})
    page = client.get(f'/courses/{COURSE}/quizzes/pre-test').get_data(as_text=True)
    client.post(f'/courses/{COURSE}/pre-test/skip', data={'csrf_token': _token(page)})
    return app, client


def _quiz_answers(app, html: str) -> dict:
    course = app.extensions['content'].course(COURSE)
    quiz = course.quiz('genocide-check')
    names = dict.fromkeys(re.findall(r'name="(q-[a-z0-9-]+)"', html))
    return {name: sorted(quiz.question(name[2:]).correct_ids) for name in names}


def test_a_quiz_sent_after_the_session_ended_comes_back_after_signing_in(site):
    app, client = site
    url = f'/courses/{COURSE}/quizzes/genocide-check'
    html = client.get(url).get_data(as_text=True)
    answers = _quiz_answers(app, html)
    # the session has ended: a browser whose session cookie is gone sends the open form
    expired = app.test_client()
    response = expired.post(url, data={**answers, 'csrf_token': _token(html)})
    assert response.status_code == 302
    target = urlsplit(response.headers['Location'])
    assert target.path == '/login'
    back = parse_qs(target.query)['next'][0]
    assert back.startswith(url + '?restore=')
    login_page = expired.get(response.headers['Location']).get_data(as_text=True)
    assert 'your answers were not sent. They are kept' in login_page and 'CSRF' not in login_page
    signed_in = _sign_in(expired, back)
    assert signed_in.headers['Location'] == back
    page = expired.get(back).get_data(as_text=True)
    assert 'The answers you sent before signing in again are filled in below' in page
    for name, values in answers.items():
        assert sorted(_checked(page, name)) == values
    # once: the same link does not fill the form again, and the kept answers are gone
    assert 'filled in below' not in expired.get(back).get_data(as_text=True)
    with app.app_context():
        from training.extensions import db
        assert db.session.query(KeptAnswers).count() == 0
    # and they can be sent now
    html = expired.get(url).get_data(as_text=True)
    response = expired.post(url, data={**answers, 'csrf_token': _token(html)})
    assert '/attempts/' in response.headers['Location']


def test_answers_sent_after_signing_out_in_another_tab_are_kept(make_app, create_user):
    app = make_app()  # CSRF not checked here: the session still holds a valid token, only the sign-in is gone
    with app.app_context():
        create_user(email=EMAIL)
    client = app.test_client()
    client.post('/login', data={'email': EMAIL, 'password': PASSWORD})
    client.post(f'/courses/{COURSE}/enrol')
    client.post(f'/courses/{COURSE}/pre-test/skip')
    url = f'/courses/{COURSE}/quizzes/genocide-check'
    answers = _quiz_answers(app, client.get(url).get_data(as_text=True))
    client.post('/logout')  # another tab signs out
    response = client.post(url, data=answers)
    back = parse_qs(urlsplit(response.headers['Location']).query)['next'][0]
    assert back.startswith(url + '?restore=')
    client.post('/login', data={'email': EMAIL, 'password': PASSWORD})
    page = client.get(back).get_data(as_text=True)
    assert all(sorted(_checked(page, name)) == values for name, values in answers.items())


def test_kept_answers_open_only_on_their_own_form(site):
    app, client = site
    url = f'/courses/{COURSE}/quizzes/genocide-check'
    html = client.get(url).get_data(as_text=True)
    expired = app.test_client()
    response = expired.post(url, data={**_quiz_answers(app, html), 'csrf_token': _token(html)})
    token = parse_qs(urlsplit(parse_qs(urlsplit(response.headers['Location']).query)['next'][0]).query)['restore'][0]
    other = f'/courses/{COURSE}/quizzes/cases-check?restore={token}'
    assert 'filled in below' not in client.get(other).get_data(as_text=True)
    assert 'filled in below' not in client.get(f'{url}?restore=not-a-token').get_data(as_text=True)


def test_other_forms_with_an_expired_token_get_a_plain_message(site):
    app, _client = site
    response = app.test_client().post('/account', data={'name': 'X', 'csrf_token': 'expired'})
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'This form was open for too long' in text and 'CSRF' not in text


def test_a_stage_sent_after_the_session_ended_comes_back_after_signing_in(site):
    app, client = site
    page = client.get('/exercises/transition-in-marenia').get_data(as_text=True)
    started = client.post('/exercises/transition-in-marenia/start', data={'csrf_token': _token(page)})
    url = urlsplit(started.headers['Location']).path
    html = client.get(url).get_data(as_text=True)
    data = {'f0_level': 'high', 'f0_justification': 'Registration gap, named villages.', 'option': 'b'}
    response = app.test_client().post(url, data={**data, 'csrf_token': _token(html)})
    back = parse_qs(urlsplit(response.headers['Location']).query)['next'][0]
    page = client.get(back).get_data(as_text=True)
    assert 'filled in below' in page and _checked(page, 'f0_level') == ['high'] and _checked(page, 'option') == ['b']
    assert 'Registration gap, named villages.</textarea>' in page
