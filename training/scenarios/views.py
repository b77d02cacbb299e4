"""Scenarios pages: frameworks, the exercise player, live runs with teams, and the item analysis."""
from __future__ import annotations

import csv
import io

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from training.auth.permissions import TRAINERS, login_required, public, roles_required
from training.content import registry
from training.errors import TrainingError
from training.extensions import db, limiter
from training.i18n import _
from training.scenarios import attempts, charts, engine, labels, live, queries
from training.scenarios.forms import (
    AdvanceForm,
    JoinForm,
    StartRunForm,
    answer_from_form,
    choices,
    stage_form_class,
)
from training.scenarios.models import AttemptStatus, LiveRun, LiveTeam, RunStatus, ScenarioAttempt
from training.workshops.models import SessionStatus, TrainingSession

bp = Blueprint('scenarios', __name__)

TEAM_SESSION_KEY = 'live_teams'


@bp.app_context_processor
def _labels():
    return {'sc_labels': labels}


def _commit(conflict_message: str) -> None:
    """Commit; a unique-constraint race (a double click, two team members at once) becomes a TrainingError."""
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise TrainingError(conflict_message) from None


def _scenario_or_404(slug: str):
    sc = registry().scenario(slug)
    if sc is None:
        abort(404)
    return sc


def _framework_of(sc):
    return registry().framework(sc.framework)


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
    attempts = []
    if current_user.is_authenticated:
        attempts = db.session.scalars(queries.attempts_of(current_user).limit(100)).all()
    in_progress = {a.scenario_slug: a for a in reversed(attempts) if a.status == AttemptStatus.in_progress}
    return render_template('scenarios/exercises.html', scenarios=scenarios, attempts=attempts,
                           in_progress=in_progress, frameworks=registry().frameworks)


@bp.route('/exercises/<slug>')
@public
def show_exercise(slug):
    sc = _scenario_or_404(slug)
    attempts = []
    active = None
    if current_user.is_authenticated:
        attempts = db.session.scalars(queries.attempts_of(current_user)
                                      .where(ScenarioAttempt.scenario_slug == slug).limit(50)).all()
        active = next((a for a in attempts if a.status == AttemptStatus.in_progress), None)
    scoring = {'factor': f'{engine.FACTOR_POINTS:g}', 'level': f'{engine.LEVEL_POINTS:g}',
               'indicators': f'{engine.INDICATOR_POINTS:g}', 'evidence': f'{engine.EVIDENCE_POINTS:g}',
               'decision': f'{engine.DECISION_POINTS:g}'}
    return render_template('scenarios/exercise.html', sc=sc, fw=_framework_of(sc), attempts=attempts, active=active,
                           scoring=scoring)


@bp.route('/exercises/<slug>/start', methods=['POST'])
@login_required
def start_attempt(slug):
    sc = _scenario_or_404(slug)
    attempt, created = attempts.start_attempt(current_user, sc)
    db.session.commit()
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


@bp.route('/attempts/<int:attempt_id>', methods=['GET', 'POST'])
@login_required
def play(attempt_id):
    attempt = _own_attempt(attempt_id)
    sc = _scenario_or_404(attempt.scenario_slug)
    if attempt.status == AttemptStatus.completed:
        return redirect(url_for('scenarios.debrief', attempt_id=attempt.id))
    if attempt.status == AttemptStatus.abandoned:
        flash(_('This attempt was abandoned. Start a new one to play again.'), 'info')
        return redirect(url_for('scenarios.show_exercise', slug=sc.slug))
    stage = sc.stage(attempt.current_stage)
    if stage is None:
        abort(404, _('This stage is no longer part of the scenario (it has been retired).'))
    fw = _framework_of(sc)
    evidence = attempts.visible_evidence(sc, stage, attempt.path)
    form = stage_form_class(stage, fw, evidence)()
    if form.validate_on_submit():
        try:
            sub, _result = attempts.submit_stage(attempt, sc, answer_from_form(form, stage), by=current_user)
            stage_id = sub.stage_id
            _commit(_('This stage has already been submitted.'))
        except TrainingError as exc:
            db.session.rollback()
            flash(exc.message, 'error')
            return redirect(url_for('scenarios.play', attempt_id=attempt_id))
        return redirect(url_for('scenarios.stage_feedback', attempt_id=attempt_id, stage_id=stage_id))
    return render_template('scenarios/play.html', sc=sc, fw=fw, attempt=attempt, stage=stage, form=form,
                           evidence=evidence, number=len(attempt.submissions) + 1,
                           action=url_for('scenarios.play', attempt_id=attempt.id))


@bp.route('/attempts/<int:attempt_id>/stages/<stage_id>')
@login_required
def stage_feedback(attempt_id, stage_id):
    attempt = _own_attempt(attempt_id)
    sc = _scenario_or_404(attempt.scenario_slug)
    sub = attempt.submission(stage_id)
    stage = sc.stage(stage_id)
    if sub is None or stage is None:
        abort(404)
    result = engine.score_stage(stage, attempts.answer_from_submission(sub))
    return render_template('scenarios/feedback.html', sc=sc, fw=_framework_of(sc), attempt=attempt, stage=stage,
                           sub=sub, result=result)


@bp.route('/attempts/<int:attempt_id>/abandon', methods=['POST'])
@login_required
def abandon_attempt(attempt_id):
    attempt = _own_attempt(attempt_id)
    try:
        attempts.abandon_attempt(attempt)
    except TrainingError as exc:
        flash(exc.message, 'error')
    else:
        db.session.commit()
        flash(_('The attempt has been abandoned.'), 'info')
    return redirect(url_for('scenarios.show_exercise', slug=attempt.scenario_slug))


@bp.route('/attempts/<int:attempt_id>/debrief')
@login_required
def debrief(attempt_id):
    attempt = _own_attempt(attempt_id)
    sc = _scenario_or_404(attempt.scenario_slug)
    fw = _framework_of(sc)
    rows = attempts.debrief_rows(attempt, sc)
    chart = charts.factor_chart([(stage, fr) for stage, _sub, result in rows for fr in result.factors], fw)
    return render_template('scenarios/debrief.html', sc=sc, fw=fw, attempt=attempt, rows=rows, chart=chart,
                           ending=sc.ending(attempt.ending_id))


# ------------------------------------------------------------------------------------------------ live: teams

def _joined_team_ids() -> list[int]:
    return [int(t) for t in session.get(TEAM_SESSION_KEY, []) if isinstance(t, int)]


def _remember_team(team: LiveTeam) -> None:
    ids = [t for t in _joined_team_ids() if t != team.id][-9:]
    session[TEAM_SESSION_KEY] = [*ids, team.id]


@bp.route('/live', methods=['GET', 'POST'])
@public
@limiter.limit(lambda: current_app.config.get('LIVE_JOIN_LIMIT', '60 per minute'), methods=['POST'])
def join_live():
    form = JoinForm()
    if form.validate_on_submit():
        found = live.find_by_code(form.code.data)
        try:
            if isinstance(found, LiveTeam):
                if found.run.status != RunStatus.open:
                    raise TrainingError(_('This live run has finished.'), field='code')
                team = found
                live.add_member(team, current_user)
            elif isinstance(found, LiveRun):
                team = live.create_team(found, form.team_name.data, user=current_user)
            else:
                raise TrainingError(_('No live run or team has this code. Check it with the facilitator.'),
                                    field='code')
            team_id, team_name = team.id, team.name
            _commit(_('A team with this name has already joined. To join it, ask its members for their team '
                      'code; otherwise choose another name.'))
        except TrainingError as exc:
            db.session.rollback()
            getattr(form, exc.field or 'team_name').errors.append(exc.message)
        else:
            team = db.session.get(LiveTeam, team_id)
            _remember_team(team)
            flash(_('You have joined as %(name)s.', name=team_name), 'success')
            return redirect(url_for('scenarios.live_team', team_id=team.id))
    teams = db.session.scalars(sa.select(LiveTeam).where(LiveTeam.id.in_(_joined_team_ids()))).all()
    return render_template('scenarios/live_join.html', form=form,
                           teams=[t for t in teams if t.run.status == RunStatus.open])


def _my_team(team_id: int) -> LiveTeam:
    team = db.session.get(LiveTeam, team_id)
    if team is None:
        abort(404)
    member = current_user.is_authenticated and any(m.user_id == current_user.id for m in team.members)
    if team.id not in _joined_team_ids() and not member:
        abort(403, _('Join this team with its code first.'))
    return team


@bp.route('/live/teams/<int:team_id>', methods=['GET', 'POST'])
@public
def live_team(team_id):
    team = _my_team(team_id)
    run = team.run
    sc = _scenario_or_404(run.scenario_slug)
    fw = _framework_of(sc)
    attempt = team.attempt
    stage = sc.stage(run.current_stage)
    form = evidence = result = sub = None
    if stage is not None:
        sub = attempt.submission(stage.id)
        if sub is None and run.accepting:
            evidence = attempts.visible_evidence(sc, stage, run.path[:-1])
            form = stage_form_class(stage, fw, evidence)()
            if form.validate_on_submit():
                try:
                    live.team_submit(team, sc, answer_from_form(form, stage),
                                         by=current_user if current_user.is_authenticated else None)
                    _commit(_('This stage has already been submitted.'))
                except TrainingError as exc:
                    db.session.rollback()
                    flash(exc.message, 'error')
                else:
                    flash(_('Your team\'s answer has been submitted.'), 'success')
                return redirect(url_for('scenarios.live_team', team_id=team_id))
        elif sub is not None and not run.accepting:
            result = engine.score_stage(stage, attempts.answer_from_submission(sub))
    if request.method == 'POST' and form is None:
        flash(_('This stage has already been submitted.') if sub is not None and run.accepting
              else _('Submissions are closed for this stage.'), 'error')
        return redirect(url_for('scenarios.live_team', team_id=team.id))
    rows = attempts.debrief_rows(attempt, sc) if run.status == RunStatus.finished else []
    return render_template('scenarios/live_team.html', team=team, run=run, sc=sc, fw=fw, stage=stage, form=form,
                           evidence=evidence, sub=sub, result=result, rows=rows, ending=sc.ending(run.ending_id),
                           action=url_for('scenarios.live_team', team_id=team.id),
                           number=len(run.stages))


# ------------------------------------------------------------------------------------------------ live: facilitator

def _session_choices():
    sessions = db.session.scalars(
        sa.select(TrainingSession).where(TrainingSession.status != SessionStatus.cancelled)
        .order_by(TrainingSession.start_date.desc(), TrainingSession.id.desc()).limit(300)).all()
    return [(s.id, f'{s.code} · {s.title} ({s.start_date.isoformat()})') for s in sessions]


@bp.route('/manage/live', methods=['GET', 'POST'])
@roles_required(*TRAINERS)
def manage_live():
    form = StartRunForm()
    form.session_id.choices = choices(_session_choices())
    form.scenario.choices = choices((sc.slug, sc.title) for sc in sorted(registry().scenarios.values(),
                                                                         key=lambda s: s.title))
    if form.validate_on_submit():
        ts = db.session.get(TrainingSession, form.session_id.data)
        sc = registry().scenario(form.scenario.data)
        if ts is None or sc is None:
            abort(400)
        run = live.start_live_run(ts, sc, by=current_user)
        db.session.commit()
        flash(_('Live run started. Teams join at %(url)s with the code %(code)s.',
                url=url_for('scenarios.join_live', _external=True), code=run.code), 'success')
        return redirect(url_for('scenarios.live_dashboard', run_id=run.id))
    # ?session_id=N (e.g. from a training session's page) preselects that session and lists only its runs
    session_filter = db.session.get(TrainingSession, request.args.get('session_id', 0, type=int) or 0)
    if request.method == 'GET':
        if session_filter is not None:
            form.session_id.data = session_filter.id
        if registry().scenario(request.args.get('scenario', '')) is not None:
            form.scenario.data = request.args['scenario']
    page = db.paginate(queries.live_runs(session_filter), page=request.args.get('page', 1, type=int), per_page=25,
                       error_out=False)
    return render_template('scenarios/manage_live.html', form=form, page=page, scenarios=registry().scenarios,
                           session_filter=session_filter)


def _run_or_404(run_id: int) -> LiveRun:
    run = db.session.get(LiveRun, run_id)
    if run is None:
        abort(404)
    return run


def _heatmap(run, sc, stage):
    """Rows (team, submission or None) for one stage; columns are the stage's factors."""
    return [(team, team.attempt.submission(stage.id) if team.attempt else None) for team in run.teams]


@bp.route('/manage/live/<int:run_id>')
@roles_required(*TRAINERS)
def live_dashboard(run_id):
    run = _run_or_404(run_id)
    sc = _scenario_or_404(run.scenario_slug)
    stage = sc.stage(run.current_stage)
    advance_form = None
    if stage is not None and not run.accepting and run.status == RunStatus.open:
        advance_form = AdvanceForm()
        advance_form.target.choices = choices(_targets(sc, stage))
        advance_form.target.data = live.suggested_next(run, sc)
    return render_template('scenarios/live_dashboard.html', run=run, sc=sc, fw=_framework_of(sc), stage=stage,
                           rows=_heatmap(run, sc, stage) if stage else [],
                           counts=live.decision_counts(run, stage.id) if stage else {},
                           advance_form=advance_form, join_url=url_for('scenarios.join_live', _external=True),
                           ranking=_ranking(run), ending=sc.ending(run.ending_id))


def _ranking(run):
    return sorted(run.teams, key=lambda t: (-(t.attempt.percent if t.attempt else 0), t.name_key))


def _targets(sc, stage):
    out = []
    for target in dict.fromkeys(t for o in stage.decision.options for t in engine.option_targets(o)):
        st, end = sc.stage(target), sc.ending(target)
        label = (_('Stage: %(title)s', title=st.title) if st else _('Ending: %(title)s', title=end.title))
        out.append((target, label))
    return out


def _live_action(run_id, action):
    run = _run_or_404(run_id)
    sc = _scenario_or_404(run.scenario_slug)
    try:
        message = action(run, sc)
    except TrainingError as exc:
        db.session.rollback()
        flash(exc.message, 'error')
    else:
        db.session.commit()
        if message:
            flash(message, 'success')
    return redirect(url_for('scenarios.live_dashboard', run_id=run.id))


@bp.route('/manage/live/<int:run_id>/open', methods=['POST'])
@roles_required(*TRAINERS)
def live_open(run_id):
    def action(run, sc):
        live.open_stage(run, sc, sc.start)
        return _('Stage opened: teams can submit.')
    return _live_action(run_id, action)


@bp.route('/manage/live/<int:run_id>/close', methods=['POST'])
@roles_required(*TRAINERS)
def live_close(run_id):
    def action(run, sc):
        if run.status != RunStatus.open or run.current_stage is None:
            raise TrainingError(_('No stage is open.'))
        live.close_stage(run)
        return _('Submissions closed. The key is now shown to the teams.')
    return _live_action(run_id, action)


@bp.route('/manage/live/<int:run_id>/reopen', methods=['POST'])
@roles_required(*TRAINERS)
def live_reopen(run_id):
    def action(run, sc):
        live.reopen_stage(run)
        return _('Submissions reopened for this stage.')
    return _live_action(run_id, action)


@bp.route('/manage/live/<int:run_id>/advance', methods=['POST'])
@roles_required(*TRAINERS)
def live_advance(run_id):
    def action(run, sc):
        stage = sc.stage(run.current_stage)
        if stage is None:
            raise TrainingError(_('Open the first stage before moving on.'))
        form = AdvanceForm()
        form.target.choices = choices(_targets(sc, stage))
        if not form.validate_on_submit():
            raise TrainingError(_('Choose where the run goes next.'))
        live.advance(run, sc, form.target.data)
        if run.status == RunStatus.finished:
            return _('The run has reached its ending.')
        return _('Next stage opened: teams can submit.')
    return _live_action(run_id, action)


@bp.route('/manage/live/<int:run_id>/finish', methods=['POST'])
@roles_required(*TRAINERS)
def live_finish(run_id):
    def action(run, sc):
        live.finish_run(run)
        return _('The run is finished.')
    return _live_action(run_id, action)


def _team_of_run(run: LiveRun, team_id: int) -> LiveTeam:
    team = next((t for t in run.teams if t.id == team_id), None)
    if team is None:
        abort(404)
    return team


@bp.route('/manage/live/<int:run_id>/teams/<int:team_id>')
@roles_required(*TRAINERS)
def live_team_answers(run_id, team_id):
    run = _run_or_404(run_id)
    team = _team_of_run(run, team_id)
    sc = _scenario_or_404(run.scenario_slug)
    return render_template('scenarios/live_team_answers.html', run=run, team=team, sc=sc, fw=_framework_of(sc),
                           rows=attempts.debrief_rows(team.attempt, sc) if team.attempt else [])


@bp.route('/manage/live/<int:run_id>/teams/<int:team_id>/remove', methods=['POST'])
@roles_required(*TRAINERS)
def live_remove_team(run_id, team_id):
    run = _run_or_404(run_id)
    team = _team_of_run(run, team_id)
    name = team.name
    live.remove_team(team)
    db.session.commit()
    flash(_('The team “%(name)s” has been removed, with its answers.', name=name), 'success')
    return redirect(url_for('scenarios.live_dashboard', run_id=run.id))


@bp.route('/manage/live/<int:run_id>/debrief')
@roles_required(*TRAINERS)
def live_debrief(run_id):
    run = _run_or_404(run_id)
    sc = _scenario_or_404(run.scenario_slug)
    stages = [(sc.stage(sid), _heatmap(run, sc, sc.stage(sid)), live.decision_counts(run, sid))
              for sid in run.path if sc.stage(sid) is not None]
    ranking = _ranking(run)
    return render_template('scenarios/live_debrief.html', run=run, sc=sc, fw=_framework_of(sc), stages=stages,
                           ranking=ranking, ending=sc.ending(run.ending_id))


@bp.route('/manage/live/<int:run_id>/results.csv')
@roles_required(*TRAINERS)
def live_export(run_id):
    run = _run_or_404(run_id)
    sc = _scenario_or_404(run.scenario_slug)
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(['run_code', 'session', 'scenario', 'team', 'stage', 'factor', 'level', 'expert_level',
                  'level_difference', 'indicators', 'indicators_missed', 'indicators_extra', 'evidence',
                  'justification', 'factor_points', 'factor_max', 'decision', 'decision_score', 'stage_points',
                  'stage_max', 'team_percent'])

    def cell(value):
        text = '' if value is None else str(value)
        return "'" + text if text[:1] in ('=', '+', '-', '@', '\t', '\r') else text  # no formula injection

    for team in run.teams:
        for sub in (team.attempt.submissions if team.attempt else []):
            for f in sub.factors:
                missed = [m.indicator_id for m in f.marks if m.expected and not m.selected]
                extra = [m.indicator_id for m in f.marks if m.selected and not m.expected]
                out.writerow([cell(v) for v in (
                    run.code, run.session.code, sc.slug, team.name, sub.stage_id, f.factor_id, f.level or '',
                    f.expert_level, '' if f.level_diff is None else f.level_diff, ' '.join(f.indicators),
                    ' '.join(missed), ' '.join(extra), f.evidence, f.justification, f'{f.points:g}',
                    f'{f.max_points:g}', sub.option_id or '', sub.option_score, f'{sub.points:g}',
                    f'{sub.max_points:g}', f'{team.attempt.percent:g}')])
    filename = f'live-{run.code}-{sc.slug}.csv'
    return Response('\ufeff' + buf.getvalue(), mimetype='text/csv',
                    headers={'Content-Disposition': f'attachment; filename="{filename}"'})


# ------------------------------------------------------------------------------------------------ analysis

@bp.route('/manage/exercises/<slug>/analysis')
@roles_required(*TRAINERS)
def analysis(slug):
    sc = _scenario_or_404(slug)
    include_teams = request.args.get('teams', '1') != '0'
    levels = {(r['stage_id'], r['factor_id']): r for r in queries.level_analysis(slug, include_teams)}
    indicators: dict = {}
    for r in queries.indicator_analysis(slug, include_teams):
        indicators.setdefault((r['stage_id'], r['factor_id']), []).append(r)
    for rows in indicators.values():
        rows.sort(key=lambda r: (-r['missed'], -r['wrong'], r['indicator_id']))
    decisions: dict = {}
    for r in queries.decision_analysis(slug, include_teams):
        decisions.setdefault(r['stage_id'], {})[r['option_id']] = r['n']
    return render_template('scenarios/analysis.html', sc=sc, fw=_framework_of(sc), levels=levels,
                           indicators=indicators, decisions=decisions, include_teams=include_teams,
                           counts=queries.attempt_counts(slug, include_teams))
