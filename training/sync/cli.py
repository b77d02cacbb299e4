"""``flask sessions package CODE --out FILE`` on the centre; ``flask sync export`` on a venue; ``flask sync import
FILE`` on the centre."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app

from training.audit.services import record
from training.extensions import db
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


#: Click commands and groups added to ``flask`` (see training.cli.COMMAND_MODULES); ``package`` joins ``sessions``.
commands: list = [sync]
