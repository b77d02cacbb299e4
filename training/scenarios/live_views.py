"""Live-run pages: teams join with a code and answer together; the facilitator opens, closes and advances the
stages, watches the room's answers and exports them. On the scenarios blueprint (``training.scenarios.blueprint``).

Each facilitator action is a plain view: load the run, check, call the service through ``perform`` (which commits,
or rolls back and flashes the broken rule), flash, and go back to the dashboard.
"""
from __future__ import annotations

import segno
from flask import abort, current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from training.auth.permissions import TRAINERS, public, require_session_trainer, roles_required
from training.content import registry
from training.exports import send_csv
from training.extensions import db, limiter
from training.forms import ConfirmForm
from training.i18n import _
from training.scenarios import attempts, drafts, live, queries
from training.scenarios.blueprint import (
    advance_form,
    bp,
    framework_of,
    run_and_scenario,
    run_or_404,
    scenario_or_404,
    to_dashboard,
)
from training.scenarios.forms import JoinForm, StartRunForm, answer_from_form, choices, stage_form_class
from training.scenarios.models import LiveRun, LiveTeam
from training.web import MAX_ID, paginate, perform
from training.workshops.models import TrainingSession

#: The teams this browser has joined (a team member needs no account).
TEAM_SESSION_KEY = 'live_teams'


# ------------------------------------------------------------------------------------------------ teams

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
        outcome = perform(lambda: live.join_by_code(form.code.data, form.team_name.data, user=current_user),
                          form=form, conflict=_('A team with this name has already joined. To join it, ask its '
                                                'members for their team code; otherwise choose another name.'))
        if outcome.ok:
            team = outcome.value
            _remember_team(team)
            flash(_('You have joined as %(name)s.', name=team.name), 'success')
            return redirect(url_for('scenarios.live_team', team_id=team.id))
    return render_template('scenarios/live_join.html', form=form, teams=queries.open_teams(_joined_team_ids()))


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
    sc = scenario_or_404(run.scenario_slug)
    fw = framework_of(sc)
    page = live.team_page(team, sc)
    here = url_for('scenarios.live_team', team_id=team_id)
    if request.method == 'POST' and ('save_draft' in request.form or not page.may_answer):
        return _keep_team_draft(team, page, here)
    form, filled = None, None
    if page.may_answer:
        order = attempts.decision_order(team.attempt, page.stage)
        prefill, filled = (drafts.prefill(team.attempt, page.stage, request.path, request.args.get('restore'))
                           if request.method == 'GET' else (None, None))
        db.session.commit()
        form = stage_form_class(page.stage, fw, page.evidence, order)(**({'formdata': prefill} if prefill else {}))
    if form is not None and form.validate_on_submit():
        return _submit_answer(team, sc, page.stage, form)
    kept = drafts.draft_for(team.attempt, page.stage.id) if page.stage and not page.sub and not form else None
    return render_template('scenarios/live_team.html', team=team, run=run, sc=sc, fw=fw, form=form,
                           stage=page.stage, evidence=page.evidence, sub=page.sub, result=page.result,
                           rows=page.rows, ending=page.ending, number=len(run.stages), action=here,
                           filled=filled, kept_draft=kept,
                           draft_url=url_for('scenarios.live_team_draft', team_id=team_id))


def _keep_team_draft(team: LiveTeam, page, back: str):
    """"Save draft", or answers sent once submissions had closed: kept as the team's draft of the stage (shown
    again if the facilitator reopens it), never lost."""
    if page.stage is None or page.sub is not None or not ConfirmForm().validate_on_submit():
        flash(page.refusal, 'error')
        return redirect(back)
    drafts.save_draft(team.attempt, page.stage, request.form)
    db.session.commit()
    if page.may_answer:
        flash(_('Draft saved. Every member of your team sees it when they open this page.'), 'success')
    else:
        flash(_('Submissions had closed, so your answers were not sent. They are kept as your team\'s draft: if '
                'the facilitator reopens the stage, you will find them filled in.'), 'info')
    return redirect(back)


@bp.route('/live/teams/<int:team_id>/draft', methods=['POST'])
@public
def live_team_draft(team_id):
    """The team's draft, saved as its members type (static/js/stage-draft.js): an empty 200."""
    team = _my_team(team_id)
    page = live.team_page(team, scenario_or_404(team.run.scenario_slug))
    if not page.may_answer or not ConfirmForm().validate_on_submit():
        return '', 400
    drafts.save_draft(team.attempt, page.stage, request.form)
    db.session.commit()
    return '', 200


@bp.route('/live/teams/<int:team_id>/now')
@public
def live_team_now(team_id):
    """Where the team's run stands, for its waiting and feedback pages (static/js/live-refresh.js)."""
    team = _my_team(team_id)
    page = live.team_page(team, scenario_or_404(team.run.scenario_slug))
    return _no_store(render_template('scenarios/live_team_now.html', run=team.run, sub=page.sub))


def _submit_answer(team: LiveTeam, sc, stage, form):
    team_id = team.id
    answer = answer_from_form(form, stage)
    by = current_user if current_user.is_authenticated else None
    if perform(lambda: live.team_submit(team, sc, answer, by=by),
               conflict=_('This stage has already been submitted.')).ok:
        flash(_('Your team\'s answer has been submitted.'), 'success')
    return redirect(url_for('scenarios.live_team', team_id=team_id))


# ------------------------------------------------------------------------------------------------ facilitator

def _start_run_form() -> StartRunForm:
    form = StartRunForm()
    # each session title marked with the session's language (WCAG 3.1.2)
    form.session_id.choices = [SelectChoice(s.id, f'{s.code} · {s.title} ({s.start_date.isoformat()})',
                                            render_kw={'lang': s.language})
                               for s in queries.sessions_for_live_runs(current_user)]
    form.scenario.choices = choices((sc.slug, sc.title)
                                    for sc in sorted(registry().scenarios.values(), key=lambda s: s.title))
    return form


@bp.route('/manage/live', methods=['GET', 'POST'])
@roles_required(*TRAINERS)
def manage_live():
    form = _start_run_form()
    if form.validate_on_submit():
        return _start_run(form)
    # ?session_id=N (e.g. from a training session's page) preselects that session and lists only its runs
    filter_id = request.args.get('session_id', 0, type=int) or 0
    session_filter = db.session.get(TrainingSession, filter_id) if 0 < filter_id <= MAX_ID else None
    if session_filter is not None:
        require_session_trainer(session_filter)
    if request.method == 'GET':
        if session_filter is not None:
            form.session_id.data = session_filter.id
        if registry().scenario(request.args.get('scenario', '')) is not None:
            form.scenario.data = request.args['scenario']
    page = paginate(queries.live_runs(session_filter, current_user), per_page=25)
    return render_template('scenarios/manage_live.html', form=form, page=page, scenarios=registry().scenarios,
                           session_filter=session_filter)


def _start_run(form: StartRunForm):
    ts = db.session.get(TrainingSession, form.session_id.data)
    sc = registry().scenario(form.scenario.data)
    if ts is None or sc is None:
        abort(400)
    require_session_trainer(ts)
    outcome = perform(lambda: live.start_live_run(ts, sc, by=current_user))
    if not outcome.ok:
        return redirect(url_for('scenarios.manage_live'))
    run = outcome.value
    flash(_('Live run started. Teams join at %(url)s with the code %(code)s.',
            url=url_for('scenarios.join_live', _external=True), code=run.code), 'success')
    return redirect(url_for('scenarios.live_dashboard', run_id=run.id))


@bp.route('/manage/live/<int:run_id>')
@roles_required(*TRAINERS)
def live_dashboard(run_id):
    run, sc = run_and_scenario(run_id)
    stage = sc.stage(run.current_stage)
    form = None
    if live.ready_to_advance(run, stage):
        form = advance_form(sc, stage)
        form.target.data = live.suggested_next(run, sc)
    return render_template('scenarios/live_dashboard.html', advance_form=form,
                           join_url=url_for('scenarios.join_live', _external=True),
                           **_dashboard_parts(run, sc, stage))


@bp.route('/manage/live/<int:run_id>/now')
@roles_required(*TRAINERS)
def live_dashboard_now(run_id):
    """The dashboard's changing parts alone, swapped into the open page by static/js/live-refresh.js."""
    run, sc = run_and_scenario(run_id)
    return _no_store(render_template('scenarios/live_dashboard_now.html',
                                     **_dashboard_parts(run, sc, sc.stage(run.current_stage))))


def _join_qr(url: str) -> Markup:
    qr = segno.make(url, error='m')
    return Markup(qr.svg_inline(scale=8, border=2, dark='#000', light='#fff', omitsize=True,  # noqa: S704
                                title=_('QR code of the page where teams join')))


def _present_parts(run, sc, stage) -> dict:
    """What the projected page shows: while a stage is open, who has submitted (names only) and nothing of the
    key; once submissions are closed, the key, the team-versus-expert comparison and the rationale."""
    rows = live.heatmap(run, stage) if stage else []
    return {'run': run, 'sc': sc, 'fw': framework_of(sc), 'stage': stage, 'rows': rows,
            'timer': live.timer_state(run), 'show_key': stage is not None and not run.accepting,
            'counts': live.decision_counts(run, stage.id) if stage else {}}


@bp.route('/manage/live/<int:run_id>/present')
@roles_required(*TRAINERS)
def live_present(run_id):
    """The page to project: join code and QR code in large type, the stage title and who has submitted."""
    run, sc = run_and_scenario(run_id)
    join_url = url_for('scenarios.join_live', _external=True)
    return _no_store(render_template('scenarios/live_present.html', join_url=join_url, qr=_join_qr(join_url),
                                     **_present_parts(run, sc, sc.stage(run.current_stage))))


@bp.route('/manage/live/<int:run_id>/present/now')
@roles_required(*TRAINERS)
def live_present_now(run_id):
    """The presenter page's changing parts alone (static/js/live-refresh.js)."""
    run, sc = run_and_scenario(run_id)
    return _no_store(render_template('scenarios/live_present_now.html',
                                     **_present_parts(run, sc, sc.stage(run.current_stage))))


def _dashboard_parts(run, sc, stage) -> dict:
    return {'run': run, 'sc': sc, 'fw': framework_of(sc), 'stage': stage, 'timer': live.timer_state(run),
            'rows': live.heatmap(run, stage) if stage else [],
            'counts': live.decision_counts(run, stage.id) if stage else {},
            'ranking': live.ranking(run), 'ending': sc.ending(run.ending_id)}


def _no_store(html: str):
    response = make_response(html)
    response.headers['Cache-Control'] = 'no-store'
    return response


def _team_of_run(run: LiveRun, team_id: int) -> LiveTeam:
    team = next((t for t in run.teams if t.id == team_id), None)
    if team is None:
        abort(404)
    return team


@bp.route('/manage/live/<int:run_id>/teams/<int:team_id>')
@roles_required(*TRAINERS)
def live_team_answers(run_id, team_id):
    run, sc = run_and_scenario(run_id)
    team = _team_of_run(run, team_id)
    return render_template('scenarios/live_team_answers.html', run=run, team=team, sc=sc, fw=framework_of(sc),
                           rows=attempts.debrief_rows(team.attempt, sc) if team.attempt else [])


@bp.route('/manage/live/<int:run_id>/teams/<int:team_id>/remove', methods=['POST'])
@roles_required(*TRAINERS)
def live_remove_team(run_id, team_id):
    team = _team_of_run(run_or_404(run_id), team_id)
    name = team.name
    if perform(lambda: live.remove_team(team)).ok:
        flash(_('The team “%(name)s” has been removed, with its answers.', name=name), 'success')
    return to_dashboard(run_id)


@bp.route('/manage/live/<int:run_id>/debrief')
@roles_required(*TRAINERS)
def live_debrief(run_id):
    run, sc = run_and_scenario(run_id)
    return render_template('scenarios/live_debrief.html', run=run, sc=sc, fw=framework_of(sc),
                           stages=live.debrief_stages(run, sc), ranking=live.ranking(run),
                           ending=sc.ending(run.ending_id))


@bp.route('/manage/live/<int:run_id>/results.csv')
@roles_required(*TRAINERS)
def live_export(run_id):
    run, sc = run_and_scenario(run_id)
    headers, rows = live.results_table(run)
    return send_csv(f'live-{run.code}-{sc.slug}.csv', headers, rows)
