"""A bounded XLSX reader: the cells of one worksheet as text, within fixed time and memory whatever the file declares.

openpyxl pads every row to the sheet's declared dimension (a 1.5 KB file declaring ``A1:XFD1048576`` cost 45 s and
2.6 GB) and loads every shared string before the first cell. This reader opens the parts of the zip itself and stops
at fixed limits: bytes inflated per part (so a zip bomb inflates no further than the limit), shared strings kept,
rows and columns kept. Cells are never padded beyond the last one present; a row number beyond the limit refuses the
sheet. Formula cells give their cached value. The large parts (cells, shared strings) are read with patterns, which
is several times faster than building elements; no part may declare a DTD, so no entity is ever expanded.
"""
from __future__ import annotations

import html
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from xml.etree.ElementTree import ParseError, XMLPullParser

#: Limits (reading stops at each, deterministically)
MAX_PART_BYTES = 32 * 1024 * 1024  # inflated bytes read from a worksheet
MAX_STRINGS_BYTES = 16 * 1024 * 1024  # inflated bytes of the shared strings
MAX_SHARED_STRINGS = 200_000
MAX_STRING = 32_767  # Excel's own cell limit
MAX_COLS = 120
MAX_MERGES = 2_000
CHUNK = 64 * 1024

_NS = re.compile(r'^\{[^}]*\}')
_REF = re.compile(r'^([A-Z]{1,3})(\d+)$')
_DATE_FORMAT = re.compile(r'(?<![\\"])[dmyDMY]')
_BUILTIN_DATES = set(range(14, 23)) | {45, 46, 47} | set(range(27, 37)) | set(range(50, 59))


class XlsxError(ValueError):
    """The workbook cannot be read; the message is a msgid with a ``detail`` parameter."""


@dataclass
class Workbook:
    sheets: list[tuple[str, str, bool]]  # (name, part path, visible)
    date1904: bool = False


@dataclass
class Grid:
    """The cells kept: rows[i] is spreadsheet row i + 1 (lists are not padded past their last cell)."""
    rows: list[list[str]] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # (row0, col0, row1, col1), 0-based
    truncated: bool = False  # rows beyond the limit were present and not read


def _local(tag: str) -> str:
    return _NS.sub('', tag)


def _stream(book: zipfile.ZipFile, name: str, *, limit: int = MAX_PART_BYTES):
    """Yield parser events of one XML part, reading at most ``limit`` inflated bytes. Refuses DTDs (no entity
    tricks: a workbook never has one)."""
    try:
        handle = book.open(name)
    except KeyError as exc:
        raise XlsxError('part missing') from exc
    parser = XMLPullParser(events=('start', 'end'))
    read = 0
    tail = b''
    with handle:
        while True:
            chunk = handle.read(CHUNK)
            if not chunk:
                break
            read += len(chunk)
            if read > limit:
                raise XlsxError('part too large')
            if b'<!DOCTYPE' in tail + chunk[:16] or b'<!DOCTYPE' in chunk or b'<!ENTITY' in chunk:
                raise XlsxError('document type declaration')
            tail = chunk[-16:]
            try:
                parser.feed(chunk)
                events = list(parser.read_events())
            except ParseError as exc:
                raise XlsxError('malformed XML') from exc
            yield from events
    try:
        parser.close()
        events = list(parser.read_events())
    except ParseError as exc:
        raise XlsxError('malformed XML') from exc
    yield from events


def _attrs(elem) -> dict[str, str]:
    return {_local(k): v for k, v in elem.attrib.items()}


def open_book(data: bytes):
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise XlsxError('not a zip archive') from exc


def workbook(book: zipfile.ZipFile) -> Workbook:
    targets: dict[str, str] = {}
    for event, elem in _stream(book, 'xl/_rels/workbook.xml.rels', limit=1024 * 1024):
        if event == 'end' and _local(elem.tag) == 'Relationship':
            a = _attrs(elem)
            target = a.get('Target', '')
            path = target.lstrip('/') if target.startswith('/') else posixpath.normpath(posixpath.join('xl', target))
            targets[a.get('Id', '')] = path
    result = Workbook(sheets=[])
    for event, elem in _stream(book, 'xl/workbook.xml', limit=4 * 1024 * 1024):
        if event != 'end':
            continue
        tag = _local(elem.tag)
        if tag == 'workbookPr':
            result.date1904 = _attrs(elem).get('date1904', '').lower() in ('1', 'true')
        elif tag == 'sheet':
            a = _attrs(elem)
            path = targets.get(a.get('id', ''))
            if path:
                result.sheets.append((a.get('name', '')[:100], path, a.get('state', 'visible') == 'visible'))
    if not result.sheets:
        raise XlsxError('no worksheet')
    return result


_TAG = rb'(?:[\w.-]+:)?'
_SI = re.compile(rb'<' + _TAG + rb'si\b[^>]*?(?:/>|>(.*?)</' + _TAG + rb'si>)', re.S)
_T = re.compile(rb'<' + _TAG + rb't\b[^>]*?(?:/>|>(.*?)</' + _TAG + rb't>)', re.S)
_RPH = re.compile(rb'<' + _TAG + rb'rPh\b.*?</' + _TAG + rb'rPh>', re.S)


def _read_part(book: zipfile.ZipFile, name: str, limit: int) -> bytes:
    with book.open(name) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise XlsxError('part too large')
    if b'<!DOCTYPE' in data or b'<!ENTITY' in data:
        raise XlsxError('document type declaration')
    return data


def shared_strings(book: zipfile.ZipFile) -> list[str]:
    """The shared string table, read with patterns rather than a tree (a table of 150,000 strings reads in a
    fraction of a second; no entity is ever expanded). Bounded in bytes and in strings."""
    if 'xl/sharedStrings.xml' not in book.namelist():
        return []
    data = _read_part(book, 'xl/sharedStrings.xml', MAX_STRINGS_BYTES)
    strings: list[str] = []
    for item in _SI.finditer(data):
        body = _RPH.sub(b'', item.group(1) or b'')
        text = b''.join(t.group(1) or b'' for t in _T.finditer(body)).decode('utf-8', errors='replace')
        strings.append(html.unescape(text)[:MAX_STRING] if '&' in text else text[:MAX_STRING])
        if len(strings) >= MAX_SHARED_STRINGS:
            break
    return strings


def date_styles(book: zipfile.ZipFile) -> set[int]:
    """Indexes of the cell formats (``s`` attribute) that show a number as a date."""
    if 'xl/styles.xml' not in book.namelist():
        return set()
    custom: dict[int, bool] = {}
    result: set[int] = set()
    in_xfs = False
    index = 0
    for event, elem in _stream(book, 'xl/styles.xml', limit=8 * 1024 * 1024):
        tag = _local(elem.tag)
        if tag == 'cellXfs':
            in_xfs = event == 'start'
        elif event == 'end' and tag == 'numFmt':
            a = _attrs(elem)
            code = re.sub(r'\[[^\]]*\]|"[^"]*"', '', a.get('formatCode', ''))
            custom[int(a.get('numFmtId', '0') or 0)] = bool(_DATE_FORMAT.search(code))
        elif event == 'end' and tag == 'xf' and in_xfs:
            try:
                fmt = int(_attrs(elem).get('numFmtId', '0') or 0)
            except ValueError:
                fmt = 0
            if custom.get(fmt, fmt in _BUILTIN_DATES):
                result.add(index)
            index += 1
    return result


def _column(ref: str | None, fallback: int) -> tuple[int | None, int]:
    """0-based column and 1-based row of a cell reference ("B12" -> (1, 12)); None if unreadable."""
    match = _REF.match(ref or '')
    if not match:
        return None, fallback
    col = 0
    for ch in match.group(1):
        col = col * 26 + ord(ch) - 64
    return col - 1, int(match.group(2))


def _serial_date(number: float, date1904: bool) -> str:
    base = date(1904, 1, 1) if date1904 else date(1899, 12, 30)
    if not 0 < number < 2_958_466:  # 9999-12-31
        return _number(number)
    moment = datetime.combine(base, datetime.min.time()) + timedelta(days=number)
    return moment.date().isoformat() if moment.time() == datetime.min.time() else moment.isoformat(sep=' ')


def _number(number: float) -> str:
    if number != number or number in (float('inf'), float('-inf')):
        return ''
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


def _value(kind: str, raw: str | None, inline: str | None, style: int, ctx) -> str:
    strings, dates, date1904 = ctx
    if kind == 'inlineStr':
        return inline or ''
    if raw is None:
        return ''
    if kind == 's':
        try:
            return strings[int(raw)]
        except (ValueError, IndexError):
            return ''
    if kind == 'b':
        return 'TRUE' if raw.strip() in ('1', 'true') else 'FALSE'
    if kind in ('str', 'd'):
        return raw[:MAX_STRING]
    if kind == 'e':
        return ''
    try:
        number = float(raw)
    except ValueError:
        return raw[:MAX_STRING]
    return _serial_date(number, date1904) if style in dates else _number(number)


_ROW = re.compile(rb'<' + _TAG + rb'row\b([^>]*?)(?:/>|>(.*?)</' + _TAG + rb'row>)', re.S)
_CELL = re.compile(rb'<' + _TAG + rb'c\b([^>]*?)(?:/>|>(.*?)</' + _TAG + rb'c>)', re.S)
_V = re.compile(rb'<' + _TAG + rb'v\b[^>]*>(.*?)</' + _TAG + rb'v>', re.S)
_ATTR = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
_MERGE = re.compile(rb'<' + _TAG + rb'mergeCell\b[^>]*?\bref="([^"]+)"')
_SHEET_DATA_END = re.compile(rb'</' + _TAG + rb'sheetData>')


def _text(raw: bytes) -> str:
    text = raw.decode('utf-8', errors='replace')
    return html.unescape(text) if '&' in text else text


def _cell_attrs(raw: bytes) -> dict[bytes, bytes]:
    return {k.rsplit(b':', 1)[-1]: v for k, v in _ATTR.findall(raw)}


def _cells(body: bytes, row_number: int, ctx) -> dict[int, str]:
    cells: dict[int, str] = {}
    for cell in _CELL.finditer(body):
        a = _cell_attrs(cell.group(1))
        col, _row = _column(a.get(b'r', b'').decode('ascii', errors='replace'), row_number)
        if col is None:
            col = max(cells, default=-1) + 1
        if col >= MAX_COLS or not cell.group(2):
            continue
        inner = cell.group(2)
        kind = a.get(b't', b'n').decode('ascii', errors='replace')
        value = _V.search(inner)
        inline = ''.join(_text(t.group(1) or b'') for t in _T.finditer(_RPH.sub(b'', inner))) \
            if kind == 'inlineStr' else None
        try:
            style = int(a.get(b's', b'0') or 0)
        except ValueError:
            style = 0
        text = _value(kind, _text(value.group(1)) if value else None, inline, style, ctx)
        if text:
            cells[col] = text.strip()
    return cells


def read_grid(book: zipfile.ZipFile, part: str, ctx, *, max_rows: int) -> Grid:
    """Rows 1..max_rows of one worksheet part, columns A..MAX_COLS, and the merged ranges. ``ctx`` = (shared
    strings, date styles, date1904). Read with patterns over the bounded part: no tree, no padding."""
    data = _read_part(book, part, MAX_PART_BYTES)
    grid = Grid()
    row_number = 0
    end = 0
    for row in _ROW.finditer(data):
        end = row.end()
        number = _cell_attrs(row.group(1)).get(b'r', b'')
        row_number = int(number) if number.isdigit() else row_number + 1
        if row_number > max_rows:
            grid.truncated = True
            return grid
        cells = _cells(row.group(2) or b'', row_number, ctx)
        if cells:
            while len(grid.rows) < row_number - 1:
                grid.rows.append([])
            grid.rows.append([cells.get(i, '') for i in range(max(cells) + 1)])
    tail = _SHEET_DATA_END.search(data, end)
    for merge in _MERGE.finditer(data, tail.end() if tail else end):
        if len(grid.merges) >= MAX_MERGES:
            break
        ref = merge.group(1).decode('ascii', errors='replace')
        if ':' in ref:
            (c0, r0), (c1, r1) = (_column(p, 0) for p in ref.split(':', 1))
            if c0 is not None and c1 is not None and r0 <= max_rows:
                grid.merges.append((r0 - 1, c0, r1 - 1, c1))
    return grid
