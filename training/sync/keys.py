"""Signing keys, derived from the centre's SECRET_KEY by HMAC-SHA256 with a purpose string, so no key is ever
stored on the centre and changing SECRET_KEY retires every key at once.

- The package key signs session packages (only the centre can check it).
- A sync key is made per package: ``HMAC(SECRET_KEY, purpose, session uid, package uid)``. It travels inside the
  package (which is kept like a password: it also holds the trainers' password hashes) and signs the venue's sync
  files; the centre derives it again from the header of a sync file. A file signed for one session cannot pass as
  another's, and a sync file from a package this centre never made is refused.
"""
from __future__ import annotations

import hashlib
import hmac

PACKAGE_PURPOSE = b'training/session-package/v1'
SYNC_PURPOSE = b'training/venue-sync/v1'


def _derive(secret: str, purpose: bytes, *parts: str) -> bytes:
    if not secret:
        raise ValueError('no SECRET_KEY: cannot sign or check packages')
    message = b'\0'.join([purpose, *(p.encode('utf-8') for p in parts)])
    return hmac.new(secret.encode('utf-8'), message, hashlib.sha256).digest()


def package_key(secret: str) -> bytes:
    return _derive(secret, PACKAGE_PURPOSE)


def sync_key(secret: str, session_uid: str, package_uid: str) -> bytes:
    return _derive(secret, SYNC_PURPOSE, session_uid, package_uid)
