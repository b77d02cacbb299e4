"""In Chromium: a facilitator keeps the keyboard focus on "Close submissions" for 30 seconds while the teams
submit (from another thread, through the services, as their own browsers would). The dashboard updates the team
table in place: focus, scroll position and the page itself stay (before, the page reloaded every 10 seconds and
focus went back to the top). The "Pause updates" control stops the updates; without JavaScript a Reload link
remains."""
from __future__ import annotations

import threading
import time
from datetime import date

from playwright.sync_api import expect

from tests.e2e.helpers import sign_in
from training.auth import services as auth_services
from training.auth.models import Role
from training.extensions import db

PASSWORD = 'a long enough password'
TEAMS = ('Team Accra', 'Équipe Kumasi', 'Team Tamale')


def _open_run(app):
    """A run of "Election in Tarvania" with three teams at its first stage, accepting answers."""
    from training.scenarios import live
    from training.workshops.models import TrainingSession
    with app.app_context():
        trainer = auth_services.create_user(email='facilitator@example.org', name='Fatou Facilitator',
                                            password=PASSWORD, roles=(Role.trainer,))
        ts = TrainingSession(code='E2E-FOCUS-01', title='Focus workshop', country='GH',
                             start_date=date(2026, 5, 4), end_date=date(2026, 5, 5), trainers=[trainer])
        db.session.add(ts)
        db.session.flush()
        sc = app.extensions['content'].scenario('election-in-tarvania')
        run = live.start_live_run(ts, sc, by=trainer)
        team_ids = [live.create_team(run, name).id for name in TEAMS]
        live.open_stage(run, sc, sc.start)
        db.session.commit()
        return run.id, team_ids


def _teams_submit(app, team_ids, done: threading.Event, errors: list):
    """Each team sends its answer a few seconds apart, as teams at their tables would."""
    from training.scenarios import live
    from training.scenarios.demo import demo_answer
    from training.scenarios.models import LiveTeam
    try:
        for team_id in team_ids:
            time.sleep(3)
            with app.app_context():
                team = db.session.get(LiveTeam, team_id)
                sc = app.extensions['content'].scenario(team.run.scenario_slug)
                stage = sc.stage(team.run.current_stage)
                live.team_submit(team, sc, demo_answer(stage, 'strong', 1))
                db.session.commit()
    except Exception as exc:  # noqa: BLE001 - reported by the test
        errors.append(repr(exc))
    finally:
        done.set()


def test_focus_stays_on_close_submissions_while_teams_submit(page, live_app):
    run_id, team_ids = _open_run(live_app)
    sign_in(page, 'facilitator@example.org', PASSWORD)
    page.set_viewport_size({'width': 390, 'height': 700})  # a phone: the button is below the fold
    page.goto(f'/manage/live/{run_id}')
    close = page.get_by_role('button', name='Close submissions')
    expect(page.locator('#live-submitted')).to_have_text('0 of 3 teams have submitted.')
    close.focus()
    expect(close).to_be_focused()
    page.evaluate('() => { window.notReloaded = true; }')
    scroll_before = page.evaluate('() => window.scrollY')
    assert scroll_before > 0

    done, errors = threading.Event(), []
    threading.Thread(target=_teams_submit, args=(live_app, team_ids, done, errors), daemon=True).start()
    page.wait_for_timeout(30_000)  # the facilitator waits, focus on the button
    assert done.wait(30) and not errors, errors

    expect(page.locator('#live-submitted')).to_have_text('3 of 3 teams have submitted.', timeout=15_000)
    table = page.get_by_role('table', name='Teams', exact=True)
    for name in TEAMS:
        expect(table.get_by_role('row', name=name)).to_contain_text('1')
    expect(close).to_be_focused()
    assert page.evaluate('() => window.notReloaded === true'), 'the page reloaded'
    assert page.evaluate('() => window.scrollY') == scroll_before
    expect(page.locator('#live-status')).to_have_text('3 of 3 teams have submitted.')

    # Pausing stops the updates; the control says it is on.
    pause = page.get_by_role('button', name='Pause updates')
    pause.click()
    expect(pause).to_have_attribute('aria-pressed', 'true')
    close.click()
    expect(page.locator('#live-facts')).to_contain_text('submissions closed')


def test_without_javascript_the_live_page_offers_a_reload_link(browser, live_server, live_app):
    run_id, _team_ids = _open_run(live_app)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    sign_in_no_js(page)
    page.goto(f'/manage/live/{run_id}')
    expect(page.get_by_role('link', name='Reload')).to_be_visible()
    expect(page.get_by_role('button', name='Pause updates')).to_be_hidden()
    context.close()


def sign_in_no_js(page):
    page.goto('/login')
    page.get_by_label('Email address').fill('facilitator@example.org')
    page.get_by_label('Password').fill(PASSWORD)
    page.get_by_role('button', name='Sign in').click()
