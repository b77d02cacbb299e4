"""In Chromium: the presenter view of a live run, projected while teams answer, shows the join code and who has
submitted but no expert level, score or rationale; once the facilitator closes submissions the page, left alone,
reloads itself and shows them (issue 13 item 6)."""
from __future__ import annotations

import html
import re
from datetime import date

from playwright.sync_api import expect

from tests.e2e.helpers import sign_in
from training.auth import services as auth_services
from training.auth.models import Role
from training.extensions import db
from training.scenarios.labels import level_title

PASSWORD = 'a long enough password'


def _open_run(app):
    """A run of "Transition in Marenia" with two teams at its first stage; one has answered."""
    from training.scenarios import live
    from training.scenarios.demo import demo_answer
    from training.workshops.models import TrainingSession
    with app.app_context():
        trainer = auth_services.create_user(email='presenter@example.org', name='Pia Presenter',
                                            password=PASSWORD, roles=(Role.trainer,))
        ts = TrainingSession(code='E2E-PRESENT-01', title='Presenter workshop', country='KE',
                             start_date=date(2026, 5, 4), end_date=date(2026, 5, 5), trainers=[trainer])
        db.session.add(ts)
        db.session.flush()
        sc = app.extensions['content'].scenario('transition-in-marenia')
        run = live.start_live_run(ts, sc, by=trainer)
        teams = [live.create_team(run, name) for name in ('Team Mombasa', 'Team Kisumu')]
        live.open_stage(run, sc, sc.start)
        stage = sc.stage(sc.start)
        live.team_submit(teams[0], sc, demo_answer(stage, 'strong', 1))
        db.session.commit()
        levels = sorted({level_title(k.level) for k in stage.assess})
        texts = [html.unescape(re.sub(r'<[^>]+>', ' ', str(k.rationale_html))) for k in stage.assess]
        rationales = [' '.join(t.split('.')[0].split()[:6]) for t in texts]
        return run.id, run.code, stage.title, levels, rationales


def _close_submissions(app, run_id):
    from training.scenarios import live
    from training.scenarios.models import LiveRun
    with app.app_context():
        live.close_submissions(db.session.get(LiveRun, run_id))
        db.session.commit()


def _leaks(text: str, levels, rationales) -> list[str]:
    found = [s for s in levels if re.search(r'(?<!\w)' + re.escape(s) + r'(?!\w)', text)]
    found += [s for s in rationales if s in ' '.join(text.split())]
    return found + [s for s in ('Expert key', 'Expert rationale', '/10', '100%') if s in text]


def test_presenter_view_hides_the_key_until_submissions_close(page, live_app):
    run_id, code, stage_title, levels, rationales = _open_run(live_app)
    sign_in(page, 'presenter@example.org', PASSWORD)
    page.goto(f'/manage/live/{run_id}')
    page.get_by_role('link', name=re.compile('Presenter view')).click()
    expect(page.locator('.present-code')).to_have_text(code)
    expect(page.locator('.present-join svg')).to_be_visible()
    expect(page.get_by_text(stage_title).first).to_be_visible()
    expect(page.locator('#present-teams')).to_contain_text('1 of 2 teams have submitted.')
    text = page.locator('body').inner_text()
    assert _leaks(text, levels, rationales) == []

    # the facilitator closes submissions on the control page (here through the service): the projected page,
    # left alone, loads the new state by itself and shows the key
    _close_submissions(live_app, run_id)
    expect(page.locator('#present-key')).to_contain_text('Expert key', timeout=20_000)
    text = page.locator('body').inner_text()
    assert sorted(_leaks(text, levels, rationales)) == sorted([*levels, *rationales, 'Expert key',
                                                               'Expert rationale', '/10', '100%'])
