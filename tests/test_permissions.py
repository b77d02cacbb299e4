"""Walks every registered route as an anonymous visitor and as each role, against the view's declared access.

A new route without an access declaration fails ``test_every_view_declares_access``; a new route with one is
checked here automatically. Routes with ids are opened with the ids of real objects (``tests.helpers.world``),
so the walk reaches the view body: a denied role gets 403 (anonymous visitors: the sign-in page), an allowed
role gets the page (200), a redirect that is not to the sign-in page (302), or, for a POST without form data,
the form's own refusal (400 or 422) -- never 404 or 5xx.

One app and one signed-in browser per role serve the whole module; each case starts from that browser's cookies
in a fresh client, so a case that signs out or changes the language does not leak into the next.
"""
from __future__ import annotations

import re

import pytest
from flask import url_for

from tests.helpers.auth import PASSWORD
from tests.helpers.world import build_world, url_values
from training.auth.models import Role
from training.auth.permissions import AUTHENTICATED, PUBLIC

SKIP_ENDPOINTS = {'static'}  # Flask's own static files: public by nature
ROLES = [None, *Role]  # None: an anonymous visitor
ROLE_IDS = ['anonymous', *[r.name for r in Role]]

#: Object rules on top of the declared roles. A trainer reaches only the training sessions they train (and their
#: live runs); the walk opens sessions trained by another trainer, so every such route refuses a trainer (issue 11
#: item 2). Administrators reach every session; programme staff read them.
TRAINERS_REACH_EVERY_SESSION = False
SESSION_ARGUMENTS = {'session_id', 'run_id', 'person_id'}  # a person: on the roster of a session trained
#: Pages programme staff read but do not change (a POST is refused)
STAFF_READ_ONLY = {'/manage/persons/<int:person_id>'}


def _routes():
    from tests.helpers.app import app_config
    from training import create_app
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


def test_every_view_declares_access():
    missing = [endpoint for endpoint, _rule, _m, access in ROUTES if access is None]
    assert not missing, f'views without @public, @login_required or @roles_required: {missing}'


def expected_allowed(access, role: Role | None, rule: str, method: str = 'GET') -> bool:
    if access == PUBLIC:
        return True
    if role is None:
        return False
    if access == AUTHENTICATED:
        return True
    if role not in access:
        return False
    if role is Role.trainer and any(f'<int:{arg}>' in rule for arg in SESSION_ARGUMENTS):
        return TRAINERS_REACH_EVERY_SESSION
    return not (role is Role.staff and method == 'POST' and rule in STAFF_READ_ONLY)


def _signed_in_cookie(app, world, role) -> str:
    """A browser signed in as the world's owner (none for anonymous visitors) and in the world's live team."""
    browser = app.test_client()
    if role is not None:
        response = browser.post('/login', data={'email': world.owner_email, 'password': PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
    # join the world's live team by its code, as a participant does (anonymous visitors too), and the spare team
    # the POSTs of a team's page use
    for code in (world.values['team_code'], world.spare['team_code']):
        response = browser.post('/live', data={'code': code})
        assert response.status_code == 302, response.get_data(as_text=True)
    return browser.get_cookie('session').value


@pytest.fixture(scope='module')
def walk(shared_app):
    """The shared app, one world of real objects per role, and each role's signed-in cookies."""
    app = shared_app.app
    worlds, cookies = {}, {}
    with app.app_context():
        for role in ROLES:
            worlds[role] = build_world(app, role)
            cookies[role] = _signed_in_cookie(app, worlds[role], role)
    yield app, worlds, cookies
    shared_app.reset()


def _is_login_redirect(response):
    return response.status_code == 302 and '/login' in response.headers['Location']


@pytest.mark.parametrize('role', ROLES, ids=ROLE_IDS)
@pytest.mark.parametrize(('endpoint', 'rule', 'method', 'access'), ROUTES, ids=[r[0] for r in ROUTES])
def test_route_access(walk, endpoint, rule, method, access, role):
    app, worlds, cookies = walk
    client = app.test_client()
    client.set_cookie('session', cookies[role])
    with app.test_request_context():
        url = url_for(endpoint, **url_values(app, endpoint, method, worlds[role]))
    response = client.open(url, method=method)
    status = response.status_code
    if endpoint == 'auth.logout':  # signing out ends every browser of the account: the next cases sign in again
        cookies[role] = _signed_in_cookie(app, worlds[role], role)
    if expected_allowed(access, role, rule, method):
        assert status != 403, f'{ROLE_IDS[ROLES.index(role)]} refused at {method} {url}'
        assert not _is_login_redirect(response), f'{role} sent to sign in from {method} {url}'
        allowed = (200, 302) if method == 'GET' else (200, 302, 400, 422)
        assert status in allowed, f'{method} {url} answered {status} to {role}'
    elif role is None:
        assert _is_login_redirect(response), f'anonymous not sent to sign in from {url} ({status})'
    else:
        assert status == 403, f'{role} not refused at {method} {url} ({status})'


def _menu(client) -> list[str]:
    html = client.get('/courses/').get_data(as_text=True)
    nav = html.split('<nav class="wrap site-nav"', 1)[1].split('<ul class="account">', 1)[0]
    return re.findall(r'<a href="[^"]*"[^>]*>([^<]+)</a>', nav)


def test_each_visitor_sees_the_menu_of_their_own_roles(app, auth):
    """The menus are worked out once per set of roles (issue 18): visitors with other roles, one after another on
    the same app, each see their own."""
    visitor = app.test_client()
    assert _menu(visitor) == ['Courses', 'Exercises', 'Frameworks']
    auth.login_as(Role.trainer, email='trainer@example.org')
    assert _menu(auth._client) == ['Courses', 'My learning', 'Exercises', 'Frameworks', 'Training sessions',
                                   'Live runs', 'Course results']
    auth.logout()
    auth.login_as(Role.trainee, email='trainee@example.org')
    assert _menu(auth._client) == ['Courses', 'My learning', 'Exercises', 'Frameworks']
    assert _menu(visitor) == ['Courses', 'Exercises', 'Frameworks']


def test_the_menu_marks_the_page_shown(auth):
    """The menus are rendered once per page too (issue 18): each page marks its own link, and only that one."""
    auth.login_as(Role.trainee)
    for path, label in (('/courses/', 'Courses'), ('/my-learning', 'My learning'), ('/courses/', 'Courses')):
        html = auth._client.get(path).get_data(as_text=True)
        nav = html.split('<nav class="wrap site-nav"', 1)[1].split('<ul class="account">', 1)[0]
        assert re.findall(r'aria-current="page">([^<]+)</a>', nav) == [label]
