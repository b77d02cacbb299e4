"""Demo data, the frameworks command and the item analysis."""
from __future__ import annotations

import json

import sqlalchemy as sa

from tests.helpers.scenarios import stage_data
from training.auth.models import Role
from training.scenarios import queries
from training.scenarios.models import AttemptStatus, LiveRun, RunStatus, ScenarioAttempt


def test_frameworks_list_json(runner):
    result = runner.invoke(args=['frameworks', 'list', '--format', 'json'])
    assert result.exit_code == 0, result.output
    data = {fw['id']: fw for fw in json.loads(result.output)}
    assert len(data['foa-2014']['factors']) == 14 and len(data['osapg-2009']['factors']) == 8
    first = data['foa-2014']['factors'][0]
    assert first['id'] == '1' and first['indicator_count'] == len(first['indicators']) > 0
    assert first['indicators'][0]['id'] == '1.1' and first['indicators'][0]['text']
    assert sum(f['indicator_count'] for f in data['foa-2014']['factors']) == data['foa-2014']['indicator_count']
    assert {f['group'] for f in data['foa-2014']['factors']} == {
        'common', 'genocide', 'crimes_against_humanity', 'war_crimes'}
    # each factor says whether its list was checked against the publication itself, and the file says when
    assert all(isinstance(f['verified'], bool) for f in data['foa-2014']['factors'])
    assert data['foa-2014']['checked'] == '2026-12' and data['foa-2014']['checked_against']


def test_frameworks_list_text(runner):
    result = runner.invoke(args=['frameworks', 'list'])
    assert result.exit_code == 0
    assert 'foa-2014' in result.output and '14 factors' in result.output and 'osapg-2009' in result.output
    assert 'not verified)' in result.output


def test_demo_is_idempotent(app, db):
    from training import demo
    first = demo.load()
    db.session.commit()
    counts = (db.session.scalar(sa.select(sa.func.count()).select_from(ScenarioAttempt)),
              db.session.scalar(sa.select(sa.func.count()).select_from(LiveRun)))
    demo.load()
    db.session.commit()
    again = (db.session.scalar(sa.select(sa.func.count()).select_from(ScenarioAttempt)),
             db.session.scalar(sa.select(sa.func.count()).select_from(LiveRun)))
    assert counts == again
    assert any('scenarios: 3 demo attempts created' in line for line in first)
    run = db.session.scalar(sa.select(LiveRun))
    assert run.status == RunStatus.finished and run.ending_id and len(run.teams) == 3
    assert run.session.code == 'FOA-LIVE-2026' and run.session.start_date.year == 2026
    assert all(t.attempt.status == AttemptStatus.completed for t in run.teams)
    percents = sorted(t.attempt.percent for t in run.teams)
    assert len(set(percents)) == 3 and percents[-1] > 70
    mine = db.session.scalars(sa.select(ScenarioAttempt).where(ScenarioAttempt.user_id.is_not(None))).all()
    assert len(mine) == 3 and all(a.status == AttemptStatus.completed and a.ending_id for a in mine)


def test_demo_pages_render(app, db, client, auth):
    from training import demo
    demo.load()
    db.session.commit()
    auth.login('trainer@example.org', 'demo-trainer-pass')
    run = db.session.scalar(sa.select(LiveRun))
    for url in (f'/manage/live/{run.id}', f'/manage/live/{run.id}/debrief', '/manage/live',
                '/manage/exercises/election-in-tarvania/analysis', '/exercises'):
        response = client.get(url)
        assert response.status_code == 200, url
    html = client.get(f'/manage/live/{run.id}/debrief').get_data(as_text=True)
    assert 'Team Amani' in html and 'Équipe Baobab' in html


def test_item_analysis(client, auth, db, scenario):
    # two trainees: one expert, one under-rating everything
    for level in (None, 'low'):
        auth.login_as(Role.trainee)
        client.post('/exercises/transition-in-marenia/start')
        attempt = db.session.scalars(sa.select(ScenarioAttempt).order_by(ScenarioAttempt.id.desc())).first()
        stage = scenario.stage('s1')
        data = stage_data(stage) if level is None else stage_data(stage, expert=False, level=level, indicators=[])
        client.post(f'/attempts/{attempt.id}', data=data)
        auth.logout()
    rows = {(r['stage_id'], r['factor_id']): r for r in queries.level_analysis('transition-in-marenia')}
    factor1 = rows[('s1', '1')]
    assert factor1['answers'] == 2 and factor1['right'] == 1 and factor1['under'] == 1 and factor1['over'] == 0
    missed = [r for r in queries.indicator_analysis('transition-in-marenia') if r['factor_id'] == '1']
    assert {r['indicator_id'] for r in missed} == {'1.1', '1.2', '1.3', '1.5'}
    assert all(r['missed'] == 1 and r['expected'] == 2 for r in missed)
    auth.login_as(Role.trainee)
    assert client.get('/manage/exercises/transition-in-marenia/analysis').status_code == 403
    auth.logout()
    auth.login_as(Role.trainer)
    html = client.get('/manage/exercises/transition-in-marenia/analysis').get_data(as_text=True)
    assert '50%' in html and 'missed 1 of 2' in html
    assert client.get('/manage/exercises/no-such-thing/analysis').status_code == 404


def test_pages_in_french(app, db, client, auth):
    from training import demo
    demo.load()
    db.session.commit()
    from training.auth.services import get_user_by_email
    get_user_by_email('trainer@example.org').preferred_language = 'fr'
    db.session.commit()
    auth.login('trainer@example.org', 'demo-trainer-pass')
    run = db.session.scalar(sa.select(LiveRun))
    attempt = db.session.scalar(sa.select(ScenarioAttempt).where(ScenarioAttempt.user_id.is_not(None))
                                .order_by(ScenarioAttempt.id.desc()))
    pages = {
        '/exercises': 'Exercices de mise en situation',
        '/frameworks/osapg-2009': 'Facteur 1',
        f'/manage/live/{run.id}': 'Bilan (vue projecteur)',
        f'/manage/live/{run.id}/debrief': 'Corrigé de l\'expert',
        '/manage/exercises/solvane-conflict/analysis': 'Analyse des items',
        f'/attempts/{attempt.id}/debrief': 'Résultats par facteur',
        f'/attempts/{attempt.id}/stages/s1': 'Justification de l\'expert',
        '/live': 'Rejoindre une séance en direct',
    }
    for url, text in pages.items():
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert '<html lang="fr">' in html, url
        assert text in html or text.replace("'", '&#39;') in html, url
