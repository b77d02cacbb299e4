"""Paper pages: a session's printable packs (sign-in sheet, paper tests, scenario packs, A4 or US Letter), the
entry of a participant's paper test, and, in a live run, a team's paper grid entered by the facilitator.

The modules that make the packs are imported on first use, in the views that print: they load fpdf2, its fonts and
HarfBuzz (some 20 MB), which a worker that never prints need not hold (issue 18)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from training.auth.permissions import TRAINERS, require_run_trainer, require_session_trainer, roles_required
from training.content import registry
from training.extensions import db
from training.i18n import _
from training.paper import entries
from training.paper.forms import PaperTeamForm, entry_form
from training.paper.sizes import SIZES
from training.scenarios import live
from training.scenarios.forms import answer_from_form, stage_form_class
from training.scenarios.models import LiveRun, LiveTeam
from training.web import perform
from training.workshops import queries as workshop_queries
from training.workshops.loaders import session_or_404

bp = Blueprint('paper', __name__)


def _session(session_id: int):
    session = session_or_404(session_id)
    require_session_trainer(session)
    return session


def _size() -> str:
    size = request.args.get('size', 'a4')
    return size if size in SIZES else 'a4'


def _pdf(content: bytes, filename: str) -> Response:
    return Response(content, mimetype='application/pdf', headers={
        'Content-Disposition': f'attachment; filename="{filename}"'})


def _course(session):
    """The course whose quizzes are printed: ?course=, else the session's own."""
    return registry().course(request.args.get('course') or session.course_slug or '')


@bp.route('/manage/sessions/<int:session_id>/paper')
@roles_required(*TRAINERS)
def session_paper(session_id: int):
    session = _session(session_id)
    return render_template('paper/session_paper.html', session=session, course=_course(session),
                           courses=sorted(registry().courses.values(), key=lambda c: c.title.casefold()),
                           scenarios=sorted(registry().scenarios.values(), key=lambda s: s.title.casefold()),
                           entries=entries.entries_for(session), sizes=SIZES)


@bp.route('/manage/sessions/<int:session_id>/paper/sign-in.pdf')
@roles_required(*TRAINERS)
def signin_pdf(session_id: int):
    session = _session(session_id)
    from training.paper import signin  # first use (module docstring)

    return _pdf(signin.render(session, size=_size()), f'{session.code}-sign-in-{_size()}.pdf')


@bp.route('/manage/sessions/<int:session_id>/paper/sign-in.csv')
@roles_required(*TRAINERS)
def signin_csv(session_id: int):
    session = _session(session_id)
    from training.paper import signin  # first use (module docstring)

    return Response(signin.csv_template(session), mimetype='text/csv', headers={
        'Content-Disposition': f'attachment; filename="{session.code}-sign-in.csv"'})


@bp.route('/manage/sessions/<int:session_id>/paper/test.pdf')
@roles_required(*TRAINERS)
def test_pdf(session_id: int):
    session = _session(session_id)
    course = _course(session)
    quiz = course.quiz(request.args.get('quiz', '')) if course else None
    if quiz is None:
        flash(_('Choose a course and one of its quizzes.'), 'error')
        return redirect(url_for('paper.session_paper', session_id=session.id))
    from training.paper import quiz_pack  # first use (module docstring)

    return _pdf(quiz_pack.render(session, course, quiz, size=_size()), f'{session.code}-{quiz.id}-{_size()}.pdf')


@bp.route('/manage/sessions/<int:session_id>/paper/scenario.pdf')
@roles_required(*TRAINERS)
def scenario_pdf(session_id: int):
    session = _session(session_id)
    scenario = registry().scenario(request.args.get('scenario', ''))
    if scenario is None:
        flash(_('Choose a scenario.'), 'error')
        return redirect(url_for('paper.session_paper', session_id=session.id))
    teams = request.args.get('teams', 1, type=int) or 1
    from training.paper import scenario_pack  # first use (module docstring)

    return _pdf(scenario_pack.render(scenario, teams=teams, size=_size(), subtitle=f'{session.code} · '
                                     f'{scenario.title}'), f'{session.code}-{scenario.slug}-{_size()}.pdf')


@bp.route('/manage/sessions/<int:session_id>/paper/test-entry', methods=['GET', 'POST'])
@roles_required(*TRAINERS)
def test_entry(session_id: int):
    session = _session(session_id)
    course = _course(session)
    quiz = course.quiz(request.args.get('quiz', '')) if course else None
    if quiz is None:
        flash(_('Choose a course and one of its quizzes.'), 'error')
        return redirect(url_for('paper.session_paper', session_id=session.id))
    participants = [(a.id, a.person.full_name) for a in workshop_queries.roster(session)]
    rows = entries.lettered(quiz, entries.printed_form(session, quiz))
    form = entry_form(rows, participants)
    if form.validate_on_submit():
        attendance = next((a for a in workshop_queries.roster(session) if a.id == form.attendance_id.data), None)
        if attendance is None:
            abort(400)
        outcome = perform(lambda: entries.enter_paper_test(attendance, course, quiz, form.answers(), by=current_user),
                          form=form)
        if outcome.ok:
            flash(_('%(name)s: %(score)s%% (%(correct)d of %(total)d right).', name=attendance.person.full_name,
                    score=f'{outcome.value.score:g}', correct=outcome.value.correct_count,
                    total=outcome.value.question_count), 'success')
            return redirect(url_for('paper.test_entry', session_id=session.id, course=course.slug, quiz=quiz.id))
    return render_template('paper/test_entry.html', session=session, course=course, quiz=quiz, form=form,
                           entries=[e for e in entries.entries_for(session) if e.quiz_id == quiz.id])


# -- live runs: a team's paper grid ---------------------------------------------------------------------------------

def _run(run_id: int) -> LiveRun:
    run = db.session.get(LiveRun, run_id)
    if run is None:
        abort(404)
    require_run_trainer(run)
    return run


@bp.route('/manage/live/<int:run_id>/paper-team', methods=['POST'])
@roles_required(*TRAINERS)
def add_paper_team(run_id: int):
    run = _run(run_id)
    form = PaperTeamForm()
    if not form.validate_on_submit():
        abort(400)
    outcome = perform(lambda: live.create_team(run, form.team_name.data), form=None,
                      conflict=_('A team with this name has already joined.'))
    if outcome.ok:
        flash(_('Team “%(name)s” added: enter its paper answers from the dashboard.', name=outcome.value.name),
              'success')
    return redirect(url_for('scenarios.live_dashboard', run_id=run.id))


@bp.route('/manage/live/<int:run_id>/teams/<int:team_id>/paper', methods=['GET', 'POST'])
@roles_required(*TRAINERS)
def team_paper(run_id: int, team_id: int):
    run = _run(run_id)
    team = db.session.get(LiveTeam, team_id)
    if team is None or team.run_id != run.id:
        abort(404)
    sc = registry().scenario(run.scenario_slug)
    if sc is None:
        abort(404)
    fw = registry().framework(sc.framework)
    page = live.team_page(team, sc)
    form = stage_form_class(page.stage, fw, page.evidence)() if page.may_answer else None
    if form is not None and form.validate_on_submit():
        answer = answer_from_form(form, page.stage)
        if perform(lambda: live.team_submit(team, sc, answer, by=current_user),
                   conflict=_('This stage has already been submitted.')).ok:
            flash(_('The paper answer of %(team)s has been entered.', team=team.name), 'success')
            return redirect(url_for('scenarios.live_dashboard', run_id=run.id))
    elif request.method == 'POST' and form is None:
        flash(page.refusal, 'error')
        return redirect(url_for('scenarios.live_dashboard', run_id=run.id))
    return render_template('paper/team_entry.html', run=run, team=team, sc=sc, fw=fw, form=form, stage=page.stage,
                           evidence=page.evidence or [], refusal=None if form else page.refusal,
                           action=url_for('paper.team_paper', run_id=run.id, team_id=team.id))
