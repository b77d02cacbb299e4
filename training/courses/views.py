"""Courses pages: catalogue, course, lessons, quizzes, pre/post tests, my learning (certificates: see
certificate_views). Routes on the courses blueprint."""
from __future__ import annotations

from functools import partial

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from training import rendered
from training.auth.permissions import login_required, public
from training.content import registry
from training.content.courses import LEVELS
from training.courses import draws, queries, scoring, services
from training.courses.blueprint import (
    after,
    bp,
    commit_or_lose_race,
    course_or_404,
    enrolment_or_redirect,
    flash_certificate,
    step_url,
)
from training.courses.forms import quiz_form
from training.courses.models import QuizAttempt
from training.extensions import db
from training.i18n import _
from training.kept_answers import services as kept_answers
from training.vocab import QuizKind
from training.web import perform

# ---------------------------------------------------------------------------------------------------------------
# Catalogue and course page

@bp.route('/courses/')
@public
def catalogue():
    courses = registry().courses
    language = request.args.get('language', '')
    level = request.args.get('level', '')
    languages = courses_languages(courses)
    shown = [c for c in courses.values()
             if (language not in languages or language in registry().languages_of('course', c.slug))
             and (level not in LEVELS or c.level == level)]
    shown.sort(key=lambda c: (c.language != _current_language(), c.title.casefold()))
    progress = queries.progress_by_course(current_user, courses) if current_user.is_authenticated else {}
    cards = {c.slug: rendered.fragment('courses/_course_card.html', (c.slug, c.version), lambda c=c: {'c': c})
             for c in shown}
    return render_template('courses/catalogue.html', courses=shown, language=language, level=level,
                           languages=languages, levels=LEVELS, progress=progress, cards=cards,
                           total=len(courses))


def courses_languages(courses) -> list[str]:
    """Every language some course can be read in (its original or a translation)."""
    return sorted({lang for c in courses.values() for lang in registry().languages_of('course', c.slug)})


def _current_language() -> str:
    return str(get_locale() or 'en')


@bp.route('/courses/<slug>')
@public
def course(slug):
    course = course_or_404(slug)
    context = {'course': course, 'enrolment': None, 'languages': registry().languages_of('course', course.slug),
               'frameworks': registry().frameworks}
    enrolment = services.get_enrolment(current_user, course.slug) if current_user.is_authenticated else None
    if enrolment is not None:
        context.update(queries.course_page_state(enrolment, course))
    return render_template('courses/course.html', **context)


@bp.route('/courses/<slug>/enrol', methods=['POST'])
@login_required
def enrol(slug):
    course = course_or_404(slug)
    if services.get_enrolment(current_user, course.slug) is not None:
        return redirect(url_for('courses.resume', slug=course.slug))
    services.enrol(current_user, course)
    if not commit_or_lose_race():  # a double click: the other request enrolled
        return redirect(url_for('courses.resume', slug=course.slug))
    flash(_('You are enrolled. Start with the pre-test: it shows what you already know, and you can skip it.'),
          'success')
    return redirect(url_for('courses.quiz', slug=course.slug, quiz_id=course.pre_test_id))


@bp.route('/courses/<slug>/resume')
@login_required
def resume(slug):
    course = course_or_404(slug)
    enrolment, response = enrolment_or_redirect(course)
    return response or redirect(step_url(course, services.resume_step(enrolment, course)))


# ---------------------------------------------------------------------------------------------------------------
# Lessons

@bp.route('/courses/<slug>/lessons/<lesson_id>')
@login_required
def lesson(slug, lesson_id):
    course = course_or_404(slug)
    lesson = course.lesson(lesson_id)
    if lesson is None:
        abort(404)
    enrolment, response = enrolment_or_redirect(course, load=queries.enrolment_state)
    if response:
        return response
    if not services.pre_test_decided(enrolment):
        flash(_('Take the pre-test, or skip it, before the first lesson.'), 'info')
        return redirect(url_for('courses.quiz', slug=course.slug, quiz_id=course.pre_test_id))
    page = render_template(
        'courses/lesson.html', course=course, lesson=lesson, fragments=_lesson_fragments(course, lesson),
        is_done=lesson.id in enrolment.done_lesson_ids, position=course.position(lesson.id),
        progress=scoring.progress_percent(course, enrolment.done_lesson_ids))
    if services.visit_lesson(enrolment, lesson.id):  # after rendering: the commit expires the user the page shows
        db.session.commit()
    return page


def _lesson_fragments(course, lesson) -> dict:
    """The parts of a lesson page that are the same for everyone, rendered once per language (training.rendered)."""
    def context() -> dict:
        previous, following = course.neighbours(lesson.id)
        return dict(course=course, lesson=lesson, module=course.module(lesson.module_id), previous=previous,
                    following=following, factors=registry().factors(lesson.factors),
                    references=course.references_of(lesson), lang=lesson.language or course.language,
                    framework_pages='scenarios.show_framework' in current_app.view_functions)

    key = (course.slug, course.version, lesson.id)
    return {name: rendered.fragment(f'courses/_lesson_{name}.html', key, context)
            for name in ('crumbs', 'body', 'pager')}


@bp.route('/courses/<slug>/lessons/<lesson_id>/done', methods=['POST'])
@login_required
def mark_done(slug, lesson_id):
    course = course_or_404(slug)
    if course.lesson(lesson_id) is None:
        abort(404)
    enrolment, response = enrolment_or_redirect(course)
    if response:
        return response
    certificate = services.mark_lesson_done(enrolment, course, lesson_id)
    if commit_or_lose_race():  # a double click: the other request recorded it
        flash_certificate(certificate)
    return redirect(after(course, 'lesson', lesson_id))


# ---------------------------------------------------------------------------------------------------------------
# Quizzes, pre-test and post-test

@bp.route('/courses/<slug>/quizzes/<quiz_id>', methods=['GET', 'POST'])
@login_required
def quiz(slug, quiz_id):
    course = course_or_404(slug)
    quiz = course.quiz(quiz_id)
    if quiz is None:
        abort(404)
    enrolment, response = enrolment_or_redirect(course, load=partial(queries.enrolment_state, quiz_id=quiz.id))
    if response:
        return response
    is_open, reason = services.quiz_open(enrolment, course, quiz)
    posted = request.method == 'POST'
    draw = None if not is_open else services.current_draw(
        enrolment, course, quiz, keep=False, on_record=enrolment.draw) if posted else _draw(enrolment, course, quiz)
    restored = _kept_answers() if draw is not None and not posted else None
    form = quiz_form(quiz, draw.presented, **({'formdata': restored} if restored else {})) if draw else None
    if form is not None and form.validate_on_submit():
        submitted = perform(lambda: _submit(enrolment, course, quiz, form.answers(), draw))
        if not submitted.ok:
            return redirect(url_for('courses.quiz', slug=course.slug, quiz_id=quiz.id))
        attempt_id, certificate = submitted.value
        flash_certificate(certificate)
        return redirect(url_for('courses.attempt', slug=course.slug, attempt_id=attempt_id))
    if posted and form is None:
        flash(reason, 'error')
        return redirect(url_for('courses.quiz', slug=course.slug, quiz_id=quiz.id))
    if posted and services.keep_draw(draw):  # the form goes back with its errors: keep the draw it shows
        commit_or_lose_race()
    return render_template(
        'courses/quiz.html', course=course, quiz=quiz, form=form, closed_reason=reason, restored=bool(restored),
        history=services.attempt_history(enrolment, quiz.id), skipped=enrolment.pre_test_skipped_at is not None,
        next_url=after(course, 'quiz', quiz.id)), 200 if request.method == 'GET' else 422


def _kept_answers():
    """Answers sent when the session had ended, given back once the trainee is signed in (training.kept_answers)."""
    restored = kept_answers.take(request.args.get('restore'), request.path)
    if restored is not None:
        db.session.commit()
    return restored


def _submit(enrolment, course, quiz, answers, draw):
    """Submit, and the new attempt's id (read before the commit, which would expire it)."""
    attempt, certificate = services.submit_quiz(enrolment, course, quiz, answers, draw=draw)
    return attempt.id, certificate


def _draw(enrolment, course, quiz):
    """The form on screen, kept (committed) so that a reload or the submission sees the same order; when two
    requests draw at once, the one committed first wins. The form already on record is shown as it is: nothing is
    written, and no commit expires the objects the page reads (the user, the enrolment: three statements again)."""
    draw = services.current_draw(enrolment, course, quiz, keep=False, on_record=enrolment.draw)
    if not services.keep_draw(draw):
        return draw
    if not commit_or_lose_race():
        draw = services.current_draw(enrolment, course, quiz)
        db.session.commit()
    return draw


@bp.route('/courses/<slug>/pre-test/skip', methods=['POST'])
@login_required
def skip_pre_test(slug):
    course = course_or_404(slug)
    enrolment, response = enrolment_or_redirect(course)
    if response:
        return response
    if not perform(lambda: services.skip_pre_test(enrolment)).ok:
        return redirect(url_for('courses.course', slug=course.slug))
    flash(_('Pre-test skipped. You can still compare your post-test score with the pass mark.'), 'info')
    return redirect(url_for('courses.lesson', slug=course.slug, lesson_id=course.lessons[0].id))


@bp.route('/courses/<slug>/attempts/<int:attempt_id>')
@login_required
def attempt(slug, attempt_id):
    course = course_or_404(slug)
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.enrolment.user_id != current_user.id or attempt.enrolment.course_slug != slug:
        abort(404)
    enrolment = attempt.enrolment
    quiz = course.quiz(attempt.quiz_id)
    kind = quiz.kind if quiz is not None else None
    return render_template(
        'courses/attempt.html', course=course, quiz=quiz, attempt=attempt,
        result=services.rescore(attempt, quiz) if quiz is not None else None,
        rows=draws.shown(quiz, attempt.presented) if quiz is not None else [],
        reveal=scoring.feedback_shown(kind, attempt.passed),
        history=services.attempt_history(enrolment, attempt.quiz_id),
        gain=services.knowledge_gain(enrolment) if kind == QuizKind.post_test else None,
        next_url=after(course, 'quiz', attempt.quiz_id), status=services.status(enrolment, course),
        certificate=services.certificate_for(enrolment))


# ---------------------------------------------------------------------------------------------------------------
# My learning

@bp.route('/my-learning')
@login_required
def my_learning():
    return render_template('courses/my_learning.html', rows=queries.learning_rows(current_user, registry().courses))
