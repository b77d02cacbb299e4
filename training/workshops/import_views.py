"""Sign-in sheet import pages: upload and preview (writes nothing but a stash of the file), then confirm (writes every
row or none). Both go through :func:`training.workshops.imports.import_sheet`, as ``flask attendance import`` does."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from training.auth.permissions import TRAINERS, require_session_trainer, roles_required
from training.i18n import _
from training.web import perform
from training.workshops import imports, loaders, queries
from training.workshops.blueprint import bp
from training.workshops.forms import ConfirmImportForm, ImportForm


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
    pending = queries.pending_import(session, form.token.data, current_user)
    if pending is None:
        flash(_('This preview has expired or was already imported; upload the sheet again.'), 'error')
        return redirect(url_for('workshops.import_sheet', session_id=session.id))
    filename = pending.filename
    outcome = perform(lambda: imports.confirm_upload(session, pending))
    if not outcome.ok:  # a row became invalid since the preview (ImportRefused): show which, nothing written
        return render_template('workshops/import_preview.html', session=session, plan=outcome.error.plan,
                               confirm=None, filename=filename)
    summary = outcome.value.summary()
    flash(_('Imported %(rows)d rows: %(created)d new persons, %(matched)d matched to persons on record.',
            rows=summary['rows'], created=summary['created'], matched=summary['matched']), 'success')
    return redirect(url_for('workshops.view_session', session_id=session.id))
