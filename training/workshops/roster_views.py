"""Roster pages: search before adding, adding a new or a known person, editing and removing an entry, and the
register of one day."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from training.auth.permissions import TRAINERS, require_session_trainer, roles_required
from training.forms import ConfirmForm
from training.i18n import _
from training.web import perform
from training.workshops import loaders, queries, services
from training.workshops.blueprint import bp
from training.workshops.forms import AddExistingForm, AddPersonForm, AttendanceForm, DayRegisterForm
from training.workshops.models import AttendanceRole


@bp.route('/manage/sessions/<int:session_id>/roster/add', methods=['GET', 'POST'])
@roles_required(*TRAINERS)
def add_person(session_id: int):
    """Search before adding: the new-person form appears once a search has been made."""
    session = loaders.session_or_404(session_id)
    require_session_trainer(session)
    q = (request.values.get('q') or '').strip()[:200]
    form = AddPersonForm()
    form.prefill(q, session.country)
    if form.validate_on_submit():
        outcome = perform(lambda: services.add_new_person(session, **form.values()), form=form)
        if outcome.ok:
            flash(_('%(name)s added to the roster.', name=outcome.value.person.full_name), 'success')
            return redirect(url_for('workshops.add_person', session_id=session.id))
    results = queries.search_persons(q) if q else []
    return render_template('workshops/add_person.html', session=session, q=q, form=form, results=results,
                           email_shown=queries.persons_with_visible_email([p.id for p in results], current_user),
                           on_roster=queries.roster_person_ids(session), existing_form=AddExistingForm(),
                           searched=bool(q) or form.is_submitted())


@bp.route('/manage/sessions/<int:session_id>/roster/add-existing', methods=['POST'])
@roles_required(*TRAINERS)
def add_existing(session_id: int):
    session = loaders.session_or_404(session_id)
    require_session_trainer(session)
    form = AddExistingForm()
    if not form.validate_on_submit():
        abort(400)
    person = loaders.person_or_404(form.person_id.data)
    if perform(lambda: services.add_to_roster(session, person, role=AttendanceRole[form.role.data])).ok:
        flash(_('%(name)s added to the roster.', name=person.full_name), 'success')
    return redirect(url_for('workshops.add_person', session_id=session.id))


@bp.route('/manage/sessions/<int:session_id>/roster/<int:attendance_id>', methods=['GET', 'POST'])
@roles_required(*TRAINERS)
def edit_attendance(session_id: int, attendance_id: int):
    session = loaders.session_or_404(session_id)
    require_session_trainer(session)
    attendance = loaders.attendance_or_404(session.id, attendance_id)
    form = AttendanceForm.build(attendance)
    if form.validate_on_submit() and perform(lambda: services.update_attendance(attendance, **form.values()),
                                             form=form).ok:
        flash(_('Attendance of %(name)s saved.', name=attendance.person.full_name), 'success')
        return redirect(url_for('workshops.view_session', session_id=session.id))
    return render_template('workshops/attendance_form.html', session=session, attendance=attendance, form=form,
                           confirm=ConfirmForm())


@bp.route('/manage/sessions/<int:session_id>/roster/<int:attendance_id>/remove', methods=['POST'])
@roles_required(*TRAINERS)
def remove_attendance(session_id: int, attendance_id: int):
    session = loaders.session_or_404(session_id)
    require_session_trainer(session)
    attendance = loaders.attendance_or_404(session.id, attendance_id)
    name = attendance.person.full_name
    if ConfirmForm().validate_on_submit() and perform(lambda: services.remove_from_roster(attendance)).ok:
        flash(_('%(name)s removed from the roster.', name=name), 'success')
    return redirect(url_for('workshops.view_session', session_id=session.id))


@bp.route('/manage/sessions/<int:session_id>/days/<day>', methods=['GET', 'POST'])
@roles_required(*TRAINERS)
def day_register(session_id: int, day: str):
    session = loaders.session_or_404(session_id)
    require_session_trainer(session)
    the_day = loaders.day_or_404(session, day)
    form = DayRegisterForm()
    if form.validate_on_submit():
        outcome = perform(lambda: services.record_day(session, the_day, form.present_ids()))
        if outcome.ok:
            flash(_('Attendance for %(day)s saved (%(n)d changes).', day=the_day.isoformat(), n=outcome.value),
                  'success')
            return redirect(url_for('workshops.view_session', session_id=session.id))
    roster = queries.roster(session)
    return render_template('workshops/day.html', session=session, day=the_day, roster=roster,
                           present=queries.present_ids(roster, the_day), form=form)
