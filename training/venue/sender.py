"""Direct sync: the venue laptop, online again, posts its sync file to the central server over HTTPS, signed in as
the session's trainer (HTTP Basic over TLS; the centre checks the account, that it trains the session, and the
file's signature). Plain HTTP is refused except to this machine (tests, a centre behind a local tunnel)."""
from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from urllib.parse import urljoin, urlsplit

from training.errors import TrainingError
from training.i18n import _

PATH = '/api/venue-sync'
LOOPBACK = ('127.0.0.1', 'localhost', '::1')
TIMEOUT = 60


def endpoint(centre_url: str) -> str:
    parts = urlsplit(centre_url)
    if parts.scheme not in ('https', 'http') or not parts.hostname:
        raise TrainingError(_('Give the central server\'s address, starting with https://.'), field='centre_url')
    if parts.scheme == 'http' and parts.hostname not in LOOPBACK:
        raise TrainingError(_('The central server is reached over HTTPS only: give an address starting with '
                              'https://.'), field='centre_url')
    return urljoin(centre_url, PATH)


def send_home(blob: bytes, centre_url: str, email: str, password: str, *, timeout: int = TIMEOUT) -> dict:
    """Post the sync file; returns the centre's answer (created, updated, unchanged, conflicts)."""
    url = endpoint(centre_url)
    token = base64.b64encode(f'{email}:{password}'.encode()).decode('ascii')
    request = urllib.request.Request(url, data=blob, method='POST', headers={  # noqa: S310 - scheme checked above
        'Content-Type': 'application/octet-stream', 'Accept': 'application/json', 'Authorization': f'Basic {token}'})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - scheme checked above
            return json.loads(response.read(1_000_000))
    except urllib.error.HTTPError as exc:
        try:
            answer = json.loads(exc.read(100_000))
        except ValueError:
            answer = {}
        message = answer.get('refused') or answer.get('message') or answer.get('error') or str(exc.code)
        raise TrainingError(_('The central server refused the file: %(reason)s', reason=message)) from exc
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        raise TrainingError(_('The central server could not be reached (%(reason)s). Check the address and the '
                              'connection, or take the file home and import it there.',
                              reason=getattr(exc, 'reason', exc))) from exc
