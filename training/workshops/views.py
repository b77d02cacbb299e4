"""Workshops pages: training sessions, persons, duplicates and merging. The roster, the sheet import and self
check-in have their own views modules; URLs are in :mod:`training.workshops.blueprint`."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from training.auth.models import Role
from training.auth.permissions import TRAINERS, require_session_trainer, roles_required, trains_session
from training.db import utcnow
from training.forms import ConfirmForm
from training.i18n import _
from training.web import paginate, perform, safe_next
from training.workshops import loaders, merging, past_sessions, queries, services
from training.workshops.blueprint import bp
from training.workshops.forms import EditPersonForm, MergeForm, PastSessionForm, SessionFilters, SessionForm
from training.workshops.models import SessionStatus

#: Who may see sessions (programme staff read them for reports)
READERS = (Role.trainer, Role.staff, Role.admin)
PER_PAGE = 50


# -- sessions -------------------------------------------------------------------------------------------------------

@bp.route('/manage/sessions')
@roles_required(*READERS)
def list_sessions():
    filters = SessionFilters.from_args(request.args)
    page = paginate(filters.query(), per_page=PER_PAGE)
    counts = queries.participants_for([s.id for s in page.items])
    here = request.full_path.rstrip('?')
    past_forms = {s.id: PastSessionForm.for_session(s.id, next=here) for s in page.items
                  if past_sessions.is_unconfirmed(s) and trains_session(s)}
    return render_template('workshops/sessions.html', rows=[(s, counts.get(s.id, 0)) for s in page.items],
                           page=page, filters=filters, q=filters.q, status=filters.status,
                           pager_args=filters.pager_args, start=filters.start, end=filters.end, statuses=SessionStatus,
                           can_edit=current_user.has_role(*TRAINERS), past_forms=past_forms,
                           past_count=past_sessions.count_for(current_user))


@bp.route('/manage/sessions/<int:session_id>/outcome', methods=['POST'])
@roles_required(*TRAINERS)
def mark_past_session(session_id: int):
    """A session past its dates marked held or cancelled (from the start page or the sessions list)."""
    session = loaders.session_or_404(session_id)
    require_session_trainer(session)
    form = PastSessionForm.for_session(session.id)
    if not form.validate_on_submit() or form.outcome() is None:
        abort(400)
    status = form.outcome()
    if perform(lambda: past_sessions.confirm(session, status)).ok:
        if status == SessionStatus.held:
            flash(_('%(code)s marked held: it now counts in the reports.', code=session.code), 'success')
        else:
            flash(_('%(code)s marked cancelled.', code=session.code), 'success')
    return redirect(safe_next(form.next.data, url_for('workshops.list_sessions', past='1')))


@bp.route('/manage/sessions/new', methods=['GET', 'POST'])
@roles_required(*TRAINERS)
def create_session():
    form = SessionForm.build(None, current_user)
    if form.validate_on_submit():
        outcome = perform(lambda: services.create_session(created_by=current_user, **form.values()), form=form)
        if outcome.ok:
            flash(_('Session %(code)s created.', code=outcome.value.code), 'success')
            return redirect(url_for('workshops.view_session', session_id=outcome.value.id))
    return render_template('workshops/session_form.html', form=form, session=None)


@bp.route('/manage/sessions/<int:session_id>/edit', methods=['GET', 'POST'])
@roles_required(*TRAINERS)
def edit_session(session_id: int):
    session = loaders.session_or_404(session_id)
    require_session_trainer(session)
    form = SessionForm.build(session, current_user)
    if form.validate_on_submit() and perform(lambda: services.update_session(session, **form.values()),
                                             form=form).ok:
        flash(_('Session %(code)s saved.', code=session.code), 'success')
        return redirect(url_for('workshops.view_session', session_id=session.id))
    return render_template('workshops/session_form.html', form=form, session=session)


@bp.route('/manage/sessions/<int:session_id>')
@roles_required(*READERS)
def view_session(session_id: int):
    session = loaders.session_or_404(session_id)
    require_session_trainer(session, staff_may_read=True)
    return render_template('workshops/session.html', session=session, **queries.roster_overview(session),
                           windows=queries.open_windows(session), now=utcnow(),
                           can_edit=trains_session(session), confirm=ConfirmForm(),
                           course_title=queries.course_title)


# -- persons, duplicates, merging -----------------------------------------------------------------------------------

@bp.route('/manage/persons/<int:person_id>', methods=['GET', 'POST'])
@roles_required(*READERS)
def edit_person(person_id: int):
    person = loaders.person_for(person_id, change=request.method == 'POST')
    form = EditPersonForm.build(person)
    if form.validate_on_submit() and perform(lambda: services.update_person(person, **form.values()), form=form).ok:
        flash(_('%(name)s saved.', name=person.full_name), 'success')
        return redirect(url_for('workshops.edit_person', person_id=person.id))
    return render_template('workshops/person.html', person=person, form=form,
                           attendances=queries.attendances_for_person(person))


@bp.route('/manage/persons/duplicates')
@roles_required(*TRAINERS)
def duplicates():
    country = (request.args.get('country') or '').strip().upper()[:2] or None
    candidates = queries.duplicate_candidates(country, current_user)
    return render_template('workshops/duplicates.html', **candidates, merge_form=MergeForm(),
                           merges=queries.recent_merges(20, current_user),
                           email_shown=queries.persons_with_visible_email(candidates['people'], current_user))


@bp.route('/manage/persons/merge', methods=['POST'])
@roles_required(*TRAINERS)
def merge_persons():
    form = MergeForm()
    if not form.validate_on_submit():
        abort(400)
    keep = loaders.person_for(form.keep.data, change=True)
    merge = loaders.person_for(form.merge.data, change=True)
    outcome = perform(lambda: merging.merge_persons(keep, merge, by=current_user))
    if outcome.ok:
        audit = outcome.value
        flash(_('%(merged)s merged into %(kept)s: %(moved)d attendances moved, %(combined)d combined.',
                merged=audit.merged_full_name, kept=keep.full_name, moved=audit.attendances_moved,
                combined=audit.attendances_combined), 'success')
    return redirect(url_for('workshops.duplicates'))
