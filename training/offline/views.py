"""Offline pages on the courses blueprint: what saving a course for offline fetches (and its size), and the endpoint
that receives quiz answers kept on the device while offline."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, jsonify, request, url_for
from flask_login import current_user

from training.auth.permissions import login_required
from training.courses import services as course_services
from training.courses.blueprint import bp, course_or_404
from training.errors import TrainingError
from training.extensions import db
from training.i18n import _
from training.offline import services


@bp.route('/courses/<slug>/offline.json')
@login_required
def offline_plan(slug):
    course = course_or_404(slug)
    enrolment = course_services.get_enrolment(current_user, course.slug)
    if enrolment is None:
        return jsonify(error=_('Enrol in the course first.')), 409
    plan = services.save_plan(enrolment, course)
    response = jsonify(urls=plan.urls, bytes=plan.bytes, kilobytes=plan.kilobytes,
                       label=_('Save for offline (%(kb)d KB)', kb=plan.kilobytes))
    response.headers['Cache-Control'] = 'no-store'
    return response


@bp.route('/courses/<slug>/quizzes/<quiz_id>/offline', methods=['POST'])
@login_required
def offline_answer(slug, quiz_id):
    """Answers kept on the device while offline, sent once the connection is back (JSON answer)."""
    course = course_or_404(slug)
    quiz = course.quiz(quiz_id)
    if quiz is None:
        abort(404)
    enrolment = course_services.get_enrolment(current_user, course.slug)
    if enrolment is None:
        return jsonify(error=_('Enrol in the course first.')), 409
    key = request.form.get('offline_key', '')
    try:
        attempt, stored = services.submit_offline(enrolment, course, quiz, request.form, key=key, user=current_user)
        db.session.commit()
    except TrainingError as exc:
        db.session.rollback()
        return jsonify(error=exc.message), 422
    except sa.exc.IntegrityError:  # the same key sent twice at once: the other request stored it
        db.session.rollback()
        try:
            attempt, stored = services.stored_attempt(key, current_user), False
        except TrainingError as exc:
            return jsonify(error=exc.message), 422
        if attempt is None:
            raise
    return jsonify(status='sent', stored=stored, score=attempt.score,
                   attempt_url=url_for('courses.attempt', slug=course.slug, attempt_id=attempt.id))
