"""In Chromium: register, sign in (sign-up never signs in: it answers the same for a taken address), switch to
French, sign out."""
from __future__ import annotations

import re

from playwright.sync_api import expect


def test_register_sign_in_switch_language_sign_out(page):
    page.goto('/register')
    page.get_by_label('Full name').fill('Marie Kabila')
    page.get_by_label('Email address').fill('marie@example.org')
    page.get_by_label('Password', exact=True).fill('a long enough password')
    page.get_by_label('Repeat password').fill('a long enough password')
    page.get_by_label('Country').select_option('CD')
    page.get_by_label('Organisation', exact=True).fill('Commission nationale des droits de l\'homme')
    page.get_by_label('Organisation type').select_option('nhri')
    page.get_by_role('button', name='Create account').click()
    expect(page.get_by_text('Your account is ready')).to_be_visible()
    expect(page.get_by_label('Email address')).to_have_value('marie@example.org')

    page.get_by_label('Password').fill('a long enough password')
    page.get_by_role('button', name='Sign in').click()
    expect(page.get_by_text('Welcome, Marie Kabila.')).to_be_visible()

    page.get_by_role('button', name='Français').click()
    expect(page.locator('html')).to_have_attribute('lang', 'fr')
    expect(page.get_by_role('button', name='Se déconnecter')).to_be_visible()

    page.get_by_role('button', name='Se déconnecter').click()
    expect(page.get_by_text('Vous êtes déconnecté')).to_be_visible()
    expect(page).to_have_url(re.compile(r'/$'))
    expect(page.locator('html')).to_have_attribute('lang', 'fr')
