"""Writes and reads for live runs: a facilitator paces one scenario for a room, teams join with codes and answer
each stage together.

Functions take model objects, content objects and plain values, enforce the rules and raise TrainingError; they
flush but never commit (the view or CLI command commits once).
"""
from __future__ import annotations

import secrets
from collections import Counter

import sqlalchemy as sa

from training.db import utcnow
from training.errors import TrainingError
from training.extensions import db
from training.i18n import _
from training.scenarios import engine
from training.scenarios.attempts import record_submission
from training.scenarios.models import (
    AttemptStatus,
    LiveRun,
    LiveRunStage,
    LiveTeam,
    LiveTeamMember,
    RunStatus,
    ScenarioAttempt,
)

#: Join codes avoid look-alike characters (0/O, 1/I/L).
CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'
RUN_CODE_LENGTH = 6
TEAM_CODE_LENGTH = 8
MAX_TEAM_NAME = 60
MAX_TEAMS = 40


def normalise_code(text: str | None) -> str:
    return ''.join(c for c in (text or '').upper() if c.isalnum())


def _new_code(model, length: int) -> str:
    for _attempt in range(50):
        code = ''.join(secrets.choice(CODE_ALPHABET) for _ in range(length))
        if db.session.scalar(sa.select(model.id).where(model.code == code)) is None:
            return code
    raise TrainingError(_('Could not make a unique code; please try again.'))


def _require_open(run: LiveRun) -> None:
    if run.status != RunStatus.open:
        raise TrainingError(_('This live run has finished.'))


# ------------------------------------------------------------------------------------------------ runs and teams

def start_live_run(session, scenario, *, by) -> LiveRun:
    run = LiveRun(session_id=session.id, scenario_slug=scenario.slug, code=_new_code(LiveRun, RUN_CODE_LENGTH),
                  status=RunStatus.open, created_by_id=getattr(by, 'id', None))
    db.session.add(run)
    db.session.flush()
    return run


def find_by_code(code: str) -> LiveRun | LiveTeam | None:
    code = normalise_code(code)
    if len(code) == RUN_CODE_LENGTH:
        return db.session.scalar(sa.select(LiveRun).where(LiveRun.code == code))
    if len(code) == TEAM_CODE_LENGTH:
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
    if any(t.name_key == key for t in run.teams):
        raise TrainingError(_('A team with this name has already joined. To join it, ask its members for their '
                              'team code; otherwise choose another name.'), field='team_name')
    if len(run.teams) >= MAX_TEAMS:
        raise TrainingError(_('This live run is full.'), field='code')
    team = LiveTeam(name=name, name_key=key, code=_new_code(LiveTeam, TEAM_CODE_LENGTH))
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
