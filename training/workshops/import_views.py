"""Sign-in sheet import pages: upload and preview (writes nothing but a stash of the file), then confirm (writes every
row or none). Both go through :func:`training.workshops.imports.import_sheet`, as ``flask attendance import`` does."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.utils import secure_filename

from training import exports
from training.auth.permissions import TRAINERS, require_session_trainer, roles_required
from training.i18n import _
from training.vocab import OrganisationType, country_name
from training.web import perform
from training.workshops import import_forms, imports, loaders
from training.workshops.blueprint import bp
from training.workshops.forms import ImportForm
from training.workshops.models import Sex
from training.workshops.sheets import FIELDS, mapping


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
            return _preview(session, plan, filename, token=pending.token, applied={})
    return render_template('workshops/import.html', session=session, form=form)


def _preview(session, plan, filename: str, *, token: str | None, applied: dict[int, str], posted=None,
             notice: str | None = None):
    """The preview page; ``token`` None: nothing to confirm (the plan was refused at confirm). ``posted``: the
    submitted form, whose choices and errors are shown again over the plan of the mapping in effect."""
    form = None
    if token is not None:
        form = import_forms.preview_form(plan, imports.import_days(session), token=token, applied=applied)
        import_forms.carry(posted, form)
    return render_template('workshops/import_preview.html', session=session, plan=plan, filename=filename,
                           form=form, notice=notice, first_values=plan.sheet.first_values() if plan.sheet else [],
                           rejected_args={'m': mapping.encode(applied), 'sheet': plan.sheet and plan.sheet.sheet})


@bp.route('/manage/sessions/<int:session_id>/import/confirm', methods=['POST'])
@roles_required(*TRAINERS)
def confirm_import(session_id: int):
    """The preview's form: apply a changed mapping or worksheet (the preview again, nothing written), or import with
    the mapping shown and the differences chosen."""
    session = loaders.session_or_404(session_id)
    require_session_trainer(session)
    days = imports.import_days(session)
    shown = import_forms.shown_on_page(len(days))
    form = import_forms.submitted_form(shown, days)
    valid = form.validate_on_submit()
    if {'csrf_token', 'token'} & set(form.errors):
        abort(400)
    pending = imports.pending_for(session, form.token.data, by=current_user)
    if pending is None:  # already imported (a double click, another tab) or expired: nothing written twice
        flash(_('This preview has expired or was already imported; upload the sheet again.'), 'error')
        return redirect(url_for('workshops.import_sheet', session_id=session.id))
    choice = import_forms.read_choice(form, shown, valid)
    if choice.replan:
        plan = imports.import_sheet(session, pending.filename, pending.content, write=False,
                                    mapping=choice.mapping, sheet=choice.sheet)
        notice = None if form.apply.data or not valid else _(
            'You changed what a column means: check the preview again, then import.')
        return _preview(session, plan, pending.filename, token=pending.token, applied=choice.mapping,
                        posted=None if valid else form, notice=notice)
    outcome = perform(lambda: imports.confirm_token(
        session, form.token.data, by=current_user, accept_valid=form.accept_valid.data, mapping=shown.applied,
        sheet=shown.sheet, use_sheet=form.use_sheet()))
    if not outcome.ok and isinstance(outcome.error, imports.ImportRefused):
        # a row became invalid since the preview: show which, nothing written
        return _preview(session, outcome.error.plan, outcome.error.filename, token=None, applied=shown.applied)
    if not outcome.ok:  # claimed meanwhile by another request
        return redirect(url_for('workshops.import_sheet', session_id=session.id))
    summary = outcome.value.summary()
    flash(_('Imported %(rows)d rows: %(created)d new persons, %(matched)d matched to persons on record.',
            rows=summary['rows'], created=summary['created'], matched=summary['matched']), 'success')
    return redirect(url_for('workshops.view_session', session_id=session.id))


@bp.route('/manage/sessions/<int:session_id>/import/<import_token>/rejected.csv')
@roles_required(*TRAINERS)
def import_rejected(session_id: int, import_token: str):
    """The rejected rows of a previewed sheet (with the mapping and worksheet of the preview), as the sheet had them
    plus a "Problem" column."""
    session = loaders.session_or_404(session_id)
    require_session_trainer(session)
    pending = imports.pending_for(session, import_token, by=current_user)
    if pending is None:
        abort(404)
    try:
        applied = mapping.decode(request.args.get('m'), len(imports.import_days(session)))
    except ValueError:
        abort(400)
    plan = imports.import_sheet(session, pending.filename, pending.content, write=False, mapping=applied,
                                sheet=(request.args.get('sheet') or '')[:100] or None)
    headers, rows = imports.rejected_table(plan, gettext)
    stem = secure_filename(pending.filename.rsplit('.', 1)[0][:80]) or 'sheet'
    return exports.send_csv(f'{stem}-rejected.csv', headers, rows)


@bp.app_template_global('field_label')
def field_label(name: str) -> str:
    """The translated label of a sheet field ("sex" -> "Sex")."""
    return gettext(FIELDS[name][0]) if name in FIELDS else name


@bp.app_template_global('field_value')
def field_value(name: str, value) -> str:
    """A sheet or record value as people read it: "female" -> "Female", "KE" -> "Kenya"."""
    if value in (None, ''):
        return ''
    if name == 'sex' and value in Sex.__members__:
        return str(Sex[value].title)
    if name == 'organisation_type' and value in OrganisationType.__members__:
        return str(OrganisationType[value].title)
    if name == 'country':
        return country_name(value)
    return str(value)
