"""Reading sign-in sheets (CSV or XLSX) into checked rows. Pure: no Flask, no database.

- CSV in UTF-8 with or without a byte-order mark (Windows-1252 accepted as a fallback), comma, semicolon or tab.
- XLSX: the first worksheet.
- Headers in English or French, in any order and case (``Nom complet``, ``Sexe``, ``Organisation``, ``Pays``,
  ``Courriel`` ...). Unknown columns are ignored and reported.
- Countries by ISO 3166 code (alpha-2 or alpha-3) or English or French name; sex by common spellings.
- Every bad row is rejected with its row number (as the spreadsheet shows it: the header is row 1) and a reason
  that names the field. Blank rows are skipped.

Messages are English msgids marked for extraction; the caller translates them (``RowError.text(gettext)``).
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from training.workshops.matching import normalise_email, normalise_name

MAX_ROWS = 20_000
MAX_NAME = 200
MAX_ORGANISATION = 200


def _l(text: str) -> str:
    """Marks a msgid for extraction; translated by the caller."""
    return text


#: Messages used by the import planner (training.workshops.services)
SESSION_CANCELLED = _l('This session was cancelled; its roster is closed.')
SAME_PERSON_AS_ROW = _l('the same person as row %(other)d.')

#: field -> (label msgid, accepted header spellings, normalised)
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    'full_name': (_l('Full name'), ('full name', 'name', 'names', 'participant', 'participant name', 'nom complet',
                                    'nom', 'nom et prenom', 'nom et prenoms', 'prenom et nom', 'nom prenom',
                                    'nom du participant', 'name and surname', 'fullname')),
    'sex': (_l('Sex'), ('sex', 'gender', 'sexe', 'genre', 'm/f', 'f/m', 'h/f')),
    'organisation': (_l('Organisation'), ('organisation', 'organization', 'institution', 'organisme', 'employer',
                                          'structure', 'agency', 'agence')),
    'organisation_type': (_l('Organisation type'), ('organisation type', 'organization type', 'type of organisation',
                                                    'type of organization', 'type d organisation',
                                                    'type d organisme', 'type organisation', 'type',
                                                    'categorie', 'category', 'sector', 'secteur')),
    'country': (_l('Country'), ('country', 'pays', 'nationality', 'nationalite', 'country code', 'code pays')),
    'email': (_l('Email'), ('email', 'e mail', 'email address', 'courriel', 'adresse electronique', 'mail',
                            'adresse e mail', 'adresse email', 'e mail address')),
    'role': (_l('Role'), ('role', 'attendance role', 'qualite')),
    'days_attended': (_l('Days attended'), ('days', 'days attended', 'jours', 'jours de presence',
                                            'nombre de jours', 'presence days')),
    'pre_test_score': (_l('Pre-test score'), ('pre test', 'pretest', 'pre test score', 'test initial',
                                              'score pre test', 'note pre test')),
    'post_test_score': (_l('Post-test score'), ('post test', 'posttest', 'post test score', 'test final',
                                                'score post test', 'note post test')),
    'consent': (_l('Consent to be contacted'), ('consent', 'consent to be contacted', 'consentement',
                                               'accepte d etre contacte', 'contact ok')),
}

SEX_WORDS = {
    'female': ('f', 'female', 'femme', 'woman', 'w', 'fem', 'feminin', 'feminine', 'girl', 'fille', 'mme', 'mrs',
               'ms', 'madame', 'mlle'),
    'male': ('m', 'male', 'homme', 'man', 'h', 'masc', 'masculin', 'masculine', 'boy', 'garcon', 'mr', 'monsieur',
             'm.'),
    'other': ('other', 'autre', 'x', 'non binary', 'non binaire', 'nonbinary', 'diverse'),
    'undisclosed': ('', 'not disclosed', 'undisclosed', 'prefer not to say', 'non communique', 'non precise',
                    'ne souhaite pas le dire', 'n/a', 'na', 'nd', 'n.d.', '-', '?', 'unknown', 'inconnu'),
}

ORG_TYPE_WORDS = {
    'government': ('government', 'gouvernement', 'gov', 'ministry', 'ministere', 'public administration',
                   'administration publique', 'state', 'etat'),
    'military': ('military', 'militaire', 'armed forces', 'forces armees', 'army', 'armee', 'defence', 'defense'),
    'police': ('police', 'gendarmerie', 'law enforcement'),
    'judiciary': ('judiciary', 'justice', 'judiciaire', 'magistrature', 'court', 'tribunal', 'pouvoir judiciaire'),
    'parliament': ('parliament', 'parlement', 'legislature', 'assemblee nationale'),
    'nhri': ('nhri', 'national human rights institution', 'institution nationale des droits de l homme', 'indh',
             'human rights commission', 'commission des droits de l homme'),
    'civil_society': ('civil society', 'societe civile', 'ngo', 'ong', 'csos', 'cso', 'osc', 'association'),
    'academia': ('academia', 'academic', 'university', 'universite', 'milieu universitaire', 'research',
                 'recherche', 'universitaire'),
    'media': ('media', 'medias', 'press', 'presse', 'journalist', 'journaliste'),
    'religious_community': ('religious or community leader', 'religious', 'community leader', 'religieux',
                            'chef religieux', 'chef communautaire', 'leader religieux ou communautaire',
                            'leader communautaire', 'chef religieux ou communautaire'),
    'un': ('un', 'united nations', 'nations unies', 'onu', 'un agency'),
    'regional_org': ('regional organisation', 'regional organization', 'organisation regionale', 'au', 'ua',
                     'african union', 'union africaine', 'ecowas', 'cedeao', 'eu', 'ue', 'osce', 'oas'),
    'other': ('other', 'autre', 'private sector', 'secteur prive'),
}

ROLE_WORDS = {
    'participant': ('', 'participant', 'participante', 'trainee', 'stagiaire', 'apprenant'),
    'facilitator': ('facilitator', 'facilitateur', 'facilitatrice', 'trainer', 'formateur', 'formatrice',
                    'resource person', 'personne ressource'),
    'observer': ('observer', 'observateur', 'observatrice'),
}

YES_WORDS = ('y', 'yes', 'oui', 'o', 'true', 'vrai', '1', 'x', 'ok')
NO_WORDS = ('', 'n', 'no', 'non', 'false', 'faux', '0')

_CONTROL = re.compile(r'[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]')
_EMAIL = re.compile(r'^[^@\s<>(),;:"\[\]]+@[^@\s<>(),;:"\[\]]+\.[^@\s<>(),;:"\[\]]+$')


def header_key(text: str) -> str:
    """Header spelling as compared: accents, case, punctuation and spacing ignored."""
    text = normalise_name(text)
    text = re.sub(r"[-_'’.:*()#]+", ' ', text)
    return ' '.join(text.split())


def _word(text: str) -> str:
    return ' '.join(re.sub(r"[-_'’]+", ' ', normalise_name(text)).split())


def _lookup(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {_word(w) if w not in ('m.', 'n.d.', 'n/a') else w: k for k, words in table.items() for w in words}


_HEADERS = {header_key(alias): name for name, (_label, aliases) in FIELDS.items() for alias in aliases}
_HEADERS.update({header_key(label): name for name, (label, _aliases) in FIELDS.items()})
_SEX = _lookup(SEX_WORDS)
_ROLE = _lookup(ROLE_WORDS)


@lru_cache(maxsize=1)
def _org_types() -> dict[str, str]:
    table = _lookup(ORG_TYPE_WORDS)
    for name in ORG_TYPE_WORDS:
        table.setdefault(_word(name.replace('_', ' ')), name)
    return table


@lru_cache(maxsize=1)
def country_lookup() -> dict[str, str]:
    """Normalised country name or code -> ISO alpha-2, from pycountry (English) and CLDR (French and English)."""
    import pycountry
    from babel import Locale

    table: dict[str, str] = {}
    for c in pycountry.countries:
        table[_word(c.alpha_2)] = c.alpha_2
        table[_word(c.alpha_3)] = c.alpha_2
        for attr in ('name', 'official_name', 'common_name'):
            value = getattr(c, attr, None)
            if value:
                table.setdefault(_word(value), c.alpha_2)
    codes = {c.alpha_2 for c in pycountry.countries}
    for loc in ('fr', 'en'):
        for code, name in Locale.parse(loc).territories.items():
            if code in codes:
                table.setdefault(_word(name), code)
    extra = {'drc': 'CD', 'rdc': 'CD', 'dr congo': 'CD', 'congo kinshasa': 'CD', 'congo brazzaville': 'CG',
             'ivory coast': 'CI', 'cote d ivoire': 'CI', 'uk': 'GB', 'usa': 'US', 'us': 'US', 'etats unis': 'US',
             'south sudan': 'SS', 'soudan du sud': 'SS', 'car': 'CF', 'rca': 'CF', 'tanzania': 'TZ',
             'republique democratique du congo': 'CD', 'russia': 'RU', 'russie': 'RU', 'syria': 'SY',
             'syrie': 'SY', 'iran': 'IR', 'bolivia': 'BO', 'bolivie': 'BO', 'venezuela': 'VE', 'laos': 'LA',
             'vietnam': 'VN', 'viet nam': 'VN', 'moldova': 'MD', 'moldavie': 'MD', 'cape verde': 'CV',
             'swaziland': 'SZ', 'burma': 'MM', 'birmanie': 'MM', 'east timor': 'TL', 'kosovo': 'XK'}
    for name, code in extra.items():
        table.setdefault(name, code)
    return table


def parse_country(value: str) -> str | None:
    return country_lookup().get(_word(value)) if value else None


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

    @property
    def name_key(self) -> str:
        return normalise_name(self.full_name)


@dataclass
class ParsedSheet:
    rows: list[SheetRow] = field(default_factory=list)
    rejected: list[RowError] = field(default_factory=list)
    #: Problems with the file itself (no header, unreadable): nothing can be imported
    problems: list[RowError] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as written
    ignored_columns: list[str] = field(default_factory=list)
    encoding: str = 'utf-8'

    @property
    def total(self) -> int:
        return len(self.rows) + len({e.row for e in self.rejected})

    @property
    def ok(self) -> bool:
        return not self.problems and not self.rejected


class SheetError(ValueError):
    def __init__(self, error: RowError):
        super().__init__(error.text())
        self.error = error


# -- reading the file -----------------------------------------------------------------------------------------------

def _cell_text(value) -> str:
    if value is None:
        return ''
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, 'isoformat'):
        return value.isoformat()
    return str(value).strip()


def _read_xlsx(data: bytes) -> list[list[str]]:
    import zipfile

    from openpyxl import load_workbook
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SheetError(RowError(0, None, _l('The file is not a readable XLSX workbook (%(detail)s).'),
                                  {'detail': type(exc).__name__})) from exc
    try:
        sheet = book.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append([_cell_text(v) for v in values])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        book.close()


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b'\xef\xbb\xbf'):
        return data[3:].decode('utf-8', errors='strict'), 'utf-8-sig'
    try:
        return data.decode('utf-8'), 'utf-8'
    except UnicodeDecodeError:
        return data.decode('cp1252', errors='replace'), 'cp1252'


def _delimiter(first_line: str) -> str:
    counts = {d: 0 for d in ',;\t'}
    quoted = False
    for ch in first_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ','


def _read_csv(data: bytes) -> tuple[list[list[str]], str]:
    try:
        text, encoding = _decode(data)
    except UnicodeDecodeError as exc:
        raise SheetError(RowError(0, None, _l('The file is not valid UTF-8 text; save it as "CSV UTF-8".'))) from exc
    text = text.replace('\r\n', '\n').replace('\r', '\n')
    first = next((line for line in text.split('\n') if line.strip()), '')
    reader = csv.reader(io.StringIO(text, newline=''), delimiter=_delimiter(first))
    rows = []
    try:
        for values in reader:
            rows.append([v.strip() for v in values])
            if len(rows) > MAX_ROWS + 1:
                break
    except csv.Error as exc:
        raise SheetError(RowError(reader.line_num, None, _l('This line cannot be read as CSV (%(detail)s).'),
                                  {'detail': str(exc)})) from exc
    return rows, encoding


def is_xlsx(filename: str, data: bytes) -> bool:
    return filename.lower().endswith(('.xlsx', '.xlsm')) or data[:4] == b'PK\x03\x04'


def read_table(filename: str, data: bytes) -> tuple[list[list[str]], str]:
    if is_xlsx(filename, data):
        return _read_xlsx(data), 'xlsx'
    return _read_csv(data)


# -- checking rows --------------------------------------------------------------------------------------------------

def _clean(value: str) -> str:
    return unicodedata.normalize('NFC', value).strip()


def _score(value: str, row: int, name: str, errors: list[RowError]) -> float | None:
    if not value:
        return None
    text = value.replace('%', '').replace(',', '.').strip()
    try:
        number = float(text)
    except ValueError:
        errors.append(RowError(row, name, _l('"%(value)s" is not a number between 0 and 100.'), {'value': value}))
        return None
    if not 0 <= number <= 100 or number != number:
        errors.append(RowError(row, name, _l('"%(value)s" is not a number between 0 and 100.'), {'value': value}))
        return None
    return round(number, 2)


def check_row(row: int, cells: dict[str, str], *, max_days: int | None = None) -> tuple[SheetRow | None,
                                                                                          list[RowError]]:
    errors: list[RowError] = []
    for name, value in cells.items():
        if _CONTROL.search(value):
            errors.append(RowError(row, name, _l('contains control characters; retype the value.')))
            cells[name] = ''
    name = _clean(cells.get('full_name', ''))
    if not name:
        errors.append(RowError(row, 'full_name', _l('missing: every row needs the person\'s name.')))
    elif len(name) > MAX_NAME:
        errors.append(RowError(row, 'full_name', _l('longer than %(max)d characters.'), {'max': MAX_NAME}))
    elif not normalise_name(name):
        errors.append(RowError(row, 'full_name', _l('has no visible letters.')))

    sex_text = cells.get('sex', '')
    sex = _SEX.get(_word(sex_text)) or _SEX.get(sex_text.strip().lower())
    if sex is None:
        errors.append(RowError(row, 'sex', _l('"%(value)s" is not recognised (use F, M, other, or leave blank).'),
                               {'value': sex_text}))

    organisation = _clean(cells.get('organisation', '')) or None
    if organisation and len(organisation) > MAX_ORGANISATION:
        errors.append(RowError(row, 'organisation', _l('longer than %(max)d characters.'), {'max': MAX_ORGANISATION}))

    org_text = cells.get('organisation_type', '')
    org_type = _org_types().get(_word(org_text)) if org_text else None
    if org_text and org_type is None:
        errors.append(RowError(row, 'organisation_type',
                               _l('"%(value)s" is not one of the organisation types (for example government, '
                                  'civil society, academia).'), {'value': org_text}))

    country_text = cells.get('country', '')
    country = parse_country(country_text) if country_text else None
    if country_text and country is None:
        errors.append(RowError(row, 'country', _l('"%(value)s" is not a known country name or ISO code.'),
                               {'value': country_text}))

    email_text = cells.get('email', '')
    email = normalise_email(email_text)
    if email and (len(email) > 254 or not _EMAIL.match(email)):
        errors.append(RowError(row, 'email', _l('"%(value)s" is not a valid email address.'), {'value': email_text}))

    role_text = cells.get('role', '')
    role = _ROLE.get(_word(role_text))
    if role is None:
        errors.append(RowError(row, 'role', _l('"%(value)s" is not a role (participant, facilitator or observer).'),
                               {'value': role_text}))

    days_text = cells.get('days_attended', '')
    days = None
    if days_text:
        try:
            days = int(float(days_text.replace(',', '.')))
            if days < 0 or (max_days is not None and days > max_days) or float(days_text.replace(',', '.')) != days:
                raise ValueError
        except ValueError:
            errors.append(RowError(row, 'days_attended',
                                   _l('"%(value)s" is not a whole number of days between 0 and %(max)d.'),
                                   {'value': days_text, 'max': max_days if max_days is not None else 366}))
            days = None

    pre = _score(cells.get('pre_test_score', ''), row, 'pre_test_score', errors)
    post = _score(cells.get('post_test_score', ''), row, 'post_test_score', errors)

    consent_text = _word(cells.get('consent', ''))
    if consent_text in YES_WORDS:
        consent = True
    elif consent_text in NO_WORDS:
        consent = False
    else:
        consent = False
        errors.append(RowError(row, 'consent', _l('"%(value)s" is not yes or no.'),
                               {'value': cells.get('consent', '')}))

    if errors:
        return None, errors
    return SheetRow(row=row, full_name=name, sex=sex, organisation=organisation, organisation_type=org_type,
                    country=country, email=email, role=role, days_attended=days, pre_test_score=pre,
                    post_test_score=post, consent=consent), []


def parse_sheet(filename: str, data: bytes, *, max_days: int | None = None) -> ParsedSheet:
    """Read and check a sign-in sheet. Rows that repeat an earlier row's person are rejected as duplicates."""
    result = ParsedSheet()
    if not data:
        result.problems.append(RowError(0, None, _l('The file is empty.')))
        return result
    try:
        table, result.encoding = read_table(filename, data)
    except SheetError as exc:
        result.problems.append(exc.error)
        return result
    header_index = next((i for i, cells in enumerate(table) if any(c.strip() for c in cells)), None)
    if header_index is None:
        result.problems.append(RowError(0, None, _l('The file has no header row.')))
        return result
    columns: dict[int, str] = {}
    for pos, title in enumerate(table[header_index]):
        key = _HEADERS.get(header_key(title))
        if key and key not in columns.values():
            columns[pos] = key
            result.columns[key] = title
        elif title.strip():
            result.ignored_columns.append(title)
    if 'full_name' not in columns.values():
        result.problems.append(RowError(header_index + 1, None,
                                        _l('No name column: the header row needs a column such as "Full name" or '
                                           '"Nom complet".')))
        return result
    data_rows = table[header_index + 1:]
    if len(data_rows) > MAX_ROWS:
        result.problems.append(RowError(0, None, _l('The sheet has more than %(max)d rows; split it.'),
                                        {'max': MAX_ROWS}))
        return result
    seen_email: dict[str, int] = {}
    seen_name: dict[tuple[str, str | None], int] = {}
    for offset, values in enumerate(data_rows):
        number = header_index + 2 + offset
        if not any(v.strip() for v in values):
            continue
        cells = {key: (values[pos] if pos < len(values) else '') for pos, key in columns.items()}
        row, errors = check_row(number, cells, max_days=max_days)
        if errors:
            result.rejected.extend(errors)
            continue
        if row.email and row.email in seen_email:
            result.rejected.append(RowError(number, 'email', _l('the same address as row %(other)d.'),
                                            {'other': seen_email[row.email]}))
            continue
        key = (row.name_key, row.country)
        if not row.email and key in seen_name:
            result.rejected.append(RowError(number, 'full_name', SAME_PERSON_AS_ROW,
                                            {'other': seen_name[key]}))
            continue
        if row.email:
            seen_email[row.email] = number
        seen_name.setdefault(key, number)
        result.rows.append(row)
    return result
