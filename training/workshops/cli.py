"""Workshops commands: ``flask sessions list``, ``flask attendance import``."""
from __future__ import annotations

import json
from pathlib import Path

import click

from training.audit.services import record
from training.cli import iso_date
from training.exports import csv_bytes
from training.extensions import db
from training.workshops.imports import ImportRefused, import_sheet, rejected_table
from training.workshops.models import TrainingSession
from training.workshops.queries import roster, session_by_code, sessions_select

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
@click.option('--accept-valid', is_flag=True, help='Import the valid rows even when some are rejected.')
@click.option('--rejected-out', type=click.Path(dir_okay=False, path_type=Path),
              help='Write the rejected rows to this CSV file, with a "Problem" column.')
@click.option('--format', 'fmt', type=click.Choice(['text', 'json']), default='text')
def import_attendance(path, code, dry_run, accept_valid, rejected_out, fmt):
    """Import a sign-in sheet (CSV or XLSX): all rows or none, or the valid ones with --accept-valid. Exits 0 only
    when every row was imported or skipped (blank rows), 1 otherwise.

    Columns are mapped automatically, and persons matched to persons on record keep what is on record where the
    sheet says something else (organisation, sex, country, email): only their empty fields are filled. To change a
    column's meaning or take a sheet's value over the record, import the sheet on the session's web page."""
    session = session_by_code(code)
    if session is None:
        raise click.ClickException(f'no training session with code {code!r}')
    try:
        plan = import_sheet(session, path.name, path.read_bytes(), write=not dry_run, accept_valid=accept_valid)
    except ImportRefused as exc:
        db.session.rollback()
        plan = exc.plan
        summary = {**plan.summary(), 'created': 0, 'matched': 0}
        written = False
    else:
        summary = plan.summary()
        written = not dry_run
        if dry_run:
            db.session.rollback()
        else:
            record(None, 'session.imported', session, rows=summary['rows'], created=summary['created'],
                   matched=summary['matched'])
            db.session.commit()
    summary['written'] = written
    if rejected_out is not None:
        rejected_out.write_bytes(csv_bytes(*rejected_table(plan)))
    _echo_summary(path.name, summary, dry_run=dry_run, fmt=fmt)
    if not plan.ok:
        raise SystemExit(1)


@sessions.command('show')
@click.argument('code')
@click.option('--format', 'fmt', type=click.Choice(['text', 'json']), default='json')
def show_session(code, fmt):
    """A session (code, title, country, dates, status) and its roster: each person's name, sex, country (ISO code),
    organisation, email, role and the days attended (ISO dates, from the day register)."""
    session = session_by_code(code)
    if session is None:
        raise click.ClickException(f'no training session with code {code!r}')
    people = []
    for attendance in roster(session):
        person = attendance.person
        people.append({'full_name': person.full_name, 'sex': person.sex.name, 'country': person.country,
                       'organisation': person.organisation, 'email': person.email, 'role': attendance.role.name,
                       'days': [m.day.isoformat() for m in attendance.day_marks]})
    data = {'code': session.code, 'title': session.title, 'country': session.country,
            'start_date': session.start_date.isoformat(), 'end_date': session.end_date.isoformat(),
            'status': session.status.name, 'roster': people}
    if fmt == 'json':
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f'{session.code}  {session.title}  {session.country}  {data["start_date"]} - {data["end_date"]}  '
               f'{data["status"]}')
    for p in people:
        click.echo(f'  {p["full_name"]:<32} {p["sex"]:<11} {p["country"] or "":<3} {len(p["days"])} days  '
                   f'{p["role"]}')


def _echo_summary(name: str, summary: dict, *, dry_run: bool, fmt: str) -> None:
    if fmt == 'json':
        click.echo(json.dumps(summary, ensure_ascii=False))
        return
    verb = 'would import' if dry_run else ('imported' if summary['written'] else 'nothing imported')
    click.echo(f'{name}: {summary["rows"]} rows, {verb}: {summary["created"]} new persons, '
               f'{summary["matched"]} matched, {summary["merged_in_sheet"]} merged in the sheet, '
               f'{summary["skipped"]} blank rows skipped')
    for r in summary['rejected']:
        click.echo(f'  row {r["row"]}: {r["reason"]}')


#: Click commands and groups added to ``flask`` (see training.cli.COMMAND_MODULES).
commands: list = [sessions, attendance]
