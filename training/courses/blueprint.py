"""The courses blueprint, shared by its two page modules: ``views`` (catalogue, lessons, quizzes, my learning) and
``certificate_views`` (verification, PDF, administration). Both add their routes to :data:`bp`; the application
factory imports both before it registers the blueprint. Also the small lookups both modules need."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from training.content import registry
from training.content.courses import Course
from training.courses import services
from training.extensions import db
from training.i18n import _, _l

bp = Blueprint('courses', __name__)

LEVEL_TITLES = {'introductory': _l('Introductory'), 'intermediate': _l('Intermediate'), 'advanced': _l('Advanced')}


@bp.context_processor
def _titles():
    return {'level_titles': LEVEL_TITLES}


def course_or_404(slug: str) -> Course:
    course = registry().course(slug)
    if course is None:
        abort(404)
    if course.slug != slug:  # a former slug (a translation that was a course of its own): its new address
        abort(redirect(url_for(request.endpoint, **{**request.view_args, 'slug': course.slug}), 308))
    return course


def enrolment_or_redirect(course: Course, load=services.get_enrolment):
    """The current user's enrolment (as ``load`` reads it), or a redirect to the course page asking them to enrol."""
    enrolment = load(current_user, course.slug)
    if enrolment is None:
        flash(_('Enrol in the course to open its lessons and quizzes.'), 'info')
        return None, redirect(url_for('courses.course', slug=course.slug))
    return enrolment, None


def step_url(course: Course, step: tuple[str, str] | None) -> str:
    """The page of a course step (``('lesson', id)`` or ``('quiz', id)``); the course page for None."""
    if step is None:
        return url_for('courses.course', slug=course.slug)
    kind, item_id = step
    if kind == 'lesson':
        return url_for('courses.lesson', slug=course.slug, lesson_id=item_id)
    return url_for('courses.quiz', slug=course.slug, quiz_id=item_id)


def after(course: Course, kind: str, item_id: str) -> str:
    """Where to go after a step: the next step of the course, or the course page at the end."""
    return step_url(course, course.step_after(kind, item_id))


def commit_or_lose_race() -> bool:
    """Commit; False when a unique constraint says another request (a double click) already wrote the same."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def flash_certificate(certificate) -> None:
    if certificate is not None:
        flash(_('Congratulations: you have completed the course. Your certificate is ready to download.'), 'success')
