"""Hostile or broken sync files, signed with the right key (the key travels in the package, so a venue laptop holds
it): each refused with a clear message, exit 1 or a 4xx, and nothing written (QA round after issue 17)."""
from __future__ import annotations

import base64
import gzip
import hashlib
import hmac
import json

import sqlalchemy as sa

from tests.helpers.auth import PASSWORD
from tests.sync.helpers import records_of, workshop
from tests.sync.test_sync import _counts, _export, _venue_with_workshop
from training.extensions import db
from training.sync import keys
from training.sync.models import SyncConflict


def _signed(lines: list[dict], secret: str) -> bytes:
    """A sync file of ``lines`` (header first) signed as the venue signs it."""
    header = lines[0]
    body = ''.join(json.dumps(r, ensure_ascii=False, separators=(',', ':'), sort_keys=True) + '\n'
                   for r in lines).encode('utf-8')
    key = keys.sync_key(secret, header['session']['uid'], header['package']['uid'])
    end = {'end': True, 'records': len(lines) - 1, 'sha256': hashlib.sha256(body).hexdigest(),
           'signature': hmac.new(key, body, hashlib.sha256).hexdigest()}
    return gzip.compress(body + json.dumps(end).encode('utf-8') + b'\n')


def _changed(lines, kind, **values):
    out = json.loads(json.dumps(lines))
    for record in out[1:]:
        if record.get('kind') == kind:
            record.update(values)
    return out


def test_signed_files_with_values_the_database_cannot_hold_are_refused_and_nothing_is_written(
        app, runner, make_app, tmp_path, create_user, create_session, create_person):
    workshop(create_user, create_session, create_person)
    venue, _made = _venue_with_workshop(app, runner, make_app, tmp_path)
    lines = records_of(_export(venue, tmp_path).read_bytes())[:-1]
    secret = app.config['SECRET_KEY']
    header_not_objects = gzip.compress(json.dumps({**lines[0], 'session': 'KE-01'}).encode() + b'\n{}\n')
    cases = {
        'header': (header_not_objects, 'not a session package or a sync file'),
        'venue part': (_signed([{**lines[0], 'venue': 'laptop'}, *lines[1:]], secret),
                       'not a session package or a sync file'),
        'no role': (_signed(_changed(lines, 'attendance', role=None), secret), 'not valid for role'),
        'NUL in a name': (_signed(_changed(lines, 'person', full_name='Amina\x00Diallo'), secret),
                          'not valid for full_name'),
        'NUL in an email': (_signed(_changed(lines, 'user', email='x\x00@example.org'), secret),
                            'not valid for email'),
        'score is text': (_signed(_changed(lines, 'attendance', post_test_score='abc'), secret),
                          'not valid for post_test_score'),
        'completed is a number': (_signed(_changed(lines, 'attendance', completed=-1), secret),
                                  'not valid for completed'),
        'uid is a list': (_signed(_changed(lines, 'person', uid=['x']), secret), 'wrong kind'),
        'uid is missing': (_signed(_changed(lines, 'person', uid=None), secret), 'wrong kind'),
        'reference is a huge number': (_signed(_changed(lines, 'days', attendance=10 ** 30), secret), 'wrong kind'),
    }
    before = _counts()
    for name, (blob, message) in cases.items():
        path = tmp_path / 'hostile.sync'
        path.write_bytes(blob)
        result = runner.invoke(args=['sync', 'import', str(path)])
        db.session.rollback()
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), (name, result.exception)
        assert 'refused, nothing written' in result.output and message in result.output, (name, result.output)
        assert _counts() == before, name
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SyncConflict)) == 0

    api = app.test_client()
    auth = {'Authorization': 'Basic ' + base64.b64encode(f'trainer@example.org:{PASSWORD}'.encode()).decode()}
    for name in ('header', 'NUL in a name'):
        response = api.post('/api/venue-sync', data=cases[name][0], headers=auth)
        assert response.status_code == 422 and cases[name][1] in response.get_json()['refused'], name
    assert _counts() == before


def test_broken_files_are_refused_before_any_record_is_read_and_decompression_is_bounded(monkeypatch):
    import pytest

    from training.sync import fileformat
    monkeypatch.setattr(fileformat, 'MAX_DECOMPRESSED', 1024 * 1024)
    good = fileformat.write({'format': fileformat.SYNC, 'version': 1, 'session': {'uid': 's'}}, [], b'k')
    cases = {
        b'': 'cut short',
        good[:len(good) // 2]: 'cut short',
        b'PK\x03\x04 a zip file': 'not a compressed package',
        gzip.compress(b'{"format": \n{]\n'): 'not valid JSON',
        gzip.compress(b'\n' * (4 * 1024 * 1024)): 'too large once decompressed',  # a bomb: 4 KB -> 4 MB
        gzip.compress(b'[1]\n{"end": true}\n'): 'not a session package or a sync file',
    }
    for blob, message in cases.items():
        with pytest.raises(fileformat.FileRefused) as refused:
            fileformat.read(blob, kind=fileformat.SYNC, key=b'k')
        assert message in refused.value.text(), (blob[:20], refused.value.text())


def test_finding_a_files_session_decompresses_its_first_line_only():
    """A bomb (a small file that decompresses to gigabytes) costs the header line, not the whole file, to identify;
    reading it is then refused at the size limit."""
    import pytest

    from training.sync import fileformat
    header = b'{"format": "venue-sync", "session": {"uid": "s"}}\n'
    bomb = gzip.compress(header + b'\n' * (fileformat.MAX_DECOMPRESSED + 1))
    assert fileformat.peek_header(bomb)['session'] == {'uid': 's'}
    cut = gzip.compress(header + bytes(range(256)) * 4096)[:2000]  # a copy cut short after its header
    assert fileformat.peek_header(cut)['format'] == 'venue-sync'
    with pytest.raises(fileformat.FileRefused) as refused:
        fileformat.read(bomb, kind=fileformat.SYNC, key=b'k')
    assert 'too large once decompressed' in refused.value.text()
