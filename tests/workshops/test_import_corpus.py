"""The corpus sheets imported through the import service (SQLite, and PostgreSQL with TRAINING_TEST_DATABASE_URL):
persons, sexes, countries and days on the roster as each sheet's expectations say; importing twice creates nobody and
changes nothing (any sheet of the corpus shapes: test_import_property.py); the rejected rows come back as a sheet;
blanks never overwrite what is known; two confirms of one preview write once."""
from __future__ import annotations

import io
import json
import threading

import pytest
import sqlalchemy as sa

from tests.helpers.app import IS_SQLITE
from tests.workshops.sheet_corpus import corpus, person_facts, snapshot
from training.auth.models import Role
from training.workshops import imports, queries
from training.workshops.models import Attendance, PendingImport, Person, Sex

SHEETS = corpus()
ACCEPTED = [s for s in SHEETS if not s.expected['problem'] and not s.expected['rejected']]


def _count(db, model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _session_for(create_session, sheet, code='CORPUS-1'):
    days = sheet.days
    return create_session(code=code, start_date=days[0], end_date=days[-1])


def _roster(session) -> list[dict]:
    people = [{'full_name': a.person.full_name, 'sex': a.person.sex.name, 'country': a.person.country,
               'days': [m.day for m in a.day_marks], 'days_attended': a.days_attended}
              for a in queries.roster(session)]
    for p in people:
        assert p.pop('days_attended') == len(p['days'])  # one source: the day register
    return sorted(person_facts(people), key=lambda p: p['full_name'])


@pytest.mark.parametrize('sheet', SHEETS, ids=[s.name for s in SHEETS])
def test_corpus_sheet_imported(db, create_session, sheet):
    session = _session_for(create_session, sheet)
    expected = sheet.expected
    try:
        plan = imports.import_sheet(session, sheet.name, sheet.data, write=True, accept_valid=True)
    except imports.ImportRefused as exc:
        assert expected['problem'] and expected['problem'] in ' '.join(p.text() for p in exc.plan.problems)
        return
    db.session.commit()
    summary = plan.summary()
    assert (summary['rows'], summary['skipped'], summary['merged_in_sheet'], len(plan.sheet.rejected_rows)) == (
        expected['rows'], expected['skipped'], expected['merged_in_sheet'], expected['rejected'])
    assert summary['created'] == len(expected['persons']) and summary['matched'] == 0
    persons = person_facts(expected['persons'])
    if not plan.sheet.day_columns:  # a sheet without day columns of a session held: present every day
        persons = [{**p, 'days': [d.isoformat() for d in sheet.days]} for p in persons]
    assert _roster(session) == sorted(persons, key=lambda p: p['full_name'])


@pytest.mark.parametrize('sheet', ACCEPTED, ids=[s.name for s in ACCEPTED])
def test_corpus_sheet_imported_twice_creates_nobody_and_changes_nothing(db, create_session, sheet):
    session = _session_for(create_session, sheet)
    imports.import_sheet(session, sheet.name, sheet.data, write=True)
    db.session.commit()
    before = snapshot(db)
    plan = imports.import_sheet(session, sheet.name, sheet.data, write=True)
    db.session.commit()
    assert plan.count('new') == 0 and plan.count('matched') == len(sheet.expected['persons'])
    assert snapshot(db) == before


def test_matching_fills_empty_fields_and_never_blanks_or_overwrites(db, create_session, create_person):
    session = create_session(code='FILL-1')
    known = create_person(full_name='Amina Diallo', country='SN', sex=Sex.female, organisation=None)
    other = create_person(full_name='Peter Otieno', country='KE', sex=Sex.male, organisation='Police')
    data = ('Name,Sex,Organisation,Country\n'
            'DIALLO  Amina,,Ligue des droits,Sénégal\n'  # blank sex must not become "Not disclosed"
            '"Otieno, Peter",F,Army,Kenya\n').encode()
    plan = imports.import_sheet(session, 's.csv', data, write=False)
    assert [(r.by, r.fills, r.differences) for r in plan.rows] == [
        ('name_country', {'organisation': 'Ligue des droits'}, []),
        ('name_country', {}, [('sex', 'male', 'female'), ('organisation', 'Police', 'Army')])]
    imports.import_sheet(session, 's.csv', data, write=True, use_sheet={(3, 'organisation')})
    db.session.commit()
    db.session.refresh(known)
    db.session.refresh(other)
    assert (known.sex, known.organisation) == (Sex.female, 'Ligue des droits')
    assert (other.sex, other.organisation) == (Sex.male, 'Army')  # the record's sex kept; the chosen value taken


def test_rejected_rows_come_back_as_a_sheet_of_the_same_columns(db, create_session):
    sheet = next(s for s in SHEETS if s.expected['rejected'])
    session = _session_for(create_session, sheet)
    plan = imports.import_sheet(session, sheet.name, sheet.data, write=False)
    headers, rows = imports.rejected_table(plan)
    assert headers[:-1] == plan.sheet.header_cells and headers[-1] == 'Problem'
    assert [r[0] for r in rows] == ['Thida Win', 'Min Thu'] and 'Atlantis' in rows[0][-1]


def test_cli_accept_valid_rejected_out_and_sessions_show(runner, db, create_session, tmp_path):
    sheet = next(s for s in SHEETS if s.expected['rejected'])
    session = _session_for(create_session, sheet, code='CLI-REJ')
    path = tmp_path / sheet.name
    path.write_bytes(sheet.data)
    args = ['attendance', 'import', str(path), '--session', 'CLI-REJ', '--format', 'json']
    refused = runner.invoke(args=args)
    assert refused.exit_code == 1 and json.loads(refused.output)['written'] is False
    out = tmp_path / 'rejected.csv'
    result = runner.invoke(args=[*args, '--accept-valid', '--rejected-out', str(out)])
    assert result.exit_code == 1  # rows were rejected
    data = json.loads(result.output)
    assert (data['created'], data['skipped'], data['merged_in_sheet'], data['written']) == (2, 0, 0, True)
    lines = out.read_bytes().decode('utf-8-sig').splitlines()
    assert lines[0].endswith(',Problem') and len(lines) == 3
    shown = json.loads(runner.invoke(args=['sessions', 'show', 'CLI-REJ', '--format', 'json']).output)
    assert shown['code'] == 'CLI-REJ' and shown['start_date'] == session.start_date.isoformat()
    assert sorted((p['full_name'], p['country'], tuple(p['days'])) for p in shown['roster']) == [
        ('Aung Kyaw', 'MM', ('2025-03-10', '2025-03-11')), ('Su Su Hlaing', 'TH', ('2025-03-11',))]


def test_cli_exit_zero_with_skipped_and_merged_rows(runner, db, create_session, tmp_path):
    sheet = next(s for s in SHEETS if s.name == 'fr_excel_utf8_semicolon.csv')
    _session_for(create_session, sheet, code='CLI-FR')
    path = tmp_path / sheet.name
    path.write_bytes(sheet.data)
    result = runner.invoke(args=['attendance', 'import', str(path), '--session', 'CLI-FR', '--format', 'json'])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data['rows'], data['created'], data['skipped'], data['merged_in_sheet']) == (5, 4, 3, 1)


def _upload(client, session, data, name='sheet.csv'):
    return client.post(f'/manage/sessions/{session.id}/import', data={'sheet': (io.BytesIO(data), name)},
                       content_type='multipart/form-data')


def test_preview_offers_the_valid_rows_and_the_rejected_ones_as_a_sheet(client, auth, db, create_session):
    sheet = next(s for s in SHEETS if s.expected['rejected'])
    auth.login_as(Role.trainer)
    session = _session_for(create_session, sheet)
    html = _upload(client, session, sheet.data).get_data(as_text=True)
    assert 'Import these rows' not in html and 'Import the 2 valid rows' in html
    token = db.session.scalar(sa.select(PendingImport.token))
    download = client.get(f'/manage/sessions/{session.id}/import/{token}/rejected.csv')
    assert download.status_code == 200 and 'Atlantis' in download.get_data(as_text=True)
    assert _count(db, Person) == 0
    client.post(f'/manage/sessions/{session.id}/import/confirm', data={'token': token, 'accept_valid': 'y'})
    assert _count(db, Person) == 2
    again = client.post(f'/manage/sessions/{session.id}/import/confirm', data={'token': token, 'accept_valid': 'y'})
    assert again.status_code == 302 and _count(db, Person) == 2


def test_preview_says_which_rows_are_one_person(client, auth, db, create_session):
    sheet = next(s for s in SHEETS if s.name == 'en_person_twice.csv')
    auth.login_as(Role.trainer)
    session = _session_for(create_session, sheet)
    html = _upload(client, session, sheet.data).get_data(as_text=True)
    assert 'Rows 2 and 4 are one person' in html and 'Rows 3 and 5 are one person' in html


@pytest.mark.parametrize('n', [2, 5])
def test_simultaneous_confirms_of_one_preview_write_once(make_app, tmp_path, n):
    """Issue 11: two concurrent confirms of one 200-row preview created 400 persons (PostgreSQL)."""
    from tests.helpers.app import TEST_DATABASE_URL
    from training.extensions import db
    url = f'sqlite:///{tmp_path / "race.sqlite"}' if IS_SQLITE else TEST_DATABASE_URL
    app = make_app(SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        from datetime import date

        from training.auth.models import User
        from training.workshops import services
        user = User(email='trainer@example.org', name='Trainer', password_hash='x')
        db.session.add(user)
        session = services.create_session(code='RACE-1', title='Race', country='KE', start_date=date(2010, 3, 1),
                                          end_date=date(2010, 3, 1))
        rows = '\n'.join(f'Person {i},F,KE' for i in range(200))
        pending = imports.stash_import(session, 's.csv', f'Name,Sex,Country\n{rows}\n'.encode(), by=user)
        db.session.commit()
        token, session_id, user_id = pending.token, session.id, user.id
    barrier = threading.Barrier(n)
    outcomes: list[str] = []

    def confirm():
        with app.app_context():
            from training.auth.models import User
            from training.workshops.models import TrainingSession
            session = db.session.get(TrainingSession, session_id)
            by = db.session.get(User, user_id)
            barrier.wait(timeout=30)
            try:
                claimed = imports.claim(session, token, by=by)
                imports.confirm_upload(session, claimed)
                db.session.commit()
                outcomes.append('imported')
            except imports.AlreadyImported:
                db.session.rollback()
                outcomes.append('already')
            except sa.exc.OperationalError:  # SQLite: "database is locked" for the loser of the race
                db.session.rollback()
                outcomes.append('locked')

    threads = [threading.Thread(target=confirm) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    with app.app_context():
        persons = db.session.scalar(sa.select(sa.func.count(Person.id)))
        attendances = db.session.scalar(sa.select(sa.func.count(Attendance.id)))
    assert outcomes.count('imported') == 1 and len(outcomes) == n
    assert (persons, attendances) == (200, 200)


class _NeverRead(io.RawIOBase):
    def readable(self):
        return True

    def readinto(self, buffer):
        raise AssertionError('the body of an oversized upload was read')


def test_a_60_mb_upload_is_refused_before_its_body_is_read(client, auth, db, create_session):
    auth.login_as(Role.trainer)
    session = create_session()
    response = client.post(f'/manage/sessions/{session.id}/import', environ_overrides={
        'CONTENT_TYPE': 'multipart/form-data; boundary=x', 'CONTENT_LENGTH': str(60 * 1024 * 1024),
        'wsgi.input': _NeverRead()})
    assert response.status_code == 413


def test_a_second_sheet_adds_days_and_days_attended_follows_the_register(db, create_session):
    """Day 1's sheet, then the whole workshop's: the register gains the new days, never loses one, and "days
    attended" is its count for every roster entry (those the second sheet leaves out too)."""
    from datetime import date
    session = create_session(code='DAYS-1', start_date=date(2024, 3, 4), end_date=date(2024, 3, 6))
    first = 'Name,Country,Day 1,Day 2,Day 3\nAmina Diallo,SN,X,,\nPeter Otieno,KE,X,,\nJoy Achieng,KE,X,,\n'
    second = 'Name,Country,Day 1,Day 2,Day 3\nAmina Diallo,SN,,X,X\nPeter Otieno,KE,X,X,\n'
    imports.import_sheet(session, 'day1.csv', first.encode(), write=True)
    db.session.commit()
    imports.import_sheet(session, 'all.csv', second.encode(), write=True)
    db.session.commit()
    db.session.expire_all()
    roster = {a.person.full_name: (a.days_attended, sorted(m.day.day for m in a.day_marks))
              for a in queries.roster(session)}
    assert roster == {'Amina Diallo': (3, [4, 5, 6]), 'Peter Otieno': (2, [4, 5]), 'Joy Achieng': (1, [4])}
