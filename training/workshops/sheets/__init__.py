"""Reading sign-in sheets (CSV or XLSX) into checked persons. Pure: no Flask, no database.

- ``reading``: bytes -> table of text (encodings, separators, a bounded XLSX reader in ``xlsx``).
- ``headers``: the header row among the first 15 rows, each column's meaning, day columns.
- ``rows``: one row -> a person, a blank (numbered) line, or a note under the table; day marks.
- ``duplicates``: the same person twice in the sheet is one person.

Row numbers are those the spreadsheet shows. Messages are English msgids marked for extraction; the caller translates
them (``RowError.text(gettext)``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from training.workshops.sheets import headers as _headers
from training.workshops.sheets.duplicates import SheetMerge, fold_duplicates
from training.workshops.sheets.headers import DAY, IGNORE, Column, field_for, hint
from training.workshops.sheets.reading import MAX_ROWS, ReadError, Table, is_xlsx, read_table
from training.workshops.sheets.rows import BLANK, NOTE, RowError, SheetRow, check_row, kind_of
from training.workshops.sheets.vocab import FIELDS, STORED_FIELDS, _l, country_lookup, parse_country, words

__all__ = ['DAY', 'FIELDS', 'IGNORE', 'MAX_ROWS', 'SAME_PERSON_AS_ROW', 'SESSION_CANCELLED', 'STORED_FIELDS', 'Column',
           'ParsedSheet', 'RowError', 'SheetMerge', 'SheetRow', 'country_lookup', 'is_xlsx', 'parse_country',
           'parse_sheet', 'read_table']

#: Messages used by the import planner (training.workshops.services)
SESSION_CANCELLED = _l('This session was cancelled; its roster is closed.')
SAME_PERSON_AS_ROW = _l('the same person as row %(other)d.')
NO_HEADER = _l('No header row was found in the first 15 rows: the table needs a row of column titles such as '
               '"Full name", "Sex", "Country".')
NO_NAME = _l('No name column: the header row needs a column such as "Full name" or "Nom complet".')
NO_PERSONS = _l('The sheet has a header row but no persons under it.')


@dataclass
class ParsedSheet:
    rows: list[SheetRow] = field(default_factory=list)
    rejected: list[RowError] = field(default_factory=list)
    #: Problems with the file itself (no header, unreadable): nothing can be imported
    problems: list[RowError] = field(default_factory=list)
    #: Notes about the reading that block nothing (an unclosed quote read as plain text)
    warnings: list[RowError] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    header_row: int = 0  # 1-based; 0 when not found
    header_rows: int = 1  # 2 when a second header line (days) sits under the first
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    encoding: str = 'utf-8'
    delimiter: str | None = None
    skipped: list[int] = field(default_factory=list)  # rows blank but for a number or a signature
    notes: list[int] = field(default_factory=list)  # lines of text under the table
    merged: list[SheetMerge] = field(default_factory=list)  # rows folded into an earlier row of the same person
    #: The cells of every row under the header, by row number (to give rejected rows back as a sheet)
    raw: dict[int, list[str]] = field(default_factory=dict)

    @property
    def mapped(self) -> dict[str, str]:
        """field -> header as written, for the columns that feed a field."""
        return {c.field: c.header for c in self.columns if c.field and c.field != DAY}

    @property
    def ignored_columns(self) -> list[str]:
        return [c.header for c in self.columns if not c.field and not c.continuation and c.header.strip()]

    @property
    def day_columns(self) -> list[Column]:
        return [c for c in self.columns if c.field == DAY]

    @property
    def rejected_rows(self) -> list[int]:
        return sorted({e.row for e in self.rejected})

    @property
    def total(self) -> int:
        """Rows that hold a person (valid, folded into another row, or rejected)."""
        return sum(len(r.rows) for r in self.rows) + len(self.rejected_rows)

    @property
    def header_cells(self) -> list[str]:
        width = max((c.index for c in self.columns), default=-1) + 1
        by_index = {c.index: c.header for c in self.columns}
        return [by_index.get(i, '') for i in range(width)]

    @property
    def ok(self) -> bool:
        return not self.problems and not self.rejected

    def first_values(self, rows: int = 5, width: int = 40) -> list[str]:
        """For each column, the first value written under its header (among the first rows), to show what it
        holds."""
        out = [''] * len(self.columns)
        for number in sorted(self.raw)[:rows]:
            for i, value in enumerate(self.raw[number][:len(out)]):
                if not out[i] and value.strip():
                    out[i] = value.strip()[:width]
        return out


def _sex_letters(header: str) -> dict[str, str] | None:
    """"Sexo (H/M)": H is hombre, M is mujer (M is male when the hint is F/M or M/F)."""
    letters = set(words(hint(header)).split())
    if letters == {'h', 'm'}:
        return {'h': 'male', 'm': 'female'}
    return None


def _columns(table: Table, index: int, session_days, mapping: dict[int, str] | None) -> tuple[list[Column], int]:
    cells, continuation = _headers.merged_header(table.rows, index, table.merges)
    below = _headers.sub_header(table.rows, index, cells, session_days)
    columns: list[Column] = []
    seen: set[str] = set()
    width = max(len(cells), len(below or ()))
    for i in range(width):
        top = cells[i].strip() if i < len(cells) else ''
        sub = below[i].strip() if below and i < len(below) else ''
        text = f'{top} {sub}'.strip() if sub and sub != top else top
        column = Column(index=i, header=text, field=IGNORE,
                        continuation=i < len(continuation) and continuation[i] and not sub)
        day = _headers.day_of(sub, session_days, under_day_group=True) if sub else None
        day = day or (_headers.day_of(top, session_days) if top else None)
        name, _strong = field_for(top) if top and not sub else (None, False)
        if day is not None and name not in ('days_attended',):
            column.field, (column.day, column.signature) = DAY, day
        elif name and name not in seen:
            column.field = name
        if mapping and i in mapping:
            _override(column, mapping[i], session_days)
        if column.field == DAY and isinstance(column.day, int) and column.day < 0:
            column.day, column.day_error = None, _headers.DAY_OUTSIDE
        if column.field and column.field != DAY:
            if column.field in seen:
                column.field = IGNORE
            seen.add(column.field)
        columns.append(column)
    fields = {c.field for c in columns}
    if 'full_name' in fields and ('given_name' in fields) != ('family_name' in fields):
        # "Nom" beside "Prénom" is the surname; "Nombre" beside "Apellidos" the given names
        name = next(c for c in columns if c.field == 'full_name')
        if name.auto:
            name.field = 'family_name' if 'given_name' in fields else 'given_name'
    return columns, 2 if below else 1


def _override(column: Column, choice: str, session_days) -> None:
    column.auto = False
    column.day = None
    if choice.startswith('day:'):
        value = choice[4:]
        column.field = DAY
        if value.isdigit():
            n = int(value)
            column.day = session_days[n - 1] if session_days and 1 <= n <= len(session_days) else (
                n if not session_days else -n)
        else:
            try:
                column.day = date.fromisoformat(value)
            except ValueError:
                column.field = IGNORE
            if session_days is not None and column.day not in session_days:
                column.day = -1
    elif choice in FIELDS or choice == IGNORE:
        column.field = choice
        column.signature = False


def parse_sheet(filename: str, data: bytes, *, max_days: int | None = None, session_days: list[date] | None = None,
                mapping: dict[int, str] | None = None, sheet: str | None = None) -> ParsedSheet:
    """Read and check a sign-in sheet. ``session_days``: the session's days, to read day columns; ``mapping``:
    column index -> field key, ``IGNORE``, or ``day:N`` / ``day:YYYY-MM-DD``, as the trainer chose in the preview;
    ``sheet``: the XLSX worksheet to read (default: the first visible one)."""
    result = ParsedSheet()
    if session_days is not None:
        session_days = sorted(session_days)
        max_days = len(session_days) if max_days is None else max_days
    try:
        table = read_table(filename, data, sheet=sheet)
    except ReadError as exc:
        result.problems.append(RowError(exc.row, None, exc.template, exc.params))
        return result
    result.encoding, result.delimiter, result.sheet, result.sheets = (
        table.kind, table.delimiter, table.sheet, table.sheets)
    result.warnings = [RowError(row, None, message) for row, message in table.warnings]
    index = _headers.find_header(table.rows, session_days)
    if index is None:
        result.problems.append(RowError(0, None, NO_HEADER))
        return result
    result.header_row = index + 1
    result.columns, result.header_rows = _columns(table, index, session_days, mapping)
    fields = {c.field for c in result.columns}
    if not fields & {'full_name', 'given_name', 'family_name'}:
        result.problems.append(RowError(index + 1, None, NO_NAME))
        return result
    first = index + result.header_rows
    if len(table.rows) - first > MAX_ROWS:
        result.problems.append(RowError(0, None, _l('The sheet has more than %(max)d rows; split it.'),
                                        {'max': MAX_ROWS}))
        return result
    _read_rows(result, table.rows, first, max_days)
    if not result.rows and not result.rejected:
        result.problems.append(RowError(index + 1, None, NO_PERSONS))
    return result


def _read_rows(result: ParsedSheet, rows: list[list[str]], first: int, max_days: int | None) -> None:
    fields = [c for c in result.columns if c.field and c.field != DAY]
    days = result.day_columns
    letters = next((_sex_letters(c.header) for c in fields if c.field == 'sex'), None)
    valid: list[SheetRow] = []
    for offset, values in enumerate(rows[first:]):
        number = first + offset + 1
        kind = kind_of(values, result.columns)
        if kind == BLANK:
            if any(v.strip() for v in values):
                result.skipped.append(number)
            continue
        if kind == NOTE:
            result.notes.append(number)
            continue
        result.raw[number] = values
        cells = {c.field: (values[c.index] if c.index < len(values) else '') for c in fields}
        marks = [(c, values[c.index]) for c in days if c.index < len(values) and values[c.index].strip()]
        row, errors = check_row(number, cells, max_days=max_days, marks=marks, sex_letters=letters)
        if errors:
            result.rejected.extend(errors)
        else:
            valid.append(row)
    result.rows, result.merged = fold_duplicates(valid)
