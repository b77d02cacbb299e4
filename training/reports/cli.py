"""``flask report summary``: the programme figures for a period, as text, JSON or CSV."""
from __future__ import annotations

import csv
import io
import json

import click
import sqlalchemy as sa

from training.cli import iso_date
from training.extensions import db
from training.reports import presenting, queries, rebuild
from training.reports.definitions import MEASURES, ReportFilter
from training.workshops import past_sessions

report = click.Group('report', help='Programme reports.')


@report.command('summary')
@click.option('--from', 'start', callback=iso_date, help='First start date (YYYY-MM-DD).')
@click.option('--to', 'end', callback=iso_date, help='Last start date (YYYY-MM-DD).')
@click.option('--country', help='ISO 3166-1 alpha-2 code.')
@click.option('--course', help='Course slug.')
@click.option('--mode', type=click.Choice(['in_person', 'online', 'blended']))
@click.option('--format', 'fmt', type=click.Choice(['text', 'json', 'csv']), default='text')
def summary(start, end, country, course, mode, fmt):
    """Sessions, countries, persons trained and participations (definitions as on the report page)."""
    if start and end and end < start:
        raise click.BadParameter('--to is before --from')
    f = ReportFilter(start, end, country.upper() if country else None, course, mode)
    report = queries.build_report(f, tables=('knowledge_gain',))
    s = report.summary
    gain = next((r for r in report.tables['knowledge_gain'][1] if r[0] == '__all__'), None)
    data = {
        'from': start.isoformat() if start else None, 'to': end.isoformat() if end else None,
        'country': f.country, 'course': course, 'mode': mode,
        'sessions': s['sessions'], 'countries': s['countries'], 'persons_trained': s['persons_trained'],
        'participations': s['participations'], 'women_trained': s['women_trained'],
        'knowledge_gain_mean': gain[4] if gain else None, 'knowledge_gain_persons': gain[1] if gain else 0,
        'past_unconfirmed': past_sessions.count_in_report(f),
    }
    if fmt == 'json':
        click.echo(json.dumps(data, ensure_ascii=False))
    elif fmt == 'csv':
        out = io.StringIO()
        writer = csv.writer(out, lineterminator='\n')
        writer.writerow(list(data))
        writer.writerow(['' if v is None else v for v in data.values()])
        click.echo(out.getvalue(), nl=False)
    else:
        click.echo(presenting.headline(s, report.start, report.end))
        for m in MEASURES:
            if m.key in s:
                click.echo(f'  {m.label}: {s[m.key]}')
        if gain:
            click.echo(f'  Knowledge gain: {gain[4]} points (mean over {gain[1]} persons with both tests)')
        if data['past_unconfirmed']:
            n = data['past_unconfirmed']
            click.echo(f'  {n} session{" past its dates is" if n == 1 else "s past their dates are"} not confirmed: '
                       'still planned, counted in no figure until marked held or cancelled '
                       '(flask sessions list shows their status).')


@report.command('rebuild')
@click.option('--check', is_flag=True, help='Only compare: report the differences, change nothing (exit 1 if any).')
@click.option('--persons-per-batch', type=click.IntRange(min=1), default=None,
              help='Recompute this many persons at a time (millions of attendance rows: shorter sorts).')
def rebuild_command(check, persons_per_batch):
    """Recompute the reporting data from the attendance rows and say what differed from the stored data."""
    with db.engine.begin() as conn:
        found = rebuild.rebuild(conn, check_only=check, persons_per_batch=persons_per_batch)
        rows = conn.execute(sa.text('SELECT COUNT(*) FROM report_rows')).scalar_one()
    if not any(found.values()):
        click.echo(f'Reporting data matches the source rows ({rows} participations); '
                   + ('nothing changed.' if check else 'rebuilt.'))
        return
    for table, n in found.items():
        if n:
            click.echo(f'{table}: {n} rows differed from the source rows')
    if check:
        raise SystemExit(1)
    click.echo(f'Rebuilt from the source rows ({rows} participations).')


#: Click commands and groups added to ``flask`` (see training.cli.COMMAND_MODULES).
commands: list = [report]
