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


class RedactingLogger(Logger):
    """gunicorn's logger, with the request line, path, query and referrer cleaned before formatting."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms['r'] = redact_request_line(atoms.get('r'))
        atoms['U'] = redact_path(atoms.get('U'))
        atoms['q'] = MASK if atoms.get('q') else ''
        atoms['f'] = redact_path(atoms.get('f')) if atoms.get('f') not in (None, '-') else '-'
        # Header and environment values (cookies, authorisation headers) are never logged.
        for key in [k for k in atoms if k.endswith(('}i', '}o', '}e'))]:
            atoms[key] = MASK
        return atoms
