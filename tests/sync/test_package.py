"""The session package (centre) and ``flask venue init`` (venue): issue 17, step 2."""
from __future__ import annotations

import sqlalchemy as sa

from tests.helpers.auth import PASSWORD
from tests.sync.helpers import inside, invoke, records_of, resign, workshop
from training.auth.models import User
from training.extensions import db
from training.sync import fileformat, keys
from training.workshops.models import Attendance, AttendanceDay, Person, TrainingSession


def _package(runner, tmp_path, code='KE-01'):
    out = tmp_path / f'{code}.trainingpkg'
    result = runner.invoke(args=['sessions', 'package', code, '--out', str(out)])
    assert result.exit_code == 0, result.output
    return out


def _venue(make_app, tmp_path, name='venue'):
    return make_app(SQLALCHEMY_DATABASE_URI=f'sqlite:///{tmp_path / name}.sqlite')


def test_the_package_holds_the_session_its_roster_and_its_trainers_and_nobody_else(
        app, runner, tmp_path, create_user, create_session, create_person):
    trainer, session, roster = workshop(create_user, create_session, create_person)
    out = _package(runner, tmp_path)
    blob = out.read_bytes()
    signed = fileformat.read(blob, kind=fileformat.PACKAGE, key=keys.package_key(app.config['SECRET_KEY']))
    assert signed.session_uid == session.uid
    kinds = [r['kind'] for r in signed.records]
    assert kinds.count('session') == 1 and kinds.count('person') == 3 and kinds.count('day') == 3
    users = signed.of_kind('user')
    assert [u['email'] for u in users] == ['trainer@example.org']
    assert users[0]['password_hash'] == trainer.password_hash and users[0]['roles'] == ['trainer']
    text = str(records_of(blob))
    assert 'else@example.org' not in text and 'bystander@example.org' not in text
    assert {r['uid'] for r in signed.of_kind('person')} == {a.person.uid for a in roster}
    assert out.stat().st_mode & 0o077 == 0  # readable by its owner only


def test_venue_init_starts_a_venue_where_the_trainers_sign_in_with_their_password(
        app, runner, tmp_path, create_user, create_session, create_person, make_app):
    _trainer, session, roster = workshop(create_user, create_session, create_person)
    out = _package(runner, tmp_path)
    session_uid, person_uids, attendance_uids = session.uid, {a.person.uid for a in roster}, {a.uid for a in roster}
    venue = _venue(make_app, tmp_path)
    result = invoke(venue, 'venue', 'init', str(out))
    assert result.exit_code == 0, result.output
    assert 'Venue started for session KE-01' in result.output
    with inside(venue):
        there = db.session.scalar(sa.select(TrainingSession))
        assert there.uid == session_uid and there.code == 'KE-01'
        assert [t.email for t in there.trainers] == ['trainer@example.org']
        assert set(db.session.scalars(sa.select(Person.uid))) == person_uids
        assert set(db.session.scalars(sa.select(Attendance.uid))) == attendance_uids
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AttendanceDay)) == 3
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
    client = venue.test_client()
    response = client.post('/login', data={'email': 'trainer@example.org', 'password': PASSWORD})
    assert response.status_code == 302
    assert client.get(f'/manage/sessions/{there.id}').status_code == 200

    again = invoke(venue, 'venue', 'init', str(out))
    assert again.exit_code == 0 and 'already holds session KE-01' in again.output


def test_venue_init_refuses_another_sessions_package_and_a_damaged_one(
        app, runner, tmp_path, create_user, create_session, create_person, make_app):
    workshop(create_user, create_session, create_person)
    create_session(code='KE-02')
    first, second = _package(runner, tmp_path), _package(runner, tmp_path, 'KE-02')
    venue = _venue(make_app, tmp_path)
    assert invoke(venue, 'venue', 'init', str(first)).exit_code == 0
    result = invoke(venue, 'venue', 'init', str(second))
    assert result.exit_code == 1
    assert 'refused, nothing written' in result.output and 'started from another package' in result.output

    damaged = tmp_path / 'damaged.trainingpkg'
    blob = first.read_bytes()
    damaged.write_bytes(blob[:len(blob) // 2])
    other = _venue(make_app, tmp_path, 'other')
    result = invoke(other, 'venue', 'init', str(damaged))
    assert result.exit_code == 1 and 'cut short' in result.output
    with inside(other):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(TrainingSession)) == 0


def test_a_package_changed_after_signing_fails_the_centres_check(app, runner, tmp_path, create_user, create_session,
                                                                  create_person):
    workshop(create_user, create_session, create_person)
    blob = _package(runner, tmp_path).read_bytes()

    def promote(records):
        for r in records:
            if r.get('kind') == 'user':
                r['roles'] = ['admin']

    forged = resign(blob, promote)
    fileformat.read(forged, kind=fileformat.PACKAGE, key=None)  # the digest alone cannot tell
    try:
        fileformat.read(forged, kind=fileformat.PACKAGE, key=keys.package_key(app.config['SECRET_KEY']))
    except fileformat.FileRefused as exc:
        assert 'signature does not match' in str(exc)
    else:
        raise AssertionError('a forged package passed')
