from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user

from training.auth.permissions import TRAINERS, public
from training.extensions import db
from training.i18n import LANGUAGE_NAMES
from training.web import safe_next
from training.workshops import past_sessions
from training.workshops.forms import PastSessionForm

bp = Blueprint('main', __name__)


@bp.route('/')
@public
def index():
    past = None
    if current_user.is_authenticated and current_user.has_role(*TRAINERS):
        sessions, total = past_sessions.for_user(current_user)
        forms = {s.id: PastSessionForm.for_session(s.id, next=url_for('main.index')) for s in sessions}
        past = {'sessions': sessions, 'total': total, 'forms': forms}
    return render_template('main/index.html', past=past)


@bp.route('/healthz')
@public
def healthz():
    try:
        db.session.execute(sa.text('SELECT 1'))
    except Exception:  # noqa: BLE001 - any failure means the database is not usable
        db.session.rollback()
        current_app.logger.exception('health check: database unreachable')
        return jsonify(status='error', database='error'), 503
    return jsonify(status='ok', database='ok')


@bp.route('/language', methods=['POST'])
@public
def set_language():
    """The language switcher: a small POST form in the header, so it works without JavaScript."""
    # CSRFProtect has already checked the token (a POST without one gets 400).
    lang = request.form.get('lang', '')
    if lang in LANGUAGE_NAMES:
        session['lang'] = lang
        if current_user.is_authenticated:
            current_user.record.preferred_language = lang
            db.session.commit()
    return redirect(safe_next(request.form.get('next'), url_for('main.index')))
