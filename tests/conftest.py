"""Fixtures wrapping tests/helpers: app, db, client, runner, auth, make_app and the factories.

One app is built per test session and shared by every test that does not need its own set-up; its tables are
created once and emptied after each test (see ``tests.helpers.app.Reuse``). ``make_app(**config)`` builds a
separate app for a test that needs other settings.
"""
from __future__ import annotations

import os

import pytest
from hypothesis import Phase, settings

from tests.helpers.app import Reuse, build_app, dispose
from tests.helpers.auth import AuthActions
from tests.helpers.factories import PersonFactory, SessionFactory, UserFactory
from tests.helpers.naughty import naughty_strings as _naughty_strings
from training.extensions import db as _db

# Property tests: no time limit per example (two cores shared by the suite's workers), and in CI (.ci/run sets CI)
# no shrinking: a failure is still reported, with its example and a blob to replay (@reproduce_failure) where
# shrinking is affordable. A shrink of the reporting-data test once ran five minutes before giving up.
settings.register_profile('local', deadline=None)
settings.register_profile('ci', deadline=None, print_blob=True,
                          phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target])
settings.load_profile('ci' if os.environ.get('CI') else 'local')


@pytest.fixture(scope='session')
def shared_app():
    app = build_app()
    yield Reuse(app)
    dispose(app)


@pytest.fixture
def make_app():
    """Build an app with extra config; its database tables exist and are emptied afterwards."""
    apps = []

    def _make(**extra):
        app = build_app(**extra)
        apps.append(app)
        return app

    yield _make
    for app in apps:
        dispose(app)


@pytest.fixture
def app(shared_app):
    with shared_app.app.app_context():
        yield shared_app.app
    shared_app.reset()


@pytest.fixture
def csrf_client(make_app):
    """A browser on an app that checks CSRF tokens (the shared app does not)."""
    return make_app(WTF_CSRF_ENABLED=True).test_client()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def create_user(db):
    return UserFactory()


@pytest.fixture
def create_session(db):
    return SessionFactory()


@pytest.fixture
def create_person(db):
    return PersonFactory()


@pytest.fixture
def auth(client, create_user):
    return AuthActions(client, create_user)


@pytest.fixture(scope='session')
def naughty_strings() -> list[str]:
    return list(_naughty_strings())
