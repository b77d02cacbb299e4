"""Workshops commands: ``flask sessions list``, ``flask attendance import``."""
from __future__ import annotations

import json
from pathlib import Path

import click

from training.audit.services import record
from training.cli import iso_date
from training.extensions import db
from training.workshops.imports import ImportRefused, import_sheet
from training.workshops.models import TrainingSession
from training.workshops.queries import session_by_code, sessions_select

sessions = click.Group('sessions', help='Training sessions.')
attendance = click.Group('attendance', help='Attendance records.')


@sessions.command('list')
@click.option('--from', 'start', callback=iso_date, help='First start date (YYYY-MM-DD).')
@click.option('--to', 'end', callback=iso_date, help='Last start date (YYYY-MM-DD).')
@click.option('--format', 'fmt', type=click.Choice(['text', 'json']), default='text')
def list_sessions(start, end, fmt):
    """List training sessions (code, title, country, dates, status, participants), by start date."""
    stmt = sessions_select(start=start, end=end).order_by(None).order_by(TrainingSession.start_date,
                                                                         TrainingSession.code)
    data = [{'code': s.code, 'title': s.title, 'country': s.country, 'city': s.city,
             'start_date': s.start_date.isoformat(), 'end_date': s.end_date.isoformat(), 'mode': s.mode.name,
             'status': s.status.name, 'participants': int(n)} for s, n in db.session.execute(stmt)]
    if fmt == 'json':
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for d in data:
        click.echo(f'{d["code"]:<16} {d["start_date"]} {d["end_date"]} {d["country"]} {d["status"]:<9} '
                   f'{d["participants"]:>5}  {d["title"]}')


@attendance.command('import')
@click.argument('path', type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option('--session', 'code', required=True, help='Code of the training session.')
@click.option('--dry-run', is_flag=True, help='Check and match every row; write nothing.')
@click.option('--format', 'fmt', type=click.Choice(['text', 'json']), default='text')
def import_attendance(path, code, dry_run, fmt):
    """Import a sign-in sheet (CSV or XLSX): all rows or none. Exits 1 if any row is rejected."""
    session = session_by_code(code)
    if session is None:
        raise click.ClickException(f'no training session with code {code!r}')
    try:
        plan = import_sheet(session, path.name, path.read_bytes(), write=not dry_run)
    except ImportRefused as exc:
        db.session.rollback()
        plan = exc.plan
        summary = {**plan.summary(), 'created': 0, 'matched': 0}
    else:
        summary = plan.summary()
        if dry_run:
            db.session.rollback()
        else:
            record(None, 'session.imported', session, rows=summary['rows'], created=summary['created'],
                   matched=summary['matched'])
            db.session.commit()
    summary['written'] = plan.ok and not dry_run
    _echo_summary(path.name, summary, dry_run=dry_run, fmt=fmt)
    if not plan.ok:
        raise SystemExit(1)


def _echo_summary(name: str, summary: dict, *, dry_run: bool, fmt: str) -> None:
    if fmt == 'json':
        click.echo(json.dumps(summary, ensure_ascii=False))
        return
    verb = 'would import' if dry_run else ('imported' if summary['written'] else 'nothing imported')
    click.echo(f'{name}: {summary["rows"]} rows, {verb}: {summary["created"]} new persons, '
               f'{summary["matched"]} matched')
    for r in summary['rejected']:
        click.echo(f'  row {r["row"]}: {r["reason"]}')


#: Click commands and groups added to ``flask`` (see training.cli.COMMAND_MODULES).
commands: list = [sessions, attendance]
