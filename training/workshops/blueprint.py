"""The workshops blueprint, shared by its four page modules: ``views`` (sessions, persons, duplicates),
``roster_views`` (roster and day register), ``import_views`` (sign-in sheets) and ``checkin_views`` (self check-in).
Each adds its routes to :data:`bp`; the application factory imports them all before it registers the blueprint.
Also the template filters the pages use."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext

from training.workshops.models import Sex

bp = Blueprint('workshops', __name__)


@bp.app_template_filter('sex_title')
def sex_title(name: str) -> str:
    return str(Sex[name].title) if name in Sex.__members__ else name


@bp.app_template_filter('row_error')
def row_error(error) -> str:
    return error.text(gettext)
