"""Walks every registered route as an anonymous visitor and as each role, against the view's declared access.

A new route without an access declaration fails ``test_every_view_declares_access``; a new route with one is
checked here automatically.
"""
from __future__ import annotations

import pytest

from tests.conftest import app_config
from training import create_app
from training.auth.models import Role
from training.auth.permissions import AUTHENTICATED, PUBLIC

SKIP_ENDPOINTS = {'static'}  # Flask's own static files: public by nature


def _routes():
    app = create_app(app_config())
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP_ENDPOINTS:
            continue
        view = app.view_functions[rule.endpoint]
        method = 'GET' if 'GET' in rule.methods else sorted(rule.methods - {'HEAD', 'OPTIONS'})[0]
        out.append((rule.endpoint, rule.rule, method, getattr(view, 'access', None)))
    return out


ROUTES = _routes()


def _url(app, endpoint):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    args = {}
    for name in rule.arguments:
        conv = rule._converters[name]
        args[name] = 999999 if conv.__class__.__name__ == 'IntegerConverter' else 'no-such-thing'
    with app.test_request_context():
        from flask import url_for
        return url_for(endpoint, **args), bool(rule.arguments)


def test_every_view_declares_access():
    missing = [endpoint for endpoint, _rule, _m, access in ROUTES if access is None]
    assert not missing, f'views without @public, @login_required or @roles_required: {missing}'


def _is_login_redirect(response):
    return response.status_code == 302 and '/login' in response.headers['Location']


@pytest.mark.parametrize(('endpoint', 'rule', 'method', 'access'), ROUTES, ids=[r[0] for r in ROUTES])
@pytest.mark.parametrize('role', [None, *Role], ids=['anonymous', *[r.name for r in Role]])
def test_route_access(app, client, auth, endpoint, rule, method, access, role):
    if role is not None:
        auth.login_as(role)
    url, has_args = _url(app, endpoint)
    response = client.open(url, method=method)
    if access == PUBLIC:
        allowed = True
    elif access == AUTHENTICATED:
        allowed = role is not None
    else:
        allowed = role is not None and role in access
    if allowed:
        assert response.status_code != 403, f'{role} refused at {url}'
        assert not _is_login_redirect(response), f'{role} sent to sign in from {url}'
        assert response.status_code < 500
        if not has_args and method == 'GET':
            assert response.status_code in (200, 302), f'{url} answered {response.status_code}'
    elif role is None:
        assert _is_login_redirect(response), f'anonymous not sent to sign in from {url} ({response.status_code})'
    else:
        assert response.status_code == 403, f'{role} not refused at {url} ({response.status_code})'
