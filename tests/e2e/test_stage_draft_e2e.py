"""In Chromium: a stage form half filled in is saved as a draft while the trainee types (static/js/stage-draft.js);
leaving the page and coming back finds it filled in (issue 13 item 7)."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.helpers import sign_in
from training.auth import services as auth_services
from training.auth.models import Role
from training.extensions import db

PASSWORD = 'a long enough password'


def test_a_half_filled_stage_survives_leaving_the_page(page, live_app):
    with live_app.app_context():
        auth_services.create_user(email='drafter@example.org', name='Dana Drafter', password=PASSWORD,
                                  roles=(Role.trainee,))
        db.session.commit()
    sign_in(page, 'drafter@example.org', PASSWORD)
    page.goto('/exercises/transition-in-marenia')
    page.get_by_role('button', name='Start the exercise').click()
    play = page.url
    page.locator('input[name="f0_level"][value="high"]').check()
    page.locator('textarea[name="f0_justification"]').fill('Registration rules exclude returnees.')
    expect(page.locator('[data-draft-status]')).to_contain_text('Draft saved at', timeout=10_000)
    page.goto('/exercises')  # leave the page
    page.goto(play)
    expect(page.get_by_text('Your draft is filled in below.')).to_be_visible()
    expect(page.locator('input[name="f0_level"][value="high"]')).to_be_checked()
    expect(page.locator('textarea[name="f0_justification"]')).to_have_value('Registration rules exclude returnees.')
