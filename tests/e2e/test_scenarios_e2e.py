"""In Chromium: a trainee plays a scenario to its ending and reads the debrief; a trainer runs a scenario live
with two teams joining by code from their own browsers, paces the stages, and sees both teams on the heatmap."""
from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect

from tests.e2e.helpers import sign_in
from training.auth import services as auth_services
from training.auth.models import Role
from training.extensions import db

PASSWORD = 'a long enough password'


def _user(app, email, roles):
    with app.app_context():
        auth_services.create_user(email=email, name=email.split('@')[0].title(), password=PASSWORD, roles=roles)
        db.session.commit()


def _sign_in(page, email):
    sign_in(page, email, PASSWORD)


def _fill_stage(page, stage, *, expert=True):
    for i, key in enumerate(stage.assess):
        box = page.locator(f'fieldset[id="factor-{key.factor}"]')
        level = key.level if expert else 'low'
        box.locator(f'input[name="f{i}_level"][value="{level}"]').check()
        if expert:
            for ind in key.indicators:
                box.locator(f'input[name="f{i}_indicators"][value="{ind}"]').check()
            for ev in key.evidence:
                box.locator(f'input[name="f{i}_evidence"][value="{ev}"]').check()
        box.get_by_label('Short justification').fill('Based on the evidence cited.')
    best = max(stage.decision.options, key=lambda o: o.score)
    option = best if expert else stage.decision.options[-1]
    page.locator(f'input[name="option"][value="{option.id}"]').check()


def test_trainee_plays_to_an_ending_and_reads_the_debrief(page, live_app):
    _user(live_app, 'player@example.org', (Role.trainee,))
    scenario = live_app.extensions['content'].scenario('transition-in-marenia')
    _sign_in(page, 'player@example.org')
    page.get_by_role('navigation', name='Main').get_by_role('link', name='Exercises').click()
    page.get_by_role('link', name='Transition in Marenia').click()
    page.get_by_role('button', name='Start the exercise').click()
    by_title = {st.title: st for st in scenario.stages}
    for n in range(20):
        stage = by_title[page.get_by_role('heading', level=1).inner_text().strip()]
        _fill_stage(page, stage, expert=n != 1)  # one weaker stage: the story branches
        page.get_by_role('button', name='Submit this stage').click()
        expect(page.get_by_role('heading', level=1)).to_contain_text('Feedback')
        expect(page.get_by_text('Expert rationale').first).to_be_visible()
        ending = page.get_by_role('link', name='See the ending and your debrief')
        if ending.count():
            ending.click()
            break
        page.get_by_role('link', name='Continue').click()
        expect(page.get_by_role('button', name='Submit this stage')).to_be_visible()
    expect(page.get_by_role('heading', name='Debrief', level=1)).to_be_visible()
    expect(page.get_by_role('heading', name=re.compile('^Ending:'))).to_be_visible()
    expect(page.locator('svg.dotplot')).to_be_visible()
    expect(page.get_by_role('table').filter(has_text='Per-factor results')).to_be_visible()
    page.get_by_role('link', name='All your attempts').click()
    expect(page.locator('#attempts ~ div table')).to_contain_text('Completed')


def test_trainer_runs_it_live_with_two_teams(browser, live_server, live_app, page):
    _user(live_app, 'facilitator@example.org', (Role.trainer,))
    with live_app.app_context():
        from training.auth.services import get_user_by_email
        from training.workshops.models import TrainingSession
        ts = TrainingSession(code='E2E-LIVE-01', title='Live exercise workshop', country='GH',
                             start_date=date(2026, 5, 4), end_date=date(2026, 5, 5),
                             trainers=[get_user_by_email('facilitator@example.org')])
        db.session.add(ts)
        db.session.commit()
        session_id = str(ts.id)
    scenario = live_app.extensions['content'].scenario('election-in-tarvania')

    _sign_in(page, 'facilitator@example.org')
    page.goto('/manage/live')
    expect(page.get_by_label('Training session')).to_contain_text('E2E-LIVE-01')
    page.get_by_label('Training session').select_option(session_id)
    page.get_by_label('Scenario').select_option('election-in-tarvania')
    page.get_by_role('button', name='Start the run').click()
    code = page.locator('#run-code').inner_text().strip()
    assert re.fullmatch(r'[A-Z0-9]{6}', code)

    teams = {}
    js_errors = []
    for name in ('Team Accra', 'Équipe Kumasi'):
        context = browser.new_context(base_url=live_server.url, locale='en-GB')
        context.set_default_timeout(15_000)
        team_page = context.new_page()
        team_page.on('pageerror', lambda exc: js_errors.append(str(exc)))
        team_page.goto('/live')
        team_page.get_by_label('Code').fill(code.lower())
        team_page.get_by_label('Team name').fill(name)
        team_page.get_by_role('button', name='Join').click()
        expect(team_page.get_by_text(f'You have joined as {name}.')).to_be_visible()
        teams[name] = team_page

    page.reload()
    expect(page.get_by_text('Team Accra, Équipe Kumasi')).to_be_visible()
    page.get_by_role('button', name='Open the first stage').click()

    path = []
    for n in range(2):
        stage_id = scenario.start if n == 0 else path[-1]
        stage = scenario.stage(stage_id)
        for i, team_page in enumerate(teams.values()):
            team_page.reload()
            expect(team_page.get_by_role('heading', level=1)).to_have_text(stage.title)
            _fill_stage(team_page, stage, expert=i == 0)
            team_page.get_by_role('button', name='Submit our answer').click()
            expect(team_page.get_by_role('heading', name='Answer submitted')).to_be_visible()
        page.reload()
        expect(page.get_by_text('2 of 2 teams have submitted.')).to_be_visible()
        page.get_by_role('button', name='Close submissions').click()
        heatmap = page.locator('table.heatmap')
        expect(heatmap).to_contain_text('Team Accra')
        expect(heatmap).to_contain_text('Équipe Kumasi')
        expect(heatmap.locator('tbody tr')).to_have_count(2)
        expect(page.get_by_role('table', name='Decisions taken')).to_contain_text('2')
        teams['Team Accra'].reload()
        expect(teams['Team Accra'].get_by_text('Expert rationale').first).to_be_visible()
        target = page.locator('input[name="target"]:checked').get_attribute('value')
        path.append(target)
        page.get_by_role('button', name='Go on').click()
        expect(page.get_by_text('Next stage opened')).to_be_visible()

    page.get_by_role('button', name='Finish the run now').click()
    # The last stage opened is still being answered: the page asks first, naming both teams
    expect(page.get_by_role('heading', name='Finish the run?')).to_be_visible()
    for name in ('Team Accra', 'Équipe Kumasi'):
        expect(page.get_by_role('main')).to_contain_text(name)
    page.get_by_role('button', name='Finish anyway').click()
    expect(page.get_by_text('The run is finished.')).to_be_visible()
    page.get_by_role('link', name='Debrief (projector view)').click()
    expect(page.locator('table.heatmap').first).to_contain_text('Team Accra')
    expect(page.locator('table.heatmap').first).to_contain_text('Équipe Kumasi')
    with page.expect_download() as download:
        page.goto(page.url.replace('/debrief', ''))
        page.get_by_role('link', name='Export results (CSV)').click()
    assert download.value.suggested_filename.endswith('.csv')
    for team_page in teams.values():
        team_page.context.close()
    assert not js_errors
