"""Ids beyond the database's integer range on any ``<int:...>`` route answer 404, never 500 (issue 11 item 9).

Walks every route with an integer argument, as an administrator (who passes every role check, so a matched route
would reach the database), with 2^31, 2^63 and 10^20 in each integer argument, by GET and by POST.
"""
from __future__ import annotations

import re

import pytest
from werkzeug.routing import IntegerConverter

from tests.helpers.auth import PASSWORD
from training.auth.models import Role
from training.web import MAX_ID

HUGE = [2**31, 2**63, 10**20]


def _int_routes():
    from tests.helpers.app import app_config
    from training import create_app
    app = create_app(app_config())
    out = []
    for rule in app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]
        if ints:
            out.extend((rule.endpoint, method) for method in sorted(rule.methods & {'GET', 'POST'}))
    return out


ROUTES = _int_routes()


def _url(app, endpoint: str, huge: int) -> str:
    """The route's path with ``huge`` in every integer argument and ``x`` in any other."""
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = {name: str(huge) if isinstance(conv, IntegerConverter) else 'x'
              for name, conv in rule._converters.items()}
    return re.sub(r'<(?:[a-z_]+:)?([a-z_]+)>', lambda m: values[m.group(1)], rule.rule)


def test_int_routes_are_found():
    assert len(ROUTES) >= 30


@pytest.fixture
def admin_client(app, create_user):
    create_user(email='admin@example.org', roles=(Role.admin,))
    client = app.test_client()
    assert client.post('/login', data={'email': 'admin@example.org', 'password': PASSWORD}).status_code == 302
    return client


@pytest.mark.parametrize(('endpoint', 'method'), ROUTES, ids=[f'{m} {e}' for e, m in ROUTES])
def test_ids_beyond_the_database_range_answer_404(app, admin_client, endpoint, method):
    for huge in HUGE:
        url = _url(app, endpoint, huge)
        response = admin_client.open(url, method=method)
        assert response.status_code == 404, f'{method} {url} answered {response.status_code}'


def test_the_largest_id_still_matches(app, admin_client):
    assert admin_client.get(f'/manage/sessions/{MAX_ID}').status_code == 404  # matched, then not found
    assert app.url_map.bind('').match(f'/manage/sessions/{MAX_ID}')[1] == {'session_id': MAX_ID}
