"""Sign-in limits hold across workers and hosts, and cannot be used to lock an owner out (issue 11 item 7).

Limits are counted in the database (``training.throttle``); a failed sign-in counts for its account from its client
address (the owner elsewhere is not locked out), under a looser ceiling for the account from all addresses, and a
sign-in that failed with a server error is not counted.
"""
from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest
import sqlalchemy as sa

from tests.helpers.app import IS_SQLITE, TEST_DATABASE_URL, app_config
from tests.helpers.auth import PASSWORD
from training.auth import services
from training.extensions import db, limiter
from training.throttle.models import ThrottleCounter
from training.throttle.storage import DatabaseStorage

ATTACKER = {'REMOTE_ADDR': '203.0.113.9'}
OWNER = {'REMOTE_ADDR': '198.51.100.7'}


@pytest.fixture
def keep_limiter():
    """Flask-Limiter keeps one storage for every app of the process: put the test suite's back afterwards."""
    saved = limiter._storage, limiter._limiter, limiter._storage_dead
    yield
    limiter._storage, limiter._limiter, limiter._storage_dead = saved


def _sign_in(client, email, password='wrong password', environ=None):  # noqa: S107
    return client.post('/login', data={'email': email, 'password': password}, environ_base=environ or {})


def test_an_attacker_elsewhere_cannot_lock_the_owner_out(client, create_user):
    create_user(email='owner@example.org')
    for _ in range(5):
        assert _sign_in(client, 'owner@example.org', environ=ATTACKER).status_code == 200
    assert _sign_in(client, 'owner@example.org', PASSWORD, environ=ATTACKER).status_code == 429
    owner = client.application.test_client()
    assert _sign_in(owner, 'owner@example.org', PASSWORD, environ=OWNER).status_code == 302


def test_guesses_spread_over_many_addresses_meet_a_ceiling(make_app, keep_limiter):
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT_ALL='6 per hour')
    with app.app_context():
        services.create_user(email='owner@example.org', name='Owner', password=PASSWORD)
        db.session.commit()
    client = app.test_client()
    for n in range(6):
        environ = {'REMOTE_ADDR': f'203.0.113.{n}'}
        assert _sign_in(client, 'owner@example.org', environ=environ).status_code == 200
    assert _sign_in(client, 'owner@example.org', PASSWORD, environ={'REMOTE_ADDR': '192.0.2.1'}).status_code == 429


def test_sign_ins_that_failed_with_a_server_error_do_not_count(make_app, keep_limiter, monkeypatch):
    """During a database outage every sign-in answered 500 and counted as a failure, so the owner was locked out
    once the database was back."""
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    with app.app_context():
        services.create_user(email='owner@example.org', name='Owner', password=PASSWORD)
        db.session.commit()
    client = app.test_client()
    real = services.authenticate

    def outage(*_args, **_kwargs):
        raise sa.exc.OperationalError('SELECT 1', {}, Exception('the database is down'))

    monkeypatch.setattr(services, 'authenticate', outage)
    for _ in range(8):
        assert _sign_in(client, 'owner@example.org', PASSWORD).status_code == 500
    monkeypatch.setattr(services, 'authenticate', real)
    assert _sign_in(client, 'owner@example.org', PASSWORD).status_code == 302


def test_the_database_storage_counts_windows(make_app, keep_limiter, tmp_path):
    url = f'sqlite:///{tmp_path / "limits.sqlite"}' if IS_SQLITE else TEST_DATABASE_URL
    app = make_app(SQLALCHEMY_DATABASE_URI=url, RATELIMIT_STORAGE_URI='database://')
    storage = DatabaseStorage()
    with app.app_context():
        assert isinstance(limiter.storage, DatabaseStorage) and storage.check()
        assert [storage.incr('k', 60) for _ in range(3)] == [1, 2, 3]
        assert storage.get('k') == 3 and storage.get('other') == 0
        assert storage.get_expiry('k') > storage.get_expiry('other')
        db.session.execute(sa.update(ThrottleCounter).values(expires_at=0))  # the window ends
        db.session.commit()
        assert storage.get('k') == 0 and storage.incr('k', 60) == 1
        storage.clear('k')
        assert storage.get('k') == 0
        storage.incr('a', 60)
        assert storage.reset() == 1


class _Server:
    """The app in a process of its own (tests/helpers/serve.py): its own memory, the shared database."""

    def __init__(self, config: dict):
        self.process = subprocess.Popen([sys.executable, '-m', 'tests.helpers.serve', json.dumps(config)],  # noqa: S603
                                        stdout=subprocess.PIPE, text=True)
        port = self.process.stdout.readline().strip()
        assert port.isdigit(), 'the server did not start'
        self.url = f'http://127.0.0.1:{port}'

    def sign_in(self, email: str, password: str) -> int:
        data = urllib.parse.urlencode({'email': email, 'password': password}).encode()
        request = urllib.request.Request(self.url + '/login', data=data)  # noqa: S310 - loopback
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            return opener.open(request, timeout=30).status
        except urllib.error.HTTPError as exc:
            return exc.code

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_two_workers_count_sign_in_failures_together(make_app, keep_limiter, tmp_path):
    """Issue 11: with memory storage each gunicorn worker counted apart, so '5 per 10 minutes' let 10 through with
    two workers. Two processes sharing one database, failures alternating between them: the sixth is refused."""
    url = f'sqlite:///{tmp_path / "workers.sqlite"}' if IS_SQLITE else TEST_DATABASE_URL
    app = make_app(SQLALCHEMY_DATABASE_URI=url)  # creates the tables; its rows are emptied afterwards
    with app.app_context():
        services.create_user(email='owner@example.org', name='Owner', password=PASSWORD)
        db.session.commit()
    config = {k: v for k, v in app_config(SQLALCHEMY_DATABASE_URI=url).items() if k != 'RATELIMIT_STORAGE_URI'}
    config.update(TESTING=False, SECRET_KEY='two-workers-test', SESSION_COOKIE_SECURE=False)
    workers = [_Server(config), _Server(config)]
    try:
        answers = [workers[n % 2].sign_in('owner@example.org', 'wrong password') for n in range(5)]
        assert answers == [200] * 5
        assert [w.sign_in('owner@example.org', PASSWORD) for w in workers] == [429, 429]
    finally:
        for worker in workers:
            worker.stop()
