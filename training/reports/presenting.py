"""Turning report figures into words and display values, in the current language."""
from __future__ import annotations

from datetime import date

from flask_babel import format_decimal

from training.content import registry
from training.i18n import _, _l, ngettext
from training.reports.definitions import TABLES
from training.vocab import OrganisationType, country_name
from training.workshops.models import SessionMode, Sex

COLUMN_TITLES = {
    'year': _l('Year'), 'sessions': _l('Training sessions'), 'countries': _l('Countries'),
    'persons_trained': _l('Persons trained'), 'participations': _l('Participations'), 'country': _l('Country'),
    'course': _l('Course'), 'sex': _l('Sex'), 'organisation_type': _l('Organisation type'),
    'persons_with_both': _l('Persons with both tests'), 'pre_mean': _l('Mean pre-test (%)'),
    'post_mean': _l('Mean post-test (%)'), 'gain_mean': _l('Mean gain (points)'), 'code': _l('Code'),
    'title': _l('Title'), 'city': _l('City'), 'start_date': _l('First day'), 'end_date': _l('Last day'),
    'mode': _l('Mode'), 'participants': _l('Participants'), 'women': _l('Women'), 'language': _l('Language'),
    'enrolled': _l('Enrolled'), 'completed': _l('Completed'), 'certificates': _l('Certificates'),
    'enrolled_by_language': _l('Enrolled, by language studied'),
    'sessions_by_language': _l('Sessions, by language'), 'objective': _l('Learning objective'),
}


def number(value) -> str:
    return format_decimal(value) if value is not None else '—'


def headline(figures: dict, start: date | None, end: date | None) -> str:
    """"Between 2009 and 2011, 34 training sessions were held in 13 countries and 738 persons were trained."."""
    if not figures['sessions'] or start is None or end is None:
        return _('No training sessions were held in this period.')
    sessions = ngettext('%(n)s training session was held', '%(n)s training sessions were held',
                        figures['sessions'], n=number(figures['sessions']))
    countries = ngettext('in %(n)s country', 'in %(n)s countries', figures['countries'],
                         n=number(figures['countries']))
    persons = ngettext('%(n)s person was trained', '%(n)s persons were trained', figures['persons_trained'],
                       n=number(figures['persons_trained']))
    if start.year == end.year:
        return _('In %(year)s, %(sessions)s %(countries)s and %(persons)s.', year=str(start.year),
                 sessions=sessions, countries=countries, persons=persons)
    return _('Between %(start)s and %(end)s, %(sessions)s %(countries)s and %(persons)s.', start=str(start.year),
             end=str(end.year), sessions=sessions, countries=countries, persons=persons)


def course_language(slug: str | None) -> str | None:
    """The language a course is written in (for ``lang`` on its title), None when unknown."""
    try:
        course = registry().course(slug) if slug else None
    except RuntimeError:
        course = None
    return getattr(course, 'language', None)


def course_title(slug: str | None) -> str:
    if slug == '__all__':
        return _('All courses')
    if not slug:
        return _('No course')
    try:
        course = registry().course(slug)
    except RuntimeError:
        course = None
    return str(getattr(course, 'title', None) or slug)


def display_value(column: str, value):
    """A cell as shown and exported (numbers stay numbers, dates stay dates)."""
    if column == 'country':
        return country_name(value) if value else _('Not known')
    if column == 'sex':
        return str(value.title) if isinstance(value, Sex) else (str(Sex[value].title) if value else _('Not known'))
    if column == 'organisation_type':
        if isinstance(value, OrganisationType):
            return str(value.title)
        return str(OrganisationType[value].title) if value else _('Not known')
    if column == 'mode':
        return str(value.title) if isinstance(value, SessionMode) else str(value or '')
    if column == 'course':
        return course_title(value)
    return value


def present(key: str, headers: list[str], rows: list[tuple]) -> tuple[str, list[str], list[tuple]]:
    """(table title, translated headers, display rows)."""
    titles = [str(COLUMN_TITLES.get(h, h)) for h in headers]
    shown = [tuple(display_value(h, v) for h, v in zip(headers, row, strict=True)) for row in rows]
    return str(_(TABLES[key])), titles, shown
