"""The signed file that travels between the centre and a venue laptop: gzip'd JSON lines. Pure: no Flask, no database.

    {"format": "training-session-package", "version": 1, "session": {"uid": ..., "code": ...}, ...}   the header
    {"kind": "person", "uid": "...", ...}                                                             one record a line
    ...
    {"end": true, "records": 42, "sha256": "<hex>", "signature": "<hex>"}                             the last line

``sha256`` is the digest of every byte before the last line (damage shows even without a key); ``signature`` is
HMAC-SHA256 of the same bytes with a key derived from the signer's secret (:mod:`training.sync.keys`). A file cut
short, re-compressed with other content, or signed with another key is refused before any record is read.
"""
from __future__ import annotations

import gzip
import hashlib
import hmac
import io
import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field

PACKAGE = 'training-session-package'
SYNC = 'training-venue-sync'
VERSION = 1
#: Largest file accepted, compressed and once decompressed (a 3-day workshop of 40 is well under 1 MB)
MAX_COMPRESSED = 64 * 1024 * 1024
MAX_DECOMPRESSED = 64 * 1024 * 1024
#: Longest header line read when only the header is wanted (a real one is well under 4 KB)
MAX_HEADER = 256 * 1024


def _l(text: str) -> str:
    """Marks a msgid for extraction; the caller translates (``FileRefused.text(gettext)``)."""
    return text


class FileRefused(Exception):
    """A file that is not one we wrote, is damaged, is signed with another key or names another session. The
    message says which, in words a trainer understands."""

    def __init__(self, template: str, **params):
        self.template, self.params = template, params
        super().__init__(template % params if params else template)

    def text(self, translate=lambda s: s) -> str:
        return translate(self.template) % self.params if self.params else translate(self.template)


@dataclass
class SignedFile:
    header: dict
    records: list[dict] = field(default_factory=list)
    sha256: str = ''

    @property
    def session_uid(self) -> str:
        return str((self.header.get('session') or {}).get('uid') or '')

    @property
    def session_code(self) -> str:
        return str((self.header.get('session') or {}).get('code') or '')

    def of_kind(self, kind: str) -> list[dict]:
        return [r for r in self.records if r.get('kind') == kind]


def _line(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(',', ':'), sort_keys=True).encode('utf-8') + b'\n'


def write(header: dict, records: Iterable[dict], key: bytes) -> bytes:
    """The whole file as bytes: header, records, and the last line that signs them."""
    body = io.BytesIO()
    body.write(_line(header))
    count = 0
    for record in records:
        body.write(_line(record))
        count += 1
    data = body.getvalue()
    end = {'end': True, 'records': count, 'sha256': hashlib.sha256(data).hexdigest(),
           'signature': hmac.new(key, data, hashlib.sha256).hexdigest()}
    return gzip.compress(data + _line(end), compresslevel=9, mtime=0)


def _decompress(blob: bytes) -> bytes:
    if len(blob) > MAX_COMPRESSED:
        raise FileRefused(_l('The file is larger than 64 MB; it is not a file made by this platform.'))
    try:
        decomp = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        data = decomp.decompress(blob, MAX_DECOMPRESSED + 1)
        if len(data) > MAX_DECOMPRESSED or decomp.unconsumed_tail:
            raise FileRefused(_l('The file is too large once decompressed; it is not a file made by this platform.'))
        if not decomp.eof:
            raise FileRefused(_l('The file is cut short (incomplete copy or download); copy it again.'))
    except zlib.error as exc:
        raise FileRefused(_l('The file is not a compressed package or sync file (damaged, or another kind of '
                          'file).')) from exc
    return data


def _header(header) -> dict:
    """The header, if it is one: a JSON object whose session, package and venue parts are objects too."""
    if not isinstance(header, dict) or not all(isinstance(header.get(part) or {}, dict)
                                               for part in ('session', 'package', 'venue')):
        raise FileRefused(_l('This is not a session package or a sync file made by this platform.'))
    return header


def _check_records(records: list) -> None:
    """Each record an object with a kind, and its uid (or its data's) a text where it has one."""
    if not all(isinstance(r, dict) and isinstance(r.get('kind'), str) for r in records):
        raise FileRefused(_l('The file is damaged: a record has no kind.'))
    if not all(isinstance(r.get('uid', ''), str) and isinstance((r.get('data') or {}).get('uid', ''), str)
               for r in records if isinstance(r.get('data') or {}, dict)):
        raise FileRefused(_l('The file is damaged: a record lacks a value or holds one of the wrong kind.'))


def read(blob: bytes, *, kind: str, key: bytes | None) -> SignedFile:
    """Check and read a file of ``kind`` (PACKAGE or SYNC). With ``key``, the signature must match; without, only
    the digest is checked (a venue reading the centre's package, whose key it does not hold)."""
    data = _decompress(blob)
    body, sep, last = data.rstrip(b'\n').rpartition(b'\n')
    if not sep:
        raise FileRefused(_l('The file has no records and no signature; it is damaged.'))
    body += b'\n'
    try:
        end = json.loads(last)
        header, *records = [json.loads(line) for line in body.splitlines()]
    except ValueError as exc:
        raise FileRefused(_l('The file is damaged: a line is not valid JSON.')) from exc
    if not isinstance(end, dict) or end.get('end') is not True:
        raise FileRefused(_l('The file is cut short: its last line (the signature) is missing.'))
    if _header(header).get('format') not in (PACKAGE, SYNC):
        raise FileRefused(_l('This is not a session package or a sync file made by this platform.'))
    if header['format'] != kind:
        raise FileRefused(_l('This is a session package, not a sync file.') if kind == SYNC
                          else _l('This is a sync file, not a session package.'))
    if header.get('version') != VERSION:
        raise FileRefused(_l('The file is in format version %(found)s; this version reads %(version)s.'),
                          found=header.get('version'), version=VERSION)
    digest = hashlib.sha256(body).hexdigest()
    if not hmac.compare_digest(str(end.get('sha256', '')), digest) or end.get('records') != len(records):
        raise FileRefused(_l('The file is damaged: its content does not match its digest.'))
    if key is not None:
        expected = hmac.new(key, body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(str(end.get('signature', '')), expected):
            raise FileRefused(_l('The signature does not match: the file was changed after it was made, or it was '
                              'not made for this session by a package of this server. Nothing was written.'))
    _check_records(records)
    if not (header.get('session') or {}).get('uid'):
        raise FileRefused(_l('The file does not name its training session.'))
    return SignedFile(header=header, records=records, sha256=digest)


def peek_header(blob: bytes) -> dict:
    """The header alone, unverified (to find which key verifies the file): only its first line is decompressed."""
    if len(blob) > MAX_COMPRESSED:
        raise FileRefused(_l('The file is larger than 64 MB; it is not a file made by this platform.'))
    try:
        first = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS).decompress(blob, MAX_HEADER).split(b'\n', 1)[0]
    except zlib.error as exc:
        raise FileRefused(_l('The file is not a compressed package or sync file (damaged, or another kind of '
                          'file).')) from exc
    try:
        header = json.loads(first)
    except ValueError as exc:
        raise FileRefused(_l('The file is damaged: a line is not valid JSON.')) from exc
    return _header(header)
