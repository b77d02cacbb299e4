"""Signing out really signs out (issue 11 item 3).

A cookie copied before sign-out, a password change, an administrator's reset link or a deactivation no longer opens
the account; the browser that changed its password stays signed in; every sign-in gets a new remember-me value.
"""
from __future__ import annotations

import re

import pytest

from tests.helpers.auth import PASSWORD
from training.auth import services
from training.auth.models import Role, User
from training.auth.sessions import SignedInUser, load_user

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


# ------------------------------------------------------------------ the signed-in user (read from rows, issue 18)

def test_the_signed_in_user_carries_the_accounts_roles_and_no_password_hash(app, create_user):
    user = create_user(roles=(Role.trainer, Role.staff), country='KE', preferred_language='fr')
    with app.test_request_context():
        signed_in = load_user(f'{user.id}:{user.session_version}:nonce')
        assert isinstance(signed_in, SignedInUser)
        assert signed_in.roles == {Role.trainer, Role.staff}
        assert signed_in.has_role('staff') and signed_in.has_role(Role.trainer, Role.admin)
        assert not signed_in.has_role(Role.admin) and not signed_in.is_admin
        assert (signed_in.email, signed_in.name, signed_in.country, signed_in.preferred_language) == (
            user.email, user.name, 'KE', 'fr')
        assert signed_in.get_id() == f'{user.id}:{user.session_version}:nonce'
        assert not hasattr(signed_in, 'password_hash')


def test_an_account_with_no_role_still_signs_in_with_no_role(app, create_user, db):
    user = create_user()
    services.set_roles(user, set())
    db.session.commit()
    with app.test_request_context():
        signed_in = load_user(f'{user.id}:{user.session_version}:n')
        assert signed_in is not None and signed_in.roles == frozenset() and not signed_in.has_role(Role.trainee)


def test_the_signed_in_user_is_read_only_and_its_record_is_the_account(app, create_user):
    user = create_user()
    with app.test_request_context():
        signed_in = load_user(f'{user.id}:{user.session_version}:n')
        with pytest.raises(AttributeError, match='read-only'):
            signed_in.name = 'Changed'  # would be lost silently if it were allowed: the record is what is saved
        assert isinstance(signed_in.record, User) and signed_in.record.id == user.id
        assert signed_in.record is signed_in.record  # the session keeps it: one statement in a request


def test_a_signed_in_users_language_choice_is_saved_on_the_account(app, create_user, db):
    user = create_user()
    browser = _sign_in(app, user.email)
    assert browser.post('/language', data={'lang': 'fr', 'next': '/account'}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).preferred_language == 'fr'
    assert 'lang="fr"' in browser.get('/account').get_data(as_text=True)
