"""Programme report pages: figures for a period, definitions, tables, charts and downloads (staff and admins)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user

from training import exports
from training.audit.services import log
from training.auth.permissions import STAFF, roles_required
from training.i18n import _, _l, is_rtl
from training.reports import charts, presenting, queries
from training.reports.definitions import (
    FIGURE_TABLES,
    MEASURES,
    MODES,
    TABLE_BY_KEY,
    TABLES,
    column_kind,
    parse_filter,
)
from training.vocab import country_codes, country_name
from training.workshops import past_sessions
from training.workshops.models import SessionMode

bp = Blueprint('reports', __name__)

PAST_DEFINITION = _l('Sessions of the period whose last day has passed and that are still marked planned: they count '
                     'in no figure until a trainer marks them held or cancelled.')

#: Without a period in the address, the page opens on the last three calendar years (a programme cycle)
DEFAULT_YEARS = 3


def default_period(today: date | None = None) -> tuple[date, date]:
    today = today or date.today()
    return date(today.year - DEFAULT_YEARS + 1, 1, 1), date(today.year, 12, 31)


def _filter():
    f, errors = parse_filter(request.args, countries=set(country_codes()))
    if 'from' not in request.args and 'to' not in request.args:
        start, end = default_period()
        f = replace(f, start=start, end=end)
    return f, {k: _(v) for k, v in errors.items()}


def _summary_table(report) -> tuple[list[str], list[tuple]]:
    s = report.summary
    rows = [(_(m.label), s[m.key] if m.key in s else None, _(m.definition)) for m in MEASURES if m.key in s]
    rows.append((_('Sessions past their dates not confirmed'), past_sessions.count_in_report(report.filter),
                 str(PAST_DEFINITION)))
    rows.insert(0, (_('Period'), f'{report.start.isoformat() if report.start else ""} – '
                                 f'{report.end.isoformat() if report.end else ""}', presenting.headline(
                                     s, report.start, report.end)))
    return [_('Measure'), _('Value'), _('Definition')], rows


def _section(table, headers, rows) -> dict:
    """One table of the page: title, column titles, display rows, column kinds and its chart if it has one."""
    title, titles, shown = presenting.present(table.key, headers, rows)
    chart = None
    if table.chart and rows:
        label_col, value_col = table.chart
        li, vi = headers.index(label_col), headers.index(value_col)
        items = [(str(presenting.display_value(label_col, r[li])), r[vi], presenting.number(r[vi])) for r in rows]
        chart = charts.bar_chart(f'chart-{table.key}', _('%(table)s: persons trained', table=title), items,
                                 rtl=is_rtl())
    return {'key': table.key, 'title': title, 'headers': titles, 'rows': shown, 'chart': chart,
            'numeric': [column_kind(h) == 'number' for h in headers]}


@bp.route('/reports/programme')
@roles_required(*STAFF)
def programme():
    f, errors = _filter()
    report = queries.build_report(f)
    options = queries.filter_options()
    sections = [_section(table, *report.tables[table.key]) for table in FIGURE_TABLES]
    args = f.as_args()
    return render_template(
        'reports/programme.html', f=f, errors=errors, report=report, sections=sections, args=args,
        headline=presenting.headline(report.summary, report.start, report.end), measures=MEASURES,
        countries=[(c, country_name(c)) for c in options['countries']],
        courses=[(c, presenting.course_title(c), presenting.course_language(c)) for c in options['courses']],
        modes=[(m, SessionMode[m].title) for m in MODES], session_limit=queries.SESSION_LIST_LIMIT,
        past_unconfirmed=past_sessions.count_in_report(f),
        workbook_url=url_for('reports.download_workbook', **args))


def _table(key: str, f):
    if key == 'summary':
        report = queries.build_report(f, tables=())
        return str(_(TABLES['summary'])), *_summary_table(report)
    report = queries.build_report(f, session_limit=None, tables=(key,))
    headers, rows = report.tables[key]
    return presenting.present(key, headers, rows)


def _filename(f, stem: str, ext: str) -> str:
    parts = ['programme', stem]
    if f.start or f.end:
        parts.append(f'{f.start.isoformat() if f.start else "start"}_{f.end.isoformat() if f.end else "end"}')
    if f.country:
        parts.append(f.country)
    return '-'.join(parts).replace('_', '-') + '.' + ext


@bp.route('/reports/programme/tables/<table>.<fmt>')
@roles_required(*STAFF)
def download_table(table: str, fmt: str):
    if table not in TABLE_BY_KEY or fmt not in ('csv', 'xlsx'):
        abort(404)
    f, _errors = _filter()
    title, headers, rows = _table(table, f)
    log(current_user, 'report.exported', None, table=table, format=fmt, **f.as_args())
    if fmt == 'csv':
        return exports.send_csv(_filename(f, table, 'csv'), headers, rows)
    return exports.send_xlsx(_filename(f, table, 'xlsx'), [(title, headers, rows)])


@bp.route('/reports/programme/workbook.xlsx')
@roles_required(*STAFF)
def download_workbook():
    """Every table of the period in one workbook, the summary (with definitions) first."""
    f, _errors = _filter()
    report = queries.build_report(f, session_limit=None)
    sheets = [(str(_(TABLES['summary'])), *_summary_table(report))]
    sheets.extend(presenting.present(table.key, *report.tables[table.key]) for table in FIGURE_TABLES)
    log(current_user, 'report.exported', None, table='workbook', format='xlsx', **f.as_args())
    return exports.send_xlsx(_filename(f, 'tables', 'xlsx'), sheets)
