"""``make venue``: the platform for one workshop on a trainer's laptop.

    python -m training.venue.serve [--package FILE] [--lan] [--port 8000]

1. its own secret key, generated once into ``instance/venue-secret.key`` (readable by its owner only);
2. its own SQLite database, ``instance/venue.sqlite`` (``VENUE_DATABASE_URL`` to choose another), migrated, and
   started from the session package the first time (``--package`` or ``VENUE_PACKAGE``);
3. gunicorn (no debug, one process so that sign-in throttling counts every attempt) on 127.0.0.1, or on every
   interface of the laptop with ``--lan`` or ``VENUE_HOST=0.0.0.0``: phones on the same Wi-Fi then open the address
   printed with its QR code. Plain HTTP on the local network, so cookies are not marked Secure.
"""
from __future__ import annotations

import argparse
import io
import os
import secrets
import shutil
import socket
import sys
from pathlib import Path

import segno
import sqlalchemy as sa
from flask_migrate import upgrade

from training.config import INSTANCE, ROOT
from training.extensions import db
from training.factory import create_app
from training.sync.install import current_package, install
from training.workshops.models import TrainingSession

SECRET_FILE = 'venue-secret.key'  # noqa: S105 - a file name
DATABASE_FILE = 'venue.sqlite'
LAN = '0.0.0.0'  # noqa: S104 - only when the trainer asks for the local network
LOOPBACK = '127.0.0.1'


def secret_key(instance: Path = INSTANCE) -> str:
    """The venue's own secret key: made once, then read back (sessions survive a restart of the laptop)."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / SECRET_FILE
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, 'w') as fh:
            fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def bind_host(*, lan: bool, env: dict | None = None) -> str:
    """127.0.0.1 unless the local network is asked for (``--lan`` or ``VENUE_HOST``)."""
    env = os.environ if env is None else env
    if lan:
        return LAN
    return env.get('VENUE_HOST') or LOOPBACK


def lan_address() -> str:
    """This laptop's address on the local network (no packet is sent: a UDP socket is only pointed somewhere)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(('10.255.255.255', 1))
            return probe.getsockname()[0]
        except OSError:
            return LOOPBACK


def public_url(host: str, port: int) -> str:
    shown = lan_address() if host in (LAN, '') else host
    return f'http://{shown}:{port}/'


def banner(url: str, *, lan: bool) -> str:
    """The address and its QR code, for the terminal."""
    qr = io.StringIO()
    segno.make(url, error='m').terminal(out=qr, compact=True)
    lines = [f'Venue server: {url}']
    if lan:
        lines += ['Participants on the same Wi-Fi open this address, or scan:', qr.getvalue()]
    else:
        lines += ['Only this laptop can open it. For phones on the same Wi-Fi: make venue LAN=1']
    lines.append('Stop with Ctrl+C.')
    return '\n'.join(lines)


def environment(*, instance: Path = INSTANCE, env: dict | None = None) -> dict:
    """The variables the venue app runs with."""
    env = dict(os.environ if env is None else env)
    env['SECRET_KEY'] = secret_key(instance)
    env['DATABASE_URL'] = env.get('VENUE_DATABASE_URL') or f'sqlite:///{instance / DATABASE_FILE}'
    env['TRAINING_SESSION_COOKIE_SECURE'] = 'false'
    env['TRAINING_REMEMBER_COOKIE_SECURE'] = 'false'
    env.pop('FLASK_DEBUG', None)
    return env


def prepare(package: Path | None, env: dict) -> str:
    """Migrate the venue database and, the first time, start it from the package. Returns the session code."""
    os.environ.update(env)
    app = create_app()
    with app.app_context():
        upgrade()
        if current_package() is None:
            if package is None:
                raise SystemExit('No session package yet: run  make venue VENUE_PACKAGE=path/to/package')
            result = install(package.read_bytes())
            db.session.commit()
            for warning in result.warnings:
                print(f'warning: {warning}', file=sys.stderr)
        code = db.session.scalar(sa.select(TrainingSession.code).limit(1))
        db.engine.dispose()
    return code or '?'


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog='make venue', description=__doc__.split('\n\n')[0])
    parser.add_argument('--package', type=Path, default=os.environ.get('VENUE_PACKAGE') or None)
    parser.add_argument('--lan', action='store_true', help='serve the local network, not only this laptop')
    parser.add_argument('--port', type=int, default=int(os.environ.get('VENUE_PORT', '8000')))
    parser.add_argument('--instance', type=Path, default=Path(os.environ.get('VENUE_INSTANCE') or INSTANCE),
                        help='where the secret key and the database are kept (default: instance/)')
    args = parser.parse_args(argv)
    env = environment(instance=args.instance)
    code = prepare(args.package, env)
    host = bind_host(lan=args.lan)
    print(f'Session {code}')
    print(banner(public_url(host, args.port), lan=host != LOOPBACK), flush=True)
    env.update({'GUNICORN_BIND': f'{host}:{args.port}', 'WEB_CONCURRENCY': '1', 'GUNICORN_THREADS': '8',
                'GUNICORN_ACCESS_LOG': env.get('GUNICORN_ACCESS_LOG', '-')})
    gunicorn = shutil.which('gunicorn', path=str(Path(sys.executable).parent)) or 'gunicorn'
    os.chdir(ROOT)
    os.execvpe(gunicorn, [gunicorn, '--config', str(ROOT / 'gunicorn.conf.py'), 'app:app'], env)  # noqa: S606


if __name__ == '__main__':
    main()
