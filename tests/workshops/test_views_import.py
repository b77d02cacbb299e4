"""Bulk import pages: preview, all-or-nothing confirm, idempotence."""
from __future__ import annotations

import io

import sqlalchemy as sa
from openpyxl import Workbook

from tests.helpers.sheets import GOOD_ROWS, HEADER, sheet_bytes
from training.auth.models import Role
from training.workshops.models import Attendance, PendingImport, Person


def _count(db, model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


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


def test_one_bad_row_writes_nothing_then_fixed_sheet_imports_all_then_twice_adds_no_person(
        client, auth, db, create_session):
    auth.login_as(Role.trainer)
    session = create_session()
    bad = [*GOOD_ROWS[:2], ['Bad Row', 'F', 'X', '', 'Atlantis', ''], *GOOD_ROWS[2:]]
    html = _upload(client, session, sheet_bytes([HEADER, *bad])).get_data(as_text=True)
    assert 'Row 4' in html and 'Country: &#34;Atlantis&#34;' in html
    assert 'Import these rows' not in html
    assert _count(db, Person) == 0 and _count(db, Attendance) == 0 and _count(db, PendingImport) == 0

    _upload(client, session, sheet_bytes([HEADER, *GOOD_ROWS]))
    token = db.session.scalar(sa.select(PendingImport.token))
    client.post(f'/manage/sessions/{session.id}/import/confirm', data={'token': token})
    assert _count(db, Person) == 4 and _count(db, Attendance) == 4

    html = _upload(client, session, sheet_bytes([HEADER, *GOOD_ROWS])).get_data(as_text=True)
    assert 'already on the roster' in html
    token = db.session.scalar(sa.select(PendingImport.token))
    client.post(f'/manage/sessions/{session.id}/import/confirm', data={'token': token})
    assert _count(db, Person) == 4 and _count(db, Attendance) == 4

    other = create_session()
    _upload(client, other, sheet_bytes([HEADER, *GOOD_ROWS]))
    token = db.session.scalar(sa.select(PendingImport.token))
    client.post(f'/manage/sessions/{other.id}/import/confirm', data={'token': token})
    assert _count(db, Person) == 4 and _count(db, Attendance) == 8


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


def test_staff_and_trainees_cannot_import(client, auth, db, create_session):
    session = create_session()
    auth.login_as(Role.staff)
    assert _upload(client, session, sheet_bytes([HEADER, *GOOD_ROWS])).status_code == 403
    assert client.get(f'/manage/sessions/{session.id}').status_code == 200
    auth.logout()
    auth.login_as(Role.trainee)
    assert client.get(f'/manage/sessions/{session.id}').status_code == 403
