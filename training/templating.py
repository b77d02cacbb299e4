"""Template globals and filters shared by every page."""
from __future__ import annotations

from flask import request
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from training.assets import asset_url
from training.auth.models import Role
from training.i18n import LANGUAGE_NAMES, _l
from training.vocab import country_name

#: Main navigation: (endpoint, label, roles or None for everyone). A later domain adds its own entry here.
NAVIGATION: list[tuple[str, object, tuple | None]] = [
    ('courses.catalogue', _l('Courses'), None),
    ('courses.my_learning', _l('My learning'), ()),
    ('scenarios.list_exercises', _l('Exercises'), None),
    ('scenarios.list_frameworks', _l('Frameworks'), None),
]
#: Management navigation, shown to users holding one of the roles.
MANAGE_NAVIGATION: list[tuple[str, object, tuple]] = [
    ('workshops.list_sessions', _l('Training sessions'), (Role.trainer, Role.staff, Role.admin)),
    ('scenarios.manage_live', _l('Live runs'), (Role.trainer, Role.admin)),
    ('reports.programme', _l('Reports'), (Role.staff, Role.admin)),
    ('courses.manage_certificates', _l('Certificates'), (Role.admin,)),
    ('auth.list_users', _l('Users'), (Role.admin,)),
    ('audit.events', _l('Audit log'), (Role.admin,)),
]


def _visible(items, app):
    out = []
    for endpoint, label, roles in items:
        if endpoint not in app.view_functions:
            continue
        if roles == () and not current_user.is_authenticated:
            continue
        if roles and not (current_user.is_authenticated and current_user.has_role(*roles)):
            continue
        out.append((endpoint, label))
    return out


def init_app(app):
    @app.context_processor
    def inject():
        return {
            'asset_url': asset_url,
            'csrf_token_value': generate_csrf,
            'current_locale': str(get_locale() or 'en'),
            'language_names': LANGUAGE_NAMES,
            'country_name': country_name,
            'nav_items': _visible(NAVIGATION, app),
            'manage_items': _visible(MANAGE_NAVIGATION, app),
            'Role': Role,
        }

    @app.template_filter('here')
    def here(_value=None):
        """The current path with its query string, for ``next=`` parameters."""
        return request.full_path.rstrip('?')
