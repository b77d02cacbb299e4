"""What the programme reports count, in words, and the filters a report takes. Pure: no Flask, no database.

The definitions follow DESIGN section 6; the page and every export state them. Texts are English msgids marked for
extraction; the caller translates them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from training import limits


def _l(text: str) -> str:
    """Marks a msgid for extraction; translated by the caller."""
    return text


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    definition: str


MEASURES: tuple[Measure, ...] = (
    Measure('sessions', _l('Training sessions'),
            _l('Training sessions whose start date falls in the period. Cancelled and planned sessions are not '
               'counted; only sessions marked as held.')),
    Measure('countries', _l('Countries'),
            _l('Distinct countries in which those sessions were held.')),
    Measure('persons_trained', _l('Persons trained'),
            _l('Distinct persons on the attendance record of at least one of those sessions as a participant '
               '(trainers, facilitators and observers are not counted). One person at three sessions counts once.')),
    Measure('participations', _l('Participations'),
            _l('Participant places in those sessions: one person at three sessions counts three times.')),
    Measure('knowledge_gain', _l('Knowledge gain'),
            _l('Post-test score minus pre-test score, in percentage points, for each person who took both '
               '(averaged over that person\'s sessions), then averaged over persons.')),
    Measure('online_completions', _l('Online course completions'),
            _l('Completions of the self-paced online courses in the same period, reported beside in-person '
               'training and not included in persons trained.')),
)

MEASURE_BY_KEY = {m.key: m for m in MEASURES}

@dataclass(frozen=True)
class Table:
    """One table of the programme report: its key (and download file name), title msgid, and the chart drawn
    from it, as (label column, value column), if any."""

    key: str
    title: str
    chart: tuple[str, str] | None = None


#: THE tables of the programme report, in the order of the page, the workbook and the downloads.
REPORT_TABLES: tuple[Table, ...] = (
    Table('summary', _l('Summary')),
    Table('by_year', _l('By year'), chart=('year', 'persons_trained')),
    Table('by_country', _l('By country'), chart=('country', 'persons_trained')),
    Table('by_sex', _l('By sex'), chart=('sex', 'persons_trained')),
    Table('by_organisation_type', _l('By organisation type'), chart=('organisation_type', 'persons_trained')),
    Table('by_course', _l('By course')),
    Table('knowledge_gain', _l('Knowledge gain')),
    Table('online_courses', _l('Online courses')),
    Table('online_objectives', _l('Online courses by objective')),
    Table('sessions', _l('Sessions')),
)
TABLE_BY_KEY = {t.key: t for t in REPORT_TABLES}
#: The tables of figures (every table but the summary of measures), in order
FIGURE_TABLES: tuple[Table, ...] = tuple(t for t in REPORT_TABLES if t.key != 'summary')
#: Report tables: key -> title msgid
TABLES: dict[str, str] = {t.key: t.title for t in REPORT_TABLES}

#: Columns that hold words, names, codes or dates; every other column holds a number (right-aligned, summed)
TEXT_COLUMNS = frozenset({'year', 'country', 'course', 'sex', 'organisation_type', 'code', 'title', 'city', 'mode',
                          'language', 'start_date', 'end_date', 'enrolled_by_language',
                          'sessions_by_language', 'objective'})


def column_kind(column: str) -> str:
    """``'text'`` or ``'number'``: how a report column is aligned and formatted."""
    return 'text' if column in TEXT_COLUMNS else 'number'

MODES = ('in_person', 'online', 'blended')
_DATE = re.compile(r'^\d{4}-\d{2}-\d{2}$')


@dataclass(frozen=True)
class ReportFilter:
    start: date | None = None
    end: date | None = None
    country: str | None = None
    course: str | None = None
    mode: str | None = None

    def as_args(self) -> dict[str, str]:
        out = {}
        if self.start:
            out['from'] = self.start.isoformat()
        if self.end:
            out['to'] = self.end.isoformat()
        for name in ('country', 'course', 'mode'):
            value = getattr(self, name)
            if value:
                out[name] = value
        return out


@dataclass
class FilterErrors:
    errors: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.errors)


def parse_date(text: str | None) -> date | None:
    if not text:
        return None
    text = text.strip()
    if not _DATE.match(text):
        raise ValueError(text)
    return date.fromisoformat(text)


def parse_filter(args: dict, *, countries: set[str] | None = None) -> tuple[ReportFilter, dict[str, str]]:
    """Read from/to/country/course/mode from strings; returns the filter (bad values dropped) and
    {field: message msgid}."""
    errors: dict[str, str] = {}
    values: dict = {}
    for name, key in (('start', 'from'), ('end', 'to')):
        try:
            values[name] = parse_date(args.get(key))
        except ValueError:
            errors[key] = _l('Enter a date as YYYY-MM-DD.')
            values[name] = None
        if values[name] is not None and not limits.in_bounds(values[name]):
            errors[key] = _l('Enter a date from 1990 on, at most five years ahead.')
            values[name] = None
    if values['start'] and values['end'] and values['end'] < values['start']:
        errors['to'] = _l('The end of the period is before its start.')
        values['end'] = None
    country = (args.get('country') or '').strip().upper() or None
    if country and (len(country) != 2 or (countries is not None and country not in countries)):
        errors['country'] = _l('Choose a country from the list.')
        country = None
    course = (args.get('course') or '').strip() or None
    if course and (len(course) > 100 or not re.match(r'^[a-z0-9][a-z0-9-]*$', course)):
        errors['course'] = _l('Choose a course from the list.')
        course = None
    mode = (args.get('mode') or '').strip() or None
    if mode and mode not in MODES:
        errors['mode'] = _l('Choose a mode from the list.')
        mode = None
    return ReportFilter(values['start'], values['end'], country, course, mode), errors


def period_years(start: date, end: date) -> tuple[int, int]:
    return start.year, end.year
