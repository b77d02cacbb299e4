"""``flask backup create FILE``, ``flask backup restore FILE``, ``flask backup verify FILE``."""
from __future__ import annotations

from pathlib import Path

import click

from training.backup import snapshot
from training.backup.fileformat import BackupError, check_header, read_lines
from training.extensions import db

backup = click.Group('backup', help='Consistent backups of every table, and restore into an empty database.')


def _summary(result: dict) -> str:
    tables = result['tables']
    return f'{len(tables)} tables, {sum(tables.values())} rows, database revision {result["revision"] or "(none)"}'


@backup.command('create')
@click.argument('path', metavar='FILE', type=click.Path(dir_okay=False, path_type=Path))
@click.option('--force', is_flag=True, help='Replace FILE if it exists.')
def create(path, force):
    """Write a consistent snapshot of the database to FILE (gzip'd JSON lines), while the site runs."""

    if path.exists() and not force:
        raise click.ClickException(f'{path} exists; choose another name or pass --force')
    if not path.parent.is_dir():
        raise click.ClickException(f'{path.parent} is not a directory')
    for name in snapshot.unknown_tables(db.engine, db.metadata):
        click.echo(f'warning: table {name} is not part of the application and is not in the backup', err=True)
    try:
        result = snapshot.create(db.engine, db.metadata, path)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f'Backup written to {path} ({path.stat().st_size:,} bytes): {_summary(result)}')


@backup.command('restore')
@click.argument('path', metavar='FILE', type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore(path):
    """Load FILE into this database, which must be empty and migrated to the backup's revision."""

    db.session.remove()
    try:
        result = snapshot.restore(db.engine, db.metadata, path)
    except BackupError as exc:
        raise click.ClickException(f'nothing restored: {exc}') from exc
    click.echo(f'Restored {path} (taken on {result["dialect"]}): {_summary(result)}')


@backup.command('verify')
@click.argument('path', metavar='FILE', type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify(path):
    """Read FILE to the end and check its structure and row counts (no database needed)."""

    try:
        lines = read_lines(path)
        header = check_header(next(lines, None), path)
        counts, current, n, complete = {}, None, 0, None
        for obj in lines:
            if isinstance(obj, list):
                n += 1
            elif 'table' in obj:
                current, n = obj['table'], 0
            elif 'end' in obj:
                if obj['end'] != current or obj['rows'] != n:
                    raise BackupError(f'table {obj["end"]}: the row count does not match')
                counts[current] = n
            elif obj.get('complete'):
                complete = obj
        if complete is None or complete['tables'] != counts:
            raise BackupError('the backup is incomplete (cut short?)')
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f'{path}: a complete backup taken on {header["dialect"]} at {header["created_at"]}: '
               f'{_summary({"revision": header["revision"], "tables": counts})}')


#: Click commands and groups added to ``flask`` (see training.cli.COMMAND_MODULES).
commands: list = [backup]
