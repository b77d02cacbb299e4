"""Sign-in sheet parsing (pure, no app)."""
from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from training.workshops.sheets import parse_country, parse_sheet

GOOD = ('Full name,Sex,Organisation,Organisation type,Country,Email\n'
        'Amina Diallo,F,Ligue des droits,civil society,SN,amina@example.org\n'
        'Peter Otieno,male,Kenya Police,police,Kenya,\n')


def test_english_csv():
    sheet = parse_sheet('s.csv', GOOD.encode())
    assert sheet.ok and sheet.total == 2
    a, b = sheet.rows
    assert (a.full_name, a.sex, a.country, a.email, a.organisation_type) == (
        'Amina Diallo', 'female', 'SN', 'amina@example.org', 'civil_society')
    assert (b.sex, b.country, b.email, b.row) == ('male', 'KE', None, 3)


def test_bom_semicolons_french_headers_any_order_and_case():
    text = ('COURRIEL;Pays;nom complet;SEXE;Organisation;Type d\'organisation\n'
            'e.mukamana@example.org;Rwanda;Éloïse Mukamana;Femme;Commission;Société civile\n'
            ';Côte d\'Ivoire;Koffi Yao;H;Armée;Militaire\n'
            ';République démocratique du Congo;Marie Kabila;féminin;;\n')
    sheet = parse_sheet('fiche.csv', b'\xef\xbb\xbf' + text.encode('utf-8'))
    assert sheet.ok, [e.text() for e in sheet.rejected]
    assert [(r.full_name, r.sex, r.country) for r in sheet.rows] == [
        ('Éloïse Mukamana', 'female', 'RW'), ('Koffi Yao', 'male', 'CI'), ('Marie Kabila', 'female', 'CD')]
    assert sheet.rows[0].organisation_type == 'civil_society' and sheet.rows[1].organisation_type == 'military'
    assert sheet.encoding == 'utf-8-sig'


def test_quoted_fields_with_delimiters():
    text = 'Name;Country\n"Diallo; Amina";"SN"\n'
    sheet = parse_sheet('s.csv', text.encode())
    assert sheet.rows[0].full_name == 'Diallo; Amina'


def test_windows_1252_fallback():
    sheet = parse_sheet('s.csv', 'Nom;Pays\nHélène Dupont;France\n'.encode('cp1252'))
    assert sheet.ok and sheet.rows[0].full_name == 'Hélène Dupont' and sheet.encoding == 'cp1252'


@pytest.mark.parametrize(('value', 'code'), [
    ('KE', 'KE'), ('ken', 'KE'), ('Kenya', 'KE'), ('kenya', 'KE'), ('Allemagne', 'DE'), ('Germany', 'DE'),
    ('Sénégal', 'SN'), ('senegal', 'SN'), ('Royaume-Uni', 'GB'), ('Tanzania', 'TZ'), ('RDC', 'CD'),
    ('Ivory Coast', 'CI'), ('Soudan du Sud', 'SS'), ('Nowhere', None)])
def test_countries_by_code_or_english_or_french_name(value, code):
    assert parse_country(value) == code


@pytest.mark.parametrize(('value', 'sex'), [
    ('F', 'female'), ('f', 'female'), ('Female', 'female'), ('femme', 'female'), ('Féminin', 'female'),
    ('M', 'male'), ('Homme', 'male'), ('H', 'male'), ('masculin', 'male'), ('Other', 'other'), ('autre', 'other'),
    ('', 'undisclosed'), ('Prefer not to say', 'undisclosed')])
def test_sex_spellings(value, sex):
    sheet = parse_sheet('s.csv', f'Name,Sex\nSomeone,{value}\n'.encode())
    assert sheet.ok and sheet.rows[0].sex == sex


def test_bad_rows_rejected_with_row_number_and_field():
    text = ('Full name,Sex,Country,Email\n'
            'Good Person,F,KE,\n'
            ',F,KE,\n'
            'Bad Sex,zz,KE,\n'
            '\n'
            'Bad Country,M,Atlantis,\n'
            'Bad Email,M,KE,not-an-email\n')
    sheet = parse_sheet('s.csv', text.encode())
    assert not sheet.ok and len(sheet.rows) == 1
    messages = {e.row: e.text() for e in sheet.rejected}
    assert messages[3].startswith('Full name: missing')
    assert messages[4].startswith('Sex: "zz"')
    assert messages[6].startswith('Country: "Atlantis"')
    assert messages[7].startswith('Email: "not-an-email"')
    assert sheet.total == 5


def test_the_same_person_twice_in_a_sheet_is_one_person():
    text = 'Name,Country,Email\nA One,KE,a@example.org\nA Other,KE,A@EXAMPLE.org\nB Two,KE,\nb  two,ke,\n'
    sheet = parse_sheet('s.csv', text.encode())
    assert sheet.ok
    assert [(r.row, r.rows) for r in sheet.rows] == [(2, (2, 3)), (4, (4, 5))]
    assert [(m.row, m.other, m.differences) for m in sheet.merged] == [
        (2, 3, [('full_name', 'A One', 'A Other')]), (4, 5, [])]


def test_missing_name_column_and_empty_file():
    assert parse_sheet('s.csv', b'Sex,Country\nF,KE\n').problems[0].text().startswith('No name column')
    assert parse_sheet('s.csv', b'').problems[0].text() == 'The file is empty.'
    assert parse_sheet('s.xlsx', b'PK\x03\x04garbage').problems[0].text().startswith('The file is not a readable')


def test_scores_days_role_and_consent():
    text = 'Name,Role,Days,Pre-test,Post-test,Consent\nA,facilitator,2,45,80%,oui\nB,,4,,,\nC,boss,x,120,,maybe\n'
    sheet = parse_sheet('s.csv', text.encode(), max_days=3)
    a = sheet.rows[0]
    assert (a.role, a.days_attended, a.pre_test_score, a.post_test_score, a.consent) == (
        'facilitator', 2, 45.0, 80.0, True)
    fields = sorted(e.field for e in sheet.rejected)
    assert fields == ['consent', 'days_attended', 'days_attended', 'pre_test_score', 'role']


def test_xlsx():
    book = Workbook()
    ws = book.active
    ws.append(['Nom complet', 'Sexe', 'Pays', 'Courriel'])
    ws.append(['Grace Mwangi', 'F', 'KEN', 'grace@example.org'])
    ws.append([None, None, None, None])
    ws.append(['Jonas Berg', 'M', 'Suède', None])
    buf = io.BytesIO()
    book.save(buf)
    sheet = parse_sheet('fiche.xlsx', buf.getvalue())
    assert sheet.ok
    assert [(r.row, r.country) for r in sheet.rows] == [(2, 'KE'), (4, 'SE')]


def test_naughty_strings_never_crash(naughty_strings):
    lines = ['Full name,Organisation,Country']
    import csv
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(['Full name', 'Organisation', 'Country'])
    for s in naughty_strings:
        writer.writerow([s, s, 'KE'])
    sheet = parse_sheet('n.csv', out.getvalue().encode('utf-8'))
    assert not sheet.problems
    for row in sheet.rows:
        assert row.full_name.strip() and len(row.full_name) <= 200
        assert '\x00' not in row.full_name
    for err in sheet.rejected:
        assert err.row >= 2 and err.text()
    assert lines
