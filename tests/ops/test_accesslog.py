"""The access log keeps no secrets: tokens in paths masked, query strings (search terms) and cookies dropped."""
from __future__ import annotations

import datetime
import types

from gunicorn.config import Config

from training.accesslog import RedactingLogger, redact_path, redact_request_line


def test_tokens_in_paths_are_masked():
    assert redact_path('/reset/IjEi.Zx9-abc') == '/reset/***'
    assert redact_path('/check-in/AB12CD/walk-in') == '/check-in/***/walk-in'
    assert redact_path('/certificates/DM7Q-KC4X-RW9T/pdf') == '/certificates/***/pdf'
    assert redact_path('/workshops/sessions/12/roster') == '/workshops/sessions/12/roster'
    assert redact_path('/static/v/0a1b2c/css/site.css') == '/static/v/0a1b2c/css/site.css'


def test_query_strings_are_dropped():
    assert redact_path('/workshops/persons?q=Amina%20Diallo') == '/workshops/persons'
    assert redact_request_line('GET /reset/tok?next=/x HTTP/1.1') == 'GET /reset/*** HTTP/1.1'


def _log_line(logger, environ) -> str:
    response = types.SimpleNamespace(status='200 OK', sent=10, headers=[('Set-Cookie', 'session=secret')])
    request = types.SimpleNamespace(headers=[('Cookie', 'session=secret'), ('Authorization', 'Bearer t')])
    atoms = logger.atoms(response, request, environ, datetime.timedelta(milliseconds=5))
    return logger.cfg.access_log_format % atoms


def test_the_gunicorn_logger_writes_no_token_search_term_or_cookie():
    cfg = Config()
    cfg.set('access_log_format', '%(h)s "%(r)s" %(U)s %(q)s %(f)s %({cookie}i)s %({set-cookie}o)s %(s)s')
    logger = RedactingLogger(cfg)
    environ = {'REQUEST_METHOD': 'GET', 'RAW_URI': '/check-in/SECRETTOKEN?q=amina@example.org',
               'SERVER_PROTOCOL': 'HTTP/1.1', 'PATH_INFO': '/check-in/SECRETTOKEN',
               'QUERY_STRING': 'q=amina@example.org', 'REMOTE_ADDR': '127.0.0.1',
               'HTTP_REFERER': 'https://example.org/reset/RESETTOKEN?x=1', 'HTTP_COOKIE': 'session=secret'}
    line = _log_line(logger, environ)
    for secret in ('SECRETTOKEN', 'amina', 'RESETTOKEN', 'session=secret', 'Bearer'):
        assert secret not in line, line
    assert '"GET /check-in/*** HTTP/1.1"' in line and line.endswith(' 200')


def test_the_default_format_is_filled_and_any_header_atom_logs_a_dash():
    cfg = Config()
    cfg.set('access_log_format', '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" %(t)s %({x-secret}i)s %({path}e)s')
    environ = {'REQUEST_METHOD': 'POST', 'RAW_URI': '/reset/TOKEN', 'SERVER_PROTOCOL': 'HTTP/1.1',
               'PATH_INFO': '/reset/TOKEN', 'REMOTE_ADDR': '10.0.0.7', 'HTTP_USER_AGENT': 'Firefox',
               'PATH': '/usr/bin'}
    line = _log_line(RedactingLogger(cfg), environ)
    assert line.startswith('10.0.0.7 "POST /reset/*** HTTP/1.1" 200 10 5ms "Firefox" [')
    assert line.endswith('] - -') and 'TOKEN' not in line and '/usr/bin' not in line
