"""In Chromium: a trainer creates a session, imports a sign-in sheet, a walk-in registers by the typed code (the
trainer confirms them), and programme staff download the period's tables as XLSX."""
from __future__ import annotations

import io
from datetime import date, timedelta

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.helpers import sign_in
from training.auth import services as auth_services
from training.auth.models import Role
from training.extensions import db

PASSWORD = 'a long enough password'
SHEET = ('\ufeffNom complet;Sexe;Organisation;Type d\'organisation;Pays;Courriel\n'
         'Amina Diallo;F;Ligue sénégalaise des droits humains;Société civile;Sénégal;amina@example.org\n'
         'Peter Otieno;H;Kenya Police;police;KE;\n'
         'Éloïse Mukamana;femme;CNDH;nhri;Rwanda;eloise@example.org\n')


def _users(app):
    with app.app_context():
        auth_services.create_user(email='trainer@example.org', name='Jonas Lindqvist', password=PASSWORD,
                                  roles=[Role.trainer])
        auth_services.create_user(email='staff@example.org', name='Grace Mwangi', password=PASSWORD,
                                  roles=[Role.staff])
        db.session.commit()


def _sign_in(page, email):
    sign_in(page, email, PASSWORD)


def test_session_import_walk_in_and_xlsx(page, browser, live_server, live_app, tmp_path):
    _users(live_app)
    today = date.today()

    # A trainer creates a session
    _sign_in(page, 'trainer@example.org')
    page.get_by_role('link', name='Training sessions').click()
    page.get_by_role('link', name='New session').click()
    page.get_by_label('Code').fill('E2E-KE-01')
    page.get_by_label('Title').fill('Early warning workshop')
    page.get_by_label('Status').select_option('held')
    page.get_by_label('Country').select_option('KE')
    page.get_by_label('City').fill('Nairobi')
    page.get_by_label('First day').fill(today.isoformat())
    page.get_by_label('Last day').fill((today + timedelta(days=1)).isoformat())
    page.get_by_role('button', name='Save session').click()
    expect(page.get_by_text('Session E2E-KE-01 created.')).to_be_visible()

    # ... imports a sign-in sheet: preview first, then confirm
    page.get_by_role('link', name='Import a sign-in sheet').click()
    sheet = tmp_path / 'fiche.csv'
    sheet.write_text(SHEET, encoding='utf-8')
    page.get_by_label('Sign-in sheet (CSV or XLSX)').set_input_files(str(sheet))
    page.get_by_role('button', name='Preview import').click()
    expect(page.get_by_text('3 new persons')).to_be_visible()
    page.get_by_role('button', name='Import these rows').click()
    expect(page.get_by_text('Imported 3 rows: 3 new persons, 0 matched')).to_be_visible()
    expect(page.get_by_role('link', name='Éloïse Mukamana', exact=True)).to_be_visible()

    # ... opens self check-in and reads the typed code
    page.get_by_role('link', name='Self check-in').click()
    page.get_by_role('button', name='Open check-in').click()
    expect(page.get_by_text('Check-in is open.')).to_be_visible()
    code = page.locator('#check-in-code').inner_text().strip()
    assert len(code) == 6

    # A walk-in on a phone types the code and registers
    phone = browser.new_context(base_url=live_server.url, locale='en-GB', viewport={'width': 390, 'height': 844})
    walk_in = phone.new_page()
    walk_in.goto('/check-in')
    walk_in.get_by_label('Check-in code').fill(code.lower())
    walk_in.get_by_role('button', name='Continue').click()
    walk_in.get_by_label('Full name').fill('Koffi Yao')
    walk_in.get_by_label('Sex').select_option('male')
    walk_in.get_by_label('Organisation', exact=True).fill('Armée')
    walk_in.get_by_label('Country').select_option('CI')
    walk_in.get_by_role('button', name='Register').click()
    expect(walk_in.get_by_text('You are registered')).to_be_visible()
    phone.close()

    # ... and the trainer confirms the walk-in, who is nobody on record, as a new person
    page.reload()
    expect(page.get_by_role('heading', name='1 walk-in to confirm')).to_be_visible()
    expect(page.get_by_label('a new person')).to_be_checked()
    page.get_by_role('button', name='Confirm').click()
    expect(page.get_by_text('Koffi Yao is on the roster and marked present.')).to_be_visible()

    page.get_by_role('link', name='Early warning workshop (E2E-KE-01)').click()
    expect(page.get_by_role('link', name='Koffi Yao', exact=True)).to_be_visible()
    page.get_by_role('button', name='Sign out').click()

    # Programme staff download the period's tables as XLSX
    _sign_in(page, 'staff@example.org')
    page.get_by_role('link', name='Reports').click()
    page.get_by_label('From').fill(date(today.year, 1, 1).isoformat())
    page.get_by_label('To').fill(date(today.year, 12, 31).isoformat())
    page.get_by_role('button', name='Show').click()
    expect(page.locator('#headline')).to_have_text(
        f'In {today.year}, 1 training session was held in 1 country and 4 persons were trained.')
    with page.expect_download() as info:
        page.get_by_role('link', name='Download all tables (XLSX)').click()
    download = info.value
    assert download.suggested_filename.endswith('.xlsx')
    book = load_workbook(io.BytesIO(open(download.path(), 'rb').read()))
    assert 'Sessions' in book.sheetnames and 'By sex' in book.sheetnames
    sessions = list(book['Sessions'].values)
    assert sessions[1][0] == 'E2E-KE-01' and sessions[1][-2] == 4
