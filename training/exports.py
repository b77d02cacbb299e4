"""Tables -> CSV and XLSX responses. Data and response stay apart: callers pass (headers, rows)."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

from flask import Response, request
from flask_babel import get_locale

#: Cells starting with these are formulas to a spreadsheet: written with a leading apostrophe (CSV injection)
_FORMULA_START = ('=', '+', '-', '@', '\t', '\r')

XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'


def _safe(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


#: Languages whose spreadsheet programs expect ";" between CSV fields (the comma is their decimal separator)
SEMICOLON_LANGUAGES = ('fr', 'es', 'pt', 'de', 'it', 'nl', 'ru')
SEPARATORS = {'comma': ',', 'semicolon': ';', 'tab': '\t'}


def csv_separator(choice: str | None = None, language: str | None = None) -> str:
    """The separator chosen (``comma``, ``semicolon``, ``tab``), else the one of the user's language."""
    if choice in SEPARATORS:
        return SEPARATORS[choice]
    return ';' if (language or '').split('_')[0] in SEMICOLON_LANGUAGES else ','


def csv_bytes(headers: list[str], rows: list[tuple], *, delimiter: str = ',') -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator='\r\n')
    writer.writerow([_safe(h) for h in headers])
    for row in rows:
        writer.writerow(['' if v is None else _safe(v.isoformat() if isinstance(v, date | datetime) else v)
                         for v in row])
    return b'\xef\xbb\xbf' + out.getvalue().encode('utf-8')  # BOM: spreadsheet programs then read UTF-8


def xlsx_bytes(sheets: list[tuple[str, list[str], list[tuple]]]) -> bytes:
    """sheets: (title, headers, rows). Dates are real dates; numbers stay numbers."""
    from openpyxl import Workbook  # first use: openpyxl is 8 MB a worker would hold though few export (issue 18)
    from openpyxl.styles import Font

    book = Workbook(write_only=False)
    book.remove(book.active)
    used = set()
    for title, headers, rows in sheets:
        name = ''.join(ch for ch in str(title) if ch not in '[]:*?/\\')[:31] or 'Sheet'
        base, n = name, 2
        while name.lower() in used:
            name = f'{base[:28]} {n}'
            n += 1
        used.add(name.lower())
        ws = book.create_sheet(name)
        ws.append([_safe(h) for h in headers])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([_safe(v) for v in row])
        _fit_widths(ws, headers, rows)
        ws.freeze_panes = 'A2'
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _fit_widths(ws, headers: list[str], rows: list[tuple]) -> None:
    """Each column as wide as its longest value (header included, first 1,000 rows), between 8 and 60."""
    from openpyxl.utils import get_column_letter  # first use (see xlsx_bytes)

    widths = [len(str(h)) for h in headers]
    for row in rows[:1000]:
        for i, value in enumerate(row[:len(widths)]):
            text = value.isoformat() if isinstance(value, date | datetime) else ('' if value is None else str(value))
            widths[i] = max(widths[i], len(text))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(8, min(60, width + 2))


def _disposition(filename: str) -> dict:
    return {'Content-Disposition': f'attachment; filename="{filename}"'}


def send_csv(filename: str, headers: list[str], rows: list[tuple], *, separator: str | None = None) -> Response:
    """CSV with a byte-order mark, separated by ``separator`` (``comma``, ``semicolon``, ``tab``), else by the
    request's ``?sep=`` choice, else by the user's language (";" for French or Spanish, "," for English)."""
    choice = separator or (request.args.get('sep') if request else None)
    delimiter = csv_separator(choice, str(get_locale() or ''))
    return Response(csv_bytes(headers, rows, delimiter=delimiter), mimetype='text/csv',
                    headers=_disposition(filename))


def send_xlsx(filename: str, sheets: list[tuple[str, list[str], list[tuple]]]) -> Response:
    return Response(xlsx_bytes(sheets), mimetype=XLSX_MIME, headers=_disposition(filename))
