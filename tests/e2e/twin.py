"""Two real servers for the venue test: a centre (gunicorn, PostgreSQL) and a venue laptop (``make venue``'s own
command, SQLite), each on a loopback port, each wrapped in ``timeout`` so it stops by itself; and a small browser
(cookies, CSRF tokens from the forms) that drives their pages over HTTP as a phone or a laptop would."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

import psycopg

from tests.helpers.services import missing

ROOT = Path(__file__).resolve().parents[2]
#: Every server stops by itself after this many seconds, whatever happens to the test
LIFETIME = 300
CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@contextmanager
def postgres_database(base_url: str):
    """A new, empty PostgreSQL database for the centre (dropped afterwards); without PostgreSQL the test is skipped,
    or fails in CI."""
    parts = urllib.parse.urlsplit(base_url.replace('postgresql+psycopg://', 'postgresql://'))
    admin = parts._replace(path='/postgres').geturl()
    name = f'training_twin_{uuid.uuid4().hex[:10]}'
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE {name}')
    except psycopg.Error as exc:
        missing('PostgreSQL for the centre', f'it did not answer: {exc}')
    try:
        yield parts._replace(path=f'/{name}').geturl().replace('postgresql://', 'postgresql+psycopg://')
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS {name} WITH (FORCE)')


def run(args: list[str], env: dict, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, '-m', *args], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120, **kw)


def flask(env: dict, *args: str, **kw) -> subprocess.CompletedProcess:
    return run(['flask', '--app', 'app', *args], env, **kw)


@contextmanager
def server(args: list[str], env: dict, port: int, log: Path):
    """Start ``python -m <args>`` (bounded by ``timeout``), wait until it answers, stop it (its process group)."""
    with open(log, 'w') as out:
        proc = subprocess.Popen(['timeout', str(LIFETIME), sys.executable, '-m', *args], env=env, cwd=ROOT,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f'http://127.0.0.1:{port}/login', timeout=2).close()  # noqa: S310
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f'{args[0]} did not start:\n{log.read_text()[-3000:]}') from None
                time.sleep(0.3)
        yield f'http://127.0.0.1:{port}'
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)


@dataclass
class Page:
    url: str
    status: int
    text: str


class Browser:
    """Cookies kept, redirects followed, the CSRF token of the last form page sent back with each POST."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.token = ''

    def _open(self, request) -> Page:
        try:
            with self.opener.open(request, timeout=60) as response:
                page = Page(response.geturl(), response.status, response.read().decode('utf-8'))
        except urllib.error.HTTPError as exc:
            page = Page(exc.geturl(), exc.code, exc.read().decode('utf-8', 'replace'))
        found = CSRF.search(page.text)
        if found:
            self.token = found[1]
        return page

    def get(self, path: str) -> Page:
        return self._open(urllib.request.Request(self.base + path))  # noqa: S310 - our loopback server

    def post(self, path: str, data, *, form_page: str | None = None) -> Page:
        if form_page is not None:
            self.get(form_page)
        pairs = list(data.items()) if isinstance(data, dict) else list(data)
        flat = [(k, v) for k, value in pairs for v in (value if isinstance(value, list | tuple) else [value])]
        body = urllib.parse.urlencode([('csrf_token', self.token), *flat]).encode()
        return self._open(urllib.request.Request(self.base + path, data=body, method='POST'))  # noqa: S310

    def download(self, path: str, *, form_page: str) -> bytes:
        self.get(form_page)
        body = urllib.parse.urlencode({'csrf_token': self.token}).encode()
        request = urllib.request.Request(self.base + path, data=body, method='POST')  # noqa: S310 - loopback
        with self.opener.open(request, timeout=60) as response:
            return response.read()

    def sign_in(self, email: str, password: str) -> None:
        page = self.post('/login', {'email': email, 'password': password}, form_page='/login')
        assert page.status == 200 and 'Welcome' in page.text, page.text[:500]
