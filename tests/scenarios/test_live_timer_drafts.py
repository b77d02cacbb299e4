"""Live runs: the stage timer the facilitator starts (shown on the presenter view without JavaScript), closing a
stage while teams have not submitted (asks first, keeps their drafts), and drafts of stage forms saved as trainees
go, for teams and for players alone (issue 13 items 6 and 7)."""
from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from tests.helpers.auth import PASSWORD
from tests.helpers.scenarios import stage_data
from training.auth.models import Role
from training.db import utcnow
from training.scenarios.models import LiveRun, LiveRunStage, ScenarioAttempt, StageDraft


@pytest.fixture
def trainer_client(new_client, create_user):
    user = create_user(roles=(Role.trainer,))
    client = new_client()
    assert client.post('/login', data={'email': user.email, 'password': PASSWORD}).status_code == 302
    return client


@pytest.fixture
def run(trainer_client, create_session, db):
    ts = create_session(title='Regional workshop, Nairobi')
    trainer_client.post('/manage/live', data={'session_id': ts.id, 'scenario': 'transition-in-marenia'})
    return db.session.scalar(sa.select(LiveRun))


def _team(app, run, name):
    client = app.test_client()
    response = client.post('/live', data={'code': run.code, 'team_name': name})
    return client, response.headers['Location']


def _checked(html: str, field: str) -> list[str]:
    tags = re.findall(rf'<input[^>]*\bname="{re.escape(field)}"[^>]*>', html)
    return [re.search(r'value="([^"]*)"', t).group(1) for t in tags if re.search(r'\bchecked\b', t)]


def test_the_facilitator_starts_a_timer_and_the_presenter_view_shows_it(trainer_client, run, db):
    base = f'/manage/live/{run.id}'
    response = trainer_client.post(f'{base}/timer', data={'minutes': '10'}, follow_redirects=True)
    assert 'Open a stage before starting its timer' in response.get_data(as_text=True)
    trainer_client.post(f'{base}/open')
    for bad in ('0', '500', 'ten'):
        html = trainer_client.post(f'{base}/timer', data={'minutes': bad}, follow_redirects=True).get_data(as_text=True)
        assert 'from 1 to 180 minutes' in html or 'Give the length' in html
    trainer_client.post(f'{base}/timer', data={'minutes': '10'})
    rs = db.session.scalar(sa.select(LiveRunStage))
    db.session.refresh(rs)
    start, end = rs.timer_started_at, rs.timer_ends_at
    assert end - start == timedelta(minutes=10)
    nairobi = ZoneInfo('Africa/Nairobi')  # the workshop is in Kenya: its clocks, not the server's UTC
    start, end = start.astimezone(nairobi), end.astimezone(nairobi)
    for url in (f'{base}/present', f'{base}/present/now', base):
        text = trainer_client.get(url).get_data(as_text=True)
        assert f'started at {start:%H:%M}, ends at {end:%H:%M} (Kenya Time)' in text, url
        assert '10 minutes left' in text or '9 minutes left' in text
    # the time runs out (the start moved back, rather than waiting)
    rs.timer_started_at = utcnow() - timedelta(minutes=11)
    db.session.commit()
    assert 'time is up' in trainer_client.get(f'{base}/present').get_data(as_text=True)
    trainer_client.post(f'{base}/timer/stop')
    text = trainer_client.get(f'{base}/present').get_data(as_text=True)
    assert 'started at' not in text and 'time is up' not in text


def test_closing_with_teams_still_answering_asks_first_and_keeps_their_drafts(app, trainer_client, run, db,
                                                                               scenario):
    base = f'/manage/live/{run.id}'
    alpha, alpha_url = _team(app, run, 'Alpha')
    beta, beta_url = _team(app, run, 'Beta')
    gamma, _gamma_url = _team(app, run, 'Gamma')
    trainer_client.post(f'{base}/open')
    stage = scenario.stage(scenario.start)
    alpha.post(alpha_url, data=stage_data(stage))
    # Beta saves a draft without JavaScript; Gamma has typed nothing
    draft = {'f0_level': 'high', 'f0_justification': 'Half done', 'save_draft': '1'}
    response = beta.post(beta_url, data=draft, follow_redirects=True)
    assert 'Draft saved' in response.get_data(as_text=True)

    page = trainer_client.post(f'{base}/close').get_data(as_text=True)
    assert 'Close submissions?' in page and '2 teams have not submitted' in page
    saved = db.session.scalar(sa.select(StageDraft)).updated_at.astimezone(ZoneInfo('Africa/Nairobi'))
    assert f'Beta: a draft saved at {saved:%H:%M}' in page and 'Gamma: nothing saved yet' in page  # Kenya's clock
    assert 'Alpha' not in page.split('have not submitted')[1].split('</ul>')[0]
    db.session.expire_all()
    assert db.session.get(LiveRun, run.id).accepting  # not closed yet
    response = trainer_client.post(f'{base}/close', data={'confirm': '1'}, follow_redirects=True)
    assert 'keep their drafts' in response.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(LiveRun, run.id).accepting
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StageDraft)) == 1
    assert "draft of this stage is kept" in beta.get(beta_url).get_data(as_text=True)
    # answers sent once submissions had closed are not lost either: they become the team's draft
    response = gamma.post(_gamma_url, data=stage_data(stage), follow_redirects=True)
    assert 'They are kept as your team' in response.get_data(as_text=True)

    trainer_client.post(f'{base}/reopen')
    html = beta.get(beta_url).get_data(as_text=True)
    assert 'Your draft is filled in below' in html and _checked(html, 'f0_level') == ['high']
    assert 'Half done</textarea>' in html
    assert _checked(gamma.get(_gamma_url).get_data(as_text=True), 'option') == [stage_data(stage)['option']]
    beta.post(beta_url, data=stage_data(stage))  # submitting removes the draft
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StageDraft)) == 1  # Gamma's


def test_when_every_team_has_submitted_closing_needs_no_confirmation(app, trainer_client, run, scenario, db):
    base = f'/manage/live/{run.id}'
    alpha, alpha_url = _team(app, run, 'Alpha')
    trainer_client.post(f'{base}/open')
    alpha.post(alpha_url, data=stage_data(scenario.stage(scenario.start)))
    assert trainer_client.post(f'{base}/close').status_code == 302
    db.session.expire_all()
    assert not db.session.get(LiveRun, run.id).accepting


def test_a_team_draft_is_saved_as_members_type_and_shared(app, run, trainer_client, db):
    alpha, url = _team(app, run, 'Alpha')
    trainer_client.post(f'/manage/live/{run.id}/open')
    html = alpha.get(url).get_data(as_text=True)
    assert f'data-draft-url="{url}/draft"' in html and 'stage-draft.js' in html and 'Save draft' in html
    assert alpha.post(f'{url}/draft', data={'f0_level': 'moderate', 'unknown': 'x'}).status_code == 200
    draft = db.session.scalar(sa.select(StageDraft))
    assert draft.data == {'f0_level': ['moderate']}
    db.session.expire_all()
    team = db.session.scalar(sa.select(LiveRun)).teams[0]
    member = app.test_client()
    member.post('/live', data={'code': team.code})
    assert _checked(member.get(url).get_data(as_text=True), 'f0_level') == ['moderate']
    assert app.test_client().post(f'{url}/draft', data={'f0_level': 'low'}).status_code == 403  # not a member


def test_a_player_alone_keeps_a_draft_across_visits(client, auth, db, scenario, new_client, create_user):
    user = auth.login_as(Role.trainee)
    client.post(f'/exercises/{scenario.slug}/start')
    attempt = db.session.scalar(sa.select(ScenarioAttempt).where(ScenarioAttempt.user_id == user.id))
    url = f'/attempts/{attempt.id}'
    assert client.post(f'{url}/draft', data={'f0_level': 'very_high', 'option': 'b'}).status_code == 200
    html = client.get(url).get_data(as_text=True)
    assert 'Your draft is filled in below' in html
    assert _checked(html, 'f0_level') == ['very_high'] and _checked(html, 'option') == ['b']
    stage = scenario.stage(scenario.start)
    client.post(url, data=stage_data(stage))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StageDraft)) == 0
    other = new_client()
    other.post('/login', data={'email': create_user().email, 'password': PASSWORD})
    assert other.post(f'{url}/draft', data={'f0_level': 'low'}).status_code == 403


@pytest.mark.parametrize(('country', 'language', 'zone', 'label'), [
    ('SN', 'fr', 'Africa/Dakar', 'heure : Sénégal'),
    ('GT', 'es', 'America/Guatemala', 'hora de Guatemala'),
    ('IQ', 'ar', 'Asia/Baghdad', 'توقيت العراق'),
    ('CD', 'en', 'UTC', 'UTC'),  # two time zones: the country alone does not tell which, so the site's zone, named
    ('US', 'fr', 'UTC', 'UTC'),
])
def test_the_timer_shows_the_workshops_own_clock_in_the_interface_language(trainer_client, create_session, db,
                                                                           country, language, zone, label):
    ts = create_session(title='Workshop', country=country)
    trainer_client.post('/manage/live', data={'session_id': ts.id, 'scenario': 'transition-in-marenia'})
    run = db.session.scalar(sa.select(LiveRun).where(LiveRun.session_id == ts.id))
    trainer_client.post('/language', data={'lang': language})
    trainer_client.post(f'/manage/live/{run.id}/open')
    trainer_client.post(f'/manage/live/{run.id}/timer', data={'minutes': '15'})
    rs = db.session.scalar(sa.select(LiveRunStage).where(LiveRunStage.run_id == run.id))
    db.session.refresh(rs)
    end = rs.timer_ends_at.astimezone(ZoneInfo(zone))
    text = trainer_client.get(f'/manage/live/{run.id}/present').get_data(as_text=True)
    assert f'({label})' in text and end.strftime('%H:%M') in text
