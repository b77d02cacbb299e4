"""Command-line tools: ``flask users ...``, ``flask demo load``."""
from __future__ import annotations

import json
import sys
from datetime import date
from importlib import import_module

import click
import sqlalchemy as sa

from training import demo as demo_module
from training.auth import services as auth_services
from training.auth.models import Role, User
from training.errors import TrainingError
from training.extensions import db

#: Each domain's CLI module exposes ``commands``: a list of click commands or groups.
COMMAND_MODULES = ('training.courses.cli', 'training.workshops.cli', 'training.reports.cli', 'training.scenarios.cli',
                   'training.privacy.cli', 'training.backup.cli', 'training.sync.cli', 'training.venue.cli')


def iso_date(_ctx, _param, value):
    """Click callback: an optional YYYY-MM-DD option as a date."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter('use YYYY-MM-DD') from exc


users = click.Group('users', help='Manage user accounts.')
demo = click.Group('demo', help='Demonstration data.')


@users.command('create')
@click.option('--email', required=True)
@click.option('--name', required=True)
@click.option('--role', 'roles', multiple=True, type=click.Choice([r.name for r in Role]), default=['trainee'],
              show_default=True, help='Repeat for several roles.')
@click.option('--password-stdin', is_flag=True, help='Read the password from standard input (first line).')
@click.option('--language', default='en', type=click.Choice(['en', 'fr']))
def create_user(email, name, roles, password_stdin, language):
    """Create a user account."""
    if not password_stdin:
        raise click.UsageError('pass --password-stdin and give the password on standard input')
    password = sys.stdin.readline().rstrip('\r\n')
    try:
        user = auth_services.create_user(email=email, name=name, password=password,
                                         roles=[Role[r] for r in roles], preferred_language=language)
    except TrainingError as exc:
        raise click.ClickException(f'{exc.field or "error"}: {exc.message}') from exc
    db.session.commit()
    click.echo(f'Created user {user.id} <{user.email}> with roles: {", ".join(sorted(r.name for r in user.roles))}')


@users.command('list')
@click.option('--format', 'fmt', type=click.Choice(['text', 'json']), default='text')
def list_users(fmt):
    """List user accounts."""
    rows = db.session.scalars(sa.select(User).order_by(User.id)).all()
    data = [{'id': u.id, 'email': u.email, 'name': u.name, 'roles': sorted(r.name for r in u.roles),
             'active': u.is_active} for u in rows]
    if fmt == 'json':
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for d in data:
            click.echo(f'{d["id"]:>5}  {d["email"]:<40} {",".join(d["roles"]):<28} {"" if d["active"] else "inactive"}')


@demo.command('load')
def load_demo():
    """Load demonstration data (idempotent: running it again changes nothing)."""
    summary = demo_module.load()
    db.session.commit()
    for line in summary:
        click.echo(line)


@demo.command('accounts')
def demo_accounts():
    """Print the demonstration sign-ins."""
    for line in demo_module.account_lines():
        click.echo(line)


def init_app(app):
    app.cli.add_command(users)
    app.cli.add_command(demo)
    # By name: the domains' command modules import iso_date from here.
    for module in COMMAND_MODULES:
        for command in import_module(module).commands:
            app.cli.add_command(command)
