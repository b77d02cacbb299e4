"""Flask extensions, created unbound and bound to the app in create_app()."""
import click
from flask import current_app
from flask.cli import ScriptInfo, with_appcontext
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from training.db import Base


class Migrations:
    """Flask-Migrate, set up on first use: by ``flask db ...`` or a call of flask_migrate's functions (the tests, the
    venue server), never by a worker serving pages, which need not hold Alembic, Mako and Pygments (some 10 MB,
    issue 18). Until then ``app.extensions['migrate']`` is a stand-in that sets it up when read."""

    def __init__(self, **options):
        self.options = options

    def init_app(self, app, db, *, directory: str) -> None:
        app.extensions['migrate'] = _OnFirstUse(lambda: self._set_up(app, db, directory))
        app.cli.add_command(_db_command)

    def _set_up(self, app, db, directory: str):
        from flask_migrate import Migrate  # first use (see the class)
        Migrate(**self.options).init_app(app, db, directory=directory)  # replaces the stand-in and the command
        return app.extensions['migrate']


class _OnFirstUse:
    def __init__(self, set_up):
        self._set_up = set_up

    def __getattr__(self, name):
        return getattr(self._set_up(), name)


@click.command('db', help='Perform database migrations.', add_help_option=False,
               context_settings={'ignore_unknown_options': True, 'allow_extra_args': True})
@with_appcontext
@click.pass_context
def _db_command(ctx):
    """Flask-Migrate's ``db`` commands, loaded when run."""
    from flask_migrate.cli import db as commands  # first use (see Migrations)
    current_app.extensions['migrate'].db  # noqa: B018 - sets Flask-Migrate up
    commands.main(args=ctx.args, prog_name=ctx.command_path, standalone_mode=False, obj=ctx.find_object(ScriptInfo))


db = SQLAlchemy(model_class=Base)
migrate = Migrations(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
compress = Compress()
