"""Finding the header row and giving each column a meaning. Pure: no Flask, no database.

The header is the row, among the first 15, whose cells read most like field names (titles, a place and a date, blank
lines may sit above it). A second header row below it (day numbers or dates under a merged "Attendance" cell) is
folded in. Each header is matched by its words: case, accents, punctuation and bracketed hints ("Sexe (F/M)",
"E-mail *") ignored, "Institution / Organisation" read part by part, and the longest known phrase found wins.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from training.workshops.sheets.vocab import (
    DAY_DECOR,
    DAY_WORDS,
    FIELDS,
    MONTH_BY_WORD,
    ORDINALS,
    SIGNATURE_DAY_WORDS,
    WEEKDAYS,
    _l,
    in_every_language,
    words,
)

HEADER_SCAN = 15
MAX_HEADER_WORDS = 8

#: Column kinds besides a field name
DAY = 'day'
IGNORE = ''

DAY_OUTSIDE = _l('%(header)s is not one of the session\'s days.')


@dataclass
class Column:
    index: int  # 0-based position in the sheet
    header: str  # as written (both header rows joined when there are two)
    field: str  # a key of FIELDS, DAY, or IGNORE (not used)
    auto: bool = True  # False when the trainer chose the mapping
    day: date | int | None = None  # DAY: the date, or the day number when the session's dates are unknown
    day_error: str | None = None  # DAY: the column's day is not one of the session's days (msgid)
    signature: bool = False  # DAY: a signature per day: any writing means present
    continuation: bool = False  # covered by the merged header cell of the column to its left

    @property
    def letter(self) -> str:
        return column_letter(self.index)


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 -> A, 26 -> AA."""
    n, text = index + 1, ''
    while n:
        n, rem = divmod(n - 1, 26)
        text = chr(65 + rem) + text
    return text


# -- phrases ------------------------------------------------------------------------------------------------------

def _phrases() -> list[tuple[tuple[str, ...], str]]:
    found = {}
    for name, (label, aliases) in FIELDS.items():
        for alias in (*aliases, *in_every_language(label)):  # the site's own headings, in every language
            key = tuple(words(alias).split())
            if key:
                found.setdefault(key, name)
    return sorted(found.items(), key=lambda item: -len(item[0]))


_PHRASES = _phrases()
_BRACKETS = re.compile(r'\([^)]*\)|\[[^\]]*\]|\{[^}]*\}')


def hint(header: str) -> str:
    """The text in brackets: "Sexe (F/M)" -> "F/M"."""
    found = re.findall(r'\(([^)]*)\)|\[([^\]]*)\]', header)
    return ' '.join(a or b for a, b in found)


def _contains(tokens: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tokens[i:i + n] == phrase for i in range(len(tokens) - n + 1))


def field_for(header: str) -> tuple[str | None, bool]:
    """(field, strong) for a header text: strong when a part of the header is exactly a known phrase, weak when a
    known phrase only occurs in it. None when nothing is recognised."""
    stripped = _BRACKETS.sub(' ', header).replace('*', ' ')
    if not words(stripped):
        stripped = header  # "(F/M)" alone is the hint and the header
    parts = [stripped, *re.split(r'\s*[/|\\]\s*|\s+(?:or|ou|o|y|and|et|e)\s+|\n', stripped)]
    whole = [tuple(words(p).split()) for p in parts if words(p)]
    for tokens in whole:
        for phrase, name in _PHRASES:
            if tokens == phrase:
                return name, True
    tokens = whole[0] if whole else ()
    if not tokens or len(tokens) > MAX_HEADER_WORDS:
        return None, False
    for phrase, name in _PHRASES:
        if _contains(tokens, phrase):
            return name, False
    return None, False


# -- days ---------------------------------------------------------------------------------------------------------

_DATE_ISO = re.compile(r'^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$')
_DATE_NUM = re.compile(r'(?<!\d)(\d{1,2})[/.\-](\d{1,2})(?:[/.\-](\d{2}|\d{4}))?(?!\d)')


def _plausible(candidates: list[date], session_days: list[date] | None) -> date | None:
    if not candidates:
        return None
    if session_days:
        inside = [d for d in candidates if session_days[0] <= d <= session_days[-1]]
        if inside:
            return inside[0]
    return candidates[0]


def _make(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def parse_day_date(text: str, session_days: list[date] | None) -> date | None:
    """A date written in a header: ISO, 12/03/2025, 12.03, 03/12 (the reading inside the session wins),
    "12 mars", "March 12", "Lundi 12 mars 2025"."""
    text = text.strip()
    year = session_days[0].year if session_days else date.today().year
    m = _DATE_ISO.match(text)
    if m:
        return _make(int(m[1]), int(m[2]), int(m[3]))
    m = _DATE_NUM.search(text)
    if m:
        a, b = int(m[1]), int(m[2])
        y = int(m[3]) if m[3] else year
        y = y + 2000 if y < 100 else y
        return _plausible([d for d in (_make(y, b, a), _make(y, a, b)) if d], session_days)
    tokens = words(text).split()
    month = next((MONTH_BY_WORD[t] for t in tokens if t in MONTH_BY_WORD and len(t) > 2), None)
    numbers = [int(t) for t in tokens if t.isdigit()]
    if month and numbers:
        day = next((n for n in numbers if 1 <= n <= 31), None)
        y = next((n for n in numbers if n > 1900), year)
        if day:
            return _make(y, month, day)
    return None


def parse_day_header(text: str) -> tuple[int | None, bool]:
    """(day number, is a signature column) for "Day 1", "Jour 2", "Día 1", "J3", "Attendance day 2",
    "Signature jour 1", "1er jour", "Day one"; (None, False) otherwise."""
    tokens = words(_BRACKETS.sub(' ', text)).split()
    signature = any(t in SIGNATURE_DAY_WORDS for t in tokens)
    tokens = [t for t in tokens if t not in DAY_DECOR]
    joined = ' '.join(tokens)
    m = re.fullmatch(r'(?:(?:' + '|'.join(DAY_WORDS) + r')\s*)(\d{1,2}|\w+)', joined)
    if m:
        number = int(m[1]) if m[1].isdigit() else ORDINALS.get(m[1])
        return (number, signature) if number else (None, False)
    m = re.fullmatch(r'(\w+)\s+(?:' + '|'.join(DAY_WORDS) + r')', joined)
    if m:
        number = ORDINALS.get(m[1]) or (int(m[1]) if m[1].isdigit() else None)
        return (number, signature) if number else (None, False)
    return None, False


def day_of(text: str, session_days: list[date] | None, *, under_day_group: bool = False):
    """(day, signature) for a day column header, or None. ``day`` is a date, or the day number when the session's
    dates are unknown. ``under_day_group``: the cell sits below a merged "Days" header, so a bare "1" is day 1."""
    number, signature = parse_day_header(text)
    if number is None and under_day_group and re.fullmatch(r'\d{1,2}', text.strip()):
        number = int(text.strip())
    if number is not None:
        if session_days is None:
            return number, signature
        return (session_days[number - 1] if 1 <= number <= len(session_days) else -number), signature
    cleaned = ' '.join(t for t in words(text).split() if t not in WEEKDAYS and t not in DAY_DECOR)
    if not re.search(r'\d', text) or len(cleaned.split()) > 5:
        return None
    found = parse_day_date(text, session_days)
    if found is None:
        return None
    if session_days is not None and found not in session_days:
        return -1, signature  # a date, but not one of the session's
    return found, signature


# -- the header row -----------------------------------------------------------------------------------------------

def _row_score(cells: list[str], session_days) -> tuple[float, set[str]]:
    strong, weak, days = set(), set(), 0
    for text in cells:
        if not text.strip():
            continue
        name, is_strong = field_for(text)
        if name:
            (strong if is_strong else weak).add(name)
        elif day_of(text, session_days):
            days += 1
    found = strong | weak
    has_name = bool(found & {'full_name', 'given_name', 'family_name'})
    score = 2 * len(strong) + len(weak - strong) + min(days, 3) + (2 if has_name else 0)
    enough = len(found) + min(days, 1) >= 2 or bool(strong & {'full_name'})
    return (score if enough else 0), found


def find_header(rows: list[list[str]], session_days=None) -> int | None:
    """0-based index of the header row among the first HEADER_SCAN rows, or None."""
    best, best_score = None, 0.0
    for i, cells in enumerate(rows[:HEADER_SCAN]):
        score, _found = _row_score(cells, session_days)
        if score > best_score:
            best, best_score = i, score
    if best is None:
        best = next((i for i, cells in enumerate(rows[:HEADER_SCAN]) if sum(1 for c in cells if c.strip()) >= 2),
                    None)
    return best


def merged_header(rows: list[list[str]], index: int, merges) -> tuple[list[str], list[bool]]:
    """The header row with each merged cell's text spread over the columns it covers, and which columns are such
    continuations."""
    cells = list(rows[index])
    continuation = [False] * len(cells)
    for r0, c0, r1, c1 in merges:
        if not r0 <= index <= r1 or c1 - c0 > 200:
            continue
        source = rows[r0][c0] if r0 < len(rows) and c0 < len(rows[r0]) else ''
        while len(cells) <= c1:
            cells.append('')
            continuation.append(False)
        for c in range(c0, c1 + 1):
            if c != c0 or r0 != index:
                cells[c] = source
            if c != c0:
                continuation[c] = True
    return cells, continuation


def sub_header(rows: list[list[str]], index: int, header: list[str], session_days) -> list[str] | None:
    """The row under the header when it is a second header line (day numbers or dates), else None."""
    if index + 1 >= len(rows):
        return None
    below = rows[index + 1]
    filled = [(c, t) for c, t in enumerate(below) if t.strip()]
    if not filled:
        return None
    days = 0
    for c, text in filled:
        above = header[c] if c < len(header) else ''
        group = bool(above) and (field_for(above)[0] == 'days_attended' or day_of(above, None) is not None
                                 or words(above) in DAY_DECOR or bool(set(words(above).split()) & set(DAY_DECOR)))
        if day_of(text, session_days, under_day_group=group):
            days += 1
        elif field_for(text)[0] is None:
            return None  # data, not a header line
    return below if days else None
