"""A session's venue page. At the centre: make the session's package for a venue laptop, import its sync file, decide
the conflicts. At the venue (the laptop started from this session's package): export the sync file or send it home
(those actions are in :mod:`training.venue.views`). And the direct-sync endpoint the laptop posts to."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from training.audit.services import record
from training.auth import services as auth_services
from training.auth.permissions import TRAINERS, public, require_session_trainer, roles_required, trains_session
from training.errors import TrainingError
from training.extensions import csrf, db, limiter
from training.forms import ConfirmForm
from training.i18n import _, _l
from training.sync import conflicts as conflict_rules
from training.sync import queries
from training.sync.fileformat import FileRefused
from training.sync.forms import MAX_SYNC_UPLOAD, ResolveForm, SendHomeForm, SyncUploadForm
from training.sync.importer import check_file, import_sync
from training.sync.install import current_package
from training.sync.models import SyncSource
from training.sync.package import build_package
from training.web import perform
from training.workshops.loaders import session_or_404

bp = Blueprint('sync', __name__)

#: Labels of the fields a conflict may be about (sheet fields have theirs: ``field_label``)
FIELD_LABELS = {
    'full_name': _l('Full name'), 'sex': _l('Sex'), 'organisation': _l('Organisation'),
    'organisation_type': _l('Organisation type'), 'country': _l('Country'), 'email': _l('Email'),
    'consent_to_contact': _l('Consent to be contacted'), 'role': _l('Role'), 'completed': _l('Completed'),
    'pre_test_score': _l('Pre-test score'), 'post_test_score': _l('Post-test score'), 'day': _l('Day present'),
    'removed': _l('Taken off the roster at the venue'),
    'title': _l('Title'), 'course_slug': _l('Course followed'), 'city': _l('City'), 'venue': _l('Venue'),
    'start_date': _l('First day'), 'end_date': _l('Last day'), 'mode': _l('Mode'), 'language': _l('Language'),
    'partner': _l('Partner organisation'), 'audience': _l('Audience'), 'status': _l('Status'), 'notes': _l('Notes'),
}


@bp.app_template_global('sync_field_label')
def sync_field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))


def _session(session_id: int):
    session = session_or_404(session_id)
    require_session_trainer(session)
    return session


@bp.route('/manage/sessions/<int:session_id>/venue')
@roles_required(*TRAINERS)
def session_venue(session_id: int):
    session = _session(session_id)
    package = current_package()
    is_venue = package is not None and package.session_uid == session.uid
    open_conflicts = queries.conflicts(session, open_=True)
    decided = queries.conflicts(session, open_=False, limit=20)
    send_form = SendHomeForm()
    if is_venue:
        send_form.email.data = current_user.email
        send_form.centre_url.data = queries.centre_url(package)
    return render_template(
        'sync/session_venue.html', session=session, is_venue=is_venue, package=package,
        confirm=ConfirmForm(), upload=SyncUploadForm(), send_form=send_form, resolve=ResolveForm(),
        imports=queries.recent_imports(session), open_conflicts=open_conflicts, decided=decided,
        labels=queries.record_labels(open_conflicts + decided), site_url=request.url_root)


@bp.route('/manage/sessions/<int:session_id>/venue/package', methods=['POST'])
@roles_required(*TRAINERS)
def download_package(session_id: int):
    session = _session(session_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    result = build_package(session, secret=current_app.config['SECRET_KEY'], by=current_user,
                           centre_url=request.url_root)
    record(current_user, 'session.packaged', session, package=result.package_uid, bytes=result.size)
    db.session.commit()
    return Response(result.content, mimetype='application/octet-stream', headers={
        'Content-Disposition': f'attachment; filename="{session.code}.trainingpkg"', 'Cache-Control': 'no-store'})


def _import(session, blob: bytes):
    """import_sync, with a refused file reported as a broken rule (so :func:`perform` rolls back and flashes)."""
    try:
        return import_sync(blob, secret=current_app.config['SECRET_KEY'], source=SyncSource.upload,
                           by=current_user, session=session)
    except FileRefused as exc:
        raise TrainingError(exc.text(gettext)) from exc


@bp.route('/manage/sessions/<int:session_id>/venue/sync', methods=['POST'])
@roles_required(*TRAINERS)
def upload_sync(session_id: int):
    session = _session(session_id)
    form = SyncUploadForm()
    if not form.validate_on_submit():
        for message in form.sync_file.errors:
            flash(message, 'error')
        return redirect(url_for('sync.session_venue', session_id=session.id))
    blob = form.sync_file.data.read(MAX_SYNC_UPLOAD + 1)
    outcome = perform(lambda: _import(session, blob)) if len(blob) <= MAX_SYNC_UPLOAD else None
    if outcome is None:
        flash(_('The file is larger than 8 MB; it is not a sync file.'), 'error')
    elif outcome.ok:
        result = outcome.value
        flash(_('Sync file imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, '
                '%(conflicts)d conflicts to decide.', created=result.created, updated=result.updated,
                unchanged=result.unchanged, conflicts=len(result.conflicts)), 'success')
    return redirect(url_for('sync.session_venue', session_id=session.id))


@bp.route('/manage/sessions/<int:session_id>/venue/conflicts', methods=['POST'])
@roles_required(*TRAINERS)
def resolve_conflict(session_id: int):
    session = _session(session_id)
    form = ResolveForm()
    if not form.validate_on_submit():
        abort(400)
    conflict = conflict_rules.conflict_of(session, int(form.conflict_id.data))
    if conflict is None:
        abort(404)
    take = form.choice.data == 'take'
    if perform(lambda: conflict_rules.resolve(conflict, take_venue=take, by=current_user)).ok:
        flash(_('The venue value was taken.') if take else _('The central value was kept.'), 'success')
    return redirect(url_for('sync.session_venue', session_id=session.id) + '#conflicts')


# -- direct sync from a venue laptop ------------------------------------------------------------------------------

def _refuse(status: int, message: str):
    response = jsonify(refused=message)
    response.status_code = status
    if status == 401:
        response.headers['WWW-Authenticate'] = 'Basic realm="venue sync"'
    return response


@bp.route('/api/venue-sync', methods=['POST'])
@public
@csrf.exempt
@limiter.limit(lambda: current_app.config['LOGIN_LIMIT_PER_ADDRESS'])
def direct_sync():
    """The laptop posts its sync file (the body), signed in as the session's trainer (HTTP Basic over HTTPS)."""
    blob = request.get_data(cache=False)
    if not blob:
        return _refuse(400, _('Send the sync file as the body of the request.'))
    auth = request.authorization
    user = auth_services.get_user_by_email(auth.username or '') if auth and auth.type == 'basic' else None
    if user is None or not user.is_active or not auth_services.check_password(user, auth.password or ''):
        return _refuse(401, _('Sign in with the email address and password of one of the session\'s trainers.'))
    try:
        _signed, session = check_file(blob, secret=current_app.config['SECRET_KEY'])
    except FileRefused as exc:
        return _refuse(422, exc.text(gettext))
    if not trains_session(session, user):
        return _refuse(403, _('You are not one of this session\'s trainers.'))
    try:
        outcome = import_sync(blob, secret=current_app.config['SECRET_KEY'], source=SyncSource.direct, by=user,
                              session=session)
        db.session.commit()
    except (FileRefused, TrainingError) as exc:
        db.session.rollback()
        return _refuse(422, exc.text(gettext) if isinstance(exc, FileRefused) else exc.message)
    return jsonify(outcome.as_json())
