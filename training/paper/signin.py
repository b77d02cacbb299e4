"""The printed sign-in sheet of a session, in exactly the columns the sheet import reads back
(:mod:`training.workshops.sheets`): number, full name, sex, organisation, organisation type, country, email, and a
signature column per day of the session. The roster is printed in, with blank rows below for walk-ins; typed into a
spreadsheet with the same headings (or the CSV template below, filled in), the sheet imports as it is."""
from __future__ import annotations

from flask_babel import format_date, gettext

from training.exports import csv_bytes
from training.i18n import _
from training.paper.pdf import Paper
from training.vocab import country_name
from training.workshops import queries
from training.workshops.models import TrainingSession
from training.workshops.sheets.vocab import FIELDS

#: Letters printed under "Sex (F/M)" (the import reads F, M, X and blank)
SEX_LETTERS = {'female': 'F', 'male': 'M', 'other': 'X', 'undisclosed': ''}
BLANK_ROWS = 12


def headers(session: TrainingSession) -> list[str]:
    """The column headings, in the current language: each one the import recognises for its field."""
    days = queries.session_days(session)
    return [
        _('No.'), gettext(FIELDS['full_name'][0]), f'{gettext(FIELDS["sex"][0])} (F/M)',
        gettext(FIELDS['organisation'][0]), gettext(FIELDS['organisation_type'][0]), gettext(FIELDS['country'][0]),
        gettext(FIELDS['email'][0]),
        *[_('Signature day %(n)d (%(date)s)', n=n, date=format_date(day, 'short')) for n, day in enumerate(days, 1)],
    ]


def rows(session: TrainingSession, *, blank: int = BLANK_ROWS) -> list[list[str]]:
    """The roster's participants (as on record), then numbered blank rows; the day cells left to sign."""
    days = len(queries.session_days(session))
    out = []
    for n, attendance in enumerate(queries.roster(session), 1):
        person = attendance.person
        out.append([str(n), person.full_name, SEX_LETTERS.get(person.sex.name, ''), person.organisation or '',
                    str(person.organisation_type.title) if person.organisation_type else '',
                    country_name(person.country) if person.country else '', person.email or '', *[''] * days])
    start = len(out)
    out += [[str(start + i), *[''] * (6 + days)] for i in range(1, blank + 1)]
    return out


def csv_template(session: TrainingSession) -> bytes:
    """The same sheet as a CSV file to fill in on a computer and import."""
    return csv_bytes(headers(session), [tuple(r) for r in rows(session, blank=0)])


def render(session: TrainingSession, *, size: str = 'a4') -> bytes:
    head = headers(session)
    days = len(head) - 7
    pdf = Paper(_('Sign-in sheet'), size=size, landscape=True, subtitle=f'{session.code} · {session.title}')
    pdf.add_page()
    pdf.heading(f'{session.title} ({session.code})', 13)
    place = ', '.join(x for x in (country_name(session.country), session.city, session.venue) if x)
    pdf.para(f'{place} · {format_date(session.start_date, "long")} – {format_date(session.end_date, "long")}',
             9, muted=True)
    pdf.para(_('Please write clearly, one person a line, and sign each day you attend. Email is optional; it helps us '
               'recognise you at later sessions.'), 9)
    usable = pdf.w - pdf.l_margin - pdf.r_margin
    fixed = [8, 44, 12, 40, 28, 24, 44]
    day_width = max(14.0, (usable - sum(fixed)) / max(days, 1))
    scale = usable / (sum(fixed) + day_width * days)
    widths = [w * scale for w in fixed] + [day_width * scale] * days
    pdf.grid(head, rows(session), widths, size=7.5, line_height=7.5)
    return pdf.output_bytes()
