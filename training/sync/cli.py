"""``flask sessions package CODE --out FILE`` on the centre; ``flask sync export`` on a venue; ``flask sync import
FILE`` on the centre."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app

from training.audit.services import record
from training.errors import TrainingError
from training.extensions import db
from training.sync.export import export_file
from training.sync.fileformat import FileRefused
from training.sync.importer import import_sync
from training.sync.models import SyncSource
from training.sync.package import build_package
from training.workshops.cli import sessions
from training.workshops.queries import session_by_code

sync = click.Group('sync', help='Sync a venue laptop with the central server.')


def _write(path: Path, content: bytes) -> None:
    tmp = path.with_name(f'.{path.name}.partial')
    tmp.write_bytes(content)
    tmp.chmod(0o600)  # holds password hashes and a signing key: like a password
    tmp.replace(path)


@sessions.command('package')
@click.argument('code')
@click.option('--out', 'out', required=True, type=click.Path(dir_okay=False, path_type=Path),
              help='Where to write the package.')
@click.option('--centre-url', default=None, help='This server\'s address, for direct sync from the venue.')
@click.option('--format', 'fmt', type=click.Choice(['text', 'json']), default='text')
def package(code, out, centre_url, fmt):
    """Write one session's package for a venue laptop: the session, its roster and day register, the content ids it
    needs and its trainers' accounts. Keep it like a password."""
    session = session_by_code(code)
    if session is None:
        raise click.ClickException(f'no training session with code {code!r}')
    result = build_package(session, secret=current_app.config['SECRET_KEY'], centre_url=centre_url)
    _write(out, result.content)
    record(None, 'session.packaged', session, package=result.package_uid, bytes=result.size)
    db.session.commit()
    summary = {'session': session.code, 'package': result.package_uid, 'bytes': result.size, 'records': result.counts}
    if fmt == 'json':
        click.echo(json.dumps(summary))
    else:
        click.echo(f'Package for {session.code} written to {out} ({result.size:,} bytes): '
                   + ', '.join(f'{n} {kind}' for kind, n in sorted(result.counts.items())))


@sync.command('export')
@click.option('--out', 'out', required=True, type=click.Path(dir_okay=False, path_type=Path),
              help='Where to write the sync file.')
def export(out):
    """On a venue laptop: write everything that happened since the package (new and changed persons, attendance per
    day, check-ins, live runs, quiz attempts, with times and authors) as one signed file for the centre."""
    try:
        blob, counts = export_file()
    except TrainingError as exc:
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    _write(out, blob)
    click.echo(f'Sync file written to {out} ({len(blob):,} bytes): '
               + (', '.join(f'{n} {kind}' for kind, n in sorted(counts.items())) or 'nothing new'))


@sync.command('import')
@click.argument('path', metavar='FILE', type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option('--session', 'code', default=None, help='Refuse the file unless it is from this session.')
@click.option('--format', 'fmt', type=click.Choice(['text', 'json']), default='text')
def import_(path, code, fmt):
    """On the centre: apply a venue's sync file, all or nothing. Prints what was created, updated, unchanged, and
    the conflicts left for the session's trainer; exits 1, writing nothing, on a refused file."""
    session = None
    if code is not None and (session := session_by_code(code)) is None:
        raise click.ClickException(f'no training session with code {code!r}')
    try:
        outcome = import_sync(path.read_bytes(), secret=current_app.config['SECRET_KEY'], source=SyncSource.command,
                              session=session)
    except (FileRefused, TrainingError) as exc:
        db.session.rollback()
        message = exc.text() if isinstance(exc, FileRefused) else exc.message
        if fmt == 'json':
            click.echo(json.dumps({'refused': message}))
            raise SystemExit(1) from exc
        raise click.ClickException(f'{path}: refused, nothing written: {message}') from exc
    db.session.commit()
    if fmt == 'json':
        click.echo(json.dumps(outcome.as_json(), ensure_ascii=False))
        return
    click.echo(f'{path} ({outcome.session.code}): {outcome.created} created, {outcome.updated} updated, '
               f'{outcome.unchanged} unchanged, {len(outcome.conflicts)} conflicts')
    for c in outcome.conflicts:
        click.echo(f'  conflict: {c["kind"]} {c["label"] or c["uid"]}: {c["field"]} is {c["central"]!r} here, '
                   f'{c["venue"]!r} at the venue (kept; decide on the session\'s sync page)')


#: Click commands and groups added to ``flask`` (see training.cli.COMMAND_MODULES); ``package`` joins ``sessions``.
commands: list = [sync]
