"""The presenter view of a live run (issue 13 item 6): the page a trainer projects shows the join code, a QR code,
the stage and who has submitted, and nothing of the expert key until the facilitator closes submissions."""
from __future__ import annotations

import html as html_lib
import re

import pytest
import sqlalchemy as sa

from tests.helpers.scenarios import stage_data
from training.auth.models import Role
from training.scenarios.labels import level_title
from training.scenarios.models import LiveRun, LiveTeam, RunStatus


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
    assert response.status_code == 302
    return db.session.scalar(sa.select(LiveRun))


def visible_text(html: str) -> str:
    html = re.sub(r'<(script|style|svg)\b.*?</\1>', ' ', html, flags=re.S)
    return re.sub(r'\s+', ' ', html_lib.unescape(re.sub(r'<[^>]+>', ' ', html)))


def key_strings(stage) -> list[str]:
    """What would give the key away: the expert levels, the start of each rationale, the scores."""
    rationales = [visible_text(str(key.rationale_html)).strip()[:60] for key in stage.assess]
    levels = {level_title(key.level) for key in stage.assess}
    return [*levels, *rationales, 'Expert key', 'Expert rationale', '/10', '100%']


def test_presenter_view_hides_the_key_while_the_stage_is_open(app, trainer_client, run, db, scenario):
    present = f'/manage/live/{run.id}/present'
    page = trainer_client.get(present)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers['Cache-Control'] == 'no-store'
    assert run.code in visible_text(html) and '<svg' in html and 'present-code' in html
    assert 'http://localhost/live' in visible_text(html)
    assert f'href="{present}"' in trainer_client.get(f'/manage/live/{run.id}').get_data(as_text=True)

    alpha, beta = app.test_client(), app.test_client()
    alpha.post('/live', data={'code': run.code, 'team_name': 'Alpha'})
    beta.post('/live', data={'code': run.code, 'team_name': 'Beta'})
    teams = {t.name: t for t in db.session.scalars(sa.select(LiveTeam))}
    assert trainer_client.post(f'/manage/live/{run.id}/open').status_code == 302
    stage = scenario.stage(scenario.start)
    alpha.post(f'/live/teams/{teams["Alpha"].id}', data=stage_data(stage))

    for url in (present, present + '/now'):
        text = visible_text(trainer_client.get(url).get_data(as_text=True))
        assert stage.title in text and 'Alpha submitted' in text and 'Beta answering' in text, url
        assert '1 of 2 teams have submitted' in text
        leaked = [s for s in key_strings(stage) if re.search(r'(?<!\w)' + re.escape(s) + r'(?!\w)', text)]
        assert leaked == [], url

    # Beta has not submitted: finishing and closing ask first (naming Beta), then act on confirmation
    asked = visible_text(trainer_client.post(f'/manage/live/{run.id}/finish').get_data(as_text=True))
    assert 'Finish anyway' in asked and 'Beta' in asked and 'Alpha' not in asked
    assert db.session.get(LiveRun, run.id).status != RunStatus.finished
    assert 'Close anyway' in trainer_client.post(f'/manage/live/{run.id}/close').get_data(as_text=True)
    assert trainer_client.post(f'/manage/live/{run.id}/close', data={'confirm': '1'}).status_code == 302
    text = visible_text(trainer_client.get(present).get_data(as_text=True))
    assert [s for s in key_strings(stage) if s not in text] == []
    assert 'Alpha' in text and 'Beta' in text


def test_presenter_view_is_for_trainers(client, auth, run, app):
    for role in (None, Role.trainee):
        if role:
            auth.login_as(role)
        response = client.get(f'/manage/live/{run.id}/present')
        assert response.status_code in (302, 403, 401), role
        assert run.code not in response.get_data(as_text=True)
    assert client.get('/manage/live/999999/present').status_code in (403, 404)
