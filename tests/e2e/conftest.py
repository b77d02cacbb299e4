"""End-to-end fixtures: the app served by a real HTTP server in a thread, and Debian's Chromium via Playwright.

Chromium must be at /usr/bin/chromium (``apt-get install chromium``); Playwright's own browser download is never
used. Outside CI a missing Chromium skips these tests; with CI=true it fails them.
"""
from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.helpers.app import IS_SQLITE, app_config, empty_database
from tests.helpers.services import missing
from training import create_app
from training.extensions import db

CHROMIUM = '/usr/bin/chromium'
LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
               '--no-first-run', '--disable-sync', '--disable-quic']


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


class LiveServer:
    def __init__(self, app):
        self.app = app
        self._server = make_server('127.0.0.1', 0, app, threaded=True)
        self.url = f'http://127.0.0.1:{self._server.server_port}'
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        self._thread.join(5)


@pytest.fixture
def live_app():
    tmp = None
    extra = {'WTF_CSRF_ENABLED': True}
    if IS_SQLITE:
        tmp = tempfile.NamedTemporaryFile(suffix='.sqlite', delete=False)  # noqa: SIM115
        tmp.close()
        extra['SQLALCHEMY_DATABASE_URI'] = f'sqlite:///{tmp.name}'
    app = create_app(app_config(**extra))
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        empty_database()
        db.engine.dispose()
    if tmp:
        os.unlink(tmp.name)


@pytest.fixture
def live_server(live_app):
    server = LiveServer(live_app)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope='session')
def browser():
    if not os.path.exists(CHROMIUM):
        missing(CHROMIUM, "apt-get install Debian's chromium")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale='en-GB', accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on('pageerror', lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f'JavaScript errors on the page: {errors}'
