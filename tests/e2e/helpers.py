"""Steps shared by the browser tests."""
from __future__ import annotations

from playwright.sync_api import expect


def sign_in(page, email: str, password: str) -> None:
    """Sign in through the form, as a person would, and wait for the welcome message."""
    page.goto('/login')
    page.get_by_label('Email address').fill(email)
    page.get_by_label('Password').fill(password)
    page.get_by_role('button', name='Sign in').click()
    expect(page.get_by_text('Welcome,')).to_be_visible()
