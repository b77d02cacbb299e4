"""Read-only queries for course pages (plain functions returning results; no writes)."""
from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from training.courses.models import Certificate, Enrolment, QuizAttempt, QuizKind
from training.extensions import db


def enrolments_for(user) -> list[Enrolment]:
    return list(db.session.scalars(
        sa.select(Enrolment).where(Enrolment.user_id == user.id)
        .order_by(Enrolment.last_activity_at.desc(), Enrolment.id.desc())))


def certificates_for(user) -> dict[int, Certificate]:
    """The user's certificates by enrolment id."""
    rows = db.session.scalars(sa.select(Certificate).where(Certificate.user_id == user.id))
    return {c.enrolment_id: c for c in rows}


def quiz_summaries(enrolment: Enrolment) -> dict[str, dict]:
    """Per quiz id: number of attempts, best and last score, whether ever passed (one aggregate query + one)."""
    rows = db.session.execute(
        sa.select(QuizAttempt.quiz_id, sa.func.count(QuizAttempt.id), sa.func.max(QuizAttempt.score),
                  sa.func.max(sa.case((QuizAttempt.passed, 1), else_=0)), sa.func.max(QuizAttempt.id))
        .where(QuizAttempt.enrolment_id == enrolment.id).group_by(QuizAttempt.quiz_id)).all()
    last_ids = [r[4] for r in rows]
    last_scores = dict(db.session.execute(
        sa.select(QuizAttempt.id, QuizAttempt.score).where(QuizAttempt.id.in_(last_ids))).all()) if last_ids else {}
    return {quiz_id: {'attempts': n, 'best': best, 'passed': bool(passed), 'last': last_scores.get(last_id),
                      'last_id': last_id}
            for quiz_id, n, best, passed, last_id in rows}


def gains_for(enrolment_ids: list[int]) -> dict[int, dict]:
    """First pre-test and best post-test score per enrolment (for the "my learning" page)."""
    if not enrolment_ids:
        return {}
    first_pre = (sa.select(QuizAttempt.enrolment_id, sa.func.min(QuizAttempt.id).label('first_id'))
                 .where(QuizAttempt.kind == QuizKind.pre_test, QuizAttempt.enrolment_id.in_(enrolment_ids))
                 .group_by(QuizAttempt.enrolment_id).subquery())
    pre = dict(db.session.execute(
        sa.select(QuizAttempt.enrolment_id, QuizAttempt.score)
        .join(first_pre, QuizAttempt.id == first_pre.c.first_id)).all())
    post = dict(db.session.execute(
        sa.select(QuizAttempt.enrolment_id, sa.func.max(QuizAttempt.score))
        .where(QuizAttempt.kind == QuizKind.post_test, QuizAttempt.enrolment_id.in_(enrolment_ids))
        .group_by(QuizAttempt.enrolment_id)).all())
    return {eid: {'pre': pre.get(eid), 'post': post.get(eid)} for eid in enrolment_ids}


def certificates_query(q: str = '', state: str = '') -> sa.Select:
    """Certificates for the admin list, newest first, filtered by code, holder name or email, and state."""
    from training.auth.models import User
    stmt = (sa.select(Certificate).join(User, Certificate.user_id == User.id)
            .options(so.contains_eager(Certificate.user))
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc()))
    if q:
        like = '%' + q.lower().replace('\\', '\\\\').replace('%', '\\%').replace('_', '\\_') + '%'
        stmt = stmt.where(sa.or_(sa.func.lower(Certificate.code).like(like, escape='\\'),
                                 sa.func.lower(Certificate.holder_name).like(like, escape='\\'),
                                 User.email.like(like, escape='\\'),
                                 Certificate.course_slug.like(like, escape='\\')))
    if state == 'valid':
        stmt = stmt.where(Certificate.revoked_at.is_(None))
    elif state == 'revoked':
        stmt = stmt.where(Certificate.revoked_at.is_not(None))
    return stmt
