"""Accounts: registration, sign-in, profile, password, administration, reset links."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.helpers.auth import PASSWORD
from training.auth.models import PasswordResetToken, Role, User
from training.vocab import OrganisationType


def _register(client, **overrides):
    data = {'name': 'Awa Ndiaye', 'email': 'awa@example.org', 'password': 'long enough pw',
            'confirm': 'long enough pw', 'country': 'SN', 'organisation': 'RADDHO',
            'organisation_type': 'civil_society', 'preferred_language': 'fr'}
    data.update(overrides)
    return client.post('/register', data=data)


def test_register_creates_trainee_then_signs_in(client, db):
    response = _register(client)
    assert response.status_code == 302 and response.headers['Location'] == '/login'
    user = db.session.scalar(sa.select(User).where(User.email == 'awa@example.org'))
    assert user.roles == {Role.trainee}
    assert user.organisation_type is OrganisationType.civil_society
    assert user.country == 'SN' and user.preferred_language == 'fr'
    login = client.get('/login').get_data(as_text=True)
    assert 'value="awa@example.org"' in login  # the address is filled in
    assert client.post('/login', data={'email': 'awa@example.org', 'password': 'long enough pw'}).status_code == 302
    page = client.get('/account').get_data(as_text=True)
    assert 'awa@example.org' in page


def test_register_does_not_say_an_address_has_an_account(client, create_user, db):
    """Issue 11 item 8: sign-up answered 'already exists', so anyone could test addresses. Now a taken address
    (in any case) gets exactly the answer a new one gets, and its account is left as it was."""
    owner = create_user(email='awa@example.org', name='The Owner')
    new = _register(client, email='someone.new@example.org')
    taken = _register(client, email='AWA@Example.org', name='Intruder')
    assert (taken.status_code, taken.headers['Location']) == (new.status_code, new.headers['Location'])
    with client.session_transaction() as session:
        flashes = session.get('_flashes')
    assert flashes and flashes[-1][1].startswith('Your account is ready')
    assert 'already exists' not in client.get('/login').get_data(as_text=True)
    db.session.refresh(owner)
    assert owner.name == 'The Owner'
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 2


def test_sign_up_is_throttled(make_app):
    app = make_app(REGISTER_LIMIT='3 per minute')
    client = app.test_client()
    for n in range(3):
        assert _register(client, email=f'probe{n}@example.org').status_code == 302
    assert _register(client, email='probe9@example.org').status_code == 429


@pytest.mark.parametrize(('field', 'value', 'message'), [
    ('email', 'not-an-email', 'Invalid email address'),
    ('password', 'short', 'Field must be between 10 and 200 characters long'),
    ('confirm', 'something else entirely', 'The passwords differ'),
    ('country', 'XX', 'Not a valid choice'),
    ('name', '', 'This field is required'),
])
def test_register_names_the_bad_field(client, field, value, message):
    response = _register(client, **{field: value})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert f'id="{field}-error"' in html


def test_sign_in_wrong_password(client, create_user):
    user = create_user()
    response = client.post('/login', data={'email': user.email, 'password': 'not the password'})
    assert response.status_code == 200
    assert 'The email address or password is incorrect.' in response.get_data(as_text=True)


def test_sign_in_email_is_case_insensitive(client, create_user):
    create_user(email='mixed@example.org')
    assert client.post('/login', data={'email': '  MIXED@example.ORG ', 'password': PASSWORD}).status_code == 302


def test_protected_page_sends_anonymous_to_sign_in(client):
    response = client.get('/account')
    assert response.status_code == 302
    assert response.headers['Location'].startswith('/login?next=')


def test_sign_out(client, auth):
    auth.login_as(Role.trainee)
    assert client.get('/account').status_code == 200
    auth.logout()
    assert client.get('/account').status_code == 302


def test_edit_profile(client, auth, db):
    user = auth.login_as(Role.trainee)
    response = client.post('/account', data={'name': 'New Name', 'country': 'KE', 'organisation': 'KNCHR',
                                             'organisation_type': 'nhri', 'preferred_language': 'fr'})
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.name, user.country, user.organisation_type, user.preferred_language) == (
        'New Name', 'KE', OrganisationType.nhri, 'fr')
    # the saved preference now drives the interface language
    assert 'lang="fr"' in client.get('/account').get_data(as_text=True)


def test_change_password(client, auth, db):
    user = auth.login_as(Role.trainee)
    bad = client.post('/account/password', data={'current': 'wrong one!', 'password': 'brand new password',
                                                 'confirm': 'brand new password'})
    assert 'This is not your current password.' in bad.get_data(as_text=True)
    ok = client.post('/account/password', data={'current': PASSWORD, 'password': 'brand new password',
                                                'confirm': 'brand new password'})
    assert ok.status_code == 302
    auth.logout()
    assert auth.login(user, 'brand new password').status_code == 302


def test_admin_lists_and_searches_users(client, auth, create_user):
    auth.login_as(Role.admin)
    create_user(name='Bertrand Okello', email='bo@example.org', roles=(Role.trainer,))
    create_user(name='Chantal Uwase', email='cu@example.org')
    html = client.get('/manage/users?q=okello').get_data(as_text=True)
    assert 'Bertrand Okello' in html and 'Chantal Uwase' not in html
    html = client.get('/manage/users?role=trainer').get_data(as_text=True)
    assert 'Bertrand Okello' in html and 'Chantal Uwase' not in html


def test_admin_changes_roles_and_deactivates(client, auth, create_user, db):
    auth.login_as(Role.admin)
    user = create_user(email='multi@example.org')
    response = client.post(f'/manage/users/{user.id}', data={'roles': ['trainer', 'staff'], 'is_active': ''})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.roles == {Role.trainer, Role.staff}
    assert user.is_active is False
    auth.logout()
    response = auth.login(user)
    assert response.status_code == 200
    assert 'deactivated' in response.get_data(as_text=True)


def test_admin_cannot_remove_own_admin_role(client, auth, db):
    admin = auth.login_as(Role.admin)
    response = client.post(f'/manage/users/{admin.id}', data={'roles': ['trainer'], 'is_active': 'y'},
                           follow_redirects=True)
    assert 'You cannot remove your own administrator role.' in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert Role.admin in admin.roles


def test_deactivated_user_is_signed_out(client, auth, db):
    user = auth.login_as(Role.trainee)
    user.is_active = False
    db.session.commit()
    assert client.get('/account').status_code == 302


def test_reset_link_is_one_time(client, auth, create_user, db):
    auth.login_as(Role.admin)
    user = create_user(email='forgot@example.org')
    html = client.post(f'/manage/users/{user.id}/reset-link').get_data(as_text=True)
    link = re.search(r'http://localhost(/reset/[\w-]+)', html).group(1)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PasswordResetToken)) == 1
    assert link.split('/')[-1] not in db.session.scalar(sa.select(PasswordResetToken.token_hash))
    auth.logout()
    assert client.get(link).status_code == 200
    response = client.post(link, data={'password': 'a fresh password', 'confirm': 'a fresh password'})
    assert response.status_code == 302
    assert client.get(link).status_code == 404  # used once: gone
    assert auth.login(user, 'a fresh password').status_code == 302


def test_expired_reset_link_is_refused(client, create_user, db):
    from datetime import timedelta

    from training.auth import services
    from training.db import utcnow
    user = create_user()
    token = services.issue_reset_token(user, by=None, hours=1)
    row = db.session.scalar(sa.select(PasswordResetToken))
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.get(f'/reset/{token}').status_code == 404


def test_reset_link_is_mailed_when_mail_server_set(make_app, create_user, monkeypatch):
    sent = []
    monkeypatch.setattr('training.auth.services.send_mail', lambda config, **kw: sent.append(kw))
    app = make_app(MAIL_SERVER='127.0.0.1')
    client = app.test_client()
    from training.auth import services
    with app.app_context():
        admin = services.create_user(email='adm@example.org', name='Adm', password=PASSWORD, roles=(Role.admin,))
        user = services.create_user(email='u@example.org', name='U', password=PASSWORD)
        from training.extensions import db
        db.session.commit()
        user_id = user.id
        assert admin.id
    client.post('/login', data={'email': 'adm@example.org', 'password': PASSWORD})
    html = client.post(f'/manage/users/{user_id}/reset-link').get_data(as_text=True)
    assert sent and sent[0]['to'] == 'u@example.org' and '/reset/' in sent[0]['body']
    assert 'A reset link has been sent to u@example.org.' in html


def test_naughty_strings_in_profile_are_stored_and_escaped(client, auth, db, naughty_strings):
    user = auth.login_as(Role.trainee)
    for text in naughty_strings[::7]:
        value = text.strip()[:200]
        response = client.post('/account', data={'name': value or 'x', 'organisation': value,
                                                 'organisation_type': '', 'preferred_language': 'en', 'country': ''})
        assert response.status_code in (200, 302), text
        if response.status_code == 302:
            db.session.refresh(user)
            page = client.get('/account').get_data(as_text=True)
            assert '<script>alert' not in page
