"""CSRF on every form, security headers, no inline script, safe redirect targets, cache headers.

The security of accounts (sign-in, cookies, passwords, throttling) is in tests/auth/test_security.py.
"""
from __future__ import annotations

import re

import pytest

from training.web import safe_next


@pytest.mark.parametrize('path', ['/register', '/language', '/logout', '/account', '/account/password'])
def test_posts_without_csrf_token_are_refused(csrf_client, path):
    assert csrf_client.post(path, data={'lang': 'fr'}).status_code == 400


def test_security_headers(client):
    response = client.get('/login')
    csp = response.headers['Content-Security-Policy']
    assert "script-src 'self'" in csp and 'unsafe-inline' not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers['X-Content-Type-Options'] == 'nosniff'
    assert response.headers['Referrer-Policy'] == 'strict-origin-when-cross-origin'


def test_each_security_header_is_sent_once_and_a_views_own_is_kept(make_app):
    from flask import Response
    app = make_app(SESSION_COOKIE_SECURE=True)
    app.add_url_rule('/_own-frame-rule', 'own_frame_rule',
                     lambda: Response('framed', headers={'x-frame-options': 'SAMEORIGIN'}))
    own = app.test_client().get('/_own-frame-rule')
    assert own.headers.getlist('X-Frame-Options') == ['SAMEORIGIN']  # any case: headers are case-insensitive
    page = app.test_client().get('/login')
    for name in ('Content-Security-Policy', 'X-Content-Type-Options', 'Referrer-Policy', 'X-Frame-Options',
                 'Permissions-Policy', 'Strict-Transport-Security'):
        assert len(page.headers.getlist(name)) == 1, name
        assert len(own.headers.getlist(name)) == 1, name


def test_no_inline_script_in_pages(client):
    html = client.get('/register').get_data(as_text=True)
    assert '<script>' not in html and 'onclick' not in html and 'style="' not in html


@pytest.mark.parametrize(('target', 'expected'), [
    ('/courses?x=1', '/courses?x=1'),
    ('https://evil.example/', '/'),
    ('//evil.example/', '/'),
    ('/\\evil.example', '/'),
    ('\\\\evil.example', '/'),
    ('javascript:alert(1)', '/'),
    ('', '/'),
    (None, '/'),
])
def test_safe_next(target, expected):
    assert safe_next(target, '/') == expected


def test_static_files_do_not_vary_by_cookie_but_pages_do(client, auth):
    """A shared cache keeps one copy of the stylesheet for everyone (regression: every response said
    ``Vary: Cookie`` because the sign-in machinery reads the session on each request)."""
    import re

    from training.auth.models import Role
    auth.login_as(Role.trainee)
    page = client.get('/my-learning')
    assert 'Cookie' in page.headers.get('Vary', '')
    href = re.search(r'href="(/static/v/[0-9a-f]{12}/css/site\.css)"', page.get_data(as_text=True)).group(1)
    css = client.get(href)
    assert css.status_code == 200
    assert 'Cookie' not in css.headers.get('Vary', '')


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_a_sessions_csrf_token_is_signed_once_and_still_checked(make_app):
    """The signed CSRF token is made once per session and reused (issue 18): every page of the session carries the
    same token, which a form accepts; another browser gets its own, and the first browser's token is refused with
    the other's session."""
    app = make_app(WTF_CSRF_ENABLED=True)
    first, second = app.test_client(), app.test_client()
    token = _token(first.get('/login').get_data(as_text=True))
    assert _token(first.get('/register').get_data(as_text=True)) == token  # a page and a form's own field
    assert len(app.extensions['signed_csrf_tokens'][1]) == 1
    other = _token(second.get('/login').get_data(as_text=True))
    assert other != token
    assert second.post('/language', data={'lang': 'fr', 'csrf_token': token}).status_code == 400
    assert first.post('/language', data={'lang': 'fr', 'csrf_token': token}).status_code == 302
    assert second.post('/language', data={'lang': 'fr', 'csrf_token': other}).status_code == 302


def test_a_token_that_expires_is_signed_anew(make_app):
    """With a time limit the signature carries its time, so nothing is kept: each request signs the token."""
    app = make_app(WTF_CSRF_ENABLED=True, WTF_CSRF_TIME_LIMIT=3600)
    client = app.test_client()
    token = _token(client.get('/login').get_data(as_text=True))
    assert client.post('/language', data={'lang': 'fr', 'csrf_token': token}).status_code == 302
    assert not app.extensions.get('signed_csrf_tokens')


def test_a_form_built_outside_a_request_still_works(app):
    """A script that builds a form with only the app (no request) is left to Flask-WTF, as before."""
    from training.forms import ConfirmForm
    form = ConfirmForm(meta={'csrf': False})
    assert 'submit' in form._fields


def test_the_session_signer_is_made_once_and_follows_a_change_of_key(make_app):
    from flask import session
    app = make_app()
    app.add_url_rule('/_put', 'put', lambda: session.__setitem__('kept', 'yes') or 'put')
    app.add_url_rule('/_read', 'read', lambda: session.get('kept', 'none'))
    interface = app.session_interface
    assert interface.get_signing_serializer(app) is interface.get_signing_serializer(app)
    client = app.test_client()
    client.get('/_put')
    assert client.get('/_read').text == 'yes'
    old = app.secret_key
    app.secret_key = 'a-new-key-for-this-test-only-0123456789'
    assert client.get('/_read').text == 'none'  # signed with a key the app no longer has
    app.config['SECRET_KEY_FALLBACKS'] = [old]
    assert client.get('/_read').text == 'yes'  # the old key still read during a rotation
