"""The exercise player through HTTP: start, play, feedback, debrief, leave and resume, permissions."""
from __future__ import annotations

import gzip

import pytest
import sqlalchemy as sa

from tests.helpers.scenarios import stage_data
from training.auth.models import Role
from training.scenarios.models import AttemptStatus, IndicatorMark, ScenarioAttempt


def _attempt(db, user):
    return db.session.scalar(sa.select(ScenarioAttempt).where(ScenarioAttempt.user_id == user.id))


def test_catalogue_lists_the_scenarios(client):
    html = client.get('/exercises').get_data(as_text=True)
    for title in ('Transition in Marenia', 'Election in Tarvania'):
        assert title in html


def test_exercise_page_anonymous_invites_sign_in(client):
    html = client.get('/exercises/transition-in-marenia').get_data(as_text=True)
    assert 'Sign in to play' in html and 'Republic of Marenia' in html
    assert 'How your answers are scored' in html and 'worth 10 points: 5 for the risk level, 3' in html
    assert client.get('/exercises/no-such-thing').status_code == 404


def test_framework_pages(client):
    html = client.get('/frameworks').get_data(as_text=True)
    assert 'Framework of Analysis for Atrocity Crimes' in html
    html = client.get('/frameworks/foa-2014').get_data(as_text=True)
    for n in range(1, 15):
        assert f'id="factor-{n}"' in html
    assert 'id="ind-1.1"' in html and 'id="ind-14.' in html
    assert client.get('/frameworks/osapg-2009').status_code == 200
    assert client.get('/frameworks/nope').status_code == 404


def test_start_requires_sign_in(client):
    response = client.post('/exercises/transition-in-marenia/start')
    assert response.status_code == 302 and '/login' in response.headers['Location']


def test_play_the_expert_path_to_an_ending(client, auth, db, scenario):
    user = auth.login_as(Role.trainee)
    response = client.post('/exercises/transition-in-marenia/start')
    attempt = _attempt(db, user)
    assert response.headers['Location'].endswith(f'/attempts/{attempt.id}')
    # starting again resumes the same attempt
    client.post('/exercises/transition-in-marenia/start')
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ScenarioAttempt)) == 1

    for stage_id in scenario.expert_path:
        stage = scenario.stage(stage_id)
        html = client.get(f'/attempts/{attempt.id}').get_data(as_text=True)
        assert stage.title in html and 'name="f0_level"' in html
        response = client.post(f'/attempts/{attempt.id}', data=stage_data(stage))
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        assert response.headers['Location'].endswith(f'/attempts/{attempt.id}/stages/{stage_id}')
        feedback = client.get(response.headers['Location']).get_data(as_text=True)
        assert 'Expert rationale' in feedback and 'as in the key' in feedback
    db.session.expire_all()
    attempt = db.session.get(ScenarioAttempt, attempt.id)
    assert attempt.status == AttemptStatus.completed and attempt.percent == 100
    assert attempt.ending_id == 'end-averted' and attempt.path == list(scenario.expert_path)
    # the play page now leads to the debrief
    response = client.get(f'/attempts/{attempt.id}')
    assert response.status_code == 302 and response.headers['Location'].endswith('/debrief')
    html = client.get(f'/attempts/{attempt.id}/debrief').get_data(as_text=True)
    assert scenario.ending('end-averted').title in html
    assert '<svg' in html and 'Per-factor results' in html and '100%' in html
    listing = client.get('/exercises').get_data(as_text=True)
    assert 'Completed' in listing and f'/attempts/{attempt.id}/debrief' in listing


def test_weak_answers_get_partial_credit_and_explained_feedback(client, auth, db, scenario):
    user = auth.login_as(Role.trainee)
    client.post('/exercises/transition-in-marenia/start')
    attempt = _attempt(db, user)
    stage = scenario.stage(scenario.start)
    data = stage_data(stage, expert=False, level='very_high', option='b', indicators=[])
    response = client.post(f'/attempts/{attempt.id}', data=data)
    html = client.get(response.headers['Location']).get_data(as_text=True)
    assert 'too high' in html and 'Missed indicator' in html and 'did not cite' in html
    assert 'Disproportionate' in html  # the chosen option's feedback
    db.session.expire_all()
    attempt = db.session.get(ScenarioAttempt, attempt.id)
    assert 0 < attempt.percent < 50
    marks = db.session.scalars(sa.select(IndicatorMark)).all()
    assert marks and all(m.expected and not m.selected for m in marks)


def test_missing_level_is_refused_and_nothing_saved(client, auth, db, scenario):
    user = auth.login_as(Role.trainee)
    client.post('/exercises/transition-in-marenia/start')
    attempt = _attempt(db, user)
    data = stage_data(scenario.stage('s1'))
    del data['f1_level']
    response = client.post(f'/attempts/{attempt.id}', data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'Choose a risk level for this factor.' in html
    db.session.expire_all()
    assert db.session.get(ScenarioAttempt, attempt.id).submissions == []


def test_unknown_indicator_or_option_is_refused(client, auth, db, scenario):
    user = auth.login_as(Role.trainee)
    client.post('/exercises/transition-in-marenia/start')
    attempt = _attempt(db, user)
    data = stage_data(scenario.stage('s1'))
    data['f0_indicators'] = ['9.9']
    assert client.post(f'/attempts/{attempt.id}', data=data).status_code == 200
    data = stage_data(scenario.stage('s1'), option='zz')
    assert client.post(f'/attempts/{attempt.id}', data=data).status_code == 200
    db.session.expire_all()
    assert db.session.get(ScenarioAttempt, attempt.id).submissions == []


def test_leave_and_resume(client, auth, db, scenario):
    user = auth.login_as(Role.trainee)
    client.post('/exercises/transition-in-marenia/start')
    attempt = _attempt(db, user)
    client.post(f'/attempts/{attempt.id}', data=stage_data(scenario.stage('s1')))
    auth.logout()
    auth.login(user)
    html = client.get('/exercises').get_data(as_text=True)
    assert 'Resume' in html
    html = client.get(f'/attempts/{attempt.id}').get_data(as_text=True)
    assert scenario.stage('s2').title in html


def test_abandon(client, auth, db):
    user = auth.login_as(Role.trainee)
    client.post('/exercises/transition-in-marenia/start')
    attempt = _attempt(db, user)
    client.post(f'/attempts/{attempt.id}/abandon')
    db.session.expire_all()
    assert db.session.get(ScenarioAttempt, attempt.id).status == AttemptStatus.abandoned
    assert client.get(f'/attempts/{attempt.id}').status_code == 302
    client.post('/exercises/transition-in-marenia/start')
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ScenarioAttempt)) == 2


def test_attempts_are_private(client, auth, db, create_user):
    owner = create_user()
    auth.login(owner)
    client.post('/exercises/transition-in-marenia/start')
    attempt = _attempt(db, owner)
    auth.logout()
    auth.login_as(Role.trainee)
    assert client.get(f'/attempts/{attempt.id}').status_code == 403
    assert client.get(f'/attempts/{attempt.id}/debrief').status_code == 403
    assert client.post(f'/attempts/{attempt.id}/abandon').status_code == 403
    assert client.get('/attempts/999999').status_code == 404
    assert client.get(f'/attempts/{attempt.id}/stages/no-such-thing').status_code == 403


def test_naughty_justifications_are_stored_and_escaped(client, auth, db, scenario, naughty_strings):
    user = auth.login_as(Role.trainee)
    client.post('/exercises/transition-in-marenia/start')
    attempt = _attempt(db, user)
    samples = [s for s in naughty_strings if s.strip()][:400:7]
    text = ' | '.join(samples)[:900] + ' <script>alert(1)</script>'
    response = client.post(f'/attempts/{attempt.id}', data=stage_data(scenario.stage('s1'), justification=text))
    assert response.status_code == 302
    html = client.get(response.headers['Location']).get_data(as_text=True)
    assert '<script>alert(1)</script>' not in html and '&lt;script&gt;alert(1)&lt;/script&gt;' in html


def test_justification_too_long(client, auth, db, scenario):
    user = auth.login_as(Role.trainee)
    client.post('/exercises/transition-in-marenia/start')
    attempt = _attempt(db, user)
    response = client.post(f'/attempts/{attempt.id}', data=stage_data(scenario.stage('s1'), justification='x' * 1001))
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(ScenarioAttempt, attempt.id).submissions == []


@pytest.mark.parametrize('path', ['/exercises', '/frameworks/foa-2014', '/exercises/election-in-tarvania', 'play'])
def test_pages_are_light(client, auth, db, path):
    user = auth.login_as(Role.trainee)
    if path == 'play':
        client.post('/exercises/election-in-tarvania/start')
        path = f'/attempts/{_attempt(db, user).id}'
    body = client.get(path).get_data()
    assert len(gzip.compress(body)) <= 60 * 1024, (path, len(gzip.compress(body)))


def test_retired_scenario_attempts_stay_listed(client, auth, db):
    user = auth.login_as(Role.trainee)
    db.session.add(ScenarioAttempt(scenario_slug='old-exercise', user_id=user.id, status=AttemptStatus.completed,
                                   points=5, max_points=10))
    db.session.commit()
    html = client.get('/exercises').get_data(as_text=True)
    assert 'old-exercise (retired)' in html
    attempt = db.session.scalar(sa.select(ScenarioAttempt))
    assert client.get(f'/attempts/{attempt.id}/debrief').status_code == 404
