"""Checking one row of a sign-in sheet: the person's fields, the day marks, and whether the row is a person at all
(a numbered blank line, a note under the table). Pure: no Flask, no database."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from training.workshops.matching import normalise_email, normalise_name
from training.workshops.sheets.headers import Column
from training.workshops.sheets.vocab import (
    FIELDS,
    NO_WORDS,
    NOTE_WORDS,
    YES_WORDS,
    _l,
    mark_lookup,
    org_type_lookup,
    parse_country,
    role_lookup,
    sex_lookup,
    words,
)

MAX_NAME = 200
MAX_ORGANISATION = 200

_CONTROL = re.compile(r'[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]')
_EMAIL = re.compile(r'^[^@\s<>(),;:"\[\]]+@[^@\s<>(),;:"\[\]]+\.[^@\s<>(),;:"\[\]]+$')
_LETTER = re.compile(r'[^\W\d_]')
_BARE_NUMBER = re.compile(r'^[#nN°º.]*\s*\d{1,5}\s*[.)°º]?$')
_NOTES = tuple(sorted({words(w) for w in NOTE_WORDS}, key=len, reverse=True))
_NOTE_FIRST = frozenset(w.split()[0] for w in _NOTES)

#: What a row is
PERSON, BLANK, NOTE = 'person', 'blank', 'note'


@dataclass(frozen=True)
class RowError:
    row: int
    field: str | None  # key of FIELDS, or None for the whole row
    template: str  # English msgid with %(name)s placeholders
    params: dict = field(default_factory=dict, hash=False, compare=False)

    def text(self, translate=lambda s: s) -> str:
        """"Sex: 'xyz' is not a recognised value ..." with the field's label first."""
        message = translate(self.template) % self.params
        if self.field:
            return f'{translate(FIELDS[self.field][0])}: {message}'
        return message


@dataclass
class SheetRow:
    row: int
    full_name: str
    sex: str = 'undisclosed'
    organisation: str | None = None
    organisation_type: str | None = None
    country: str | None = None
    email: str | None = None
    role: str = 'participant'
    days_attended: int | None = None
    pre_test_score: float | None = None
    post_test_score: float | None = None
    consent: bool = False
    name_key: str = field(default='', compare=False)
    #: Days marked present in day columns (dates, or day numbers when the session's dates were not given)
    days: tuple = ()
    #: Fields the sheet filled in for this person (a blank sex cell is not "Not disclosed" written down)
    given: frozenset = frozenset()
    #: Every sheet row folded into this person (this row first)
    rows: tuple[int, ...] = ()

    def __post_init__(self):
        if not self.name_key:
            self.name_key = normalise_name(self.full_name)
        if not self.rows:
            self.rows = (self.row,)


def clean(value: str) -> str:
    return ' '.join(unicodedata.normalize('NFC', value).split())


def _score(value: str, row: int, name: str, errors: list[RowError]) -> float | None:
    if not value:
        return None
    text = value.replace('%', '').replace(',', '.').strip()
    try:
        number = float(text)
    except ValueError:
        number = -1.0
    if not 0 <= number <= 100:
        errors.append(RowError(row, name, _l('"%(value)s" is not a number between 0 and 100.'), {'value': value}))
        return None
    return round(number, 2)


def _is_note(text: str) -> bool:
    token = text.split(None, 1)[0].rstrip(':').casefold()
    if (token if token.isascii() else words(token)) not in _NOTE_FIRST:
        return False
    first = words(text[:80])
    return any(first == w or first.startswith(w + ' ') for w in _NOTES)


def kind_of(values: list[str], columns: list[Column]) -> str:
    """PERSON, BLANK (nothing but a pre-printed number or a signature) or NOTE (a line of text under the table)."""
    by_index = {c.index: c for c in columns}
    filled = [(i, v) for i, v in enumerate(values) if v.strip()]
    if not filled:
        return BLANK
    meaningful = []
    for i, value in filled:
        column = by_index.get(i)
        if column is not None and column.field == 'signature':
            continue
        if (column is None or column.field in ('', 'number')) and _BARE_NUMBER.match(value):
            continue
        meaningful.append((i, value))
    if not meaningful:
        return BLANK
    if len(meaningful) <= 3 and _is_note(meaningful[0][1]):
        return NOTE
    if len(meaningful) == 1 and ':' in meaningful[0][1] and '@' not in meaningful[0][1]:
        return NOTE
    return PERSON


def _name(cells: dict[str, str]) -> str:
    full = clean(cells.get('full_name', ''))
    given, family = clean(cells.get('given_name', '')), clean(cells.get('family_name', ''))
    if given or family:
        return ' '.join(p for p in (given, family) if p) if not full else full
    return full


def _sex(text: str, letters: dict[str, str] | None) -> str | None:
    key = words(text) or text.strip()
    if letters and key in letters:
        return letters[key]
    return sex_lookup().get(key)


def _days(row: int, marks: list[tuple[Column, str]], errors: list[RowError]) -> tuple:
    present = []
    for column, value in marks:
        key = words(value) or value.strip()
        mark = mark_lookup().get(key)
        if mark is None:
            if not column.signature:
                errors.append(RowError(row, None, _l('%(header)s: "%(value)s" is not a presence mark (X, ✓, yes, P '
                                                     'or 1; leave blank when absent).'),
                                       {'header': column.header, 'value': value}))
                continue
            mark = True
        if mark and column.day_error:
            errors.append(RowError(row, None, column.day_error, {'header': column.header}))
        elif mark and column.day not in present:
            present.append(column.day)
    return tuple(sorted(present, key=lambda d: (isinstance(d, date), d)))


def _number_of_days(text: str, row: int, max_days: int | None, errors: list[RowError]) -> int | None:
    if not text:
        return None
    try:
        number = float(text.replace(',', '.'))
    except ValueError:
        number = -1.0
    if number < 0 or not number.is_integer() or (max_days is not None and number > max_days) or number > 366:
        errors.append(RowError(row, 'days_attended',
                               _l('"%(value)s" is not a whole number of days between 0 and %(max)d.'),
                               {'value': text, 'max': max_days if max_days is not None else 366}))
        return None
    return int(number)


def _check_name(row: int, cells: dict[str, str], errors: list[RowError]) -> tuple[str, str]:
    name = _name(cells)
    key = normalise_name(name)
    if not name:
        errors.append(RowError(row, 'full_name', _l('missing: every row needs the person\'s name.')))
    elif len(name) > MAX_NAME:
        errors.append(RowError(row, 'full_name', _l('longer than %(max)d characters.'), {'max': MAX_NAME}))
    elif not _LETTER.search(key):
        errors.append(RowError(row, 'full_name', _l('has no visible letters.')))
    return name, key


def _check_organisation(row: int, cells: dict[str, str], errors: list[RowError]) -> tuple[str | None, str | None]:
    organisation = clean(cells.get('organisation', '')) or None
    if organisation and len(organisation) > MAX_ORGANISATION:
        errors.append(RowError(row, 'organisation', _l('longer than %(max)d characters.'), {'max': MAX_ORGANISATION}))
    org_text = cells.get('organisation_type', '')
    org_type = org_type_lookup().get(words(org_text)) if org_text else None
    if org_text and org_type is None:
        errors.append(RowError(row, 'organisation_type',
                               _l('"%(value)s" is not one of the organisation types (for example government, '
                                  'civil society, academia).'), {'value': org_text}))
    return organisation, org_type


def _check_contact(row: int, cells: dict[str, str], errors: list[RowError]) -> tuple[str | None, str | None]:
    country_text = cells.get('country', '')
    country = parse_country(country_text) if country_text else None
    if country_text and country is None:
        errors.append(RowError(row, 'country', _l('"%(value)s" is not a known country name or ISO code.'),
                               {'value': country_text}))
    email_text = cells.get('email', '')
    email = normalise_email(email_text.strip().removeprefix('mailto:'))
    if email and (len(email) > 254 or not _EMAIL.match(email)):
        errors.append(RowError(row, 'email', _l('"%(value)s" is not a valid email address.'), {'value': email_text}))
    return country, email


def _check_choice(row: int, cells: dict[str, str], errors: list[RowError], sex_letters) -> tuple:
    sex = _sex(cells.get('sex', ''), sex_letters)
    if sex is None:
        errors.append(RowError(row, 'sex', _l('"%(value)s" is not recognised (use F, M, other, or leave blank).'),
                               {'value': cells.get('sex', '')}))
    role = role_lookup().get(words(cells.get('role', '')))
    if role is None:
        errors.append(RowError(row, 'role', _l('"%(value)s" is not a role (participant, facilitator or observer).'),
                               {'value': cells.get('role', '')}))
    consent_text = words(cells.get('consent', ''))
    consent = consent_text in YES_WORDS
    if not consent and consent_text not in NO_WORDS:
        errors.append(RowError(row, 'consent', _l('"%(value)s" is not yes or no.'),
                               {'value': cells.get('consent', '')}))
    return sex, role, consent


def check_row(row: int, cells: dict[str, str], *, max_days: int | None = None,
              marks: list[tuple[Column, str]] = (), sex_letters: dict[str, str] | None = None,
              ) -> tuple[SheetRow | None, list[RowError]]:
    errors: list[RowError] = []
    for key, value in list(cells.items()):
        if _CONTROL.search(value):
            errors.append(RowError(row, key, _l('contains control characters; retype the value.')))
            cells[key] = ''
    name, name_key = _check_name(row, cells, errors)
    sex, role, consent = _check_choice(row, cells, errors, sex_letters)
    organisation, org_type = _check_organisation(row, cells, errors)
    country, email = _check_contact(row, cells, errors)
    days_attended = _number_of_days(cells.get('days_attended', '').strip(), row, max_days, errors)
    pre = _score(cells.get('pre_test_score', ''), row, 'pre_test_score', errors)
    post = _score(cells.get('post_test_score', ''), row, 'post_test_score', errors)
    days = _days(row, marks, errors)
    if errors:
        return None, errors
    given = frozenset(k for k, v in cells.items() if v.strip())
    if {'given_name', 'family_name'} & given:
        given |= {'full_name'}
    return SheetRow(row=row, full_name=name, sex=sex, organisation=organisation, organisation_type=org_type,
                    country=country, email=email, role=role, days_attended=days_attended, pre_test_score=pre,
                    post_test_score=post, consent=consent, days=days, given=given, name_key=name_key), []
