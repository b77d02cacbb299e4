"""The facilitator's actions on a live run: open, close and reopen submissions, move on, finish, and the stage
timer. Closing or finishing while teams have not submitted asks for confirmation first; on closing their drafts are
kept, so reopening lets them finish. On the scenarios blueprint (``training.scenarios.blueprint``)."""
from __future__ import annotations

from flask import flash, render_template, request

from training.auth.permissions import TRAINERS, roles_required
from training.forms import ConfirmForm
from training.i18n import _
from training.scenarios import live
from training.scenarios.blueprint import advance_form, bp, run_and_scenario, to_dashboard
from training.scenarios.forms import CloseForm, TimerForm
from training.scenarios.models import RunStatus
from training.web import perform


@bp.route('/manage/live/<int:run_id>/open', methods=['POST'])
@roles_required(*TRAINERS)
def live_open(run_id):
    run, sc = run_and_scenario(run_id)
    if perform(lambda: live.open_stage(run, sc, sc.start)).ok:
        flash(_('Stage opened: teams can submit.'), 'success')
    return to_dashboard(run_id)


@bp.route('/manage/live/<int:run_id>/close', methods=['GET', 'POST'])
@roles_required(*TRAINERS)
def live_close(run_id):
    """Close submissions at once when every team has submitted; otherwise say which teams have not (and whether
    they have a draft) and close only once the facilitator confirms."""
    run, sc = run_and_scenario(run_id)
    stage, waiting = _waiting(run, sc)
    form = CloseForm()
    if form.validate_on_submit() and (not waiting or form.confirm.data == '1'):
        if perform(lambda: live.close_submissions(run)).ok:
            flash(_('Submissions closed. The key is now shown to the teams.'), 'success')
            if waiting:
                flash(_('The teams that had not submitted keep their drafts: reopen submissions to let them '
                        'finish.'), 'info')
        return to_dashboard(run_id)
    if not run.accepting:
        return to_dashboard(run_id)
    return _confirm(run, stage, waiting, form, heading=_('Close submissions?'), button=_('Close anyway'),
                    consequence=_('If you close now, the key is shown to every team. Their drafts are kept: reopen '
                                  'submissions to let them finish.'))


def _waiting(run, sc) -> tuple:
    """The stage on screen and the teams that have not submitted it while submissions are open (with drafts)."""
    stage = sc.stage(run.current_stage)
    return stage, (live.waiting_teams(run, stage) if stage is not None and run.accepting else [])


def _confirm(run, stage, waiting, form, **texts):
    form.confirm.data = '1'
    return render_template('scenarios/live_confirm.html', run=run, stage=stage, waiting=waiting, form=form,
                           action=request.path, **texts)


@bp.route('/manage/live/<int:run_id>/reopen', methods=['POST'])
@roles_required(*TRAINERS)
def live_reopen(run_id):
    run, _sc = run_and_scenario(run_id)
    if perform(lambda: live.reopen_stage(run)).ok:
        flash(_('Submissions reopened for this stage.'), 'success')
    return to_dashboard(run_id)


@bp.route('/manage/live/<int:run_id>/advance', methods=['POST'])
@roles_required(*TRAINERS)
def live_advance(run_id):
    run, sc = run_and_scenario(run_id)
    form = advance_form(sc, sc.stage(run.current_stage))
    target = form.target.data if form.validate_on_submit() else None
    if perform(lambda: live.advance(run, sc, target)).ok:
        flash(_('The run has reached its ending.') if run.status == RunStatus.finished
              else _('Next stage opened: teams can submit.'), 'success')
    return to_dashboard(run_id)


@bp.route('/manage/live/<int:run_id>/finish', methods=['GET', 'POST'])
@roles_required(*TRAINERS)
def live_finish(run_id):
    """Finish at once when no team is still answering an open stage; otherwise say which teams are, and finish only
    once the facilitator confirms."""
    run, sc = run_and_scenario(run_id)
    stage, waiting = _waiting(run, sc)
    form = CloseForm()
    if form.validate_on_submit() and (not waiting or form.confirm.data == '1'):
        if perform(lambda: live.finish_run(run)).ok:
            flash(_('The run is finished.'), 'success')
        return to_dashboard(run_id)
    if not waiting:
        return to_dashboard(run_id)
    return _confirm(run, stage, waiting, form, heading=_('Finish the run?'), button=_('Finish anyway'),
                    consequence=_('If you finish now, the run ends for every team and answers not yet submitted are '
                                  'not scored. Their drafts stay with their team\'s record.'))


@bp.route('/manage/live/<int:run_id>/timer', methods=['POST'])
@roles_required(*TRAINERS)
def live_timer(run_id):
    """Start (or restart) the stage timer: the presenter view shows when it started and when it ends."""
    run, _sc = run_and_scenario(run_id)
    form = TimerForm()
    if not form.validate_on_submit():
        for message in form.minutes.errors:
            flash(message, 'error')
        return to_dashboard(run_id)
    if perform(lambda: live.start_timer(run, form.minutes.data), form=form).ok:
        flash(_('Timer started: %(n)d minutes.', n=form.minutes.data), 'success')
    else:
        for message in form.minutes.errors:
            flash(message, 'error')
    return to_dashboard(run_id)


@bp.route('/manage/live/<int:run_id>/timer/stop', methods=['POST'])
@roles_required(*TRAINERS)
def live_timer_stop(run_id):
    run, _sc = run_and_scenario(run_id)
    if ConfirmForm().validate_on_submit() and perform(lambda: live.stop_timer(run)).ok:
        flash(_('Timer stopped.'), 'info')
    return to_dashboard(run_id)


