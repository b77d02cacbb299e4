"""From the uploaded bytes to a table of text cells: CSV in any encoding Excel writes (UTF-8 with or without BOM,
UTF-16 "Unicode text", Windows-1252), any of the separators , ; and tab, any line ending; XLSX through the bounded
reader in ``xlsx``. Pure: no Flask, no database."""
from __future__ import annotations

import csv
import io
import zipfile
import zlib
from dataclasses import dataclass, field

from training.workshops.sheets import xlsx
from training.workshops.sheets.vocab import _l

#: The most data rows a sheet may have (plus the lines above the header)
MAX_ROWS = 20_000
HEADER_SCAN = 15
MAX_TABLE_ROWS = MAX_ROWS + HEADER_SCAN + 5
MAX_FIELD = 32_767


class ReadError(ValueError):
    """The file cannot be read at all: ``template`` is a msgid, ``params`` its values, ``row`` the line if known."""

    def __init__(self, template: str, params: dict | None = None, row: int = 0):
        super().__init__(template % (params or {}))
        self.template, self.params, self.row = template, params or {}, row


@dataclass
class Table:
    rows: list[list[str]]
    kind: str  # 'xlsx' or the text encoding ('utf-8', 'utf-8-sig', 'utf-16', 'cp1252')
    delimiter: str | None = None
    sheet: str | None = None  # XLSX: the worksheet read
    sheets: list[str] = field(default_factory=list)  # XLSX: the visible worksheets, to choose from
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    #: (row, msgid) notes about lines read in a fallback way (an unclosed quote)
    warnings: list[tuple[int, str]] = field(default_factory=list)


UNCLOSED_QUOTE = _l('A quotation mark on this line is never closed; the line was read as plain text.')


def is_xlsx(filename: str, data: bytes) -> bool:
    return data[:4] == b'PK\x03\x04' or filename.lower().endswith(('.xlsx', '.xlsm'))


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding found: BOMs first (UTF-8, UTF-16 LE/BE), then UTF-16 without BOM (every other byte
    NUL), then UTF-8, then Windows-1252."""
    if data.startswith(b'\xef\xbb\xbf'):
        return data[3:].decode('utf-8', errors='replace'), 'utf-8-sig'
    if data.startswith((b'\xff\xfe', b'\xfe\xff')):
        return data.decode('utf-16', errors='replace'), 'utf-16'
    head = data[:4096]
    if len(head) >= 4 and head.count(0) * 3 >= len(head):
        odd_nuls = head[1::2].count(0)
        codec = 'utf-16-le' if odd_nuls >= head[0::2].count(0) else 'utf-16-be'
        return data.decode(codec, errors='replace'), 'utf-16'
    try:
        return data.decode('utf-8'), 'utf-8'
    except UnicodeDecodeError:
        return data.decode('cp1252', errors='replace'), 'cp1252'


def delimiter(text: str) -> str:
    """The separator used most on the first lines, outside quotes (consistently across lines wins)."""
    lines = [line for line in text.split('\n', 40)[:40] if line.strip()][:30]
    best, best_score = ',', 0
    for candidate in (';', '\t', ','):
        counts = []
        for line in lines:
            quoted, n = False, 0
            for ch in line:
                if ch == '"':
                    quoted = not quoted
                elif ch == candidate and not quoted:
                    n += 1
            counts.append(n)
        nonzero = [c for c in counts if c]
        score = (100_000 if counts and counts[0] else 0) + len(nonzero) * 1000 + max(counts, default=0)
        if nonzero and score > best_score:
            best, best_score = candidate, score
    return best


def _line_fields(line: str, sep: str) -> list[str]:
    """One physical line with its quotes taken literally when they do not pair up."""
    cells = next(csv.reader([line], delimiter=sep, quoting=csv.QUOTE_NONE), [])
    return [c.strip().strip('"').strip() for c in cells]


def read_csv(data: bytes) -> Table:
    text, encoding = decode(data)
    text = text.replace('\r\n', '\n').replace('\r', '\n').replace('\x00', '')
    sep = delimiter(text)
    rows: list[list[str]] = []
    warnings: list[tuple[int, str]] = []
    reader = csv.reader(io.StringIO(text, newline=''), delimiter=sep, strict=True)
    lines = text.split('\n')
    line_no = 0  # physical lines consumed so far
    while len(rows) < MAX_TABLE_ROWS:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error:
            # An unclosed quote ran on (to the end of the file, or into a stray quote): read the rest line by line
            # so two persons are never folded into one cell
            warnings.append((len(rows) + 1, UNCLOSED_QUOTE))
            for line in lines[line_no:]:
                if len(rows) >= MAX_TABLE_ROWS:
                    break
                rows.append(_line_fields(line, sep))
            break
        consumed = reader.line_num - line_no
        if consumed > 1 and any('\n' in v and sep in v for v in values):
            # A quoted cell swallowed whole lines holding separators: that is a stray quote, not a line break
            warnings.append((len(rows) + 1, UNCLOSED_QUOTE))
            for line in lines[line_no:reader.line_num]:
                rows.append(_line_fields(line, sep))
        else:
            rows.append([v.strip()[:MAX_FIELD] for v in values])
        line_no = reader.line_num
    while rows and not any(rows[-1]):
        rows.pop()
    return Table(rows=rows, kind=encoding, delimiter=sep, warnings=warnings)


def read_xlsx(data: bytes, sheet: str | None = None) -> Table:
    try:
        book = xlsx.open_book(data)
        with book:
            info = xlsx.workbook(book)
            visible = [s for s in info.sheets if s[2]] or info.sheets
            chosen = next((s for s in info.sheets if s[0] == sheet), visible[0])
            ctx = (xlsx.shared_strings(book), xlsx.date_styles(book), info.date1904)
            grid = xlsx.read_grid(book, chosen[1], ctx, max_rows=MAX_TABLE_ROWS)
    except xlsx.XlsxError as exc:
        raise ReadError(_l('The file is not a readable XLSX workbook (%(detail)s).'), {'detail': str(exc)}) from exc
    except (zipfile_errors()) as exc:
        raise ReadError(_l('The file is not a readable XLSX workbook (%(detail)s).'),
                        {'detail': type(exc).__name__}) from exc
    if grid.truncated:
        raise ReadError(_l('The sheet has rows below row %(max)d; keep one table of at most %(rows)d persons per '
                           'sheet and delete the rows below it.'), {'max': MAX_TABLE_ROWS, 'rows': MAX_ROWS})
    return Table(rows=grid.rows, kind='xlsx', sheet=chosen[0], sheets=[s[0] for s in visible], merges=grid.merges)


def zipfile_errors() -> tuple[type[BaseException], ...]:
    return (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, NotImplementedError, KeyError)


def read_table(filename: str, data: bytes, *, sheet: str | None = None) -> Table:
    if not data:
        raise ReadError(_l('The file is empty.'))
    if data[:8] == b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1':
        raise ReadError(_l('This is an old Excel 97-2003 (.xls) file; save it as .xlsx or as CSV and upload again.'))
    if is_xlsx(filename, data):
        return read_xlsx(data, sheet)
    return read_csv(data)
