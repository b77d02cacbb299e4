"""The venue laptop's actions on a session's venue page (:mod:`training.sync.views`): export the sync file, or send
it to the central server when the laptop is online again."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, url_for
from flask_login import current_user

from training.auth.permissions import TRAINERS, require_session_trainer, roles_required
from training.errors import TrainingError
from training.extensions import db
from training.forms import ConfirmForm
from training.i18n import _
from training.sync.export import export_file, venue_session
from training.sync.forms import SendHomeForm
from training.venue.sender import send_home
from training.web import perform
from training.workshops.loaders import session_or_404

bp = Blueprint('venue', __name__)


def _venue_session(session_id: int):
    """The session, if this server is the venue laptop started for it; else None (and a message flashed)."""
    session = session_or_404(session_id)
    require_session_trainer(session)
    try:
        here, _package = venue_session()
    except TrainingError as exc:
        flash(exc.message, 'error')
        return None
    if here.id != session.id:
        flash(_('This laptop was started for another session.'), 'error')
        return None
    return session


def _back(session_id: int):
    return redirect(url_for('sync.session_venue', session_id=session_id))


@bp.route('/manage/sessions/<int:session_id>/venue/export', methods=['POST'])
@roles_required(*TRAINERS)
def export_sync(session_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    session = _venue_session(session_id)
    if session is None:
        return _back(session_id)
    blob, _counts = export_file(by=current_user)
    db.session.commit()
    return Response(blob, mimetype='application/octet-stream', headers={
        'Content-Disposition': f'attachment; filename="{session.code}.sync"', 'Cache-Control': 'no-store'})


@bp.route('/manage/sessions/<int:session_id>/venue/send', methods=['POST'])
@roles_required(*TRAINERS)
def send_sync(session_id: int):
    form = SendHomeForm()
    session = _venue_session(session_id)
    if session is None:
        return _back(session_id)
    if not form.validate_on_submit():
        for field in form:
            for message in field.errors:
                flash(f'{field.label.text}: {message}', 'error')
        return _back(session.id)

    def send():
        blob, _counts = export_file(by=current_user)
        return send_home(blob, form.centre_url.data, form.email.data, form.password.data)

    outcome = perform(send)
    if outcome.ok:
        answer = outcome.value
        flash(_('Sent to the central server: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, '
                '%(conflicts)d conflicts for the trainer to decide there.', created=answer.get('created', 0),
                updated=answer.get('updated', 0), unchanged=answer.get('unchanged', 0),
                conflicts=len(answer.get('conflicts') or ())), 'success')
    return _back(session.id)
