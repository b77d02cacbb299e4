"""Property (issue 12, done-when): importing any accepted sheet twice creates nobody and changes nothing the second
time. Sheets are drawn in the shapes of the corpus (tests/data/sheets): header words in English, French, Spanish and
Portuguese, title lines above the table and a note under it, numbered blank rows and a signature column, one name
column or given names and surname apart, day columns by number or by date with every kind of mark, the same person
on two rows written another way (case, "Surname, Given", country as a name or a code, email in capitals or left
out); CSV (",", ";", tab; UTF-8 with or without BOM, UTF-16, Windows-1252; CRLF) or XLSX. The first import creates
each person of the sheet once."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from tests.helpers.app import empty_database
from tests.workshops.sheet_corpus import snapshot
from training.workshops import imports

DAYS = (date(2010, 3, 1), date(2010, 3, 2))


@dataclass(frozen=True)
class Someone:
    given: str
    family: str
    sex: tuple[str, ...]  # ways of writing it
    country: tuple[str, ...]  # the ISO code and names
    email: str | None
    organisation: str


POOL = (
    Someone('Amina', 'Diallo', ('F', 'Femme', 'female'), ('SN', 'Sénégal', 'Senegal'), 'amina@example.org',
            'Ligue sénégalaise'),
    Someone('Peter', 'Otieno', ('M', 'Homme', 'male'), ('KE', 'Kenya'), None, 'Kenya Police'),
    Someone('María José', 'López', ('Mujer', 'F', 'femenino'), ('PE', 'Perú', 'Peru'), 'mj.lopez@example.org',
            'Defensoría del Pueblo'),
    Someone('Ana Paula', 'Machava', ('Feminino', 'F'), ('MZ', 'Moçambique', 'Mozambique'), None, 'Ordem dos Advogados'),
    Someone('Koffi', 'Yao', ('H', 'Hombre', 'male'), ('CI', "Côte d'Ivoire"), 'koffi.yao@example.org', 'Armée'),
    Someone('Éloïse', 'Mukamana', ('femme', 'F'), ('RW', 'Rwanda'), 'eloise@example.org', 'CNDH'),
)

NAME = ('Name', 'Full name *', 'Nom complet', 'NOM ET PRÉNOMS', 'Nombre y apellidos', 'Nome completo')
SPLIT = (('Given names', 'Surname'), ('Prénom', 'Nom'), ('Nombres', 'Apellidos'), ('Primeiro nome', 'Sobrenome'))
SEX = ('Sex', 'Sexe (F/H)', 'Sexo', 'Gender', 'Género')
COUNTRY = ('Country', 'Pays', 'País', 'Nationality')
EMAIL = ('Email', 'E-mail *', 'Courriel', 'Correo electrónico')
ORGANISATION = ('Organisation', 'Institution / Organisation', 'Organización', 'Instituição')
DAY_HEADERS = (('Day 1', 'Day 2'), ('Jour 1', 'Jour 2'), ('Día 1', 'Día 2'), ('2010-03-01', '2010-03-02'),
               ('01/03/2010', '02/03/2010'))
MARKS = ('X', 'x', '✓', 'yes', 'oui', 'sí', 'P', '1')


@dataclass(frozen=True)
class Shape:
    split_name: int | None  # index into SPLIT, or None for one name column
    name: str
    sex: str | None
    country: str | None
    email: str | None
    organisation: str | None
    days: tuple[str, str] | None
    numbered: bool
    signature: bool
    titles: int
    footer: bool


SHAPES = st.builds(
    Shape, st.one_of(st.none(), st.integers(0, len(SPLIT) - 1)), st.sampled_from(NAME),
    st.one_of(st.none(), st.sampled_from(SEX)), st.one_of(st.none(), st.sampled_from(COUNTRY)),
    st.one_of(st.none(), st.sampled_from(EMAIL)), st.one_of(st.none(), st.sampled_from(ORGANISATION)),
    st.one_of(st.none(), st.sampled_from(DAY_HEADERS)), st.booleans(), st.booleans(), st.integers(0, 3),
    st.booleans())

#: A row: (person in POOL, way of writing them 0..3, first day's mark or '', second day's mark or '', blank rows
#: after it)
ROWS = st.lists(st.tuples(st.integers(0, len(POOL) - 1), st.integers(0, 3), st.sampled_from(('', *MARKS)),
                          st.sampled_from(('', *MARKS)), st.integers(0, 2)), min_size=1, max_size=10)
FORMATS = st.sampled_from(('csv', 'csv', 'csv', 'xlsx'))
ENCODINGS = st.sampled_from(('utf-8', 'utf-8-sig', 'utf-16', 'cp1252'))


def _header(shape: Shape) -> list[str]:
    cells = ['N°'] if shape.numbered else []
    cells += list(SPLIT[shape.split_name]) if shape.split_name is not None else [shape.name]
    cells += [h for h in (shape.sex, shape.organisation, shape.country, shape.email) if h]
    cells += list(shape.days or ())
    return cells + (['Signature'] if shape.signature else [])


def _person_cells(shape: Shape, who: Someone, way: int, marks: tuple[str, str]) -> list[str]:
    """One person's cells, written the ``way``-th way (0 as on record; others: capitals, "Surname, Given", ...)."""
    if shape.split_name is not None:
        cells = [who.given.upper() if way == 1 else who.given, who.family.upper() if way in (1, 2) else who.family]
    else:
        cells = [(f'{who.given} {who.family}', f'{who.family.upper()} {who.given}', f'{who.family}, {who.given}',
                  f'{who.given.upper()} {who.family.upper()}')[way]]
    if shape.sex:
        cells.append(who.sex[way % len(who.sex)])
    if shape.organisation:
        cells.append(who.organisation)
    if shape.country:
        cells.append(who.country[way % len(who.country)])
    if shape.email:
        cells.append('' if not who.email or way == 3 else (who.email.upper() if way == 1 else who.email))
    if shape.days:
        cells += list(marks)
    return cells + ([who.given[:1] + who.family[:1]] if shape.signature else [])


def _table(shape: Shape, rows) -> tuple[list[list[str]], set[int]]:
    """The sheet's lines, and the persons on it."""
    header = _header(shape)
    lines = [['Atelier sur la prévention - liste de présence'], ['Nairobi, 1-2 March 2010'], []][:shape.titles]
    lines.append(header)
    number, persons = 0, set()
    for who, way, first, second, blanks in rows:
        persons.add(who)
        for person in (True, *[False] * blanks):
            number += 1
            cells = _person_cells(shape, POOL[who], way, (first, second)) if person else [''] * (
                len(header) - shape.numbered)
            lines.append(([str(number)] if shape.numbered else []) + cells)
    if shape.footer:
        lines += [[], ['Facilitators: J. Smith, A. Ndiaye']]
    return lines, persons


def _bytes(lines: list[list[str]], fmt: str, separator: str, encoding: str, crlf: bool) -> tuple[str, bytes]:
    if fmt == 'xlsx':
        book = Workbook()
        for line in lines:
            book.active.append(line)
        buf = io.BytesIO()
        book.save(buf)
        return 'sheet.xlsx', buf.getvalue()
    out = io.StringIO()
    csv.writer(out, delimiter='\t' if encoding == 'utf-16' else separator,
               lineterminator='\r\n' if crlf else '\n').writerows(lines)
    try:
        return 'sheet.csv', out.getvalue().encode(encoding)
    except UnicodeEncodeError:  # a mark or a name Windows-1252 cannot write
        return 'sheet.csv', out.getvalue().encode('utf-8-sig')


@settings(max_examples=30, deadline=None, database=None, print_blob=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(shape=SHAPES, rows=ROWS, fmt=FORMATS, separator=st.sampled_from((',', ';')), encoding=ENCODINGS,
       crlf=st.booleans())
def test_any_accepted_sheet_imported_twice_creates_nobody_and_changes_nothing(db, create_session, shape, rows, fmt,
                                                                               separator, encoding, crlf):
    empty_database()
    lines, persons = _table(shape, rows)
    name, data = _bytes(lines, fmt, separator, encoding, crlf)
    session = create_session(code='PROP-1', start_date=DAYS[0], end_date=DAYS[-1])
    try:
        first = imports.import_sheet(session, name, data, write=True)
    except imports.ImportRefused as exc:  # not an accepted sheet: nothing to check (and none should be)
        db.session.rollback()
        raise AssertionError(f'a sheet of the corpus shapes was refused: {exc.plan.summary()}') from exc
    db.session.commit()
    assert (first.count('new'), first.count('matched')) == (len(persons), 0)
    before = snapshot(db)
    again = imports.import_sheet(session, name, data, write=True)
    db.session.commit()
    assert (again.count('new'), again.count('matched')) == (0, len(persons))
    assert snapshot(db) == before
