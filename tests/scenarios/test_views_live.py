"""Live runs through HTTP: a trainer starts a run, teams join with codes, the facilitator paces the stages."""
from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa

from tests.helpers.scenarios import stage_data
from training.auth.models import Role
from training.scenarios.models import AttemptStatus, LiveRun, LiveTeam, RunStatus


@pytest.fixture
def trainer_client(new_client, create_user):
    from tests.helpers.auth import PASSWORD
    user = create_user(roles=(Role.trainer,))
    client = new_client()
    assert client.post('/login', data={'email': user.email, 'password': PASSWORD}).status_code == 302
    return client


@pytest.fixture
def run(trainer_client, create_session, db):
    ts = create_session(title='Regional workshop, Nairobi')
    response = trainer_client.post('/manage/live', data={'session_id': ts.id, 'scenario': 'transition-in-marenia'})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return db.session.scalar(sa.select(LiveRun))


def join(app, code, name=''):
    team_client = app.test_client()
    response = team_client.post('/live', data={'code': code, 'team_name': name})
    return team_client, response


def test_trainee_cannot_manage(client, auth, create_session):
    ts = create_session()
    auth.login_as(Role.trainee)
    assert client.get('/manage/live').status_code == 403
    data = {'session_id': ts.id, 'scenario': 'transition-in-marenia'}
    assert client.post('/manage/live', data=data).status_code == 403


def test_manage_page_lists_sessions(trainer_client, create_session):
    create_session(code='FOA-LIVE-TEST', title='Live test')
    html = trainer_client.get('/manage/live').get_data(as_text=True)
    assert 'FOA-LIVE-TEST' in html and 'Transition in Marenia' in html


def test_manage_page_without_sessions(trainer_client):
    html = trainer_client.get('/manage/live').get_data(as_text=True)
    assert 'There is no training session yet' in html


def test_full_live_run(app, trainer_client, run, db, scenario):
    assert run.status == RunStatus.open and len(run.code) == 6
    html = trainer_client.get(f'/manage/live/{run.id}').get_data(as_text=True)
    assert run.code in html and 'Open the first stage' in html

    alpha, response = join(app, run.code.lower(), 'Alpha')
    assert response.status_code == 302
    beta, response = join(app, f' {run.code[:3]}-{run.code[3:]} ', 'Beta')
    assert response.status_code == 302
    db.session.expire_all()
    teams = {t.name: t for t in db.session.scalars(sa.select(LiveTeam))}
    assert set(teams) == {'Alpha', 'Beta'}
    alpha_url = f'/live/teams/{teams["Alpha"].id}'
    beta_url = f'/live/teams/{teams["Beta"].id}'
    assert 'Waiting for the facilitator' in alpha.get(alpha_url).get_data(as_text=True)
    # a third device joins Alpha with its team code
    gamma, response = join(app, teams['Alpha'].code)
    assert response.headers['Location'].endswith(alpha_url)
    # a stranger cannot open a team page
    assert app.test_client().get(alpha_url).status_code == 403

    for n, stage_id in enumerate(scenario.expert_path, start=1):
        stage = scenario.stage(stage_id)
        if n == 1:
            assert trainer_client.post(f'/manage/live/{run.id}/open').status_code == 302
        html = alpha.get(alpha_url).get_data(as_text=True)
        assert stage.title in html and 'name="f0_level"' in html
        alpha.post(alpha_url, data=stage_data(stage))
        beta.post(beta_url, data=stage_data(stage, expert=False, level='low', option=stage.decision.options[-1].id))
        html = alpha.get(alpha_url).get_data(as_text=True)
        assert 'Answer submitted' in html
        dashboard = trainer_client.get(f'/manage/live/{run.id}').get_data(as_text=True)
        assert '2 of 2 teams have submitted' in dashboard
        assert trainer_client.post(f'/manage/live/{run.id}/close').status_code == 302
        dashboard = trainer_client.get(f'/manage/live/{run.id}').get_data(as_text=True)
        assert 'Alpha' in dashboard and 'Beta' in dashboard and 'class="heatmap"' in dashboard
        assert '<strong>=</strong>' in dashboard  # Alpha matches the key
        assert 'Expert rationale' in alpha.get(alpha_url).get_data(as_text=True)
        # too late for submissions
        late = beta.post(beta_url, data=stage_data(stage), follow_redirects=True).get_data(as_text=True)
        assert 'closed' in late
        next_id = (scenario.expert_path + ('end-averted',))[n] if n < len(scenario.expert_path) else 'end-averted'
        response = trainer_client.post(f'/manage/live/{run.id}/advance', data={'target': next_id})
        assert response.status_code == 302

    db.session.expire_all()
    run = db.session.get(LiveRun, run.id)
    assert run.status == RunStatus.finished and run.ending_id == 'end-averted'
    assert run.path == list(scenario.expert_path)
    alpha_team = db.session.get(LiveTeam, teams['Alpha'].id)
    assert alpha_team.attempt.status == AttemptStatus.completed and alpha_team.attempt.percent == 100
    assert db.session.get(LiveTeam, teams['Beta'].id).attempt.percent < 50

    html = trainer_client.get(f'/manage/live/{run.id}/debrief').get_data(as_text=True)
    assert scenario.ending('end-averted').title in html and 'Alpha' in html and 'Beta' in html
    assert alpha.get(alpha_url).get_data(as_text=True).count('Expert rationale') >= 4

    response = trainer_client.get(f'/manage/live/{run.id}/results.csv')
    assert response.status_code == 200 and response.mimetype == 'text/csv'
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip('\ufeff'))))
    assert {r['team'] for r in rows} == {'Alpha', 'Beta'}
    assert all(r['level_difference'] == '0' for r in rows if r['team'] == 'Alpha')
    # a level rated lower than the key is a number to a spreadsheet, not text with an apostrophe
    assert any(r['level_difference'].startswith('-') for r in rows if r['team'] == 'Beta')
    # a finished run takes no new teams
    _c, response = join(app, run.code, 'Late')
    assert 'has finished' in response.get_data(as_text=True)


def test_join_errors(app, run):
    _c, response = join(app, 'ZZZZZZ', 'Alpha')
    assert 'No live run or team has this code' in response.get_data(as_text=True)
    _c, response = join(app, run.code, '')
    assert 'Give your team a name' in response.get_data(as_text=True)
    join(app, run.code, 'Alpha')
    _c, response = join(app, run.code, '  ALPHA ')
    assert 'already joined' in response.get_data(as_text=True)


def test_naughty_team_names(app, run, trainer_client, db, naughty_strings):
    names = [s for s in naughty_strings if s.strip()][:200:5]
    joined = 0
    for name in names:
        _c, response = join(app, run.code, name)
        assert response.status_code in (200, 302)
        joined += response.status_code == 302
    assert joined >= 20
    response = trainer_client.get(f'/manage/live/{run.id}')
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and '<script>alert' not in html
    assert trainer_client.get(f'/manage/live/{run.id}/results.csv').status_code == 200
    assert trainer_client.get(f'/manage/live/{run.id}/debrief').status_code == 200


def test_csv_formula_injection_is_neutralised(app, run, trainer_client, scenario):
    team, _r = join(app, run.code, '=HYPERLINK("http://evil")')
    trainer_client.post(f'/manage/live/{run.id}/open')
    team_id = team.get('/live').get_data(as_text=True)  # page lists the team
    assert 'HYPERLINK' in team_id
    from training.extensions import db
    t = db.session.scalar(sa.select(LiveTeam))
    team.post(f'/live/teams/{t.id}', data=stage_data(scenario.stage('s1'), justification='+cmd|calc'))
    text = trainer_client.get(f'/manage/live/{run.id}/results.csv').get_data(as_text=True)
    assert "'=HYPERLINK" in text and "'+cmd|calc" in text


def test_facilitator_guards(app, run, trainer_client, db):
    # cannot close or advance before opening
    trainer_client.post(f'/manage/live/{run.id}/close')
    r = trainer_client.post(f'/manage/live/{run.id}/advance', data={'target': 's2'}, follow_redirects=True)
    assert 'Open the first stage before moving on' in r.get_data(as_text=True)
    trainer_client.post(f'/manage/live/{run.id}/open')
    trainer_client.post(f'/manage/live/{run.id}/close')
    r = trainer_client.post(f'/manage/live/{run.id}/reopen', follow_redirects=True)
    assert 'Submissions reopened' in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(LiveRun, run.id).accepting
    trainer_client.post(f'/manage/live/{run.id}/close')
    r = trainer_client.post(f'/manage/live/{run.id}/advance', data={'target': 's4'}, follow_redirects=True)
    assert 'Choose where the run goes next' in r.get_data(as_text=True)
    trainer_client.post(f'/manage/live/{run.id}/finish')
    db.session.expire_all()
    assert db.session.get(LiveRun, run.id).status == RunStatus.finished
    r = trainer_client.post(f'/manage/live/{run.id}/open', follow_redirects=True)
    assert 'has finished' in r.get_data(as_text=True)
    for url in ('/manage/live/999999', '/manage/live/999999/debrief', '/manage/live/999999/results.csv'):
        assert trainer_client.get(url).status_code == 404


def test_manage_page_filtered_by_session(trainer_client, create_session, db):
    a, b = create_session(code='SESS-A'), create_session(code='SESS-B')
    for ts in (a, b):
        trainer_client.post('/manage/live', data={'session_id': ts.id, 'scenario': 'solvane-conflict'})
    html = trainer_client.get(f'/manage/live?session_id={b.id}').get_data(as_text=True)
    assert 'Runs for SESS-B only.' in html
    # the preselected option, whatever the order of its attributes (it also carries the session's lang)
    assert re.search(rf'<option(?=[^>]*\bselected\b)(?=[^>]*\bvalue="{b.id}")[^>]*>', html)
    assert '<td>SESS-B' in html and '<td>SESS-A' not in html
    assert trainer_client.get('/manage/live?session_id=999999').status_code == 200


def test_team_answers_and_removal(app, run, trainer_client, db, scenario):
    alpha, _r = join(app, run.code, 'Alpha')
    join(app, run.code, 'Spam team')
    trainer_client.post(f'/manage/live/{run.id}/open')
    teams = {t.name: t.id for t in db.session.scalars(sa.select(LiveTeam))}
    alpha.post(f'/live/teams/{teams["Alpha"]}', data=stage_data(scenario.stage('s1'), justification='Land disputes'))
    html = trainer_client.get(f'/manage/live/{run.id}/teams/{teams["Alpha"]}').get_data(as_text=True)
    assert 'Land disputes' in html and 'Expert rationale' in html
    assert trainer_client.get(f'/manage/live/{run.id}/teams/999999').status_code == 404
    response = trainer_client.post(f'/manage/live/{run.id}/teams/{teams["Spam team"]}/remove')
    assert response.status_code == 302
    db.session.expire_all()
    assert {t.name for t in db.session.scalars(sa.select(LiveTeam))} == {'Alpha'}
    from training.scenarios.models import ScenarioAttempt
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ScenarioAttempt)) == 1
    html = trainer_client.get(f'/manage/live/{run.id}').get_data(as_text=True)
    assert 'The team “Spam team” has been removed' in html and '>Spam team<' not in html and '>Alpha<' in html


def test_run_live_link_preselects_the_scenario(trainer_client, create_session):
    create_session()
    html = trainer_client.get('/exercises/solvane-conflict').get_data(as_text=True)
    assert '/manage/live?scenario=solvane-conflict' in html
    html = trainer_client.get('/manage/live?scenario=solvane-conflict').get_data(as_text=True)
    assert 'selected value="solvane-conflict"' in html or 'value="solvane-conflict" selected' in html
