"""Reads for scenario exercises: attempts lists and the item analysis (SQL aggregates)."""
from __future__ import annotations

import sqlalchemy as sa

from training.extensions import db
from training.scenarios.models import (
    AttemptStatus,
    FactorSubmission,
    IndicatorMark,
    LiveRun,
    ScenarioAttempt,
    StageSubmission,
)


def attempts_of(user) -> sa.Select:
    return (sa.select(ScenarioAttempt).where(ScenarioAttempt.user_id == user.id,
                                             ScenarioAttempt.status != AttemptStatus.abandoned)
            .order_by(ScenarioAttempt.started_at.desc(), ScenarioAttempt.id.desc()))


def live_runs(session=None) -> sa.Select:
    query = sa.select(LiveRun).order_by(LiveRun.created_at.desc(), LiveRun.id.desc())
    if session is not None:
        query = query.where(LiveRun.session_id == session.id)
    return query


def _of_scenario(slug: str, include_teams: bool):
    cond = [ScenarioAttempt.scenario_slug == slug]
    if not include_teams:
        cond.append(ScenarioAttempt.team_id.is_(None))
    return cond


def attempt_counts(slug: str, include_teams: bool = True) -> dict[str, int]:
    rows = db.session.execute(
        sa.select(ScenarioAttempt.status, sa.func.count())
        .where(*_of_scenario(slug, include_teams)).group_by(ScenarioAttempt.status)).all()
    return {status.name: n for status, n in rows}


def level_analysis(slug: str, include_teams: bool = True) -> list[dict]:
    """Per stage and factor: how many answers, and how many were right, over or under the expert level."""
    f = FactorSubmission
    rows = db.session.execute(
        sa.select(StageSubmission.stage_id, f.factor_id,
                  sa.func.count().label('answers'),
                  sa.func.sum(sa.case((f.level_diff == 0, 1), else_=0)).label('right'),
                  sa.func.sum(sa.case((f.level_diff > 0, 1), else_=0)).label('over'),
                  sa.func.sum(sa.case((f.level_diff < 0, 1), else_=0)).label('under'),
                  sa.func.sum(sa.case((f.level_diff.is_(None), 1), else_=0)).label('missing'),
                  sa.func.avg(100.0 * f.points / f.max_points).label('mean_percent'))
        .join(StageSubmission, f.submission_id == StageSubmission.id)
        .join(ScenarioAttempt, StageSubmission.attempt_id == ScenarioAttempt.id)
        .where(*_of_scenario(slug, include_teams))
        .group_by(StageSubmission.stage_id, f.factor_id)).all()
    return [dict(r._mapping) for r in rows]


def indicator_analysis(slug: str, include_teams: bool = True) -> list[dict]:
    """Per stage, factor and indicator: how often the key's indicator was missed, and how often a wrong one was
    marked."""
    m = IndicatorMark
    rows = db.session.execute(
        sa.select(StageSubmission.stage_id, FactorSubmission.factor_id, m.indicator_id,
                  sa.func.sum(sa.case((m.expected, 1), else_=0)).label('expected'),
                  sa.func.sum(sa.case((sa.and_(m.expected, sa.not_(m.selected)), 1), else_=0)).label('missed'),
                  sa.func.sum(sa.case((sa.and_(m.selected, sa.not_(m.expected)), 1), else_=0)).label('wrong'))
        .join(FactorSubmission, m.factor_submission_id == FactorSubmission.id)
        .join(StageSubmission, FactorSubmission.submission_id == StageSubmission.id)
        .join(ScenarioAttempt, StageSubmission.attempt_id == ScenarioAttempt.id)
        .where(*_of_scenario(slug, include_teams))
        .group_by(StageSubmission.stage_id, FactorSubmission.factor_id, m.indicator_id)).all()
    return [dict(r._mapping) for r in rows]


def decision_analysis(slug: str, include_teams: bool = True) -> list[dict]:
    rows = db.session.execute(
        sa.select(StageSubmission.stage_id, StageSubmission.option_id, sa.func.count().label('n'))
        .join(ScenarioAttempt, StageSubmission.attempt_id == ScenarioAttempt.id)
        .where(*_of_scenario(slug, include_teams))
        .group_by(StageSubmission.stage_id, StageSubmission.option_id)).all()
    return [dict(r._mapping) for r in rows]
