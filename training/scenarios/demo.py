"""Scenarios demonstration data (idempotent, deterministic).

- completed attempts by trainee@example.org (two scenarios, one strong and one weaker play) and by
  trainer@example.org (who also holds the trainee role);
- one finished live run of "Election in Tarvania" with three teams, for the training session FOA-LIVE-2026
  (created here if it does not exist; dated 2026 so that it stays out of the 2009-2011 programme figures).
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from training.auth import services as auth_services
from training.content import registry
from training.extensions import db
from training.scenarios import attempts, engine, live
from training.scenarios.models import AttemptStatus, LiveRun, ScenarioAttempt
from training.workshops.models import SessionMode, SessionStatus, TrainingSession

DEMO_SESSION_CODE = 'FOA-LIVE-2026'
DEMO_RUN_CODE = 'TARV26'
LIVE_SCENARIO = 'election-in-tarvania'

#: (email, scenario, profile) for self-paced attempts
ATTEMPTS = (
    ('trainee@example.org', 'transition-in-marenia', 'strong'),
    ('trainee@example.org', 'election-in-tarvania', 'cautious'),
    ('trainer@example.org', 'solvane-conflict', 'strong'),
)
#: (team name, profile) for the live run
TEAMS = (('Team Amani', 'strong'), ('Équipe Baobab', 'cautious'), ('Team Cedar', 'alarmist'))


def demo_answer(stage, profile: str, stage_number: int) -> engine.StageAnswer:
    """A plausible, deterministic answer. ``strong``: close to the key; ``cautious``: under-rates and misses
    indicators; ``alarmist``: over-rates and marks too much."""
    assessments = {}
    for i, key in enumerate(stage.assess):
        level_index = engine.LEVELS.index(key.level)
        indicators = list(key.indicators)
        evidence = list(key.evidence)
        if profile == 'strong':
            if (i + stage_number) % 3 == 0:
                level_index += 1 if level_index < 3 else -1
            if (i + stage_number) % 2 == 0 and indicators:
                indicators = indicators[:-1]
        elif profile == 'cautious':
            level_index -= 1 if (i + stage_number) % 2 == 0 else 0
            indicators = indicators[: max(1, len(indicators) // 2)] if indicators else []
            evidence = evidence[:1]
        elif profile == 'alarmist':
            level_index += 1 if i % 2 == 0 else 0
            prefix = key.factor + '.'
            extra = f'{prefix}{len(indicators) + 1}'
            indicators = [*indicators, extra] if i % 2 else indicators
        level_index = max(0, min(3, level_index))
        assessments[key.factor] = engine.FactorAnswer(
            factor=key.factor, level=engine.LEVELS[level_index], indicators=frozenset(indicators),
            evidence=frozenset(evidence), justification=f'Demo answer ({profile}).')
    ranked = sorted(stage.decision.options, key=lambda o: (-o.score, o.id))
    option = ranked[0] if profile == 'strong' or stage_number % 2 else ranked[min(1, len(ranked) - 1)]
    return engine.StageAnswer(assessments=assessments, option=option.id)


def _valid(answer: engine.StageAnswer, stage, framework) -> engine.StageAnswer:
    """Drop indicator ids the framework does not have (the alarmist profile invents the next number)."""
    fixed = {}
    for fid, fa in answer.assessments.items():
        factor = framework.factor(fid)
        fixed[fid] = engine.FactorAnswer(fid, fa.level, frozenset(i for i in fa.indicators if factor.indicator(i)),
                                         fa.evidence, fa.justification)
    return engine.StageAnswer(fixed, answer.option)


def _self_paced() -> int:
    made = 0
    for email, slug, profile in ATTEMPTS:
        user = auth_services.get_user_by_email(email)
        sc = registry().scenario(slug)
        if user is None or sc is None:
            continue
        exists = db.session.scalar(sa.select(ScenarioAttempt.id).where(
            ScenarioAttempt.user_id == user.id, ScenarioAttempt.scenario_slug == slug,
            ScenarioAttempt.status == AttemptStatus.completed).limit(1))
        if exists:
            continue
        attempt, _created = attempts.start_attempt(user, sc)
        fw = registry().framework(sc.framework)
        n = 0
        while attempt.status == AttemptStatus.in_progress and n < 50:
            n += 1
            stage = sc.stage(attempt.current_stage)
            attempts.submit_stage(attempt, sc, _valid(demo_answer(stage, profile, n), stage, fw), by=user)
        made += 1
    return made


def _training_session():
    ts = db.session.scalar(sa.select(TrainingSession).where(TrainingSession.code == DEMO_SESSION_CODE))
    if ts is None:
        trainer = auth_services.get_user_by_email('trainer@example.org')
        ts = TrainingSession(code=DEMO_SESSION_CODE, title='Framework of Analysis: live scenario exercise',
                             country='KE', city='Nairobi', start_date=date(2026, 3, 10), end_date=date(2026, 3, 11),
                             mode=SessionMode.in_person, language='en', status=SessionStatus.held,
                             audience='National prevention committee members and civil society monitors',
                             created_by_id=trainer.id if trainer else None)
        if trainer is not None:
            ts.trainers.append(trainer)
        db.session.add(ts)
        db.session.flush()
    return ts


def _live_run() -> bool:
    if db.session.scalar(sa.select(LiveRun.id).where(LiveRun.code == DEMO_RUN_CODE)):
        return False
    sc = registry().scenario(LIVE_SCENARIO)
    if sc is None:
        return False
    fw = registry().framework(sc.framework)
    trainer = auth_services.get_user_by_email('trainer@example.org')
    ts = _training_session()
    run = LiveRun(session_id=ts.id, scenario_slug=sc.slug, code=DEMO_RUN_CODE,
                  created_by_id=getattr(trainer, 'id', None))
    db.session.add(run)
    db.session.flush()
    teams = [(live.create_team(run, name), profile) for name, profile in TEAMS]
    live.open_stage(run, sc, sc.start)
    n = 0
    while run.current_stage is not None and n < 50:
        n += 1
        stage = sc.stage(run.current_stage)
        for team, profile in teams:
            live.team_submit(team, sc, _valid(demo_answer(stage, profile, n), stage, fw))
        live.close_stage(run)
        live.advance(run, sc, live.suggested_next(run, sc))
    return True


def load() -> list[str]:
    attempts = _self_paced()
    run = _live_run()
    db.session.flush()
    return [f'scenarios: {attempts} demo attempts created; live run {DEMO_RUN_CODE} '
            f'{"created" if run else "already present"} (session {DEMO_SESSION_CODE})']
