"""Writes for scenario exercises: attempts, stage submissions, live runs and teams.

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
from training.scenarios.models import (
    AttemptStatus,
    FactorSubmission,
    IndicatorMark,
    LiveRun,
    LiveRunStage,
    LiveTeam,
    LiveTeamMember,
    RunStatus,
    ScenarioAttempt,
    StageSubmission,
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


# ------------------------------------------------------------------------------------------------ attempts

def active_attempt(user, slug: str) -> ScenarioAttempt | None:
    return db.session.scalar(
        sa.select(ScenarioAttempt).where(ScenarioAttempt.user_id == user.id, ScenarioAttempt.scenario_slug == slug,
                                         ScenarioAttempt.status == AttemptStatus.in_progress)
        .order_by(ScenarioAttempt.id.desc()).limit(1))


def start_attempt(user, scenario) -> tuple[ScenarioAttempt, bool]:
    """The user's attempt in progress at this scenario, or a new one. Returns (attempt, created)."""
    existing = active_attempt(user, scenario.slug)
    if existing is not None:
        return existing, False
    attempt = ScenarioAttempt(scenario_slug=scenario.slug, user_id=user.id, current_stage=scenario.start,
                              status=AttemptStatus.in_progress)
    db.session.add(attempt)
    db.session.flush()
    return attempt, True


def abandon_attempt(attempt: ScenarioAttempt) -> None:
    if attempt.status != AttemptStatus.in_progress:
        raise TrainingError(_('Only an attempt in progress can be abandoned.'))
    attempt.status = AttemptStatus.abandoned
    attempt.updated_at = utcnow()


def answer_from_submission(submission: StageSubmission) -> engine.StageAnswer:
    return engine.StageAnswer(
        assessments={f.factor_id: engine.FactorAnswer(
            factor=f.factor_id, level=f.level, indicators=frozenset(f.indicators),
            evidence=frozenset(f.evidence_ids), justification=f.justification) for f in submission.factors},
        option=submission.option_id)


def results_of(attempt: ScenarioAttempt, scenario) -> list[engine.StageResult]:
    """Re-score every submission (scoring is pure and deterministic; notes are not stored)."""
    out = []
    for sub in attempt.submissions:
        stage = scenario.stage(sub.stage_id)
        if stage is not None:
            out.append(engine.score_stage(stage, answer_from_submission(sub)))
    return out


def visible_evidence(scenario, stage, path: list[str]) -> list:
    """Evidence the answer may cite at ``stage``: the stages played before it, then its own, then anything
    the key cites (so the expert answer is always possible)."""
    ids: dict[str, object] = {}
    for stage_id in [*path, stage.id]:
        st = scenario.stage(stage_id)
        if st is not None and stage_id != stage.id:
            for ev in st.evidence:
                ids.setdefault(ev.id, ev)
    for key in stage.assess:
        for ev_id in key.evidence:
            if ev_id in scenario.evidence_map:
                ids.setdefault(ev_id, scenario.evidence_map[ev_id])
    for ev in stage.evidence:
        ids.setdefault(ev.id, ev)
    own = [ev for ev in stage.evidence]
    earlier = [ev for ev_id, ev in ids.items() if ev_id not in {e.id for e in own}]
    return earlier + own


def record_submission(attempt: ScenarioAttempt, scenario, stage, answer: engine.StageAnswer, *,
                      by=None) -> tuple[StageSubmission, engine.StageResult, str]:
    """Score and store one stage; returns (submission, result, where the answer leads)."""
    if attempt.submission(stage.id) is not None:
        raise TrainingError(_('This stage has already been submitted.'))
    if answer.option is None or stage.decision.option(answer.option) is None:
        raise TrainingError(_('Choose one of the options.'), field='option')
    result = engine.score_stage(stage, answer)
    previous = results_of(attempt, scenario)
    target = engine.next_target(stage, answer.option, engine.running_percent([*previous, result]))
    sub = StageSubmission(stage_id=stage.id, position=len(attempt.submissions) + 1, option_id=answer.option,
                          option_score=result.decision.option_score, next_id=target, points=result.points,
                          max_points=result.max_points, submitted_by_id=getattr(by, 'id', None))
    for fr in result.factors:
        given = answer.assessments.get(fr.factor) or engine.FactorAnswer(fr.factor)
        key = stage.key(fr.factor)
        fs = FactorSubmission(factor_id=fr.factor, level=fr.level, expert_level=fr.expert_level,
                              level_diff=fr.level_diff, evidence=' '.join(sorted(given.evidence)),
                              justification=given.justification, points=fr.points, max_points=fr.max_points)
        for ind in engine._sorted_ids(set(given.indicators) | set(key.indicators)):
            fs.marks.append(IndicatorMark(indicator_id=ind, selected=ind in given.indicators,
                                          expected=ind in key.indicators))
        sub.factors.append(fs)
    attempt.submissions.append(sub)
    attempt.points = round(attempt.points + result.points, 4)
    attempt.max_points = attempt.max_points + result.max_points
    attempt.updated_at = utcnow()
    db.session.flush()
    return sub, result, target


def submit_stage(attempt: ScenarioAttempt, scenario, answer: engine.StageAnswer, *, by=None):
    """Self-paced play: submit the attempt's current stage and move it on (to a stage or an ending)."""
    if attempt.status != AttemptStatus.in_progress or attempt.team_id is not None:
        raise TrainingError(_('This attempt is not in progress.'))
    stage = scenario.stage(attempt.current_stage)
    if stage is None:
        raise TrainingError(_('This stage is no longer part of the scenario.'))
    sub, result, target = record_submission(attempt, scenario, stage, answer, by=by)
    if scenario.ending(target) is not None:
        attempt.current_stage = None
        attempt.ending_id = target
        attempt.status = AttemptStatus.completed
        attempt.completed_at = utcnow()
    else:
        attempt.current_stage = target
    return sub, result


# ------------------------------------------------------------------------------------------------ live runs

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


def _require_open(run: LiveRun) -> None:
    if run.status != RunStatus.open:
        raise TrainingError(_('This live run has finished.'))


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
        allowed = {t for o in scenario.stage(run.current_stage).decision.options for t in engine.option_targets(o)}
        if stage_id not in allowed:
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
    """Where the room's decision leads: the option most teams chose (ties go to the better option), scored at
    the teams' mean running percent. Without submissions, the first option's target."""
    stage = scenario.stage(run.current_stage)
    if stage is None:
        return None
    counts = decision_counts(run, stage.id)
    if counts:
        option = max(stage.decision.options, key=lambda o: (counts.get(o.id, 0), o.score))
        percents = [t.attempt.percent for t in run.teams if t.attempt and t.attempt.submission(stage.id)]
        return engine.next_target(stage, option.id, sum(percents) / len(percents) if percents else 0.0)
    return stage.decision.options[0].next


def advance(run: LiveRun, scenario, target: str) -> None:
    """Continue the run to ``target``: the next stage (opened at once) or an ending (the run finishes)."""
    _require_open(run)
    stage = scenario.stage(run.current_stage)
    if stage is None:
        raise TrainingError(_('Open the first stage before moving on.'))
    allowed = {t for o in stage.decision.options for t in engine.option_targets(o)}
    if target not in allowed:
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
