"""Accounts' security: CSRF on sign-in, cookie flags, password hashing, sign-in throttling, local redirects."""
from __future__ import annotations

from tests.helpers.auth import PASSWORD


def test_sign_in_without_csrf_token_is_refused(csrf_client):
    response = csrf_client.post('/login', data={'email': 'a@example.org', 'password': 'whatever-long'})
    assert response.status_code == 400


def test_session_cookie_flags(make_app, create_user):
    app = make_app(SESSION_COOKIE_SECURE=True)
    client = app.test_client()
    with app.app_context():
        create_user(email='c@example.org')
    response = client.post('/login', data={'email': 'c@example.org', 'password': PASSWORD})
    cookie = next(h for h in response.headers.getlist('Set-Cookie') if h.startswith('session='))
    assert 'HttpOnly' in cookie and 'SameSite=Lax' in cookie and 'Secure' in cookie


def test_passwords_are_hashed_with_a_kdf(create_user):
    user = create_user()
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith(('pbkdf2:', 'scrypt:'))


def test_production_kdf_is_scrypt(make_app):
    from training.auth.services import PASSWORD_METHOD, hash_password
    assert PASSWORD_METHOD.startswith('scrypt')
    app = make_app()
    app.config.pop('PASSWORD_METHOD')
    with app.app_context():
        assert hash_password('x' * 12).startswith('scrypt:')


def test_sign_in_is_throttled_per_account(client, create_user):
    create_user(email='target@example.org')
    for _ in range(5):
        assert client.post('/login', data={'email': 'target@example.org', 'password': 'wrong password'}
                           ).status_code == 200
    response = client.post('/login', data={'email': 'target@example.org', 'password': PASSWORD})
    assert response.status_code == 429
    assert 'Too many sign-in attempts' in response.get_data(as_text=True)
    # another account from the same address is not locked out by this one
    create_user(email='other@example.org')
    assert client.post('/login', data={'email': 'other@example.org', 'password': PASSWORD}).status_code == 302


def test_sign_in_is_throttled_per_address(make_app, create_user):
    app = make_app(LOGIN_LIMIT_PER_ADDRESS='3 per 10 minutes')
    client = app.test_client()
    for n in range(3):
        client.post('/login', data={'email': f'u{n}@example.org', 'password': 'wrong password'})
    response = client.post('/login', data={'email': 'u9@example.org', 'password': 'wrong password'})
    assert response.status_code == 429


def test_successful_sign_ins_are_not_counted(client, create_user):
    create_user(email='daily@example.org')
    for _ in range(7):
        assert client.post('/login', data={'email': 'daily@example.org', 'password': PASSWORD}).status_code == 302
        client.post('/logout')


def test_sign_in_follows_only_local_next(client, create_user):
    user = create_user()
    response = client.post('/login?next=https://evil.example/', data={'email': user.email, 'password': PASSWORD})
    assert response.headers['Location'] == '/'


def test_a_wrong_sign_in_checks_one_password_whether_the_address_has_an_account_or_not(client, create_user,
                                                                                       monkeypatch):
    """Issue 11 item 8: a wrong password took 155 ms for a known address and 11 ms for an unknown one (no hash
    checked), so timing told which addresses have accounts. Both now check one hash of the site's method."""
    from werkzeug import security

    from training.auth import services
    create_user(email='known@example.org')
    checked = []
    monkeypatch.setattr(services, 'check_password_hash',
                        lambda pwhash, password: checked.append(pwhash.split('$')[0]) or security.check_password_hash(
                            pwhash, password))
    for email in ('known@example.org', 'unknown@example.org'):
        response = client.post('/login', data={'email': email, 'password': 'wrong password'})
        assert 'The email address or password is incorrect.' in response.get_data(as_text=True)
    assert len(checked) == 2 and checked[0] == checked[1]  # one check each, with the same method and cost
