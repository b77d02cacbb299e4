"""The activity part of a venue's sync file: accounts made at the venue, course enrolments with their quiz attempts
and certificates, live runs with their teams and submissions. Everything here was made at the venue (a package
carries none of it), so it goes out whole each time; the centre adds what it does not have yet. Paper test entries:
:mod:`.paper_records`."""
from __future__ import annotations

import sqlalchemy as sa

from training.auth.models import User
from training.courses.models import Certificate, Enrolment, QuizAttempt
from training.extensions import db
from training.scenarios.models import (
    FactorSubmission,
    IndicatorMark,
    LiveRun,
    LiveRunStage,
    LiveTeam,
    ScenarioAttempt,
    StageSubmission,
)
from training.sync.paper_records import paper_records
from training.sync.records import USER_FIELDS, columns, encode, values_of
from training.workshops.models import TrainingSession


def _row(obj, model, *, exclude=()) -> dict:
    return {name: encode(getattr(obj, name)) for name in columns(model, exclude=exclude)}


def _email(user: User | None) -> str | None:
    return user.email if user is not None else None


def course_records(users: dict[int, User]) -> list[dict]:
    records = []
    enrolments = db.session.scalars(sa.select(Enrolment).order_by(Enrolment.id)).all()
    for enrolment in enrolments:
        users[enrolment.user_id] = enrolment.user
        records.append({'kind': 'enrolment', 'user': enrolment.user.email, 'data': _row(enrolment, Enrolment),
                        'lessons': [[p.lesson_id, encode(p.completed_at)] for p in enrolment.lesson_progress]})
    by_id = {e.id: e for e in enrolments}
    for attempt in db.session.scalars(sa.select(QuizAttempt).order_by(QuizAttempt.id)):
        enrolment = by_id[attempt.enrolment_id]
        records.append({'kind': 'quiz_attempt', 'uid': attempt.uid, 'user': enrolment.user.email,
                        'course_slug': enrolment.course_slug, 'data': _row(attempt, QuizAttempt)})
    for certificate in db.session.scalars(sa.select(Certificate).order_by(Certificate.id)):
        records.append({'kind': 'certificate', 'user': certificate.user.email, 'data': _row(certificate, Certificate),
                        'revoked_by': _email(certificate.revoked_by)})
    return records


def _submission(sub: StageSubmission, team: LiveTeam, users: dict[int, User]) -> dict:
    author = db.session.get(User, sub.submitted_by_id) if sub.submitted_by_id else None
    if author is not None:
        users[author.id] = author
    return {'kind': 'submission', 'uid': sub.uid, 'team': team.uid, 'data': _row(sub, StageSubmission),
            'submitted_by': _email(author),
            'factors': [{**_row(f, FactorSubmission), 'marks': [_row(m, IndicatorMark) for m in f.marks]}
                        for f in sub.factors]}


def live_records(session: TrainingSession, users: dict[int, User]) -> list[dict]:
    records = []
    runs = db.session.scalars(sa.select(LiveRun).where(LiveRun.session_id == session.id).order_by(LiveRun.id))
    for run in runs:
        if run.created_by is not None:
            users[run.created_by.id] = run.created_by
        records.append({'kind': 'live_run', 'uid': run.uid, 'data': _row(run, LiveRun),
                        'created_by': _email(run.created_by),
                        'stages': [_row(s, LiveRunStage) for s in run.stages]})
        for team in run.teams:
            for member in team.members:
                users[member.user_id] = member.user
            attempt = team.attempt
            records.append({'kind': 'team', 'uid': team.uid, 'run': run.uid, 'data': _row(team, LiveTeam),
                            'members': [[m.user.email, encode(m.joined_at)] for m in team.members],
                            'attempt': _row(attempt, ScenarioAttempt) if attempt is not None else None})
            for sub in (attempt.submissions if attempt is not None else ()):
                records.append(_submission(sub, team, users))
    return records


def user_records(users: dict[int, User], baseline) -> list[dict]:
    """Accounts the records above name that were made at the venue (the package's trainers are known there)."""
    return [{'kind': 'user', **values_of(u, USER_FIELDS), 'created_at': encode(u.created_at)}
            for u in sorted(users.values(), key=lambda u: u.email) if u.email not in baseline.user_emails]


def activity_records(session: TrainingSession, baseline) -> list[dict]:
    users: dict[int, User] = {}
    records = course_records(users) + live_records(session, users) + paper_records(session, users)
    return user_records(users, baseline) + records
