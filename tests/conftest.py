"""Fixtures: app, db, client, runner, auth, and factories (create_user, ...).

The suite runs on SQLite in memory by default. Set TRAINING_TEST_DATABASE_URL to run the same suite on
PostgreSQL (CI does); tables are created once and emptied after every test.
"""
from __future__ import annotations

import os
from datetime import date

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from training import create_app
from training.auth.models import Role
from training.config import normalise_database_url
from training.extensions import db as _db

TEST_DATABASE_URL = normalise_database_url(os.environ.get('TRAINING_TEST_DATABASE_URL') or 'sqlite://')
IS_SQLITE = TEST_DATABASE_URL.startswith('sqlite')
PASSWORD = 'correct horse battery'


def app_config(**extra) -> dict:
    return {
        'TESTING': True,
        'SQLALCHEMY_DATABASE_URI': TEST_DATABASE_URL,
        'WTF_CSRF_ENABLED': False,
        'RATELIMIT_STORAGE_URI': 'memory://',
        'SERVER_NAME': None,
        'PASSWORD_METHOD': 'pbkdf2:sha256:1000',  # fast for tests; production uses scrypt
        **extra,
    }


def empty_database() -> None:
    """Remove every row (DELETE in dependency order)."""
    _db.session.remove()
    tables = _db.metadata.sorted_tables
    with _db.engine.begin() as conn:
        if conn.dialect.name == 'postgresql':
            # DELETE, not TRUNCATE: on a handful of rows it is far cheaper (TRUNCATE swaps every table's files).
            conn.execute(sa.text('SET LOCAL synchronous_commit = off'))
        for table in reversed(tables):
            conn.execute(table.delete())


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    The ``app`` fixture keeps one app context open for the whole test; without this, Flask-Login's cached user
    (kept on ``g``) and the database session would carry over from one request, or one client, to the next.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def make_app():
    """Build an app with extra config; its database tables exist and are emptied afterwards."""
    apps = []

    def _make(**extra):
        app = create_app(app_config(**extra))
        app.test_client_class = IsolatedClient
        with app.app_context():
            _db.create_all()
        apps.append(app)
        return app

    yield _make
    for app in apps:
        with app.app_context():
            empty_database()
            _db.engine.dispose()


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app


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
    """Factory: create_user(email=..., roles=(Role.trainer,), **profile) -> User (flushed and committed)."""
    from training.auth import services
    counter = iter(range(1, 10_000))

    def _create(**kwargs):
        n = next(counter)
        kwargs.setdefault('email', f'user{n}@example.org')
        kwargs.setdefault('name', f'Test User {n}')
        kwargs.setdefault('password', PASSWORD)
        kwargs.setdefault('roles', (Role.trainee,))
        user = services.create_user(**kwargs)
        db.session.commit()
        return user

    return _create


class AuthActions:
    def __init__(self, client, create_user):
        self._client = client
        self._create_user = create_user

    def login(self, user_or_email=None, password=PASSWORD):
        email = getattr(user_or_email, 'email', user_or_email)
        return self._client.post('/login', data={'email': email, 'password': password})

    def login_as(self, *roles: Role, **kwargs):
        user = self._create_user(roles=roles or (Role.trainee,), **kwargs)
        response = self.login(user)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    def logout(self):
        return self._client.post('/logout')


@pytest.fixture
def auth(client, create_user):
    return AuthActions(client, create_user)


@pytest.fixture(scope='session')
def naughty_strings() -> list[str]:
    import json
    from pathlib import Path
    path = Path(__file__).resolve().parents[1].parent / 'shared' / 'data' / 'blns.json'
    if not path.exists():
        path = Path(__file__).resolve().parent / 'data' / 'blns.json'
    return json.loads(path.read_text(encoding='utf-8'))


@pytest.fixture
def create_session(db):
    """Factory: create_session(code=..., **fields) -> TrainingSession (committed)."""
    from training.workshops import services
    from training.workshops.models import SessionMode, SessionStatus
    counter = iter(range(1, 10_000))

    def _create(**kwargs):
        n = next(counter)
        kwargs.setdefault('code', f'T-{n:03d}')
        kwargs.setdefault('title', f'Test workshop {n}')
        kwargs.setdefault('country', 'KE')
        kwargs.setdefault('start_date', date(2010, 3, 1))
        kwargs.setdefault('end_date', kwargs['start_date'])
        kwargs.setdefault('mode', SessionMode.in_person)
        kwargs.setdefault('status', SessionStatus.held)
        session = services.create_session(**kwargs)
        db.session.commit()
        return session

    return _create


@pytest.fixture
def create_person(db):
    from training.workshops import services
    from training.workshops.models import Sex
    counter = iter(range(1, 10_000))

    def _create(**kwargs):
        n = next(counter)
        kwargs.setdefault('full_name', f'Person {n}')
        kwargs.setdefault('sex', Sex.female)
        kwargs.setdefault('country', 'KE')
        person = services.create_person(**kwargs)
        db.session.commit()
        return person

    return _create
