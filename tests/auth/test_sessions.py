"""Signing out really signs out (issue 11 item 3).

A cookie copied before sign-out, a password change, an administrator's reset link or a deactivation no longer opens
the account; the browser that changed its password stays signed in; every sign-in gets a new remember-me value.
"""
from __future__ import annotations

import re

from tests.helpers.auth import PASSWORD
from training.auth.models import Role

REMEMBER = 'remember_token'


def _sign_in(app, email, password=PASSWORD, remember=False):
    browser = app.test_client()
    data = {'email': email, 'password': password, **({'remember': 'y'} if remember else {})}
    response = browser.post('/login', data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return browser


def _copy(app, browser, *names):
    """Another browser holding copies of ``browser``'s cookies (an attacker's, or the user's second device)."""
    other = app.test_client()
    for name in names:
        other.set_cookie(name, browser.get_cookie(name).value)
    return other


def _signed_in(browser) -> bool:
    return browser.get('/account').status_code == 200


def test_a_session_cookie_copied_before_sign_out_is_refused_after_it(app, create_user):
    user = create_user()
    browser = _sign_in(app, user.email)
    copy = _copy(app, browser, 'session')
    assert _signed_in(copy)
    browser.post('/logout')
    assert not _signed_in(browser)
    assert not _signed_in(copy)


def test_a_remember_me_cookie_dies_with_sign_out(app, create_user):
    user = create_user()
    browser = _sign_in(app, user.email, remember=True)
    copy = _copy(app, browser, REMEMBER)  # no session cookie: only the remember-me cookie signs this one in
    assert _signed_in(copy)
    browser.post('/logout')
    fresh = app.test_client()
    fresh.set_cookie(REMEMBER, copy.get_cookie(REMEMBER).value)
    assert not _signed_in(fresh)


def test_every_sign_in_gets_a_new_remember_me_value(app, create_user):
    user = create_user()
    values = {_sign_in(app, user.email, remember=True).get_cookie(REMEMBER).value for _ in range(3)}
    assert len(values) == 3


def test_a_password_change_ends_other_sessions_and_keeps_this_one(app, create_user):
    user = create_user()
    here = _sign_in(app, user.email, remember=True)
    elsewhere = _sign_in(app, user.email, remember=True)
    old_remember = elsewhere.get_cookie(REMEMBER).value
    response = here.post('/account/password', data={'current': PASSWORD, 'password': 'brand new password',
                                                     'confirm': 'brand new password'})
    assert response.status_code == 302
    assert _signed_in(here)
    assert not _signed_in(elsewhere)
    stale = app.test_client()
    stale.set_cookie(REMEMBER, old_remember)
    assert not _signed_in(stale)
    # this browser is still remembered: its new remember-me cookie alone signs it in
    assert _signed_in(_copy(app, here, REMEMBER))


def test_a_reset_link_ends_the_accounts_sessions(app, create_user):
    user = create_user(email='lost@example.org')
    create_user(email='admin@example.org', roles=(Role.admin,))
    victim_browser = _sign_in(app, user.email, remember=True)
    thief = _copy(app, victim_browser, 'session', REMEMBER)
    admin = _sign_in(app, 'admin@example.org')
    html = admin.post(f'/manage/users/{user.id}/reset-link').get_data(as_text=True)
    assert not _signed_in(thief)
    link = re.search(r'http://localhost(/reset/[\w-]+)', html).group(1)
    thief = _sign_in(app, user.email)  # the thief still knew the old password
    assert app.test_client().post(link, data={'password': 'a fresh password', 'confirm': 'a fresh password'}
                                  ).status_code == 302
    assert not _signed_in(thief)


def test_a_deactivated_then_reactivated_account_signs_in_again(app, create_user):
    user = create_user()
    create_user(email='admin@example.org', roles=(Role.admin,))
    browser = _sign_in(app, user.email, remember=True)
    admin = _sign_in(app, 'admin@example.org')
    assert admin.post(f'/manage/users/{user.id}', data={'roles': ['trainee'], 'is_active': ''}).status_code == 302
    assert admin.post(f'/manage/users/{user.id}', data={'roles': ['trainee'], 'is_active': 'y'}).status_code == 302
    assert not _signed_in(browser)
    assert not _signed_in(_copy(app, browser, REMEMBER))


def test_a_forged_or_old_style_user_id_signs_nobody_in(app, create_user):
    user = create_user()
    for value in (str(user.id), f'{user.id}:1', f'{user.id}:x:y', f'{2**63}:1:a', f'{user.id}:{2**40}:a', ':::'):
        browser = app.test_client()
        with browser.session_transaction() as session:
            session['_user_id'] = value
            session['_fresh'] = True
        assert not _signed_in(browser), value
