"""Live pages update in place: the fragments the page fetches (/now) carry the same parts as the page, say what
state they were built for, are for the facilitator or the team only, and are never cached. The browser side
(focus and scroll kept, the pause control) is tests/e2e/test_live_focus.py."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from training.auth.models import Role
from training.scenarios.models import LiveRun, LiveTeam


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
    trainer_client.post('/manage/live', data={'session_id': ts.id, 'scenario': 'transition-in-marenia'})
    return db.session.scalar(sa.select(LiveRun))


def _part(html: str, part_id: str) -> str:
    match = re.search(rf'<(\w+)[^>]*id="{part_id}"[^>]*data-live-part[^>]*>(.*?)</\1>\s*(?=<|$)', html, re.S)
    assert match, part_id
    # a CSRF token carries the second it was signed in: the page and the fragment may be a second apart
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', match.group(2).strip())


def _state(html: str) -> str:
    return re.search(r'data-live-state="([^"]*)"', html).group(1)


def test_the_dashboard_fragment_carries_the_page_parts(app, trainer_client, run, db):
    team_client = app.test_client()
    team_client.post('/live', data={'code': run.code, 'team_name': 'Alpha'})
    trainer_client.post(f'/manage/live/{run.id}/open')
    page = trainer_client.get(f'/manage/live/{run.id}').get_data(as_text=True)
    response = trainer_client.get(f'/manage/live/{run.id}/now')
    assert response.status_code == 200 and response.headers['Cache-Control'] == 'no-store'
    fragment = response.get_data(as_text=True)
    assert '<html' not in fragment and 'Close submissions' not in fragment
    for part_id in ('live-facts', 'live-submitted', 'live-teams', 'live-assessments'):
        assert _part(page, part_id) == _part(fragment, part_id)
    assert _state(page) == _state(fragment)
    assert '0 of 1 teams have submitted.' in fragment
    # the page says where it updates from, with a Reload link for a browser without JavaScript
    assert f'data-live-src="/manage/live/{run.id}/now"' in page
    assert re.search(rf'<a href="/manage/live/{run.id}" class="button">Reload</a>', page)
    assert re.search(r'<button type="button" class="live-pause live-js" aria-pressed="false" hidden>', page)
    assert 'data-refresh' not in page

    trainer_client.post(f'/manage/live/{run.id}/close', data={'confirm': '1'})
    assert _state(trainer_client.get(f'/manage/live/{run.id}/now').get_data(as_text=True)) != _state(page)


def test_the_dashboard_fragment_is_for_trainers(client, auth, run):
    assert client.get(f'/manage/live/{run.id}/now').status_code in (302, 401)
    auth.login_as(Role.trainee)
    assert client.get(f'/manage/live/{run.id}/now').status_code == 403
    assert client.get('/manage/live/999999/now').status_code == 403


def test_the_team_fragment_says_when_the_run_moves_on(app, trainer_client, run, db):
    team_client = app.test_client()
    team_client.post('/live', data={'code': run.code, 'team_name': 'Alpha'})
    team = db.session.scalar(sa.select(LiveTeam))
    page = team_client.get(f'/live/teams/{team.id}').get_data(as_text=True)
    assert f'data-live-src="/live/teams/{team.id}/now"' in page
    response = team_client.get(f'/live/teams/{team.id}/now')
    assert response.status_code == 200 and response.headers['Cache-Control'] == 'no-store'
    assert _state(response.get_data(as_text=True)) == _state(page)
    trainer_client.post(f'/manage/live/{run.id}/open')
    assert _state(team_client.get(f'/live/teams/{team.id}/now').get_data(as_text=True)) != _state(page)
    # another browser that has not joined the team sees nothing
    assert app.test_client().get(f'/live/teams/{team.id}/now').status_code == 403
