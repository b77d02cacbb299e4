"""Reading sheets within fixed bounds (crafted XLSX files), in every encoding Excel writes, and finding the table
and its columns in sheets shaped like real ones. Pure: no app."""
from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

import pytest

from training.workshops.sheets import IGNORE, parse_sheet
from training.workshops.sheets.headers import field_for
from training.workshops.sheets.xlsx import MAX_COLS

DAYS = [date(2025, 3, 10) + timedelta(days=i) for i in range(3)]

CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '{sheets}</sheets></workbook>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships">{rels}</Relationships>')
SHEET = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
         '2006/main"><dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>')


def _row(number: int, *values: str, start: int = 0) -> str:
    cells = ''.join(f'<c r="{_col(start + i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
                    for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


def _col(index: int) -> str:
    n, text = index + 1, ''
    while n:
        n, rem = divmod(n - 1, 26)
        text = chr(65 + rem) + text
    return text


def crafted_xlsx(rows: str, *, dimension: str = 'A1:C3', shared: bytes | None = None, sheets=None) -> bytes:
    """A minimal workbook written by hand: what a hostile or broken file can declare, openpyxl would not write."""
    sheets = sheets or [('Sheet1', 'visible', rows)]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('[Content_Types].xml', CONTENT_TYPES)
        z.writestr('xl/workbook.xml', WORKBOOK.format(sheets=''.join(
            f'<sheet name="{name}" sheetId="{i + 1}" state="{state}" r:id="rId{i + 1}"/>'
            for i, (name, state, _r) in enumerate(sheets))))
        z.writestr('xl/_rels/workbook.xml.rels', RELS.format(rels=''.join(
            f'<Relationship Id="rId{i + 1}" Type="worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
            for i in range(len(sheets)))))
        for i, (_name, _state, content) in enumerate(sheets):
            z.writestr(f'xl/worksheets/sheet{i + 1}.xml', SHEET.format(dimension=dimension, rows=content))
        if shared is not None:
            with z.open('xl/sharedStrings.xml', 'w') as handle:
                handle.write(shared)
    return buf.getvalue()


GOOD_ROWS = _row(1, 'Full name', 'Sex', 'Country') + _row(2, 'Amina Diallo', 'F', 'SN') + _row(3, 'Peter Otieno',
                                                                                                    'M', 'KE')


# -- bounds -------------------------------------------------------------------------------------------------------

def test_a_sheet_declaring_the_whole_grid_reads_only_its_cells():
    """Issue 11: a 1.5 KB file declaring A1:XFD1048576 cost openpyxl 45 s and 2.6 GB."""
    data = crafted_xlsx(GOOD_ROWS, dimension='A1:XFD1048576')
    assert len(data) < 2000
    sheet = parse_sheet('bomb.xlsx', data)
    assert sheet.ok and [r.full_name for r in sheet.rows] == ['Amina Diallo', 'Peter Otieno']


def test_a_cell_in_the_last_row_and_column_is_refused_without_reading_a_million_rows():
    rows = GOOD_ROWS + '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    sheet = parse_sheet('bomb.xlsx', crafted_xlsx(rows, dimension='A1:XFD1048576'))
    assert sheet.rows == [] and 'rows below row' in sheet.problems[0].text()


def test_columns_beyond_the_limit_are_not_kept():
    far = ''.join(f'<c r="{_col(i)}2" t="inlineStr"><is><t>x</t></is></c>' for i in range(3, 16_384, 97))
    rows = _row(1, 'Full name', 'Sex', 'Country') + f'<row r="2">{far}</row>' + _row(3, 'Peter Otieno', 'M', 'KE')
    sheet = parse_sheet('wide.xlsx', crafted_xlsx(rows))
    assert max(c.index for c in sheet.columns) < MAX_COLS
    assert [r.full_name for r in sheet.rows] == ['Peter Otieno']


def test_a_shared_strings_bomb_is_refused_after_a_bounded_read():
    """Issue 11: a 1.1 MB shared-strings bomb cost 9-22 s. Here 20 MB of strings compress to about 60 KB."""
    body = b'<si><t>' + b'A' * 1000 + b'</t></si>'
    shared = (b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              + body * 20_000 + b'</sst>')
    data = crafted_xlsx(GOOD_ROWS, shared=shared)
    assert len(data) < 1_000_000
    sheet = parse_sheet('strings.xlsx', data)
    assert sheet.rows == [] and 'not a readable XLSX workbook' in sheet.problems[0].text()


def test_entity_declarations_are_refused():
    shared = (b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
              b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&b;</t></si></sst>')
    sheet = parse_sheet('laughs.xlsx', crafted_xlsx(GOOD_ROWS, shared=shared))
    assert sheet.problems and sheet.rows == []


@pytest.mark.parametrize('data', [b'PK\x03\x04garbage', b'PK\x03\x04' + b'\x00' * 100,
                                  crafted_xlsx('<row r="1"><c r="A1"><v>1</v></c>')])
def test_broken_workbooks_are_refused_with_a_message(data):
    sheet = parse_sheet('broken.xlsx', data)
    assert sheet.problems and sheet.rows == []


def test_a_formula_cell_gives_its_cached_value():
    rows = GOOD_ROWS + '<row r="4"><c r="A4" t="str"><f>CONCAT("Grace"," Mwangi")</f><v>Grace Mwangi</v></c>' \
                       '<c r="B4" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'
    sheet = parse_sheet('formula.xlsx', crafted_xlsx(rows))
    assert [r.full_name for r in sheet.rows][-1] == 'Grace Mwangi'


def test_first_visible_sheet_unless_another_is_chosen():
    other = _row(1, 'Name', 'Country') + _row(2, 'Other Person', 'KE')
    data = crafted_xlsx('', sheets=[('Notes', 'hidden', _row(1, 'Name', 'x') + _row(2, 'Hidden Person', 'y')),
                                    ('Day sheet', 'visible', GOOD_ROWS), ('Second', 'visible', other)])
    sheet = parse_sheet('book.xlsx', data)
    assert sheet.sheet == 'Day sheet' and sheet.sheets == ['Day sheet', 'Second']
    assert [r.full_name for r in parse_sheet('book.xlsx', data, sheet='Second').rows] == ['Other Person']


def test_an_old_xls_file_is_refused_with_advice():
    sheet = parse_sheet('old.xls', b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1' + b'\x00' * 500)
    assert 'Excel 97-2003' in sheet.problems[0].text()


# -- encodings and separators ----------------------------------------------------------------------------------------

TEXT = 'Nom complet;Sexe;Pays\r\nHélène Dupont;F;France\r\nKoffi Yao;H;CI\r\n'


@pytest.mark.parametrize('encoding', ['utf-8-sig', 'utf-8', 'utf-16', 'utf-16-le', 'utf-16-be', 'cp1252'])
def test_every_encoding_excel_writes(encoding):
    data = TEXT.encode(encoding)
    if encoding in ('utf-16-le', 'utf-16-be'):
        data = (b'\xff\xfe' if encoding.endswith('le') else b'\xfe\xff') + data
    sheet = parse_sheet('s.csv', data)
    assert sheet.ok and [(r.full_name, r.sex, r.country) for r in sheet.rows] == [
        ('Hélène Dupont', 'female', 'FR'), ('Koffi Yao', 'male', 'CI')]


def test_utf16_without_bom():
    sheet = parse_sheet('s.txt', TEXT.replace(';', '\t').encode('utf-16-le'))
    assert sheet.ok and sheet.rows[0].full_name == 'Hélène Dupont'


@pytest.mark.parametrize('sep', [',', ';', '\t'])
def test_separators_even_when_names_hold_commas(sep):
    text = f'Name{sep}Country\n"Diallo, Amina"{sep}SN\nPeter Otieno{sep}KE\n'
    sheet = parse_sheet('s.csv', text.encode())
    assert [r.full_name for r in sheet.rows] == ['Diallo, Amina', 'Peter Otieno']


def test_an_unclosed_quote_does_not_fold_two_people_into_one():
    text = 'Full name,Sex,Country\n"Lina Haddad,F,LB\nOmar Khalil,M,LB\n'
    sheet = parse_sheet('s.csv', text.encode())
    assert [(r.full_name, r.country) for r in sheet.rows] == [('Lina Haddad', 'LB'), ('Omar Khalil', 'LB')]
    assert sheet.warnings and sheet.warnings[0].row == 2


def test_a_quoted_line_break_inside_a_cell_is_kept():
    text = 'Full name,Organisation,Country\nLina Haddad,"Ministry of\nSocial Affairs",LB\nOmar Khalil,,LB\n'
    sheet = parse_sheet('s.csv', text.encode())
    assert [r.organisation for r in sheet.rows] == ['Ministry of Social Affairs', None] and not sheet.warnings


def test_a_header_only_sheet_offers_nothing():
    sheet = parse_sheet('s.csv', b'Full name,Sex,Country\r\n,,\r\n')
    assert not sheet.ok and 'no persons under it' in sheet.problems[0].text()


# -- header row, columns, days ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(('header', 'field'), [
    ('Sexe (F/M)', 'sex'), ('E-mail *', 'email'), ('Institution / Organisation', 'organisation'),
    ("Type d'organisation", 'organisation_type'), ('NOM ET PRÉNOMS', 'full_name'), ('Nombre completo', 'full_name'),
    ('Correo electrónico', 'email'), ('Género', 'sex'), ('Organização', 'organisation'), ('País', 'country'),
    ('Nome completo', 'full_name'), ('Nacionalidade', 'country'), ('Adresse e-mail', 'email'),
    ('Name of organisation', 'organisation'), ('Surname', 'family_name'), ('Prénom(s)', 'given_name'),
    ('البريد الإلكتروني', 'email'), ('الجنس', 'sex'), ('N°', 'number'), ('Signature', 'signature'),
    ('Téléphone', None), ('Fonction', None)])
def test_headers_by_meaning(header, field):
    assert field_for(header)[0] == field


def test_header_found_below_titles_and_notes_below_the_table_ignored():
    text = ('Workshop on atrocity prevention - attendance list,,\n'
            'Nairobi, 10-12 March 2025,,\n'
            ',,\n'
            'Full name,Sex,Country\n'
            'Grace Mwangi,F,KE\n'
            ',,\n'
            'Facilitators: John Smith and Mary Jones,,\n'
            'Total: 1,,\n')
    sheet = parse_sheet('s.csv', text.encode())
    assert sheet.header_row == 4 and [r.row for r in sheet.rows] == [5] and sheet.notes == [7, 8]


def test_numbered_blank_rows_are_skipped_and_counted_never_rejected():
    text = 'No,Full name,Sex,Signature\n1,Grace Mwangi,F,GM\n2,,,\n3,,,\n4.,,,x\n'
    sheet = parse_sheet('s.csv', text.encode())
    assert sheet.ok and sheet.skipped == [3, 4, 5] and sheet.total == 1


def test_day_marks_in_every_language_and_a_mark_that_is_not_one():
    text = ('Name,Day 1,Jour 2,Día 3\nA,X,oui,sí\nB,✓,P,1\nC,yes,,\nD,,absent,0\nE,maybe,,\n')
    sheet = parse_sheet('s.csv', text.encode(), session_days=DAYS)
    assert {r.full_name: r.days for r in sheet.rows} == {
        'A': tuple(DAYS), 'B': tuple(DAYS), 'C': (DAYS[0],), 'D': ()}
    assert [e.row for e in sheet.rejected] == [6] and 'is not a presence mark' in sheet.rejected[0].text()


def test_a_day_column_outside_the_session_rejects_only_rows_marked_in_it():
    text = 'Name,Day 1,Day 4\nA,X,\nB,X,X\n'
    sheet = parse_sheet('s.csv', text.encode(), session_days=DAYS)
    assert [r.full_name for r in sheet.rows] == ['A']
    assert "is not one of the session's days" in sheet.rejected[0].text()


def test_spanish_sex_letters_h_and_m():
    sheet = parse_sheet('s.csv', b'Nombre,Sexo (H/M)\nAna,M\nLuis,H\n')
    assert [r.sex for r in sheet.rows] == ['female', 'male']


def test_the_trainer_can_remap_or_ignore_a_column():
    text = 'Participant,Phone,Where from\nGrace Mwangi,0700,Kenya\n'
    auto = parse_sheet('s.csv', text.encode())
    assert auto.ignored_columns == ['Phone', 'Where from'] and auto.rows[0].country is None
    chosen = parse_sheet('s.csv', text.encode(), mapping={2: 'country', 1: IGNORE})
    assert chosen.rows[0].country == 'KE' and chosen.ignored_columns == ['Phone']
    assert [c.auto for c in chosen.columns] == [True, False, False]
    as_day = parse_sheet('s.csv', b'Name,Present?\nA,X\n', mapping={1: 'day:2'}, session_days=DAYS)
    assert as_day.rows[0].days == (DAYS[1],)


def test_surname_and_given_names_in_two_columns():
    sheet = parse_sheet('s.csv', 'Nom,Prénom,Pays\nDIALLO,Amina,SN\n'.encode())
    assert sheet.rows[0].full_name == 'Amina DIALLO'


def test_a_blank_sex_cell_is_not_a_stated_sex():
    sheet = parse_sheet('s.csv', b'Name,Sex\nA,\nB,F\n')
    assert ['sex' in r.given for r in sheet.rows] == [False, True]
