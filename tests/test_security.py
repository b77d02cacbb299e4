"""CSRF on every form, security headers, no inline script, safe redirect targets, cache headers.

The security of accounts (sign-in, cookies, passwords, throttling) is in tests/auth/test_security.py.
"""
from __future__ import annotations

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
