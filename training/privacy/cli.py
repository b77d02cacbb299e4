"""``flask persons export|erase ID`` and ``flask users export|erase ID``."""
from __future__ import annotations

import json

import click

from training.auth.models import User
from training.cli import users
from training.errors import TrainingError
from training.extensions import db
from training.privacy import services
from training.workshops.models import Person

persons = click.Group('persons', help='Persons on attendance records: export or erase their personal data.')

#: Larger ids cannot exist (32-bit primary keys) and would overflow the database's integer
MAX_ID = 2**31 - 1


def _load(model, ident: int, what: str):
    obj = db.session.get(model, ident) if 0 < ident <= MAX_ID else None
    if obj is None:
        raise click.ClickException(f'no {what} with id {ident}')
    return obj


def _write(data: dict, output) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)
    if output is None:
        click.echo(text)
    else:
        with open(output, 'w', encoding='utf-8') as fh:
            fh.write(text + '\n')
        click.echo(f'Written to {output}', err=True)


def _report(erasure, subject: str) -> None:
    click.echo(f'{subject} erased: {json.dumps(erasure.counts, sort_keys=True)}')
    for table, column, n in erasure.leftovers:
        click.echo(f'warning: an erased value still appears in {table}.{column} ({n} rows): '
                   'a namesake, or free text to edit by hand', err=True)


def _erase(action, obj, subject: str, yes: bool) -> None:
    if not yes:
        click.confirm(f'Erase {subject}? The personal fields are removed for good', abort=True)
    try:
        erasure = action(obj, by=None)
    except TrainingError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    _report(erasure, subject)


@persons.command('export')
@click.argument('ident', metavar='ID', type=int)
@click.option('--format', 'fmt', type=click.Choice(['json']), default='json', show_default=True)
@click.option('--output', '-o', type=click.Path(dir_okay=False, writable=True), help='File to write (default: stdout).')
def export_person(ident, fmt, output):
    """Everything held about a person: fields, attendances with days, check-ins, merges, linked account."""
    data = services.export_person(_load(Person, ident, 'person'), by=None)
    db.session.commit()
    _write(data, output)


@persons.command('erase')
@click.argument('ident', metavar='ID', type=int)
@click.option('--yes', is_flag=True, help='Do not ask for confirmation.')
def erase_person(ident, yes):
    """Remove a person's personal fields; the anonymous record keeps every programme figure unchanged."""
    _erase(services.erase_person, _load(Person, ident, 'person'), f'person {ident}', yes)


@users.command('export')
@click.argument('ident', metavar='ID', type=int)
@click.option('--format', 'fmt', type=click.Choice(['json']), default='json', show_default=True)
@click.option('--output', '-o', type=click.Path(dir_okay=False, writable=True), help='File to write (default: stdout).')
def export_user(ident, fmt, output):
    """Everything held about an account: profile, roles, enrolments, progress, attempts, certificates, teams."""
    data = services.export_user(_load(User, ident, 'user'), by=None)
    db.session.commit()
    _write(data, output)


@users.command('erase')
@click.argument('ident', metavar='ID', type=int)
@click.option('--yes', is_flag=True, help='Do not ask for confirmation.')
def erase_user(ident, yes):
    """Remove an account's personal data; it is deactivated and kept anonymous for the figures."""
    _erase(services.erase_user, _load(User, ident, 'user'), f'user {ident}', yes)


#: Click commands and groups added to ``flask`` (see training.cli.COMMAND_MODULES); the user commands join ``users``.
commands: list = [persons]
