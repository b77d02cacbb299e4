"""CSV and XLSX exports people can open: BOM, the separator of the user's language or the one chosen, fitted
column widths, a frozen header, numbers as numbers."""
from __future__ import annotations

import io

from openpyxl import load_workbook

from training import exports

HEADERS = ['Country', 'Persons trained']
ROWS = [('Côte d\'Ivoire, Abidjan', 12), ('Kenya', 7)]


def test_separator_by_language_or_choice():
    assert exports.csv_separator(None, 'fr') == ';' and exports.csv_separator(None, 'es') == ';'
    assert exports.csv_separator(None, 'en') == ',' and exports.csv_separator('tab', 'fr') == '\t'


def test_send_csv_in_french_uses_semicolons_and_a_bom(app):
    with app.test_request_context('/?sep=semicolon'):
        body = exports.send_csv('t.csv', HEADERS, ROWS).get_data()
    assert body.startswith(b'\xef\xbb\xbf')
    assert body.decode('utf-8-sig').splitlines()[1] == "Côte d'Ivoire, Abidjan;12"


def test_xlsx_fitted_widths_frozen_header_numbers_as_numbers():
    book = load_workbook(io.BytesIO(exports.xlsx_bytes([('Sheet', HEADERS, ROWS)])))
    ws = book.active
    assert ws.freeze_panes == 'A2' and ws['B2'].value == 12
    assert ws.column_dimensions['A'].width >= len(ROWS[0][0])
