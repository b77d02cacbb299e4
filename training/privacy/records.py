"""Everything held about a person or an account, as plain JSON-ready dicts (the subject access export).

Secrets are left out: the password hash, reset-token hashes and check-in tokens are not personal data of the subject
and would weaken the account if the file leaked.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa

from training.auth.models import PasswordResetToken, User
from training.courses.models import Certificate, Enrolment, QuizAttempt
from training.db import utcnow
from training.extensions import db
from training.scenarios.models import LiveRun, LiveTeam, LiveTeamMember, ScenarioAttempt
from training.workshops.models import Attendance, Person, PersonMerge, TrainingSession, WalkIn, session_trainers

FORMAT = 'training-personal-data/1'


def plain(value):
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _columns(obj, *names) -> dict:
    return {n: plain(getattr(obj, n)) for n in names}


def _session(s: TrainingSession) -> dict:
    return _columns(s, 'id', 'code', 'title', 'country', 'city', 'start_date', 'end_date', 'mode', 'status')


def walk_ins_of(*emails: str | None) -> list[WalkIn]:
    """Check-in registrations still waiting for a trainer, typed with one of these email addresses."""
    wanted = {e for e in emails if e}
    if not wanted:
        return []
    return db.session.scalars(sa.select(WalkIn).where(sa.func.lower(WalkIn.email).in_({e.lower() for e in wanted}))
                              .order_by(WalkIn.created_at, WalkIn.id)).all()


def _walk_in(w: WalkIn) -> dict:
    return {'session': _session(w.session), **_columns(w, 'day', 'full_name', 'email', 'country', 'created_at'),
            'details': w.details}


def person_record(person: Person) -> dict:
    attendances = db.session.scalars(
        sa.select(Attendance).join(TrainingSession).where(Attendance.person_id == person.id)
        .order_by(TrainingSession.start_date, Attendance.id)).all()
    merges = db.session.scalars(sa.select(PersonMerge).where(PersonMerge.kept_person_id == person.id)
                                .order_by(PersonMerge.id)).all()
    return {
        'person': _columns(person, 'id', 'full_name', 'sex', 'organisation', 'organisation_type', 'country',
                           'email', 'consent_to_contact', 'created_at', 'user_id'),
        'attendances': [{
            'session': _session(a.session),
            **_columns(a, 'role', 'days_attended', 'completed', 'pre_test_score', 'post_test_score', 'created_at'),
            #: Each day marked present, with how: the register, self check-in or an imported sheet
            'days': [_columns(d, 'day', 'method', 'marked_at') for d in a.day_marks],
        } for a in attendances],
        'check_ins': [{'session_code': a.session.code, **_columns(d, 'day', 'marked_at')}
                      for a in attendances for d in a.day_marks if d.method.name == 'self_check_in'],
        'merged_records': [_columns(m, 'merged_person_id', 'merged_full_name', 'merged_email', 'merged_country',
                                    'attendances_moved', 'attendances_combined', 'merged_at') for m in merges],
        'user_account': user_record(person.user)['account'] if person.user is not None else None,
        #: Registered at a self check-in without finding their name, waiting for a trainer to confirm
        'pending_check_ins': [_walk_in(w) for w in walk_ins_of(person.email)],
    }


def _enrolment(e: Enrolment) -> dict:
    attempts = db.session.scalars(sa.select(QuizAttempt).where(QuizAttempt.enrolment_id == e.id)
                                  .order_by(QuizAttempt.submitted_at, QuizAttempt.id)).all()
    return {
        **_columns(e, 'id', 'course_slug', 'course_version', 'enrolled_at', 'last_lesson_id', 'last_activity_at',
                   'pre_test_skipped_at', 'completed_at'),
        'lessons_done': [_columns(p, 'lesson_id', 'completed_at') for p in e.lesson_progress],
        'quiz_attempts': [_columns(q, 'quiz_id', 'kind', 'answers', 'correct_count', 'question_count', 'score',
                                   'pass_mark', 'passed', 'submitted_at') for q in attempts],
    }


def _scenario_attempt(a: ScenarioAttempt) -> dict:
    return {
        **_columns(a, 'id', 'scenario_slug', 'status', 'current_stage', 'ending_id', 'points', 'max_points',
                   'started_at', 'updated_at', 'completed_at'),
        'team_id': a.team_id,
        'stages': [{
            **_columns(s, 'stage_id', 'position', 'option_id', 'option_score', 'next_id', 'points', 'max_points',
                       'submitted_at'),
            'factors': [{**_columns(f, 'factor_id', 'level', 'expert_level', 'evidence', 'justification',
                                    'points', 'max_points'), 'indicators': f.indicators} for f in s.factors],
        } for s in a.submissions],
    }


def user_record(user: User) -> dict:
    enrolments = db.session.scalars(sa.select(Enrolment).where(Enrolment.user_id == user.id)
                                    .order_by(Enrolment.enrolled_at, Enrolment.id)).all()
    certificates = db.session.scalars(sa.select(Certificate).where(Certificate.user_id == user.id)
                                      .order_by(Certificate.issued_at, Certificate.id)).all()
    own_attempts = db.session.scalars(sa.select(ScenarioAttempt).where(ScenarioAttempt.user_id == user.id)
                                      .order_by(ScenarioAttempt.started_at, ScenarioAttempt.id)).all()
    memberships = db.session.execute(
        sa.select(LiveTeamMember, LiveTeam, LiveRun).join(LiveTeam, LiveTeam.id == LiveTeamMember.team_id)
        .join(LiveRun, LiveRun.id == LiveTeam.run_id).where(LiveTeamMember.user_id == user.id)
        .order_by(LiveTeamMember.joined_at)).all()
    trained = db.session.scalars(
        sa.select(TrainingSession).join(session_trainers, session_trainers.c.session_id == TrainingSession.id)
        .where(session_trainers.c.user_id == user.id).order_by(TrainingSession.start_date)).all()
    resets = db.session.scalars(sa.select(PasswordResetToken).where(PasswordResetToken.user_id == user.id)
                                .order_by(PasswordResetToken.created_at)).all()
    person_id = db.session.scalar(sa.select(Person.id).where(Person.user_id == user.id))
    return {
        'account': {**_columns(user, 'id', 'email', 'name', 'country', 'organisation', 'organisation_type',
                               'preferred_language', 'is_active', 'created_at', 'last_login_at'),
                    'roles': sorted(r.name for r in user.roles)},
        'person_id': person_id,
        'enrolments': [_enrolment(e) for e in enrolments],
        'certificates': [_columns(c, 'code', 'course_slug', 'course_version', 'holder_name', 'hours', 'issuer',
                                  'issued_at', 'revoked_at', 'revoked_reason') for c in certificates],
        'scenario_attempts': [_scenario_attempt(a) for a in own_attempts],
        'live_teams': [{'team': m.team.name, 'run_code': run.code, 'scenario_slug': run.scenario_slug,
                        'session_id': run.session_id, 'joined_at': plain(m.joined_at),
                        'team_attempt': _scenario_attempt(team.attempt) if team.attempt else None}
                       for m, team, run in memberships],
        'sessions_trained': [_session(s) for s in trained],
        'password_reset_links': [_columns(r, 'created_at', 'expires_at', 'used_at') for r in resets],
        'pending_check_ins': [_walk_in(w) for w in walk_ins_of(user.email)],
    }


def export_person(person: Person) -> dict:
    return {'format': FORMAT, 'exported_at': utcnow().isoformat(), 'subject': {'type': 'person', 'id': person.id},
            **person_record(person)}


def export_user(user: User) -> dict:
    return {'format': FORMAT, 'exported_at': utcnow().isoformat(), 'subject': {'type': 'user', 'id': user.id},
            **user_record(user)}
