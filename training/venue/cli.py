"""``flask venue init FILE``: start this (new) database as a venue from a session package."""
from __future__ import annotations

import json
from pathlib import Path

import click

from training.errors import TrainingError
from training.extensions import db
from training.sync.fileformat import FileRefused
from training.sync.install import install

venue = click.Group('venue', help='Run the platform at a venue from a session package.')


@venue.command('init')
@click.argument('path', metavar='FILE', type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option('--format', 'fmt', type=click.Choice(['text', 'json']), default='text')
def init(path, fmt):
    """Start this database (new and migrated) from the session package FILE. Run again with the same package, it
    changes nothing; with another package, it refuses."""
    try:
        result = install(path.read_bytes())
    except FileRefused as exc:
        db.session.rollback()
        raise click.ClickException(f'{path}: refused, nothing written: {exc}') from exc
    except TrainingError as exc:
        db.session.rollback()
        raise click.ClickException(f'{path}: refused, nothing written: {exc.message}') from exc
    db.session.commit()
    for warning in result.warnings:
        click.echo(f'warning: {warning}', err=True)
    session = result.session
    if fmt == 'json':
        click.echo(json.dumps({'session': session.code if session else None, 'already': result.already,
                               'records': result.counts}))
    elif result.already:
        click.echo(f'This venue database already holds session {session.code if session else "?"}; nothing to do.')
    else:
        click.echo(f'Venue started for session {session.code}: '
                   + ', '.join(f'{n} {kind}' for kind, n in result.counts.items()))


#: Click commands and groups added to ``flask`` (see training.cli.COMMAND_MODULES).
commands: list = [venue]
