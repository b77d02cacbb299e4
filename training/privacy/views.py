"""Privacy pages for administrators: a person's or an account's data as JSON, and erasure (POST, confirmed)."""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from training.auth.models import User
from training.auth.permissions import ADMINS, roles_required
from training.extensions import db
from training.forms import ConfirmForm
from training.i18n import _
from training.privacy import queries, services
from training.privacy.forms import ErasureForm
from training.web import perform
from training.workshops.models import Person

bp = Blueprint('privacy', __name__)

MAX_ID = 2**31 - 1


def _get_or_404(model, ident: int):
    if not 0 < ident <= MAX_ID:
        abort(404)
    return db.get_or_404(model, ident)


def _json_download(data: dict, filename: str) -> Response:
    response = Response(json.dumps(data, ensure_ascii=False, indent=2), mimetype='application/json')
    response.headers['Content-Disposition'] = f'attachment; filename="{filename}"'
    response.headers['Cache-Control'] = 'no-store'
    return response


def _erased(outcome, subject_url: str):
    if outcome.ok:
        flash(_('The personal data was erased; the anonymous record keeps the programme figures.'), 'success')
        for table, column, n in outcome.value.leftovers:
            place = table + '.' + column
            flash(_('An erased value still appears in %(place)s (%(n)d rows): a namesake, or free text to edit '
                    'by hand.', place=place, n=n), 'warning')
    return redirect(subject_url)


@bp.route('/manage/persons/<int:person_id>/privacy')
@roles_required(*ADMINS)
def person(person_id: int):
    subject = _get_or_404(Person, person_id)
    return render_template('privacy/subject.html', kind='person', person=subject, user=subject.user,
                           export_url=url_for('privacy.export_person', person_id=subject.id),
                           erase_url=url_for('privacy.erase_person', person_id=subject.id),
                           export_form=ConfirmForm(), erase_form=ErasureForm(),
                           erased=subject.full_name == services.person_label(subject.id))


@bp.route('/manage/persons/<int:person_id>/privacy/export', methods=['POST'])
@roles_required(*ADMINS)
def export_person(person_id: int):
    subject = _get_or_404(Person, person_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    outcome = perform(lambda: services.export_person(subject, by=current_user))
    return _json_download(outcome.value, f'person-{subject.id}.json')


@bp.route('/manage/persons/<int:person_id>/privacy/erase', methods=['POST'])
@roles_required(*ADMINS)
def erase_person(person_id: int):
    subject = _get_or_404(Person, person_id)
    form = ErasureForm()
    if not form.validate_on_submit():
        flash(_('Tick the box to confirm the erasure.'), 'error')
        return redirect(url_for('privacy.person', person_id=subject.id))
    outcome = perform(lambda: services.erase_person(subject, by=current_user), form=form)
    return _erased(outcome, url_for('privacy.person', person_id=subject.id))


@bp.route('/manage/users/<int:user_id>/privacy')
@roles_required(*ADMINS)
def user(user_id: int):
    subject = _get_or_404(User, user_id)
    linked = queries.person_of_user(subject.id)
    return render_template('privacy/subject.html', kind='user', person=linked, user=subject,
                           export_url=url_for('privacy.export_user', user_id=subject.id),
                           erase_url=url_for('privacy.erase_user', user_id=subject.id),
                           export_form=ConfirmForm(), erase_form=ErasureForm(),
                           erased=services.is_erased_user(subject))


@bp.route('/manage/users/<int:user_id>/privacy/export', methods=['POST'])
@roles_required(*ADMINS)
def export_user(user_id: int):
    subject = _get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    outcome = perform(lambda: services.export_user(subject, by=current_user))
    return _json_download(outcome.value, f'user-{subject.id}.json')


@bp.route('/manage/users/<int:user_id>/privacy/erase', methods=['POST'])
@roles_required(*ADMINS)
def erase_user(user_id: int):
    subject = _get_or_404(User, user_id)
    form = ErasureForm()
    if not form.validate_on_submit():
        flash(_('Tick the box to confirm the erasure.'), 'error')
        return redirect(url_for('privacy.user', user_id=subject.id))
    outcome = perform(lambda: services.erase_user(subject, by=current_user), form=form)
    return _erased(outcome, url_for('privacy.user', user_id=subject.id))
