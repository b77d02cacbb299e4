"""An access log that keeps no secrets: gunicorn's logger with query strings dropped and tokens in paths masked.

Password-reset links, check-in links, certificate codes and join codes are bearer secrets: whoever reads the log
could use them. Query strings carry search terms (names, emails). The log keeps what operators need (method, the
shape of the path, status, size, time) and nothing a reader could replay. Pure module: no Flask import.
"""
from __future__ import annotations

import re

from gunicorn.glogging import Logger

MASK = '***'

#: Path prefixes whose next segment is a secret (a token or a code), e.g. /reset/<token>, /check-in/<token>/me
_SECRET_SEGMENT = re.compile(r'(?P<prefix>/(?:reset|check-in|certificates|join)/)(?P<secret>[^/?#]+)', re.IGNORECASE)


def redact_path(path: str | None) -> str:
    """The path without its query string or fragment, with every secret segment masked."""
    if not path:
        return '-'
    path = path.split('?', 1)[0].split('#', 1)[0]
    return _SECRET_SEGMENT.sub(lambda m: m.group('prefix') + MASK, path)


def redact_request_line(line: str | None) -> str:
    """``GET /reset/abc?x=1 HTTP/1.1`` -> ``GET /reset/*** HTTP/1.1``."""
    if not line:
        return '-'
    parts = line.split(' ')
    if len(parts) == 3:  # method, target, protocol
        return f'{parts[0]} {redact_path(parts[1])} {parts[2]}'
    return redact_path(line)


class _Atoms(dict):
    """Any atom not built here (a header, an environment value) formats as '-'."""

    def __missing__(self, key):
        return '-'


class RedactingLogger(Logger):
    """gunicorn's logger, with the request line, path, query and referrer cleaned before formatting.

    The atoms are built here rather than by gunicorn, which copies every request and response header and every
    environment value into them (all of which would be masked here) and formats the time whatever the format asks:
    work on every request. Header and environment atoms (cookies, authorisation headers) format as '-'."""

    def atoms(self, resp, req, environ, request_time):
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        sent = getattr(resp, 'sent', None)
        method = environ.get('REQUEST_METHOD')
        atoms = _Atoms({
            'h': environ.get('REMOTE_ADDR', '-'), 'l': '-', 'u': '-', 's': status, 'm': method,
            'r': redact_request_line(f"{method} {environ.get('RAW_URI')} {environ.get('SERVER_PROTOCOL')}"),
            'U': redact_path(environ.get('PATH_INFO')), 'q': MASK if environ.get('QUERY_STRING') else '',
            'H': environ.get('SERVER_PROTOCOL'), 'b': str(sent) if sent is not None else '-', 'B': sent,
            'f': redact_path(environ['HTTP_REFERER']) if environ.get('HTTP_REFERER', '-') != '-' else '-',
            'a': environ.get('HTTP_USER_AGENT', '-'), 'T': request_time.seconds,
            'D': request_time.seconds * 1_000_000 + request_time.microseconds,
            'M': request_time.seconds * 1000 + request_time.microseconds // 1000,
            'L': f'{request_time.seconds}.{request_time.microseconds:06d}'})
        if '%(t)s' in self.cfg.access_log_format:
            atoms['t'] = self.now()
        return atoms
