"""Reads for scenario exercises: attempts lists, live runs and teams, and the item analysis (SQL aggregates,
classified and turned into percentages by the engine)."""
from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
import sqlalchemy.orm as so

from training.auth.models import Role
from training.extensions import db
from training.scenarios import engine
from training.scenarios.models import (
    AttemptStatus,
    FactorSubmission,
    IndicatorMark,
    LiveRun,
    LiveTeam,
    RunStatus,
    ScenarioAttempt,
    StageSubmission,
)
from training.workshops.models import SessionStatus, TrainingSession, session_trainers


def attempts_of(user) -> sa.Select:
    """The user's attempts, newest first; submissions are not loaded (lists need only the stored totals)."""
    return (sa.select(ScenarioAttempt).where(ScenarioAttempt.user_id == user.id,
                                             ScenarioAttempt.status != AttemptStatus.abandoned)
            .options(so.lazyload(ScenarioAttempt.submissions))
            .order_by(ScenarioAttempt.started_at.desc(), ScenarioAttempt.id.desc()))


def recent_attempts(user, *, slug: str | None = None, limit: int = 100) -> list[ScenarioAttempt]:
    """The user's latest attempts (at one scenario, or at any), newest first."""
    query = attempts_of(user)
    if slug is not None:
        query = query.where(ScenarioAttempt.scenario_slug == slug)
    return list(db.session.scalars(query.limit(limit)))


def open_teams(team_ids: list[int]) -> list[LiveTeam]:
    """Those of these teams whose run is still open (the teams a browser has joined)."""
    if not team_ids:
        return []
    return list(db.session.scalars(
        sa.select(LiveTeam).join(LiveRun, LiveTeam.run_id == LiveRun.id)
        .where(LiveTeam.id.in_(team_ids), LiveRun.status == RunStatus.open).order_by(LiveTeam.id)))


def _trained_by(user):
    """The ids of the sessions ``user`` trains, or None for an administrator (every session)."""
    if user is None or user.has_role(Role.admin):
        return None
    return sa.select(session_trainers.c.session_id).where(session_trainers.c.user_id == user.id)


def sessions_for_live_runs(user=None, limit: int = 300) -> list[TrainingSession]:
    """Training sessions a live run may be started for: not cancelled, trained by ``user`` (any, for an
    administrator), latest first."""
    query = sa.select(TrainingSession).where(TrainingSession.status != SessionStatus.cancelled)
    if (trained := _trained_by(user)) is not None:
        query = query.where(TrainingSession.id.in_(trained))
    return list(db.session.scalars(
        query.order_by(TrainingSession.start_date.desc(), TrainingSession.id.desc()).limit(limit)))


def live_runs(session=None, user=None) -> sa.Select:
    """Live runs, latest first: of one session, and of the sessions ``user`` trains (any, for an administrator)."""
    query = (sa.select(LiveRun)
             .options(so.lazyload(LiveRun.stages), so.selectinload(LiveRun.teams).lazyload(LiveTeam.attempt),
                      so.selectinload(LiveRun.teams).lazyload(LiveTeam.members), so.joinedload(LiveRun.session))
             .order_by(LiveRun.created_at.desc(), LiveRun.id.desc()))
    if session is not None:
        query = query.where(LiveRun.session_id == session.id)
    if (trained := _trained_by(user)) is not None:
        query = query.where(LiveRun.session_id.in_(trained))
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
    """Per stage and factor: how many answers, how many were right, over or under the expert level (counts and
    percentages of the answers), and the mean score in percent."""
    f = FactorSubmission
    rows = db.session.execute(
        sa.select(StageSubmission.stage_id, f.factor_id, f.level_diff, sa.func.count().label('n'),
                  sa.func.sum(f.points).label('points'), sa.func.sum(f.max_points).label('max_points'))
        .join(StageSubmission, f.submission_id == StageSubmission.id)
        .join(ScenarioAttempt, StageSubmission.attempt_id == ScenarioAttempt.id)
        .where(*_of_scenario(slug, include_teams))
        .group_by(StageSubmission.stage_id, f.factor_id, f.level_diff)).all()
    verdicts: dict[tuple[str, str], Counter] = {}
    totals: dict[tuple[str, str], list[float]] = {}
    for r in rows:
        verdicts.setdefault((r.stage_id, r.factor_id), Counter())[engine.verdict(r.level_diff)] += r.n
        total = totals.setdefault((r.stage_id, r.factor_id), [0.0, 0.0])
        total[0] += r.points or 0.0
        total[1] += r.max_points or 0.0
    return [_level_row(stage_id, factor_id, counts, *totals[stage_id, factor_id])
            for (stage_id, factor_id), counts in verdicts.items()]


def _level_row(stage_id: str, factor_id: str, counts: Counter, points: float, max_points: float) -> dict:
    answers = sum(counts.values())
    row = {'stage_id': stage_id, 'factor_id': factor_id, 'answers': answers,
           'mean_percent': engine.percent(points, max_points, empty=0.0)}
    for verdict in ('right', 'over', 'under', 'missing'):
        row[verdict] = counts[verdict]
        row[f'{verdict}_percent'] = engine.percent(counts[verdict], answers, empty=0.0)
    return row


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


def item_analysis(slug: str, include_teams: bool = True) -> dict:
    """The item analysis page: levels by (stage, factor); indicators by (stage, factor), most often missed
    first; decisions by stage and option; attempts by status."""
    levels = {(r['stage_id'], r['factor_id']): r for r in level_analysis(slug, include_teams)}
    indicators: dict = {}
    for r in indicator_analysis(slug, include_teams):
        indicators.setdefault((r['stage_id'], r['factor_id']), []).append(r)
    for rows in indicators.values():
        rows.sort(key=lambda r: (-r['missed'], -r['wrong'], r['indicator_id']))
    decisions: dict = {}
    for r in decision_analysis(slug, include_teams):
        decisions.setdefault(r['stage_id'], {})[r['option_id']] = r['n']
    return {'levels': levels, 'indicators': indicators, 'decisions': decisions,
            'counts': attempt_counts(slug, include_teams)}
