"""Writes and reads for solo play: a user's attempt at a scenario, stage by stage, and its debrief.

Also the scoring of one submitted stage (:func:`record_submission`), shared with the teams of a live run
(``training.scenarios.live``). Functions take model objects, content objects and plain values, enforce the rules
and raise TrainingError; they flush but never commit (the view or CLI command commits once).
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from training.auth.models import User
from training.db import lock_row, utcnow
from training.errors import TrainingError
from training.extensions import db
from training.i18n import _
from training.scenarios import drafts, engine
from training.scenarios.models import (
    AttemptStatus,
    FactorSubmission,
    IndicatorMark,
    ScenarioAttempt,
    StageSubmission,
)
from training.shuffling import make_rng, shuffle_ids


def active_attempt(user, slug: str) -> ScenarioAttempt | None:
    return db.session.scalar(
        sa.select(ScenarioAttempt).where(ScenarioAttempt.user_id == user.id, ScenarioAttempt.scenario_slug == slug,
                                         ScenarioAttempt.status == AttemptStatus.in_progress)
        .order_by(ScenarioAttempt.id.desc()).limit(1))


def start_attempt(user, scenario) -> tuple[ScenarioAttempt, bool]:
    """The user's attempt in progress at this scenario, or a new one. Returns (attempt, created). One at a time: a
    double click on "Start" waits for the first start (the user's row locked) and resumes the attempt it made."""
    lock_row(db.session, User, user.id)
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


def decision_order(attempt: ScenarioAttempt, stage) -> list[str]:
    """The stage's decision options, by id, in the order this attempt (a player, or a team on every member's
    screen) is shown them: shuffled once, pinned options in place, and kept with the attempt."""
    options = stage.decision.options
    orders = dict(attempt.decision_orders or {})
    order = orders.get(stage.id)
    if order is None or sorted(order) != sorted(o.id for o in options):
        rng = make_rng(current_app.config.get('SHUFFLE_SEED'), 'scenario', attempt.id, stage.id)
        order = shuffle_ids([o.id for o in options], {o.id for o in options if o.pin}, rng)
        attempt.decision_orders = {**orders, stage.id: order}  # a new dict: the JSON column sees the change
        db.session.flush()
    return order


def answer_from_submission(submission: StageSubmission) -> engine.StageAnswer:
    return engine.StageAnswer(
        assessments={f.factor_id: engine.FactorAnswer(
            factor=f.factor_id, level=f.level, indicators=frozenset(f.indicators),
            evidence=frozenset(f.evidence_ids), justification=f.justification) for f in submission.factors},
        option=submission.option_id)


def rescore(submission: StageSubmission, stage) -> engine.StageResult:
    """A stored answer scored again (scoring is pure and deterministic; notes are not stored)."""
    return engine.score_stage(stage, answer_from_submission(submission))


def debrief_rows(attempt: ScenarioAttempt, scenario) -> list[tuple]:
    """(stage, submission, result) for each submitted stage still in the scenario."""
    rows = []
    for sub in attempt.submissions:
        stage = scenario.stage(sub.stage_id)
        if stage is not None:
            rows.append((stage, sub, rescore(sub, stage)))
    return rows


def results_of(attempt: ScenarioAttempt, scenario) -> list[engine.StageResult]:
    """Every submission re-scored, in order."""
    return [result for _stage, _sub, result in debrief_rows(attempt, scenario)]


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


def _factor_row(fr: engine.FactorResult, given: engine.FactorAnswer, key) -> FactorSubmission:
    fs = FactorSubmission(factor_id=fr.factor, level=fr.level, expert_level=fr.expert_level,
                          level_diff=fr.level_diff, evidence=' '.join(sorted(given.evidence)),
                          justification=given.justification, points=fr.points, max_points=fr.max_points)
    for ind in engine.sorted_ids(set(given.indicators) | set(key.indicators)):
        fs.marks.append(IndicatorMark(indicator_id=ind, selected=ind in given.indicators,
                                      expected=ind in key.indicators))
    return fs


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
        sub.factors.append(_factor_row(fr, given, stage.key(fr.factor)))
    attempt.submissions.append(sub)
    drafts.discard_draft(attempt, stage.id)
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
