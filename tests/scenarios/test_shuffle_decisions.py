"""Decision options are shuffled once per attempt and kept with it (a team's members all see the team's order);
indicator lists keep the Framework's order."""
from __future__ import annotations

import re

import sqlalchemy as sa

from tests.helpers.scenarios import stage_data
from training.auth.models import Role
from training.content import registry
from training.scenarios import live
from training.scenarios.models import ScenarioAttempt


def values(html: str, field: str) -> list[str]:
    inputs = re.findall(rf'<input[^>]*\bname="{re.escape(field)}"[^>]*>', html)
    return [re.search(r'\bvalue="([^"]*)"', tag).group(1) for tag in inputs]


def test_a_player_sees_the_stored_order_on_every_visit(client, auth, db, scenario):
    user = auth.login_as(Role.trainee)
    client.post(f'/exercises/{scenario.slug}/start')
    attempt = db.session.scalar(sa.select(ScenarioAttempt).where(ScenarioAttempt.user_id == user.id))
    seen_shuffled = False
    for stage_id in scenario.expert_path:
        stage = scenario.stage(stage_id)
        html = client.get(f'/attempts/{attempt.id}').get_data(as_text=True)
        db.session.refresh(attempt)
        order = attempt.decision_orders[stage.id]
        assert values(html, 'option') == order
        assert values(client.get(f'/attempts/{attempt.id}').get_data(as_text=True), 'option') == order
        seen_shuffled |= order != [o.id for o in stage.decision.options]
        # indicators: the Framework's order, never shuffled
        factor = registry().framework(scenario.framework).factor(stage.assess[0].factor)
        assert values(html, 'f0_indicators') == [ind.id for ind in factor.indicators]
        client.post(f'/attempts/{attempt.id}', data=stage_data(stage))
    assert seen_shuffled
    db.session.refresh(attempt)
    assert set(attempt.decision_orders) == set(scenario.expert_path)


def test_every_member_of_a_team_sees_the_same_order(app, db, create_session, create_user, scenario):
    trainer = create_user(roles=(Role.trainer,))
    run = live.start_live_run(create_session(), scenario, by=trainer)
    db.session.commit()
    first = app.test_client()
    first.post('/live', data={'code': run.code, 'team_name': 'Alpha'})
    db.session.refresh(run)
    team = run.teams[0]
    second = app.test_client()
    second.post('/live', data={'code': team.code})
    live.open_stage(run, scenario, scenario.start)
    db.session.commit()
    pages = [c.get(f'/live/teams/{team.id}').get_data(as_text=True) for c in (first, second)]
    db.session.refresh(team.attempt)
    order = team.attempt.decision_orders[scenario.start]
    assert values(pages[0], 'option') == values(pages[1], 'option') == order
