"""Courses commands: ``flask certificates list``."""
from __future__ import annotations

import json

import click
import sqlalchemy as sa
from flask import url_for

from training.auth.models import User
from training.content import registry
from training.courses import answer_rows
from training.courses.models import Certificate
from training.extensions import db

certificates = click.Group('certificates', help='Course certificates.')


@certificates.command('list')
@click.option('--format', 'fmt', type=click.Choice(['text', 'json']), default='text', show_default=True)
@click.option('--course', 'course_slug', default=None, help='Only certificates of this course (slug).')
@click.option('--revoked/--no-revoked', default=None, help='Only revoked (or only valid) certificates.')
def list_certificates(fmt, course_slug, revoked):
    """List certificates: code, holder, course, date, status."""

    stmt = (sa.select(Certificate, User.email).join(User, Certificate.user_id == User.id)
            .order_by(Certificate.issued_at, Certificate.id))
    if course_slug:
        stmt = stmt.where(Certificate.course_slug == course_slug)
    if revoked is True:
        stmt = stmt.where(Certificate.revoked_at.is_not(None))
    elif revoked is False:
        stmt = stmt.where(Certificate.revoked_at.is_(None))
    courses = registry().courses
    rows = []
    for cert, email in db.session.execute(stmt):
        course = courses.get(cert.course_slug)
        try:
            url = url_for('courses.verify_certificate', code=cert.code, _external=True)
        except RuntimeError:  # no SERVER_NAME outside a request
            url = f'/certificates/{cert.code}'
        rows.append({
            'code': cert.code,
            'holder': cert.holder_name,
            'email': email,
            'course': cert.course_slug,
            'course_title': course.title if course else None,
            'hours': cert.hours,
            'issued_at': cert.issued_at.isoformat(),
            'issuer': cert.issuer,
            'revoked_at': cert.revoked_at.isoformat() if cert.revoked_at else None,
            'revoked_reason': cert.revoked_reason,
            'verify_url': url,
        })
    if fmt == 'json':
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        state = 'REVOKED' if r['revoked_at'] else 'valid'
        click.echo(f'{r["code"]}  {r["issued_at"][:10]}  {state:<7}  {r["course"]:<40}  {r["holder"]} <{r["email"]}>')
    click.echo(f'{len(rows)} certificate(s)')


quiz_answers = click.Group('quiz-answers', help='The per-question rows of quiz attempts (item analysis, '
                                                'knowledge gain per objective).')


@quiz_answers.command('backfill')
@click.option('--course', 'course_slug', default=None, help='Only this course (slug).')
def backfill_answers(course_slug):
    """Write the per-question rows of attempts that have none (older attempts, attempts merged from a venue)."""
    total, after = 0, 0
    while True:
        done, last = answer_rows.backfill(course_slug, after=after)
        db.session.commit()
        total += done
        if last is None:
            break
        after = last
    click.echo(f'{total} attempt(s) given their per-question rows')


#: Click commands and groups added to ``flask`` (see training.cli.COMMAND_MODULES).
commands: list = [certificates, quiz_answers]
