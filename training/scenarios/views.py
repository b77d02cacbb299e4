"""Scenarios pages: the frameworks, the exercise player (solo attempts) and the item analysis.

Live runs have their pages in ``live_views``, on the same blueprint (``training.scenarios.blueprint``).
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from training.auth.permissions import TRAINERS, login_required, public, roles_required
from training.content import registry
from training.extensions import db
from training.forms import ConfirmForm
from training.i18n import _, is_rtl
from training.scenarios import attempts, charts, drafts, engine, queries
from training.scenarios.blueprint import bp, framework_of, scenario_or_404
from training.scenarios.forms import answer_from_form, stage_form_class
from training.scenarios.models import AttemptStatus, ScenarioAttempt
from training.web import perform

# ------------------------------------------------------------------------------------------------ frameworks


@bp.route('/frameworks')
@public
def list_frameworks():
    frameworks = sorted(registry().frameworks.values(), key=lambda f: -f.year)
    return render_template('scenarios/frameworks.html', frameworks=frameworks)


@bp.route('/frameworks/<framework_id>')
@public
def show_framework(framework_id):
    fw = registry().framework(framework_id)
    if fw is None:
        abort(404)
    used_by = [sc for sc in registry().scenarios.values() if sc.framework == fw.id]
    return render_template('scenarios/framework.html', fw=fw, used_by=used_by)


# ------------------------------------------------------------------------------------------------ player

@bp.route('/exercises')
@public
def list_exercises():
    scenarios = sorted(registry().scenarios.values(), key=lambda s: s.title)
    mine = queries.recent_attempts(current_user, limit=100) if current_user.is_authenticated else []
    in_progress = {a.scenario_slug: a for a in reversed(mine) if a.status == AttemptStatus.in_progress}
    return render_template('scenarios/exercises.html', scenarios=scenarios, attempts=mine,
                           in_progress=in_progress, frameworks=registry().frameworks)


@bp.route('/exercises/<slug>')
@public
def show_exercise(slug):
    sc = scenario_or_404(slug)
    mine = queries.recent_attempts(current_user, slug=slug, limit=50) if current_user.is_authenticated else []
    active = next((a for a in mine if a.status == AttemptStatus.in_progress), None)
    scoring = {part: f'{points:g}' for part, points in engine.SCORING.items()}
    return render_template('scenarios/exercise.html', sc=sc, fw=framework_of(sc), attempts=mine, active=active,
                           scoring=scoring)


@bp.route('/exercises/<slug>/start', methods=['POST'])
@login_required
def start_attempt(slug):
    sc = scenario_or_404(slug)
    attempt, created = perform(lambda: attempts.start_attempt(current_user, sc)).value
    if not created:
        flash(_('You are continuing where you left off.'), 'info')
    return redirect(url_for('scenarios.play', attempt_id=attempt.id))


def _own_attempt(attempt_id: int) -> ScenarioAttempt:
    attempt = db.session.get(ScenarioAttempt, attempt_id)
    if attempt is None or attempt.team_id is not None:
        abort(404)
    if attempt.user_id != current_user.id:
        abort(403)
    return attempt


def _not_playable(attempt: ScenarioAttempt, sc):
    """Where a finished attempt's play page leads: its debrief, or the exercise page when abandoned."""
    if attempt.status == AttemptStatus.completed:
        return redirect(url_for('scenarios.debrief', attempt_id=attempt.id))
    flash(_('This attempt was abandoned. Start a new one to play again.'), 'info')
    return redirect(url_for('scenarios.show_exercise', slug=sc.slug))


@bp.route('/attempts/<int:attempt_id>', methods=['GET', 'POST'])
@login_required
def play(attempt_id):
    attempt = _own_attempt(attempt_id)
    sc = scenario_or_404(attempt.scenario_slug)
    if attempt.status != AttemptStatus.in_progress:
        return _not_playable(attempt, sc)
    stage = sc.stage(attempt.current_stage)
    if stage is None:
        abort(404, _('This stage is no longer part of the scenario (it has been retired).'))
    fw = framework_of(sc)
    evidence = attempts.visible_evidence(sc, stage, attempt.path)
    order = attempts.decision_order(attempt, stage)
    db.session.commit()
    form_class = stage_form_class(stage, fw, evidence, order)
    here = url_for('scenarios.play', attempt_id=attempt.id)
    if request.method == 'POST' and 'save_draft' in request.form:
        return _save_draft(attempt, stage, here)
    prefill, filled = (drafts.prefill(attempt, stage, request.path, request.args.get('restore'))
                       if request.method == 'GET' else (None, None))
    db.session.commit()
    form = form_class(**({'formdata': prefill} if prefill else {}))
    if form.validate_on_submit():
        answer = answer_from_form(form, stage)
        if perform(lambda: attempts.submit_stage(attempt, sc, answer, by=current_user),
                   conflict=_('This stage has already been submitted.')).ok:
            return redirect(url_for('scenarios.stage_feedback', attempt_id=attempt_id, stage_id=stage.id))
        return redirect(here)
    return render_template('scenarios/play.html', sc=sc, fw=fw, attempt=attempt, stage=stage, form=form,
                           evidence=evidence, number=len(attempt.submissions) + 1, action=here, filled=filled,
                           draft_url=url_for('scenarios.play_draft', attempt_id=attempt.id))


def _save_draft(attempt: ScenarioAttempt, stage, back: str):
    """The "Save draft" button (no JavaScript needed): keep what is typed, and show the form again."""
    if ConfirmForm().validate_on_submit():
        drafts.save_draft(attempt, stage, request.form)
        db.session.commit()
        flash(_('Draft saved. You can leave this page and come back to it.'), 'success')
    return redirect(back)


@bp.route('/attempts/<int:attempt_id>/draft', methods=['POST'])
@login_required
def play_draft(attempt_id):
    """The draft saved as the trainee types (static/js/stage-draft.js): an empty 200."""
    attempt = _own_attempt(attempt_id)
    stage = scenario_or_404(attempt.scenario_slug).stage(attempt.current_stage)
    if attempt.status != AttemptStatus.in_progress or stage is None or not ConfirmForm().validate_on_submit():
        return '', 400
    drafts.save_draft(attempt, stage, request.form)
    db.session.commit()
    return '', 200


@bp.route('/attempts/<int:attempt_id>/stages/<stage_id>')
@login_required
def stage_feedback(attempt_id, stage_id):
    attempt = _own_attempt(attempt_id)
    sc = scenario_or_404(attempt.scenario_slug)
    sub = attempt.submission(stage_id)
    stage = sc.stage(stage_id)
    if sub is None or stage is None:
        abort(404)
    return render_template('scenarios/feedback.html', sc=sc, fw=framework_of(sc), attempt=attempt, stage=stage,
                           sub=sub, result=attempts.rescore(sub, stage))


@bp.route('/attempts/<int:attempt_id>/abandon', methods=['POST'])
@login_required
def abandon_attempt(attempt_id):
    attempt = _own_attempt(attempt_id)
    slug = attempt.scenario_slug
    if perform(lambda: attempts.abandon_attempt(attempt)).ok:
        flash(_('The attempt has been abandoned.'), 'info')
    return redirect(url_for('scenarios.show_exercise', slug=slug))


@bp.route('/attempts/<int:attempt_id>/debrief')
@login_required
def debrief(attempt_id):
    attempt = _own_attempt(attempt_id)
    sc = scenario_or_404(attempt.scenario_slug)
    fw = framework_of(sc)
    rows = attempts.debrief_rows(attempt, sc)
    chart = charts.factor_chart([(stage, fr) for stage, _sub, result in rows for fr in result.factors], fw,
                               rtl=is_rtl())
    return render_template('scenarios/debrief.html', sc=sc, fw=fw, attempt=attempt, rows=rows, chart=chart,
                           ending=sc.ending(attempt.ending_id))


# ------------------------------------------------------------------------------------------------ analysis

@bp.route('/manage/exercises/<slug>/analysis')
@roles_required(*TRAINERS)
def analysis(slug):
    sc = scenario_or_404(slug)
    include_teams = request.args.get('teams', '1') != '0'
    return render_template('scenarios/analysis.html', sc=sc, fw=framework_of(sc), include_teams=include_teams,
                           **queries.item_analysis(slug, include_teams))
