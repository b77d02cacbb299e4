"""The import preview's choices (issue 12, items 2 and 6): each column's meaning shown and changed on the page from
the stashed upload, the worksheet of an XLSX file, and per difference between a matched person's record and the
sheet, keep the record (the default) or take the sheet's value. Everything is submitted as a browser would, without
JavaScript."""
from __future__ import annotations

import io
import re

import sqlalchemy as sa
from openpyxl import Workbook

from tests.helpers.forms import form_values
from training.auth.models import Role
from training.workshops.models import Attendance, PendingImport, Person, Sex

UNNAMED = b'Nom complet,S,Pays\nAmina Diallo,F,SN\nPeter Otieno,M,KE\n'


def _count(db, model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _upload(client, session, data, name='sheet.csv'):
    response = client.post(f'/manage/sessions/{session.id}/import', data={'sheet': (io.BytesIO(data), name)},
                           content_type='multipart/form-data')
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _submit(client, session, html, button, **changes):
    values = {**form_values(html, '/import/confirm'), **changes, button: 'y'}
    return client.post(f'/manage/sessions/{session.id}/import/confirm', data=values)


def _persons(db):
    return sorted((p.full_name, p.sex.name, p.country, p.organisation) for p in db.session.scalars(sa.select(Person)))


def test_a_column_not_recognised_is_named_then_mapped_on_the_page_and_imported(client, auth, db, create_session):
    auth.login_as(Role.trainer)
    session = create_session()
    html = _upload(client, session, UNNAMED)
    assert 'Columns not used: S' in html
    assert re.search(r'<label for="col_1">Column B: S</label>', html)
    assert form_values(html, '/import/confirm')['col_1'] == ''  # shown as "Not used"

    response = _submit(client, session, html, 'apply', col_1='sex')
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'Columns not used' not in html
    assert form_values(html, '/import/confirm')['col_1'] == 'sex'
    assert _count(db, Person) == 0 and _count(db, PendingImport) == 1  # the upload is kept, nothing written

    assert _submit(client, session, html, 'submit').status_code == 302
    assert _persons(db) == [('Amina Diallo', 'female', 'SN', None), ('Peter Otieno', 'male', 'KE', None)]
    assert _count(db, PendingImport) == 0


def test_a_mapping_changed_then_import_pressed_shows_the_preview_again_and_writes_nothing(client, auth, db,
                                                                                          create_session):
    auth.login_as(Role.trainer)
    session = create_session()
    html = _upload(client, session, UNNAMED)
    response = _submit(client, session, html, 'submit', col_1='sex')
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'check the preview again' in html
    assert _count(db, Person) == 0
    assert _submit(client, session, html, 'submit').status_code == 302
    assert [p[1] for p in _persons(db)] == ['female', 'male']


def test_every_column_select_is_labelled_with_its_header(client, auth, db, create_session):
    auth.login_as(Role.trainer)
    session = create_session()
    html = _upload(client, session, b'Nom complet,Sexe (F/M),,Pays\nA B,F,x,SN\n')
    selects = re.findall(r'<select[^>]* id="(col_\d+)"', html)
    assert selects == ['col_0', 'col_1', 'col_2', 'col_3']
    labels = dict(re.findall(r'<label for="(col_\d+)">([^<]*)</label>', html))
    assert labels == {'col_0': 'Column A: Nom complet', 'col_1': 'Column B: Sexe (F/M)', 'col_2': 'Column C: no title',
                      'col_3': 'Column D: Pays'}


def test_ignoring_the_name_column_says_why_nothing_can_be_imported_and_can_be_undone(client, auth, db,
                                                                                      create_session):
    auth.login_as(Role.trainer)
    session = create_session()
    html = _upload(client, session, UNNAMED)
    html = _submit(client, session, html, 'apply', col_0='').get_data(as_text=True)
    assert 'No name column' in html and 'Import these rows' not in html
    html = _submit(client, session, html, 'apply', col_0='full_name').get_data(as_text=True)
    assert 'No name column' not in html and 'Import these rows' in html


def test_two_columns_given_one_field_is_refused_on_the_column(client, auth, db, create_session):
    auth.login_as(Role.trainer)
    session = create_session()
    html = _upload(client, session, UNNAMED)
    response = _submit(client, session, html, 'apply', col_2='full_name')
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'Full name is already the meaning of column A.' in html and 'aria-invalid="true"' in html
    assert form_values(html, '/import/confirm')['col_2'] == 'full_name'  # the choice is shown back, to correct
    assert _count(db, Person) == 0


def test_a_day_column_mapped_on_the_page_marks_that_day(client, auth, db, create_session):
    from datetime import date
    auth.login_as(Role.trainer)
    session = create_session(start_date=date(2010, 3, 1), end_date=date(2010, 3, 2))
    html = _upload(client, session, b'Name,Country,Morning\nA One,KE,X\nB Two,KE,\n')
    html = _submit(client, session, html, 'apply', col_2='day:2').get_data(as_text=True)
    assert _submit(client, session, html, 'submit').status_code == 302
    marks = {a.person.full_name: [m.day for m in a.day_marks] for a in db.session.scalars(sa.select(Attendance))}
    assert marks == {'A One': [date(2010, 3, 2)], 'B Two': []}


def test_rejected_rows_download_follows_the_mapping_on_the_page(client, auth, db, create_session):
    auth.login_as(Role.trainer)
    session = create_session()
    html = _upload(client, session, b'Nom complet,Lieu\nAmina Diallo,Atlantis\nPeter Otieno,KE\n')
    html = _submit(client, session, html, 'apply', col_1='country').get_data(as_text=True)
    assert 'Import the 1 valid row' in html
    link = re.search(r'href="([^"]*/rejected\.csv[^"]*)"', html)[1].replace('&amp;', '&')
    download = client.get(link)
    assert download.status_code == 200 and 'Atlantis' in download.get_data(as_text=True)
    assert _submit(client, session, html, 'accept_valid').status_code == 302
    assert _persons(db) == [('Peter Otieno', 'undisclosed', 'KE', None)]


def test_another_worksheet_chosen_on_the_page(client, auth, db, create_session):
    auth.login_as(Role.trainer)
    session = create_session()
    book = Workbook()
    book.active.title = 'Jour 1'
    book.active.append(['Nom complet', 'Pays'])
    book.active.append(['Amina Diallo', 'SN'])
    second = book.create_sheet('Jour 2')
    second.append(['Nom complet', 'Pays'])
    second.append(['Koffi Yao', 'CI'])
    buf = io.BytesIO()
    book.save(buf)
    html = _upload(client, session, buf.getvalue(), 'fiche.xlsx')
    assert 'Amina Diallo' in html and form_values(html, '/import/confirm')['worksheet'] == 'Jour 1'
    html = _submit(client, session, html, 'apply', worksheet='Jour 2').get_data(as_text=True)
    assert 'Koffi Yao' in html and 'Amina Diallo' not in html
    assert _submit(client, session, html, 'submit').status_code == 302
    assert [p[0] for p in _persons(db)] == ['Koffi Yao']


def test_differences_keep_the_record_unless_the_sheet_value_is_taken(client, auth, db, create_session,
                                                                      create_person):
    auth.login_as(Role.trainer)
    session = create_session()
    peter = create_person(full_name='Peter Otieno', country='KE', sex=Sex.male, organisation='Police')
    amina = create_person(full_name='Amina Diallo', country='SN', sex=Sex.female, organisation='Ligue')
    html = _upload(client, session, (b'Nom complet,Sexe,Organisation,Pays\n'
                                     b'Peter Otieno,F,Army,KE\nAmina Diallo,M,<b>Barreau</b>,SN\n'))
    assert 'The sheet differs from the records' in html
    assert 'Keep "Male" (on record)' in html and 'Take "Female" (in the sheet)' in html
    assert 'Take "&lt;b&gt;Barreau&lt;/b&gt;" (in the sheet)' in html  # the sheet's text, escaped
    values = form_values(html, '/import/confirm')
    assert {k: v for k, v in values.items() if k.startswith('diff_')} == {
        'diff_2_sex': 'record', 'diff_2_organisation': 'record', 'diff_3_sex': 'record',
        'diff_3_organisation': 'record'}  # the record is the default
    assert _submit(client, session, html, 'submit', diff_2_organisation='sheet', diff_3_sex='sheet').status_code == 302
    db.session.refresh(peter)
    db.session.refresh(amina)
    assert (peter.sex, peter.organisation) == (Sex.male, 'Army')
    assert (amina.sex, amina.organisation) == (Sex.male, 'Ligue')
    assert _count(db, Person) == 2


def test_hidden_fields_not_sent_by_a_preview_are_refused(client, auth, db, create_session):
    auth.login_as(Role.trainer)
    session = create_session()
    html = _upload(client, session, UNNAMED)
    for bad in ({'shown': 'full_name;nonsense'}, {'applied': '1=drop table'}, {'differences': '2:password'},
                {'applied': '999999=sex'}, {'applied': '0=full_name;1=full_name'}, {'applied': '0=email;3=email'}):
        response = _submit(client, session, html, 'submit', **bad)
        assert response.status_code == 400
    assert _count(db, Person) == 0


def test_cli_help_says_the_record_is_kept(runner):
    help_text = runner.invoke(args=['attendance', 'import', '--help']).output
    assert 'keep what is on record' in ' '.join(help_text.split())
