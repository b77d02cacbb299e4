"""Merging the activity part of a sync file into the centre: accounts made at the venue (trainees only, whatever the
file says), course enrolments, quiz attempts and certificates, live runs with their teams and submissions.

Everything is found by uid (attempts, runs, teams, submissions), email (accounts), account and course (enrolments)
or code (certificates): what the centre has already is left as it is, what it lacks is added. A run, team or code
that would clash with the centre's own public codes gets a fresh code.
"""
from __future__ import annotations

import hashlib

import sqlalchemy as sa

from training import codes
from training.auth.models import Role, User, UserRole
from training.courses.models import Certificate, Enrolment, LessonProgress, QuizAttempt
from training.extensions import db
from training.scenarios.models import (
    FactorSubmission,
    IndicatorMark,
    LiveRun,
    LiveRunStage,
    LiveTeam,
    LiveTeamMember,
    ScenarioAttempt,
    StageSubmission,
)
from training.sync.paper_records import apply_paper
from training.sync.records import USER_FIELDS, columns, dangling, decode, decode_all, reference


def _values(model, data, *, exclude=()) -> dict:
    """The columns of ``model`` from a record's ``data`` (or a nested row)."""
    if not isinstance(data, dict):
        raise dangling()
    return decode_all(model, data, columns(model, exclude=exclude))


def _by(model, column, value):
    return db.session.scalar(sa.select(model).where(column == value))


def account_uid(email: str) -> str:
    """A conflict's record id for an account (named by email, which may be longer than a uid)."""
    return hashlib.sha256(email.encode('utf-8')).hexdigest()[:36]


def apply_users(ctx) -> None:
    """Accounts made at the venue. One whose email is already an account here with another password is someone
    else's (or the same person twice): it is left alone, and what was done under it at the venue is not attached to
    it (a conflict says so), so that nobody's record at the centre gains answers they did not give."""
    for record in ctx.file.of_kind('user'):
        values = decode_all(User, record, (*USER_FIELDS, 'created_at'))
        user = ctx.user(values['email'])
        if user is not None:
            if user.password_hash != values['password_hash']:
                ctx.untrusted.add(user.email)
                ctx.conflict('account', account_uid(user.email), 'email', None, user.email, label=user.email)
            ctx.outcome.count('unchanged')
            continue
        user = User(**values)
        user.role_links = [UserRole(role=Role.trainee)]  # an account made at a venue is a trainee's, always
        db.session.add(user)
        ctx.remember_user(user)
        ctx.outcome.count('created')
    db.session.flush()


def _user(ctx, record: dict) -> User | None:
    """The account a record belongs to; None when it is an account of the centre's that the venue's is not."""
    email = record.get('user')
    if email in ctx.untrusted:
        return None
    user = ctx.user(email)
    if user is None:
        raise dangling()
    return user


def apply_enrolments(ctx) -> None:
    for record in ctx.file.of_kind('enrolment'):
        user = _user(ctx, record)
        if user is None:
            ctx.outcome.count('unchanged')
            continue
        values = _values(Enrolment, record['data'])
        enrolment = db.session.scalar(sa.select(Enrolment).where(Enrolment.user_id == user.id,
                                                                 Enrolment.course_slug == values['course_slug']))
        if enrolment is None:
            enrolment = Enrolment(user_id=user.id, **values)
            db.session.add(enrolment)
            ctx.outcome.count('created')
            changed = False
        else:
            changed = _fill(enrolment, values, ('pre_test_skipped_at', 'completed_at', 'last_lesson_id'))
        done = {p.lesson_id for p in enrolment.lesson_progress}
        for lesson_id, completed_at in record.get('lessons') or ():
            if lesson_id not in done:
                enrolment.lesson_progress.append(LessonProgress(
                    lesson_id=decode(LessonProgress, 'lesson_id', lesson_id),
                    completed_at=decode(LessonProgress, 'completed_at', completed_at)))
                changed = True
        if enrolment.id:
            ctx.outcome.count('updated' if changed else 'unchanged')
    db.session.flush()


def _fill(obj, values: dict, names) -> bool:
    changed = False
    for name in names:
        if getattr(obj, name) is None and values.get(name) is not None:
            setattr(obj, name, values[name])
            changed = True
    return changed


def _enrolment(user: User | None, slug: str) -> Enrolment | None:
    if user is None:
        return None
    enrolment = db.session.scalar(sa.select(Enrolment).where(Enrolment.user_id == user.id,
                                                             Enrolment.course_slug == slug))
    if enrolment is None:
        raise dangling()
    return enrolment


def apply_attempts(ctx) -> None:
    for record in ctx.file.of_kind('quiz_attempt'):
        values = _values(QuizAttempt, record['data'])
        if _by(QuizAttempt, QuizAttempt.uid, values['uid']) is not None:
            ctx.outcome.count('unchanged')
            continue
        enrolment = _enrolment(_user(ctx, record), record['course_slug'])
        if enrolment is None:
            ctx.outcome.count('unchanged')
            continue
        db.session.add(QuizAttempt(enrolment_id=enrolment.id, **values))
        ctx.outcome.count('created')
    for record in ctx.file.of_kind('certificate'):
        values = _values(Certificate, record['data'])
        enrolment = _enrolment(_user(ctx, record), values['course_slug'])
        if enrolment is None or _by(Certificate, Certificate.code, values['code']) is not None or \
                _by(Certificate, Certificate.enrolment_id, enrolment.id) is not None:
            ctx.outcome.count('unchanged')
            continue
        db.session.add(Certificate(enrolment_id=enrolment.id, user_id=enrolment.user_id,
                                   revoked_by_id=getattr(ctx.user(record.get('revoked_by')), 'id', None), **values))
        ctx.outcome.count('created')
    db.session.flush()


def _free(kind: codes.CodeKind, column, code: str) -> str:
    return code if _by(column.class_, column, code) is None else kind.unique_in(column)


def apply_runs(ctx) -> None:
    for record in ctx.file.of_kind('live_run'):
        values = _values(LiveRun, record['data'])
        run = _by(LiveRun, LiveRun.uid, values['uid'])
        if run is None:
            values['code'] = _free(codes.LIVE_RUN, LiveRun.code, values['code'])
            run = LiveRun(session_id=ctx.session.id, created_by_id=getattr(ctx.user(record.get('created_by')), 'id',
                                                                           None), **values)
            db.session.add(run)
            ctx.outcome.count('created')
            changed = False
        elif run.session_id != ctx.session.id:
            raise dangling()
        else:
            changed = _update(run, values, ('status', 'current_stage', 'accepting', 'ending_id', 'finished_at'))
        have = {s.stage_id: s for s in run.stages}
        for stage in record.get('stages') or ():
            stage_values = _values(LiveRunStage, stage)
            if stage_values['stage_id'] not in have:
                run.stages.append(LiveRunStage(**stage_values))
                changed = True
            else:
                changed |= _update(have[stage_values['stage_id']], stage_values, ('closed_at',))
        if run.id:
            ctx.outcome.count('updated' if changed else 'unchanged')
        db.session.flush()
        ctx.runs[run.uid] = run


def _update(obj, values: dict, names) -> bool:
    changed = False
    for name in names:
        if name in values and getattr(obj, name) != values[name]:
            setattr(obj, name, values[name])
            changed = True
    return changed


ATTEMPT_STATE = ('status', 'current_stage', 'ending_id', 'points', 'max_points', 'updated_at', 'completed_at')


def apply_teams(ctx) -> None:
    for record in ctx.file.of_kind('team'):
        run = reference(record, 'run', ctx.runs)
        values = _values(LiveTeam, record['data'])
        team = _by(LiveTeam, LiveTeam.uid, values['uid'])
        attempt_values = _values(ScenarioAttempt, record['attempt']) if record.get('attempt') else None
        if team is None:
            values['code'] = _free(codes.LIVE_TEAM, LiveTeam.code, values['code'])
            team = LiveTeam(run_id=run.id, **values)
            if attempt_values is not None:
                team.attempt = ScenarioAttempt(**attempt_values)
            db.session.add(team)
            ctx.outcome.count('created')
        elif team.run_id != run.id:
            raise dangling()
        else:
            changed = team.attempt is not None and attempt_values is not None and \
                _update(team.attempt, attempt_values, ATTEMPT_STATE)
            ctx.outcome.count('updated' if changed else 'unchanged')
        members = {m.user_id for m in team.members}
        for email, joined_at in record.get('members') or ():
            user = None if email in ctx.untrusted else ctx.user(email)
            if user is not None and user.id not in members:
                team.members.append(LiveTeamMember(user_id=user.id,
                                                   joined_at=decode(LiveTeamMember, 'joined_at', joined_at)))
        db.session.flush()
        ctx.teams[team.uid] = team


def apply_submissions(ctx) -> None:
    for record in ctx.file.of_kind('submission'):
        values = _values(StageSubmission, record['data'])
        if _by(StageSubmission, StageSubmission.uid, values['uid']) is not None:
            ctx.outcome.count('unchanged')
            continue
        team = reference(record, 'team', ctx.teams)
        if team.attempt is None:
            raise dangling()
        sub = StageSubmission(attempt_id=team.attempt.id, **values,
                              submitted_by_id=getattr(ctx.user(record.get('submitted_by')), 'id', None))
        for factor in record.get('factors') or ():
            fs = FactorSubmission(**_values(FactorSubmission, factor))
            fs.marks = [IndicatorMark(**_values(IndicatorMark, mark)) for mark in factor.get('marks') or ()]
            sub.factors.append(fs)
        db.session.add(sub)
        ctx.outcome.count('created')
    db.session.flush()


def apply(ctx) -> None:
    apply_users(ctx)
    apply_enrolments(ctx)
    apply_attempts(ctx)
    apply_runs(ctx)
    apply_teams(ctx)
    apply_submissions(ctx)
    apply_paper(ctx)
