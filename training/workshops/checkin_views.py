"""Self check-in pages: the trainer opens and closes a window (code and QR link); participants, on a phone and not
signed in, enter the code, find themselves on the roster or register as a walk-in."""
from __future__ import annotations

from datetime import date

import segno
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from training.auth.permissions import TRAINERS, public, require_session_trainer, roles_required
from training.extensions import limiter
from training.forms import ConfirmForm
from training.i18n import _
from training.web import perform
from training.workshops import checkin, loaders, queries
from training.workshops.blueprint import bp
from training.workshops.forms import CheckInSelfForm, CodeForm, OpenCheckInForm, WalkInDecisionForm, WalkInForm


def _qr_svg(url: str) -> Markup:
    qr = segno.make(url, error='m')
    return Markup(qr.svg_inline(scale=6, border=2, dark='#000', light='#fff', omitsize=False,  # noqa: S704
                                title=_('QR code for self check-in')))


def _check_in_limit():
    return current_app.config.get('CHECK_IN_LIMIT', '20 per minute; 200 per hour')


# -- trainer side ---------------------------------------------------------------------------------------------------

@bp.route('/manage/sessions/<int:session_id>/check-in', methods=['GET', 'POST'])
@roles_required(*TRAINERS)
def manage_check_in(session_id: int):
    session = loaders.session_or_404(session_id)
    require_session_trainer(session)
    form = OpenCheckInForm.build(session, date.today())
    if form.validate_on_submit() and perform(lambda: checkin.open_check_in(
            session, date.fromisoformat(form.day.data), minutes=form.minutes.data, by=current_user), form=form).ok:
        flash(_('Check-in is open.'), 'success')
        return redirect(url_for('workshops.manage_check_in', session_id=session.id))
    window = checkin.current_window(session)
    link = url_for('workshops.check_in_person', token=window.token, _external=True) if window else None
    return render_template('workshops/check_in_manage.html', session=session, form=form, window=window, link=link,
                           qr=_qr_svg(link) if link else None, close_form=ConfirmForm(),
                           checked=queries.checked_in_count(session, window.day) if window else 0,
                           start_url=url_for('workshops.check_in_start', _external=True),
                           walk_ins=_walk_ins(session))


def _walk_ins(session) -> list[tuple]:
    """Each walk-in awaiting a decision: (walk-in, the person on record it matches or None, its decision form)."""
    out = []
    for walk_in in queries.walk_ins(session):
        match = checkin.walk_in_match(walk_in)
        out.append((walk_in, match, WalkInDecisionForm.for_walk_in(walk_in, has_match=match is not None)))
    return out


@bp.route('/manage/sessions/<int:session_id>/walk-ins/<int:walk_in_id>', methods=['POST'])
@roles_required(*TRAINERS)
def decide_walk_in(session_id: int, walk_in_id: int):
    """A trainer confirms a walk-in as the person on record shown, or as a new person (either is then on the roster
    and present on the walk-in's day), or dismisses it."""
    session = loaders.session_or_404(session_id)
    require_session_trainer(session)
    walk_in = loaders.walk_in_or_404(session, walk_in_id)
    match = checkin.walk_in_match(walk_in)
    form = WalkInDecisionForm.for_walk_in(walk_in, has_match=match is not None)
    if not form.validate_on_submit():
        abort(400)
    name = walk_in.full_name
    if form.decision.data == 'dismiss':
        if perform(lambda: checkin.dismiss_walk_in(walk_in)).ok:
            flash(_('Walk-in %(name)s dismissed.', name=name), 'info')
    else:
        person = match if form.decision.data == 'match' else None
        outcome = perform(lambda: checkin.confirm_walk_in(walk_in, person),
                          conflict=_('This walk-in has already been dealt with.'))
        if outcome.ok:
            flash(_('%(name)s is on the roster and marked present.', name=outcome.value.person.full_name), 'success')
    return redirect(url_for('workshops.manage_check_in', session_id=session.id))


@bp.route('/manage/sessions/<int:session_id>/check-in/<int:window_id>/close', methods=['POST'])
@roles_required(*TRAINERS)
def close_check_in(session_id: int, window_id: int):
    session = loaders.session_or_404(session_id)
    require_session_trainer(session)
    window = loaders.window_or_404(session, window_id)
    if ConfirmForm().validate_on_submit() and perform(lambda: checkin.close_check_in(window)).ok:
        flash(_('Check-in is closed; its code no longer works.'), 'success')
    return redirect(url_for('workshops.manage_check_in', session_id=session.id))


# -- participants (public, on a phone) ------------------------------------------------------------------------------

@bp.route('/check-in', methods=['GET', 'POST'])
@limiter.limit(_check_in_limit, methods=['POST'])
@public
def check_in_start():
    form = CodeForm()
    if not form.is_submitted() and request.args.get('code'):
        form.code.data = request.args['code']
    if form.validate_on_submit():
        window = checkin.open_window_by_code(form.code.data)
        if window is not None:
            return redirect(url_for('workshops.check_in_person', token=window.token))
        form.code.errors.append(_('This code is not valid or check-in has closed. Check the code shown in the '
                                  'room.'))
    return render_template('workshops/check_in_start.html', form=form)


@bp.route('/check-in/<token>')
@limiter.limit(_check_in_limit)
@public
def check_in_person(token: str):
    window = loaders.open_window_or_404(token)
    q = (request.args.get('q') or '').strip()[:100]
    walk_in = WalkInForm()
    walk_in.prefill(q, window.session.country)
    return render_template('workshops/check_in_person.html', window=window, session=window.session, q=q,
                           matches=queries.roster_matches(window.session, q) if q else [],
                           letters=sum(c.isalpha() for c in q), self_form=CheckInSelfForm(), walk_in=walk_in)


@bp.route('/check-in/<token>/me', methods=['POST'])
@limiter.limit(_check_in_limit)
@public
def check_in_self(token: str):
    window = loaders.open_window_or_404(token)
    form = CheckInSelfForm()
    if not form.validate_on_submit():
        abort(400)
    attendance = loaders.attendance_or_404(window.session_id, form.attendance_id.data)
    # a double tap checks in once: the second finds the day marked (or loses on the unique mark) and says so
    perform(lambda: checkin.check_in(window, attendance), conflict=_('You are checked in for this day.'))
    return render_template('workshops/check_in_done.html', session=window.session, window=window,
                           name=attendance.person.full_name)


@bp.route('/check-in/<token>/walk-in', methods=['POST'])
@limiter.limit(_check_in_limit)
@public
def check_in_walk_in(token: str):
    window = loaders.open_window_or_404(token)
    form = WalkInForm()
    if form.validate_on_submit():
        outcome = perform(lambda: checkin.record_walk_in(window, **form.values()), form=form)
        if outcome.ok:  # only what was typed is shown back: nothing on record
            return render_template('workshops/check_in_done.html', session=window.session, window=window,
                                   name=outcome.value.full_name, pending=True)
    return render_template('workshops/check_in_person.html', window=window, session=window.session, q='',
                           matches=[], letters=0, self_form=CheckInSelfForm(), walk_in=form), 400
