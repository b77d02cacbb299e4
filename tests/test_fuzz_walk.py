"""Every route, as every role, with hostile ids, bytes, dates and sizes: never a 5xx (issue 11, "done when").

For each route of ``app.url_map`` and each visitor (anonymous and every role, each signed in as the owner of a world
of real objects, see ``tests.helpers.world``), the walk sends:

- the path with each URL argument in turn replaced by 0, -1, 2^31, 2^63, 10^20, ``abc``, ``%00`` and a 300-character
  value, the others real (so the request reaches as deep as it can);
- the real path with the query arguments the view reads (recorded while it answers a plain request) set, all at
  once, to a NUL byte, an oversized value, huge and negative numbers, ``abc`` and dates from year 1 and year 9999,
  then each alone to the two dates;
- for POST routes, every form field name of the site set at once to each of those values.

Any 5xx or exception is collected; the test lists them all. One app, one client per role and share of the
routes; runs on SQLite and, with TRAINING_TEST_DATABASE_URL, on PostgreSQL.
"""
from __future__ import annotations

from urllib.parse import urlencode

import pytest
from flask import Request, url_for
from werkzeug.datastructures import ImmutableMultiDict
from wtforms.fields.core import UnboundField

from tests.helpers.auth import PASSWORD
from tests.helpers.world import build_world, url_values
from training.auth.models import Role
from training.auth.permissions import AUTHENTICATED, PUBLIC
from training.forms import Form

ROLES = [None, *Role]
ROLE_IDS = ['anonymous', *[r.name for r in Role]]
SKIP_ENDPOINTS = {'static'}

BAD_SEGMENTS = ['0', '-1', str(2**31), str(2**63), str(10**20), 'abc', '%00', 'x' * 300]
BAD_VALUES = ['\x00', 'a\x00b', 'x' * 20_000, str(10**20), str(2**63), '-1', 'abc', '0001-01-01', '9999-12-31']

SENTINEL_INT = 987_654_321
SENTINEL_STR = 'FUZZSENTINEL'


#: The query argument names read during the current request (see :class:`RecordingRequest`)
READ: set[str] = set()


class RecordingArgs(ImmutableMultiDict):
    """A query string that notes every name a view asks it for."""

    def __getitem__(self, key):
        READ.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None, type=None):  # noqa: A002 - werkzeug's signature
        READ.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # noqa: A002
        READ.add(key)
        return super().getlist(key, type)

    def __contains__(self, key):
        READ.add(key)
        return super().__contains__(key)


class RecordingRequest(Request):
    parameter_storage_class = RecordingArgs


def _form_field_names() -> list[str]:
    """Every field name of every form of the site (stage forms are built per stage: their names by pattern)."""
    names, todo = set(), [Form]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        names.update(k for k in dir(cls) if isinstance(getattr(cls, k, None), UnboundField))
    names.update(f'f{i}_{part}' for i in range(4) for part in ('level', 'indicators', 'evidence', 'justification'))
    return sorted(names - {'submit'})


def _routes(app):
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP_ENDPOINTS:
            continue
        for method in sorted(rule.methods & {'GET', 'POST'}):
            out.append((rule, method))
    return out


def _sign_in(app, world, role):
    client = app.test_client()
    if role is not None:
        response = client.post('/login', data={'email': world.owner_email, 'password': PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
    client.post('/live', data={'code': world.values['team_code']})
    return client


def _url_with_placeholders(app, rule, method, world, arg):
    """The route's URL with real values, ``arg`` replaced by a sentinel (returned with it)."""
    values = url_values(app, rule.endpoint, method, world)
    converter = rule._converters[arg]
    sentinel = SENTINEL_INT if type(converter).__name__ in ('BoundedIntConverter', 'IntegerConverter') \
        else SENTINEL_STR
    values[arg] = sentinel
    with app.test_request_context():
        return url_for(rule.endpoint, **values), str(sentinel)


class Walk:
    def __init__(self, app, world, role):
        self.app, self.world, self.role = app, world, role
        self.client = _sign_in(app, world, role)
        self.requests = 0
        self.failures: list[str] = []

    def send(self, method: str, url: str, data: dict | None = None) -> None:
        self.requests += 1
        try:
            response = self.client.open(url, method=method, data=data)
            status = response.status_code
        except Exception as exc:  # noqa: BLE001 - every failure is collected and listed
            status = f'{type(exc).__name__}: {str(exc)[:200]}'
        if not isinstance(status, int) or status >= 500:
            body = ('' if data is None else f' data={next(iter(data.values()))[:30]!r}')
            self.failures.append(f'{method} {url[:160]}{body} -> {status}')
        if self.role is not None and '/logout' in url and method == 'POST':
            self.client = _sign_in(self.app, self.world, self.role)  # signing out ends the account's sessions

    def real_url(self, rule, method):
        with self.app.test_request_context():
            return url_for(rule.endpoint, **url_values(self.app, rule.endpoint, method, self.world))


@pytest.fixture(scope='module')
def fuzz(shared_app):
    app = shared_app.app
    with app.app_context():
        worlds = {role: build_world(app, role) for role in ROLES}
    request_class, app.request_class = app.request_class, RecordingRequest
    yield app, worlds
    app.request_class = request_class
    shared_app.reset()


def _declared_allowed(app, rule, role) -> bool:
    """Whether the view's declared access lets ``role`` in (object rules aside); a refused visitor gets the path
    fuzz and one hostile value in its query or form, not every value."""
    access = getattr(app.view_functions[rule.endpoint], 'access', None)
    if access == PUBLIC:
        return True
    if role is None:
        return False
    return access == AUTHENTICATED or role in access


def _query_names_read(walk, url) -> list[str]:
    READ.clear()
    walk.send('GET', url)
    return sorted(READ)


#: The routes are walked in this many shares per role (every route in exactly one), so that pytest-xdist spreads
#: the walk over its workers instead of one worker taking a whole role (the admin's took two minutes under load).
SHARES = 4


@pytest.mark.parametrize('share', range(SHARES), ids=[f'routes{n + 1}of{SHARES}' for n in range(SHARES)])
@pytest.mark.parametrize('role', ROLES, ids=ROLE_IDS)
def test_no_route_answers_5xx_to_hostile_input(fuzz, role, share):
    app, worlds = fuzz
    walk = Walk(app, worlds[role], role)
    field_names = _form_field_names()
    for rule, method in _routes(app)[share::SHARES]:
        for arg in rule.arguments:
            url, sentinel = _url_with_placeholders(app, rule, method, worlds[role], arg)
            for bad in BAD_SEGMENTS:
                walk.send(method, url.replace(sentinel, bad, 1))
        url = walk.real_url(rule, method)
        values = BAD_VALUES if _declared_allowed(app, rule, role) else BAD_VALUES[1:2]
        if method == 'GET':
            names = _query_names_read(walk, url)
            sep = '&' if '?' in url else '?'
            for bad in values if names else ():
                walk.send('GET', url + sep + urlencode({name: bad for name in names}))
            for name in names if len(names) > 1 else ():  # alone too: one refused argument hides no other
                for bad in values[-2:]:
                    walk.send('GET', url + sep + urlencode({name: bad}))
        else:
            for bad in values:
                walk.send('POST', url, data={n: bad for n in field_names})
    print(f'\n{ROLE_IDS[ROLES.index(role)]}, share {share + 1}: {walk.requests} requests, '
          f'{len(walk.failures)} answered 5xx')
    assert not walk.failures, f'{len(walk.failures)} of {walk.requests} requests failed:\n' + '\n'.join(
        walk.failures[:80])
