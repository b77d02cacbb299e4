"""Bulk import pages: preview, all-or-nothing confirm, idempotence."""
from __future__ import annotations

import io
from datetime import date

import sqlalchemy as sa
from openpyxl import Workbook

from tests.helpers.sheets import GOOD_ROWS, HEADER, sheet_bytes
from training.auth.models import Role
from training.workshops.models import Attendance, PendingImport, Person


def _count(db, model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _persons(db) -> list[tuple]:
    """Every person on record as written: name, sex, organisation, organisation type, country, email."""
    return [(p.full_name, p.sex.name, p.organisation, p.organisation_type and p.organisation_type.name, p.country,
             p.email) for p in db.session.scalars(sa.select(Person).order_by(Person.id))]


def _roster(db, session) -> list[tuple]:
    """A session's roster as written: person, role, days attended, pre-test and post-test scores."""
    db.session.expire_all()
    return sorted((a.person.full_name, a.role.name, a.days_attended, a.pre_test_score, a.post_test_score)
                  for a in db.session.scalars(sa.select(Attendance).where(Attendance.session_id == session.id)))


#: GOOD_ROWS as the import writes them (the session is held and lasts one day: one day attended each)
AMINA = ('Amina Diallo', 'female', 'Ligue sénégalaise', 'civil_society', 'SN', 'amina@example.org')
PETER = ('Peter Otieno', 'male', 'Kenya Police', 'police', 'KE', None)
ELOISE = ('Éloïse Mukamana', 'female', 'CNDH', 'nhri', 'RW', 'eloise@example.org')
KOFFI = ('Koffi Yao', 'male', 'Armée', 'military', 'CI', None)
GOOD_ROSTER = [(p[0], 'participant', 1, None, None) for p in sorted((AMINA, PETER, ELOISE, KOFFI))]


def _upload(client, session, data, name='sheet.csv'):
    return client.post(f'/manage/sessions/{session.id}/import',
                       data={'sheet': (io.BytesIO(data), name)}, content_type='multipart/form-data')


def test_preview_writes_nothing_and_confirm_writes_all(client, auth, db, create_session, create_person):
    auth.login_as(Role.trainer)
    session = create_session()
    create_person(full_name='Peter  OTIENO', country='KE')  # matched by name and country
    create_person(full_name='E. Mukamana', country='RW', email='ELOISE@example.org')  # matched by email
    response = _upload(client, session, sheet_bytes([HEADER, *GOOD_ROWS], delimiter=';', bom=True))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'New person' in html and 'by name and country' in html and 'by email' in html
    assert _count(db, Attendance) == 0 and _count(db, Person) == 2
    token = db.session.scalar(sa.select(PendingImport.token))
    response = client.post(f'/manage/sessions/{session.id}/import/confirm', data={'token': token})
    assert response.status_code == 302
    assert _count(db, Attendance) == 4 and _count(db, Person) == 4
    assert _count(db, PendingImport) == 0
    # the two matched persons keep their record (nothing overwritten, no duplicate: the sheet's "H" for Peter's sex
    # differs and the record is kept) and have their empty fields filled (issue 12); the two others are new
    assert _persons(db) == [('Peter OTIENO', 'female', 'Kenya Police', 'police', 'KE', None),
                            ('E. Mukamana', 'female', 'CNDH', 'nhri', 'RW', 'eloise@example.org'), AMINA, KOFFI]
    assert _roster(db, session) == [('Amina Diallo', 'participant', 1, None, None),
                                    ('E. Mukamana', 'participant', 1, None, None),
                                    ('Koffi Yao', 'participant', 1, None, None),
                                    ('Peter OTIENO', 'participant', 1, None, None)]


def test_one_bad_row_writes_nothing_then_fixed_sheet_imports_all_then_twice_adds_no_person(
        client, auth, db, create_session):
    auth.login_as(Role.trainer)
    session = create_session()
    bad = [*GOOD_ROWS[:2], ['Bad Row', 'F', 'X', '', 'Atlantis', ''], *GOOD_ROWS[2:]]
    html = _upload(client, session, sheet_bytes([HEADER, *bad])).get_data(as_text=True)
    assert 'Row 4' in html and 'Country: &#34;Atlantis&#34;' in html
    assert 'Import these rows' not in html and 'Import the 4 valid rows' in html
    assert _count(db, Person) == 0 and _count(db, Attendance) == 0

    _upload(client, session, sheet_bytes([HEADER, *GOOD_ROWS]))
    token = db.session.scalar(sa.select(PendingImport.token))
    client.post(f'/manage/sessions/{session.id}/import/confirm', data={'token': token})
    assert _count(db, Person) == 4 and _count(db, Attendance) == 4
    assert _persons(db) == [AMINA, PETER, ELOISE, KOFFI]
    assert _roster(db, session) == GOOD_ROSTER

    html = _upload(client, session, sheet_bytes([HEADER, *GOOD_ROWS])).get_data(as_text=True)
    assert 'already on the roster' in html
    token = db.session.scalar(sa.select(PendingImport.token))
    client.post(f'/manage/sessions/{session.id}/import/confirm', data={'token': token})
    assert _count(db, Person) == 4 and _count(db, Attendance) == 4
    assert _persons(db) == [AMINA, PETER, ELOISE, KOFFI] and _roster(db, session) == GOOD_ROSTER

    other = create_session()
    _upload(client, other, sheet_bytes([HEADER, *GOOD_ROWS]))
    token = db.session.scalar(sa.select(PendingImport.token))
    client.post(f'/manage/sessions/{other.id}/import/confirm', data={'token': token})
    assert _count(db, Person) == 4 and _count(db, Attendance) == 8
    assert _persons(db) == [AMINA, PETER, ELOISE, KOFFI] and _roster(db, other) == GOOD_ROSTER


def test_confirm_refuses_when_sheet_became_invalid(client, auth, db, create_session):
    """Confirm re-checks the stored sheet against the database; a stale or foreign token imports nothing."""
    auth.login_as(Role.trainer)
    session = create_session()
    response = client.post(f'/manage/sessions/{session.id}/import/confirm', data={'token': 'nope'})
    assert response.status_code == 302 and _count(db, Person) == 0


def test_xlsx_upload(client, auth, db, create_session):
    auth.login_as(Role.trainer)
    session = create_session()
    book = Workbook()
    book.active.append(HEADER)
    for row in GOOD_ROWS:
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    html = _upload(client, session, buf.getvalue(), 'fiche.xlsx').get_data(as_text=True)
    assert html.count('New person') >= 4
    assert _count(db, Person) == 0  # the preview writes nothing
    token = db.session.scalar(sa.select(PendingImport.token))
    client.post(f'/manage/sessions/{session.id}/import/confirm', data={'token': token})
    assert _persons(db) == [AMINA, PETER, ELOISE, KOFFI]
    assert _roster(db, session) == GOOD_ROSTER


def test_staff_and_trainees_cannot_import(client, auth, db, create_session):
    session = create_session()
    auth.login_as(Role.staff)
    assert _upload(client, session, sheet_bytes([HEADER, *GOOD_ROWS])).status_code == 403
    assert client.get(f'/manage/sessions/{session.id}').status_code == 200
    auth.logout()
    auth.login_as(Role.trainee)
    assert client.get(f'/manage/sessions/{session.id}').status_code == 403


def test_roles_days_and_scores_written_and_a_blank_never_overwrites(client, auth, db, create_session):
    auth.login_as(Role.trainer)
    session = create_session(start_date=date(2010, 3, 1), end_date=date(2010, 3, 3))

    def _import(text):
        _upload(client, session, text.encode())
        token = db.session.scalar(sa.select(PendingImport.token))
        assert client.post(f'/manage/sessions/{session.id}/import/confirm', data={'token': token}).status_code == 302

    _import('Name,Country,Role,Days,Pre-test,Post-test\nA One,KE,facilitator,2,45,80%\nB Two,KE,,3,,\n')
    assert _roster(db, session) == [('A One', 'facilitator', 2, 45.0, 80.0), ('B Two', 'participant', 3, None, None)]
    _import('Name,Country,Days,Pre-test\nB Two,KE,,50\n')  # B again: the score is added, the blank days kept
    assert _roster(db, session) == [('A One', 'facilitator', 2, 45.0, 80.0), ('B Two', 'participant', 3, 50.0, None)]
    assert [p[0] for p in _persons(db)] == ['A One', 'B Two']


def test_an_address_is_one_address_on_the_form_and_on_the_sheet(client, auth, db, create_session, create_person):
    """Persons' addresses normalise as users' do (training.text): a Unicode domain typed on the person form and the
    same address on a sign-in sheet are one person."""
    auth.login_as(Role.trainer)
    session = create_session()
    known = create_person(full_name='Amina Diallo', country='SN', email='Amina@Exämple.org')
    assert known.email == 'amina@xn--exmple-cua.org'
    _upload(client, session, sheet_bytes([HEADER, ['A. Diallo', 'F', '', '', 'SN', 'AMINA@EXÄMPLE.ORG']]))
    token = db.session.scalar(sa.select(PendingImport.token))
    client.post(f'/manage/sessions/{session.id}/import/confirm', data={'token': token})
    assert _count(db, Person) == 1 and _roster(db, session) == [('Amina Diallo', 'participant', 1, None, None)]


def test_a_sheet_is_read_and_written_with_the_collector_paused_and_it_is_on_again_after(
        client, auth, db, create_session, monkeypatch):
    import gc

    from training.workshops import imports
    seen = []
    real = imports.parse_sheet
    monkeypatch.setattr(imports, 'parse_sheet', lambda *a, **k: seen.append(gc.isenabled()) or real(*a, **k))
    auth.login_as(Role.trainer)
    session = create_session()
    assert _upload(client, session, sheet_bytes([HEADER, *GOOD_ROWS])).status_code == 200
    token = db.session.scalar(sa.select(PendingImport.token))
    assert client.post(f'/manage/sessions/{session.id}/import/confirm', data={'token': token}).status_code == 302
    assert seen == [False, False] and gc.isenabled()
    assert _count(db, Attendance) == 4
