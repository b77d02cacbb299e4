"""Writes and reads for live runs: a facilitator paces one scenario for a room, teams join with codes and answer
each stage together.

Functions take model objects, content objects and plain values, enforce the rules and raise TrainingError; they
flush but never commit (the view or CLI command commits once).
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, tzinfo

import sqlalchemy as sa

from training import codes
from training.db import lock_row, utcnow
from training.errors import TrainingError
from training.extensions import db
from training.i18n import _
from training.scenarios import drafts, engine
from training.scenarios.attempts import debrief_rows, record_submission, rescore, visible_evidence
from training.scenarios.models import (
    AttemptStatus,
    LiveRun,
    LiveRunStage,
    LiveTeam,
    LiveTeamMember,
    RunStatus,
    ScenarioAttempt,
    StageSubmission,
)

MAX_TEAM_NAME = 60
MAX_TEAMS = 40


def _require_open(run: LiveRun) -> None:
    if run.status != RunStatus.open:
        raise TrainingError(_('This live run has finished.'))


# ------------------------------------------------------------------------------------------------ runs and teams

def start_live_run(session, scenario, *, by) -> LiveRun:
    run = LiveRun(session_id=session.id, scenario_slug=scenario.slug, code=codes.LIVE_RUN.unique_in(LiveRun.code),
                  status=RunStatus.open, created_by_id=getattr(by, 'id', None))
    db.session.add(run)
    db.session.flush()
    return run


def find_by_code(text: str | None) -> LiveRun | LiveTeam | None:
    """The run or team whose code was typed (a run's code and a team's differ in length)."""
    if (code := codes.LIVE_RUN.normalise(text)) is not None:
        return db.session.scalar(sa.select(LiveRun).where(LiveRun.code == code))
    if (code := codes.LIVE_TEAM.normalise(text)) is not None:
        return db.session.scalar(sa.select(LiveTeam).where(LiveTeam.code == code))
    return None


def join_by_code(code: str, team_name: str | None, *, user=None) -> LiveTeam:
    """Join with a code: a team's code adds ``user`` to that team; a run's code creates a team named
    ``team_name``."""
    found = find_by_code(code)
    if isinstance(found, LiveTeam):
        if found.run.status != RunStatus.open:
            raise TrainingError(_('This live run has finished.'), field='code')
        add_member(found, user)
        return found
    if isinstance(found, LiveRun):
        return create_team(found, team_name, user=user)
    raise TrainingError(_('No live run or team has this code. Check it with the facilitator.'), field='code')


def clean_team_name(name: str | None) -> str:
    name = ' '.join((name or '').split())
    name = ''.join(c for c in name if c.isprintable())
    if not name:
        raise TrainingError(_('Give your team a name.'), field='team_name')
    if len(name) > MAX_TEAM_NAME:
        raise TrainingError(_('A team name has at most %(n)d characters.', n=MAX_TEAM_NAME), field='team_name')
    return name


def create_team(run: LiveRun, name: str, *, user=None) -> LiveTeam:
    if run.status != RunStatus.open:
        raise TrainingError(_('This live run has finished.'), field='code')
    name = clean_team_name(name)
    key = name.casefold()[:MAX_TEAM_NAME]
    lock_row(db.session, LiveRun, run.id)  # teams joining at once are counted one after the other
    taken = db.session.scalars(sa.select(LiveTeam.name_key).where(LiveTeam.run_id == run.id)).all()
    if key in taken:
        raise TrainingError(_('A team with this name has already joined. To join it, ask its members for their '
                              'team code; otherwise choose another name.'), field='team_name')
    if len(taken) >= MAX_TEAMS:
        raise TrainingError(_('This live run is full.'), field='code')
    team = LiveTeam(name=name, name_key=key, code=codes.LIVE_TEAM.unique_in(LiveTeam.code))
    run.teams.append(team)
    team.attempt = ScenarioAttempt(scenario_slug=run.scenario_slug, current_stage=run.current_stage,
                                   status=AttemptStatus.in_progress)
    db.session.flush()
    add_member(team, user)
    return team


def add_member(team: LiveTeam, user) -> None:
    if user is None or not getattr(user, 'is_authenticated', False):
        return
    if any(m.user_id == user.id for m in team.members):
        return
    team.members.append(LiveTeamMember(user_id=user.id))
    db.session.flush()


def remove_team(team: LiveTeam) -> None:
    """Remove a team and its answers (a mistaken join, a duplicate, an unacceptable name)."""
    run = team.run
    run.teams.remove(team)
    db.session.delete(team)
    db.session.flush()


# ------------------------------------------------------------------------------------------------ pacing

def open_stage(run: LiveRun, scenario, stage_id: str) -> LiveRunStage:
    """Put a stage on screen and accept submissions for it."""
    _require_open(run)
    if scenario.stage(stage_id) is None:
        raise TrainingError(_('Unknown stage.'))
    if run.run_stage(stage_id) is not None:
        raise TrainingError(_('This stage has already been played in this run.'))
    if run.current_stage is None and run.stages:
        raise TrainingError(_('This run has reached an ending.'))
    if run.current_stage is not None:
        if stage_id not in engine.decision_targets(scenario.stage(run.current_stage)):
            raise TrainingError(_('That stage does not follow the current one.'))
        close_stage(run)
    elif stage_id != scenario.start:
        raise TrainingError(_('A run begins with the first stage.'))
    rs = LiveRunStage(stage_id=stage_id, position=len(run.stages) + 1)
    run.stages.append(rs)
    run.current_stage = stage_id
    run.accepting = True
    for team in run.teams:
        if team.attempt is not None:
            team.attempt.current_stage = stage_id
    db.session.flush()
    return rs


def close_stage(run: LiveRun) -> None:
    """Stop accepting submissions for the current stage (idempotent)."""
    rs = run.run_stage(run.current_stage)
    if rs is not None and rs.closed_at is None:
        rs.closed_at = utcnow()
    run.accepting = False


def close_submissions(run: LiveRun) -> None:
    """The facilitator closes the stage on screen: its key is then shown to the teams."""
    if run.status != RunStatus.open or run.current_stage is None:
        raise TrainingError(_('No stage is open.'))
    close_stage(run)


def reopen_stage(run: LiveRun) -> None:
    """Accept submissions again for the current stage (closed too early)."""
    _require_open(run)
    rs = run.run_stage(run.current_stage)
    if rs is None:
        raise TrainingError(_('No stage is open.'))
    rs.closed_at = None
    run.accepting = True


#: The longest stage timer, in minutes
MAX_TIMER_MINUTES = 180


def start_timer(run: LiveRun, minutes: int, *, now=None) -> LiveRunStage:
    """Start (or restart) the timer of the stage on screen: the presenter view shows when it started and ends."""
    _require_open(run)
    rs = run.run_stage(run.current_stage)
    if rs is None or not run.accepting:
        raise TrainingError(_('Open a stage before starting its timer.'))
    if not 1 <= minutes <= MAX_TIMER_MINUTES:
        raise TrainingError(_('A stage timer runs from 1 to %(n)d minutes.', n=MAX_TIMER_MINUTES), field='minutes')
    rs.timer_started_at = now or utcnow()
    rs.timer_minutes = minutes
    return rs


def stop_timer(run: LiveRun) -> None:
    rs = run.run_stage(run.current_stage)
    if rs is not None:
        rs.timer_started_at = None
        rs.timer_minutes = None


@dataclass(frozen=True)
class TimerState:
    started_at: datetime
    ends_at: datetime
    minutes: int
    #: whole minutes left, rounded up (0 once the time is up)
    minutes_left: int
    #: the workshop's time zone (:attr:`TrainingSession.time_zone`; None: the times are shown in the site's)
    zone: tzinfo | None = None

    @property
    def over(self) -> bool:
        return self.minutes_left == 0


def timer_state(run: LiveRun, *, now: datetime | None = None) -> TimerState | None:
    """The timer of the stage on screen, while submissions are open (None: no timer)."""
    rs = run.run_stage(run.current_stage)
    ends = rs.timer_ends_at if rs is not None and run.accepting else None
    if ends is None:
        return None
    seconds = (ends - (now or utcnow())).total_seconds()
    return TimerState(rs.timer_started_at, ends, rs.timer_minutes, max(0, math.ceil(seconds / 60)),
                      run.session.time_zone)


def waiting_teams(run: LiveRun, stage) -> list[tuple[LiveTeam, object]]:
    """The teams that have not submitted ``stage``, each with its draft (or None): what closing would leave out."""
    waiting = [t for t in run.teams if t.attempt is not None and t.attempt.submission(stage.id) is None]
    found = drafts.drafts_of([t.attempt.id for t in waiting], stage.id)
    return [(team, found.get(team.attempt.id)) for team in waiting]


def team_submit(team: LiveTeam, scenario, answer: engine.StageAnswer, *, by=None):
    run = team.run
    _require_open(run)
    if not run.accepting or run.current_stage is None:
        raise TrainingError(_('Submissions are closed for this stage.'))
    stage = scenario.stage(run.current_stage)
    return record_submission(team.attempt, scenario, stage, answer, by=by)


def decision_counts(run: LiveRun, stage_id: str) -> Counter:
    counts: Counter = Counter()
    for team in run.teams:
        sub = team.attempt.submission(stage_id) if team.attempt else None
        if sub is not None and sub.option_id:
            counts[sub.option_id] += 1
    return counts


def suggested_next(run: LiveRun, scenario) -> str | None:
    """Where the room's decision leads (:func:`engine.room_target`)."""
    stage = scenario.stage(run.current_stage)
    if stage is None:
        return None
    percents = [t.attempt.percent for t in run.teams if t.attempt and t.attempt.submission(stage.id)]
    return engine.room_target(stage, decision_counts(run, stage.id), percents)


def advance(run: LiveRun, scenario, target: str | None) -> None:
    """Continue the run to ``target``: the next stage (opened at once) or an ending (the run finishes)."""
    stage = scenario.stage(run.current_stage)
    if stage is None:
        raise TrainingError(_('Open the first stage before moving on.'))
    if target is None:
        raise TrainingError(_('Choose where the run goes next.'))
    _require_open(run)
    if target not in engine.decision_targets(stage):
        raise TrainingError(_('That step does not follow the current stage.'), field='target')
    if scenario.ending(target) is not None:
        close_stage(run)
        finish_run(run, ending_id=target)
    else:
        open_stage(run, scenario, target)


def finish_run(run: LiveRun, *, ending_id: str | None = None) -> None:
    _require_open(run)
    close_stage(run)
    run.status = RunStatus.finished
    run.finished_at = utcnow()
    run.ending_id = ending_id
    run.current_stage = None
    for team in run.teams:
        attempt = team.attempt
        if attempt is not None and attempt.status == AttemptStatus.in_progress:
            attempt.current_stage = None
            attempt.ending_id = ending_id
            attempt.status = (AttemptStatus.completed if ending_id or attempt.submissions
                              else AttemptStatus.abandoned)
            attempt.completed_at = utcnow()
    db.session.flush()


# ------------------------------------------------------------------------------------------------ pages

@dataclass(frozen=True)
class TeamPage:
    """What a team sees: the stage on screen with its form while the team may answer, its scored answer once
    submissions close, the debrief once the run is over."""

    stage: object | None
    sub: StageSubmission | None
    accepting: bool
    #: the evidence the team's form offers; None when the team may not answer (no form)
    evidence: list | None
    result: engine.StageResult | None
    rows: list
    ending: object | None

    @property
    def may_answer(self) -> bool:
        return self.evidence is not None

    @property
    def refusal(self) -> str:
        """Why an answer sent without a form on the page is refused."""
        if self.sub is not None and self.accepting:
            return _('This stage has already been submitted.')
        return _('Submissions are closed for this stage.')


def team_page(team: LiveTeam, scenario) -> TeamPage:
    run = team.run
    stage = scenario.stage(run.current_stage)
    sub = team.attempt.submission(stage.id) if stage is not None else None
    may_answer = stage is not None and sub is None and run.accepting
    return TeamPage(
        stage=stage, sub=sub, accepting=run.accepting,
        evidence=visible_evidence(scenario, stage, run.path[:-1]) if may_answer else None,
        result=rescore(sub, stage) if sub is not None and not run.accepting else None,
        rows=debrief_rows(team.attempt, scenario) if run.status == RunStatus.finished else [],
        ending=scenario.ending(run.ending_id))


def ready_to_advance(run: LiveRun, stage) -> bool:
    """Whether the facilitator chooses the next step now: a stage is on screen and its submissions are closed."""
    return stage is not None and not run.accepting and run.status == RunStatus.open


def heatmap(run: LiveRun, stage) -> list[tuple]:
    """Rows (team, submission or None) for one stage; columns are the stage's factors."""
    return [(team, team.attempt.submission(stage.id) if team.attempt else None) for team in run.teams]


def ranking(run: LiveRun) -> list[LiveTeam]:
    """Teams by score, best first; ties by name."""
    return sorted(run.teams, key=lambda t: (-(t.attempt.percent if t.attempt else 0), t.name_key))


def debrief_stages(run: LiveRun, scenario) -> list[tuple]:
    """(stage, heatmap rows, decision counts) for each stage the run played that is still in the scenario."""
    stages = [scenario.stage(stage_id) for stage_id in run.path]
    return [(stage, heatmap(run, stage), decision_counts(run, stage.id)) for stage in stages if stage is not None]


RESULT_COLUMNS = ['run_code', 'session', 'scenario', 'team', 'stage', 'factor', 'level', 'expert_level',
                  'level_difference', 'indicators', 'indicators_missed', 'indicators_extra', 'evidence',
                  'justification', 'factor_points', 'factor_max', 'decision', 'decision_score', 'stage_points',
                  'stage_max', 'team_percent']


def results_table(run: LiveRun) -> tuple[list[str], list[tuple]]:
    """Every factor answer of every team, one row each: (headers, rows) for ``training.exports``."""
    rows = []
    for team in run.teams:
        for sub in (team.attempt.submissions if team.attempt else []):
            for f in sub.factors:
                missed = [m.indicator_id for m in f.marks if m.expected and not m.selected]
                extra = [m.indicator_id for m in f.marks if m.selected and not m.expected]
                rows.append((
                    run.code, run.session.code, run.scenario_slug, team.name, sub.stage_id, f.factor_id, f.level,
                    f.expert_level, f.level_diff, ' '.join(f.indicators), ' '.join(missed), ' '.join(extra),
                    f.evidence, f.justification, f'{f.points:g}', f'{f.max_points:g}', sub.option_id,
                    sub.option_score, f'{sub.points:g}', f'{sub.max_points:g}', f'{team.attempt.percent:g}'))
    return RESULT_COLUMNS, rows
