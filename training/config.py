"""Settings: defaults here, then the environment, then the `config` argument of create_app.

Order of precedence (last wins):
1. the defaults below (SQLite in ``instance/``);
2. ``DATABASE_URL`` and ``SECRET_KEY`` (the hosting-platform convention);
3. ``TRAINING_*`` variables (``TRAINING_DATABASE_URL``, ``TRAINING_SECRET_KEY``, ...), parsed as JSON when they can be;
4. the mapping passed to ``create_app(config)``.
"""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / 'instance'

#: Locales the site is translated into; the first is the fallback.
LANGUAGES = ('en', 'fr', 'es', 'ar')


#: The default issuer's name in each language (see CERTIFICATE_ISSUER_NAMES)
ISSUER_NAMES = {'Atrocity Prevention Training Programme': {
    'fr': 'Programme de formation à la prévention des atrocités criminelles',
    'es': 'Programa de formación en prevención de crímenes atroces',
    'ar': 'برنامج التدريب على منع الجرائم الفظيعة',
}}


#: Responses compressed by flask-compress (and how); tuples, since every app's defaults() shares this table
COMPRESSION = {
    'COMPRESS_MIMETYPES': (
        # .js is served as text/javascript (Python 3.12's mimetypes, RFC 9239) or application/javascript
        'text/html', 'text/css', 'text/csv', 'text/javascript', 'application/javascript', 'application/json',
        'image/svg+xml',
    ),
    'COMPRESS_MIN_SIZE': 500,
    # gzip (clients without zstd or brotli) at level 1: a lesson compresses in a third of the time of level 6,
    # for about 10% more bytes; browsers take zstd / brotli (flask-compress's defaults, fast levels)
    'COMPRESS_LEVEL': 1,
    # Static files are sent as streams; flask-compress leaves gzip out of its streaming choices by default, so a
    # client that takes only gzip got the stylesheet and scripts uncompressed (three times the bytes)
    'COMPRESS_ALGORITHM_STREAMING': ('zstd', 'br', 'gzip', 'deflate'),
}


def defaults() -> dict:
    return {
        'SECRET_KEY': None,
        'DATABASE_URL': 'sqlite:///' + str(INSTANCE / 'training.sqlite'),
        'SQLALCHEMY_ENGINE_OPTIONS': {},
        #: A pooled connection idle this long is tested before use (training.db.ping_when_idle), in seconds
        'DATABASE_PING_AFTER_IDLE_S': 1.0,
        'CONTENT_DIR': str(ROOT),
        'LANGUAGES': LANGUAGES,
        'BABEL_DEFAULT_LOCALE': 'en',
        'BABEL_DEFAULT_TIMEZONE': 'UTC',
        'BABEL_TRANSLATION_DIRECTORIES': str(Path(__file__).resolve().parent / 'translations'),
        'SESSION_COOKIE_HTTPONLY': True,
        'SESSION_COOKIE_SAMESITE': 'Lax',
        'SESSION_COOKIE_SECURE': None,  # None: secure unless debug or testing
        'REMEMBER_COOKIE_HTTPONLY': True,
        'REMEMBER_COOKIE_SAMESITE': 'Lax',
        'PERMANENT_SESSION_LIFETIME': 60 * 60 * 24 * 14,
        'WTF_CSRF_TIME_LIMIT': None,  # a form left open all day at a workshop still submits
        # Limits are counted in the site's database (training.throttle), so every worker and host counts together;
        # if it cannot be reached, each process counts in memory until it can.
        'RATELIMIT_STORAGE_URI': 'database://',
        'RATELIMIT_IN_MEMORY_FALLBACK_ENABLED': True,
        'RATELIMIT_SWALLOW_ERRORS': True,
        'RATELIMIT_HEADERS_ENABLED': True,
        'LOGIN_LIMIT_PER_ADDRESS': '20 per 10 minutes',
        # Failed sign-ins: per client address; per account from one address (an attacker elsewhere cannot lock the
        # owner out); per account from all addresses (a looser ceiling)
        'LOGIN_LIMIT_PER_ACCOUNT': '5 per 10 minutes',
        'LOGIN_LIMIT_PER_ACCOUNT_ALL': '50 per hour',
        # Sign-ups from one address (a workshop room shares one): enough for a room, not for a script
        'REGISTER_LIMIT': '20 per minute; 120 per hour',
        'PASSWORD_RESET_HOURS': 48,
        'MAIL_SERVER': None,
        'MAIL_PORT': 25,
        'MAIL_USE_TLS': False,
        'MAIL_USERNAME': None,
        'MAIL_PASSWORD': None,
        'MAIL_SENDER': 'no-reply@localhost',
        'SITE_NAME': 'Atrocity Prevention Training',
        'CERTIFICATE_ISSUER': 'Atrocity Prevention Training Programme',
        # The issuer's name as printed in each language, keyed by the name stored at issue (a certificate keeps the
        # name it was issued under; a name not listed here prints as stored). JSON in TRAINING_CERTIFICATE_ISSUER_NAMES
        'CERTIFICATE_ISSUER_NAMES': ISSUER_NAMES,
        # Answer options are shuffled per attempt; a seed makes the orders reproducible (tests), None: unpredictable
        'SHUFFLE_SEED': None,
        'PROXY_FIX': 0,  # number of trusted proxies in front of the app (X-Forwarded-For/Proto)
        'SEND_FILE_MAX_AGE_DEFAULT': 60 * 60 * 24 * 365,
        **COMPRESSION,
        # Largest request body: a larger upload is refused (413) from its Content-Length, before its body is read
        'MAX_CONTENT_LENGTH': 8 * 1024 * 1024,
    }


def normalise_database_url(url: str) -> str:
    """Accept the URL forms hosting platforms hand out and use psycopg 3 for PostgreSQL."""
    if url.startswith('postgres://'):
        url = 'postgresql://' + url[len('postgres://'):]
    if url.startswith('postgresql://'):
        url = 'postgresql+psycopg://' + url[len('postgresql://'):]
    return url


def load(app, config: dict | None) -> None:
    app.config.from_mapping(defaults())
    for key in ('DATABASE_URL', 'SECRET_KEY'):
        if os.environ.get(key):
            app.config[key] = os.environ[key]
    app.config.from_prefixed_env('TRAINING')
    if config:
        app.config.update(config)
    if 'SQLALCHEMY_DATABASE_URI' not in (config or {}):
        app.config['SQLALCHEMY_DATABASE_URI'] = normalise_database_url(app.config['DATABASE_URL'])
    else:
        app.config['SQLALCHEMY_DATABASE_URI'] = normalise_database_url(app.config['SQLALCHEMY_DATABASE_URI'])
    if app.config['SESSION_COOKIE_SECURE'] is None:
        secure = not (app.debug or app.testing or app.config.get('TESTING'))
        app.config['SESSION_COOKIE_SECURE'] = secure
        app.config['REMEMBER_COOKIE_SECURE'] = secure
    if not app.config.get('SECRET_KEY'):
        if app.debug or app.config.get('TESTING'):
            app.config['SECRET_KEY'] = 'dev-only-insecure-key'  # noqa: S105 - debug/testing only
        else:
            raise RuntimeError(
                'SECRET_KEY is not set. Set SECRET_KEY (or TRAINING_SECRET_KEY) in the environment, '
                'or run with --debug for local development.'
            )
