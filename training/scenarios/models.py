"""Scenarios learner state (keyed by content slugs and ids, never copies of the text).

An attempt belongs to a user (self-paced play) or to a team of a live run. Each submitted stage keeps what was
answered and how it scored, one row per factor, and one row per indicator that was either chosen or expected,
so the item analysis is a plain SQL aggregate.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from training.db import enum_column, uid_column, utcnow
from training.extensions import db
from training.i18n import _l
from training.scenarios import engine
from training.vocab import TitledEnum


class AttemptStatus(TitledEnum):
    in_progress = ('in_progress', _l('In progress'))
    completed = ('completed', _l('Completed'))
    abandoned = ('abandoned', _l('Abandoned'))


class RunStatus(TitledEnum):
    open = ('open', _l('Open'))
    finished = ('finished', _l('Finished'))


class ScenarioAttempt(db.Model):
    __tablename__ = 'scenario_attempts'
    __table_args__ = (
        sa.CheckConstraint('user_id IS NOT NULL OR team_id IS NOT NULL', name='has_owner'),
        sa.Index('ix_scenario_attempts_user_slug', 'user_id', 'scenario_slug'),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    scenario_slug: so.Mapped[str] = so.mapped_column(sa.String(100), index=True)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id', ondelete='CASCADE'))
    team_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey('scenario_live_teams.id', ondelete='CASCADE'), unique=True)
    status: so.Mapped[AttemptStatus] = so.mapped_column(enum_column(AttemptStatus),
                                                        default=AttemptStatus.in_progress)
    #: The stage to play next (None once an ending is reached)
    current_stage: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    ending_id: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    points: so.Mapped[float] = so.mapped_column(default=0.0)
    max_points: so.Mapped[float] = so.mapped_column(default=0.0)
    #: Per stage id, the decision's option ids in the order shown (shuffled once per attempt; a team's members
    #: all see the team's order)
    decision_orders: so.Mapped[dict | None] = so.mapped_column(sa.JSON)
    started_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    completed_at: so.Mapped[datetime | None]

    user: so.Mapped[User | None] = so.relationship()  # noqa: F821
    team: so.Mapped[LiveTeam | None] = so.relationship(back_populates='attempt')
    submissions: so.Mapped[list[StageSubmission]] = so.relationship(
        back_populates='attempt', cascade='all, delete-orphan', order_by='StageSubmission.position',
        lazy='selectin', passive_deletes=True)

    @property
    def percent(self) -> float:
        return engine.percent(self.points, self.max_points, empty=0.0)

    @property
    def path(self) -> list[str]:
        return [s.stage_id for s in self.submissions]

    def submission(self, stage_id: str) -> StageSubmission | None:
        return next((s for s in self.submissions if s.stage_id == stage_id), None)

    def __repr__(self) -> str:
        return f'<ScenarioAttempt {self.id} {self.scenario_slug} {self.status.name}>'


class StageSubmission(db.Model):
    __tablename__ = 'scenario_stage_submissions'
    __table_args__ = (sa.UniqueConstraint('attempt_id', 'stage_id'),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Globally unique: the same record at a venue laptop and at the centre (training.sync)
    uid: so.Mapped[str] = uid_column()
    attempt_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('scenario_attempts.id', ondelete='CASCADE'))
    stage_id: so.Mapped[str] = so.mapped_column(sa.String(100))
    position: so.Mapped[int]
    option_id: so.Mapped[str | None] = so.mapped_column(sa.String(50))
    option_score: so.Mapped[int] = so.mapped_column(default=0)
    #: where this answer led (a stage or ending id); in a live run the facilitator may continue elsewhere
    next_id: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    points: so.Mapped[float] = so.mapped_column(default=0.0)
    max_points: so.Mapped[float] = so.mapped_column(default=0.0)
    submitted_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    submitted_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id', ondelete='SET NULL'))

    attempt: so.Mapped[ScenarioAttempt] = so.relationship(back_populates='submissions')
    factors: so.Mapped[list[FactorSubmission]] = so.relationship(
        back_populates='submission', cascade='all, delete-orphan', lazy='selectin', passive_deletes=True,
        order_by='FactorSubmission.id')

    @property
    def percent(self) -> float:
        return engine.percent(self.points, self.max_points, empty=0.0)

    def factor(self, factor_id: str) -> FactorSubmission | None:
        return next((f for f in self.factors if f.factor_id == factor_id), None)


class FactorSubmission(db.Model):
    __tablename__ = 'scenario_factor_submissions'
    __table_args__ = (sa.UniqueConstraint('submission_id', 'factor_id'),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    submission_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey('scenario_stage_submissions.id', ondelete='CASCADE'), index=True)
    factor_id: so.Mapped[str] = so.mapped_column(sa.String(20))
    level: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    expert_level: so.Mapped[str] = so.mapped_column(sa.String(16))
    #: signed steps on the 4-point scale from the expert level (positive = over-rated); None = no level
    level_diff: so.Mapped[int | None]
    #: evidence ids cited, space-separated
    evidence: so.Mapped[str] = so.mapped_column(sa.Text, default='')
    justification: so.Mapped[str] = so.mapped_column(sa.Text, default='')
    points: so.Mapped[float] = so.mapped_column(default=0.0)
    max_points: so.Mapped[float] = so.mapped_column(default=0.0)

    submission: so.Mapped[StageSubmission] = so.relationship(back_populates='factors')
    marks: so.Mapped[list[IndicatorMark]] = so.relationship(
        back_populates='factor_submission', cascade='all, delete-orphan', lazy='selectin', passive_deletes=True)

    @property
    def evidence_ids(self) -> list[str]:
        return self.evidence.split()

    @property
    def indicators(self) -> list[str]:
        return [m.indicator_id for m in self.marks if m.selected]

    @property
    def verdict(self) -> str:
        return engine.verdict(self.level_diff)


class IndicatorMark(db.Model):
    """An indicator the answer chose, or the key expected, or both."""

    __tablename__ = 'scenario_indicator_marks'
    __table_args__ = (sa.UniqueConstraint('factor_submission_id', 'indicator_id'),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    factor_submission_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey('scenario_factor_submissions.id', ondelete='CASCADE'), index=True)
    indicator_id: so.Mapped[str] = so.mapped_column(sa.String(20))
    selected: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    expected: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())

    factor_submission: so.Mapped[FactorSubmission] = so.relationship(back_populates='marks')


class StageDraft(db.Model):
    """A stage form started and not yet submitted (a player's, or a team's, shared by its members): the fields as
    typed, saved as the trainee goes, so nothing is lost by leaving the page or by a stage closing. Removed when
    the stage is submitted."""

    __tablename__ = 'scenario_stage_drafts'
    __table_args__ = (sa.UniqueConstraint('attempt_id', 'stage_id'),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    attempt_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('scenario_attempts.id', ondelete='CASCADE'))
    stage_id: so.Mapped[str] = so.mapped_column(sa.String(100))
    #: {field name: [values]}, the stage form's own fields only
    data: so.Mapped[dict] = so.mapped_column(sa.JSON)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f'<StageDraft {self.attempt_id} {self.stage_id}>'


class LiveRun(db.Model):
    """A facilitator-paced run of one scenario for a training session; teams join with ``code``."""

    __tablename__ = 'scenario_live_runs'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Globally unique: the same record at a venue laptop and at the centre (training.sync)
    uid: so.Mapped[str] = uid_column()
    session_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('training_sessions.id', ondelete='CASCADE'),
                                                  index=True)
    scenario_slug: so.Mapped[str] = so.mapped_column(sa.String(100), index=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(12), unique=True)
    status: so.Mapped[RunStatus] = so.mapped_column(enum_column(RunStatus), default=RunStatus.open)
    #: The stage on screen (None before the first is opened and after an ending)
    current_stage: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    #: Whether teams may submit for the current stage
    accepting: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    ending_id: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id', ondelete='SET NULL'))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    finished_at: so.Mapped[datetime | None]

    session: so.Mapped[TrainingSession] = so.relationship()  # noqa: F821
    created_by: so.Mapped[User | None] = so.relationship()  # noqa: F821
    stages: so.Mapped[list[LiveRunStage]] = so.relationship(
        back_populates='run', cascade='all, delete-orphan', order_by='LiveRunStage.position', lazy='selectin',
        passive_deletes=True)
    teams: so.Mapped[list[LiveTeam]] = so.relationship(
        back_populates='run', cascade='all, delete-orphan', order_by='LiveTeam.id', lazy='selectin',
        passive_deletes=True)

    @property
    def path(self) -> list[str]:
        return [s.stage_id for s in self.stages]

    def run_stage(self, stage_id: str | None) -> LiveRunStage | None:
        return next((s for s in self.stages if s.stage_id == stage_id), None)

    def __repr__(self) -> str:
        return f'<LiveRun {self.id} {self.scenario_slug} {self.code}>'


class LiveRunStage(db.Model):
    __tablename__ = 'scenario_live_run_stages'
    __table_args__ = (sa.UniqueConstraint('run_id', 'stage_id'),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    run_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('scenario_live_runs.id', ondelete='CASCADE'))
    stage_id: so.Mapped[str] = so.mapped_column(sa.String(100))
    position: so.Mapped[int]
    opened_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    closed_at: so.Mapped[datetime | None]
    #: The stage timer the facilitator started: when, and for how many minutes (None: no timer)
    timer_started_at: so.Mapped[datetime | None]
    timer_minutes: so.Mapped[int | None]

    run: so.Mapped[LiveRun] = so.relationship(back_populates='stages')

    @property
    def timer_ends_at(self) -> datetime | None:
        if self.timer_started_at is None or not self.timer_minutes:
            return None
        return self.timer_started_at + timedelta(minutes=self.timer_minutes)


class LiveTeam(db.Model):
    __tablename__ = 'scenario_live_teams'
    __table_args__ = (sa.UniqueConstraint('run_id', 'name_key'),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Globally unique: the same record at a venue laptop and at the centre (training.sync)
    uid: so.Mapped[str] = uid_column()
    run_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('scenario_live_runs.id', ondelete='CASCADE'))
    name: so.Mapped[str] = so.mapped_column(sa.String(60))
    #: casefolded name, unique within a run
    name_key: so.Mapped[str] = so.mapped_column(sa.String(60))
    #: short code for other members of the team to join from their own device
    code: so.Mapped[str] = so.mapped_column(sa.String(12), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    run: so.Mapped[LiveRun] = so.relationship(back_populates='teams')
    attempt: so.Mapped[ScenarioAttempt | None] = so.relationship(
        back_populates='team', lazy='selectin', uselist=False, cascade='all, delete-orphan', passive_deletes=True)
    members: so.Mapped[list[LiveTeamMember]] = so.relationship(
        back_populates='team', cascade='all, delete-orphan', lazy='selectin', passive_deletes=True)

    def __repr__(self) -> str:
        return f'<LiveTeam {self.id} {self.name!r}>'


class LiveTeamMember(db.Model):
    """A signed-in member of a team (members who are not signed in leave no record)."""

    __tablename__ = 'scenario_live_team_members'

    team_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('scenario_live_teams.id', ondelete='CASCADE'),
                                               primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id', ondelete='CASCADE'), primary_key=True)
    joined_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    team: so.Mapped[LiveTeam] = so.relationship(back_populates='members')
    user: so.Mapped[User] = so.relationship()  # noqa: F821


from training.auth.models import User  # noqa: E402 - resolve relationship targets
from training.workshops.models import TrainingSession  # noqa: E402
