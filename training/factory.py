"""The application factory: configuration, extensions, content, blueprints, error pages, CLI.

``from training import create_app`` reaches it too (training/__init__.py).
"""
from __future__ import annotations

from importlib import import_module

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.pool import StaticPool
from werkzeug.middleware.proxy_fix import ProxyFix

import training.models  # noqa: F401 - every model registered before migrations compare
from training import cli, content, error_pages, security, sqlite_writes, templating
from training import config as config_module
from training.auth import sessions as auth_sessions
from training.db import ping_when_idle, sqlite_in_memory
from training.extensions import babel, compress, csrf, limiter, login_manager, migrate
from training.extensions import db as database  # not ``db``: ``training.db`` must stay the module
from training.i18n import _l, select_locale
from training.i18n import init_app as init_translations
from training.kept_answers import handlers as kept_answers
from training.throttle import storage as _throttle_storage  # noqa: F401 - registers the database:// storage
from training.web import BoundedIntConverter

#: Modules of views, one or more per domain, each with the ``bp`` it adds routes to (``training.<domain>.views:bp``).
BLUEPRINTS = (
    'training.main.views',
    'training.assets',
    'training.auth.views',
    'training.courses.views',
    'training.courses.certificate_views',
    'training.courses.manage_views',
    'training.workshops.views',
    'training.workshops.roster_views',
    'training.workshops.import_views',
    'training.workshops.checkin_views',
    'training.scenarios.views',
    'training.scenarios.live_views',
    'training.scenarios.live_control_views',
    'training.reports.views',
    'training.audit.views',
    'training.privacy.views',
    'training.sync.views',
    'training.venue.views',
    'training.paper.views',
    'training.offline.views',
    'training.offline.site_views',
)


class TrainingApp(Flask):
    jinja_environment = templating.Environment


def create_app(config: dict | None = None) -> Flask:
    app = TrainingApp(
        __name__,
        template_folder=str(config_module.ROOT / 'templates'),
        static_folder=str(config_module.ROOT / 'static'),
        instance_path=str(config_module.INSTANCE),
        instance_relative_config=True,
    )
    app.url_map.converters['int'] = BoundedIntConverter  # before any route: ids beyond the database's range 404
    config_module.load(app, config)
    if int(app.config['PROXY_FIX']):
        n = int(app.config['PROXY_FIX'])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    _init_extensions(app)

    content.init_app(app)

    blueprints = {}
    for path in BLUEPRINTS:  # every module first: a blueprint takes no more routes once registered
        bp = import_module(path).bp
        blueprints.setdefault(bp.name, bp)
    for bp in blueprints.values():
        app.register_blueprint(bp)

    error_pages.init_app(app)
    kept_answers.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    cli.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    if app.config['SQLALCHEMY_DATABASE_URI'].startswith('sqlite'):
        if sqlite_in_memory(app.config['SQLALCHEMY_DATABASE_URI']):
            app.config['SQLALCHEMY_ENGINE_OPTIONS'] = {
                **app.config['SQLALCHEMY_ENGINE_OPTIONS'], 'poolclass': StaticPool,
                'connect_args': {'check_same_thread': False}}
            if app.config['RATELIMIT_STORAGE_URI'] == 'database://':  # one connection for all: limits in memory
                app.config['RATELIMIT_STORAGE_URI'] = 'memory://'
        else:
            config_module.INSTANCE.mkdir(exist_ok=True)
    database.init_app(app)
    _engine_settings(app)
    migrate.init_app(app, database, directory=str(config_module.ROOT / 'training' / 'migrations'))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    init_translations(app)
    limiter.init_app(app)
    compress.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = 'auth.login'
    login_manager.login_message = _l('Please sign in to open this page.')
    login_manager.login_message_category = 'info'

    login_manager.user_loader(auth_sessions.load_user)


def _engine_settings(app: Flask) -> None:
    """Per-dialect settings of the engine: PostgreSQL's multi-row inserts; SQLite's pragmas and its writers' queue."""
    with app.app_context():
        engine = database.engine
        if engine.dialect.name != 'sqlite':  # a file: no connection to lose
            ping_when_idle(engine, app.config['DATABASE_PING_AFTER_IDLE_S'])
        if engine.dialect.name == 'postgresql':
            # An executemany INSERT (a quiz's answer rows) as one multi-row statement, as SQLAlchemy does for
            # psycopg2, rather than psycopg's pipeline of one statement per row: a third less CPU (issue 18)
            engine.dialect.use_insertmanyvalues_wo_returning = True
        if engine.dialect.name != 'sqlite':
            return

        on_disk = not sqlite_in_memory(engine.url)

        @sa.event.listens_for(engine, 'connect')
        def _on_connect(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute('PRAGMA foreign_keys=ON')
            if on_disk:
                cur.execute('PRAGMA journal_mode=WAL')
                cur.execute('PRAGMA synchronous=NORMAL')
            cur.close()

        if on_disk:
            sqlite_writes.serialise_writes(engine, engine.url.database)
