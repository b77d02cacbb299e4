"""Sign-in sheet import pages: upload and preview (writes nothing but a stash of the file), then confirm (writes every
row or none). Both go through :func:`training.workshops.imports.import_sheet`, as ``flask attendance import`` does."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.utils import secure_filename

from training import exports
from training.auth.permissions import TRAINERS, require_session_trainer, roles_required
from training.i18n import _
from training.web import perform
from training.workshops import imports, loaders
from training.workshops.blueprint import bp
from training.workshops.forms import ConfirmImportForm, ImportForm
from training.workshops.sheets import FIELDS


@bp.route('/manage/sessions/<int:session_id>/import', methods=['GET', 'POST'])
@roles_required(*TRAINERS)
def import_sheet(session_id: int):
    session = loaders.session_or_404(session_id)
    require_session_trainer(session)
    form = ImportForm()
    if form.validate_on_submit():
        filename = form.sheet.data.filename or 'sheet.csv'
        outcome = perform(lambda: imports.preview_upload(session, filename, form.sheet.data, by=current_user),
                          form=form)
        if outcome.ok:
            plan, pending = outcome.value
            return render_template('workshops/import_preview.html', session=session, plan=plan, filename=filename,
                                   confirm=ConfirmImportForm(token=pending.token) if pending else None)
    return render_template('workshops/import.html', session=session, form=form)


@bp.route('/manage/sessions/<int:session_id>/import/confirm', methods=['POST'])
@roles_required(*TRAINERS)
def confirm_import(session_id: int):
    session = loaders.session_or_404(session_id)
    require_session_trainer(session)
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    outcome = perform(lambda: imports.confirm_token(session, form.token.data, by=current_user,
                                                    accept_valid=form.accept_valid.data))
    if not outcome.ok and isinstance(outcome.error, imports.ImportRefused):
        # a row became invalid since the preview: show which, nothing written
        return render_template('workshops/import_preview.html', session=session, plan=outcome.error.plan,
                               confirm=None, filename=outcome.error.filename)
    if not outcome.ok:  # already imported (a double click, another tab) or expired: nothing written twice
        return redirect(url_for('workshops.import_sheet', session_id=session.id))
    summary = outcome.value.summary()
    flash(_('Imported %(rows)d rows: %(created)d new persons, %(matched)d matched to persons on record.',
            rows=summary['rows'], created=summary['created'], matched=summary['matched']), 'success')
    return redirect(url_for('workshops.view_session', session_id=session.id))


@bp.route('/manage/sessions/<int:session_id>/import/<import_token>/rejected.csv')
@roles_required(*TRAINERS)
def import_rejected(session_id: int, import_token: str):
    """The rejected rows of a previewed sheet, as the sheet had them plus a "Problem" column."""
    session = loaders.session_or_404(session_id)
    require_session_trainer(session)
    pending = imports.pending_for(session, import_token, by=current_user)
    if pending is None:
        abort(404)
    plan = imports.import_sheet(session, pending.filename, pending.content, write=False)
    headers, rows = imports.rejected_table(plan, gettext)
    stem = secure_filename(pending.filename.rsplit('.', 1)[0][:80]) or 'sheet'
    return exports.send_csv(f'{stem}-rejected.csv', headers, rows)


@bp.app_template_global('field_label')
def field_label(name: str) -> str:
    """The translated label of a sheet field ("sex" -> "Sex")."""
    return gettext(FIELDS[name][0]) if name in FIELDS else name
