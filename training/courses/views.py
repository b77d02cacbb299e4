"""Courses pages: catalogue, course, lessons, quizzes, pre/post tests, my learning, certificates."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from training.auth.permissions import ADMINS, login_required, public, roles_required
from training.codes import CERTIFICATE
from training.content import registry
from training.content.courses import LEVELS, translations_of
from training.courses import queries, scoring, services
from training.courses.certificates import render_pdf
from training.courses.forms import RevokeForm, quiz_form
from training.courses.models import QuizAttempt
from training.extensions import db, limiter
from training.i18n import _, _l
from training.vocab import QuizKind

bp = Blueprint('courses', __name__)

LEVEL_TITLES = {'introductory': _l('Introductory'), 'intermediate': _l('Intermediate'), 'advanced': _l('Advanced')}


@bp.context_processor
def _titles():
    return {'level_titles': LEVEL_TITLES}


def _course_or_404(slug: str):
    course = registry().course(slug)
    if course is None:
        abort(404)
    return course


def _enrolment_or_redirect(course):
    """The current user's enrolment, or a redirect to the course page asking them to enrol."""
    enrolment = services.get_enrolment(current_user, course.slug)
    if enrolment is None:
        flash(_('Enrol in the course to open its lessons and quizzes.'), 'info')
        return None, redirect(url_for('courses.course', slug=course.slug))
    return enrolment, None


def _sequence(course) -> list[tuple[str, str]]:
    """Every step of the course in order: pre-test, each module's lessons and quizzes, post-test."""
    steps = [('quiz', course.pre_test_id)]
    for module in course.modules:
        steps.extend((item.kind, item.id) for item in module.items)
    steps.append(('quiz', course.post_test_id))
    return steps


def _step_url(course, step) -> str:
    kind, item_id = step
    if kind == 'lesson':
        return url_for('courses.lesson', slug=course.slug, lesson_id=item_id)
    return url_for('courses.quiz', slug=course.slug, quiz_id=item_id)


def _after(course, step) -> str:
    """Where to go after ``step``: the next step of the course, or the course page at the end."""
    steps = _sequence(course)
    i = steps.index(step) if step in steps else -1
    if 0 <= i < len(steps) - 1:
        return _step_url(course, steps[i + 1])
    return url_for('courses.course', slug=course.slug)


def _flash_certificate(certificate) -> None:
    if certificate is not None:
        flash(_('Congratulations: you have completed the course. Your certificate is ready to download.'), 'success')


# ---------------------------------------------------------------------------------------------------------------
# Catalogue and course page

@bp.route('/courses/')
@public
def catalogue():
    courses = registry().courses
    language = request.args.get('language', '')
    level = request.args.get('level', '')
    shown = [c for c in courses.values()
             if (language not in courses_languages(courses) or c.language == language)
             and (level not in LEVELS or c.level == level)]
    shown.sort(key=lambda c: (c.language != _current_language(), c.title.casefold()))
    progress = {}
    if current_user.is_authenticated:
        for enrolment in queries.enrolments_for(current_user):
            course = courses.get(enrolment.course_slug)
            if course is not None:
                progress[course.slug] = (enrolment, scoring.progress_percent(course, enrolment.done_lesson_ids))
    return render_template('courses/catalogue.html', courses=shown, language=language, level=level,
                           languages=courses_languages(courses), levels=LEVELS, progress=progress,
                           total=len(courses))


def courses_languages(courses) -> list[str]:
    return sorted({c.language for c in courses.values()})


def _current_language() -> str:
    return str(get_locale() or 'en')


@bp.route('/courses/<slug>')
@public
def course(slug):
    course = _course_or_404(slug)
    context = {'course': course, 'enrolment': None, 'translations': translations_of(registry().courses, course),
               'frameworks': registry().frameworks}
    if current_user.is_authenticated:
        enrolment = services.get_enrolment(current_user, course.slug)
        if enrolment is not None:
            done = enrolment.done_lesson_ids
            summaries = queries.quiz_summaries(enrolment)
            passed = {quiz_id for quiz_id, s in summaries.items() if s['passed']}
            context.update(
                enrolment=enrolment, done=done, quizzes=summaries,
                progress=scoring.progress_percent(course, done),
                status=scoring.completion_status(course, done, passed),
                certificate=services.certificate_for(enrolment) if enrolment.completed_at else None,
                gain=services.knowledge_gain(enrolment),
            )
    return render_template('courses/course.html', **context)


@bp.route('/courses/<slug>/enrol', methods=['POST'])
@login_required
def enrol(slug):
    course = _course_or_404(slug)
    existing = services.get_enrolment(current_user, course.slug)
    if existing is not None:
        return redirect(url_for('courses.resume', slug=course.slug))
    services.enrol(current_user, course)
    try:
        db.session.commit()
    except IntegrityError:  # a double click: the other request enrolled
        db.session.rollback()
        return redirect(url_for('courses.resume', slug=course.slug))
    flash(_('You are enrolled. Start with the pre-test: it shows what you already know, and you can skip it.'),
          'success')
    return redirect(url_for('courses.quiz', slug=course.slug, quiz_id=course.pre_test_id))


@bp.route('/courses/<slug>/resume')
@login_required
def resume(slug):
    course = _course_or_404(slug)
    enrolment, response = _enrolment_or_redirect(course)
    if response:
        return response
    if not services.pre_test_decided(enrolment):
        return redirect(url_for('courses.quiz', slug=course.slug, quiz_id=course.pre_test_id))
    status = services.status(enrolment, course)
    if status.met:
        return redirect(url_for('courses.course', slug=course.slug))
    if status.lessons_met:
        if status.quizzes_missing:
            return redirect(url_for('courses.quiz', slug=course.slug, quiz_id=status.quizzes_missing[0]))
        return redirect(url_for('courses.quiz', slug=course.slug, quiz_id=course.post_test_id))
    return redirect(url_for('courses.lesson', slug=course.slug, lesson_id=services.next_lesson_id(enrolment, course)))


# ---------------------------------------------------------------------------------------------------------------
# Lessons

@bp.route('/courses/<slug>/lessons/<lesson_id>')
@login_required
def lesson(slug, lesson_id):
    course = _course_or_404(slug)
    lesson = course.lesson(lesson_id)
    if lesson is None:
        abort(404)
    enrolment, response = _enrolment_or_redirect(course)
    if response:
        return response
    if not services.pre_test_decided(enrolment):
        flash(_('Take the pre-test, or skip it, before the first lesson.'), 'info')
        return redirect(url_for('courses.quiz', slug=course.slug, quiz_id=course.pre_test_id))
    if services.visit_lesson(enrolment, lesson.id):
        db.session.commit()
    previous, following = course.neighbours(lesson.id)
    done = enrolment.done_lesson_ids
    factors = []
    for tag in lesson.factors:
        fw_id, _sep, factor_id = tag.partition(':')
        framework = registry().framework(fw_id)
        factor = framework.factor(factor_id) if framework else None
        if factor is not None:
            factors.append((framework, factor))
    return render_template(
        'courses/lesson.html', course=course, lesson=lesson, module=course.module(lesson.module_id),
        previous=previous, following=following, is_done=lesson.id in done,
        position=course.lesson_ids.index(lesson.id) + 1, progress=scoring.progress_percent(course, done),
        factors=factors, references=[r for r in (course.reference(x) for x in lesson.references) if r],
        framework_pages='scenarios.show_framework' in current_app.view_functions)


@bp.route('/courses/<slug>/lessons/<lesson_id>/done', methods=['POST'])
@login_required
def mark_done(slug, lesson_id):
    course = _course_or_404(slug)
    if course.lesson(lesson_id) is None:
        abort(404)
    enrolment, response = _enrolment_or_redirect(course)
    if response:
        return response
    certificate = services.mark_lesson_done(enrolment, course, lesson_id)
    try:
        db.session.commit()
    except IntegrityError:  # a double click: the other request recorded it
        db.session.rollback()
        certificate = None
    _flash_certificate(certificate)
    return redirect(_after(course, ('lesson', lesson_id)))


# ---------------------------------------------------------------------------------------------------------------
# Quizzes, pre-test and post-test

@bp.route('/courses/<slug>/quizzes/<quiz_id>', methods=['GET', 'POST'])
@login_required
def quiz(slug, quiz_id):
    course = _course_or_404(slug)
    quiz = course.quiz(quiz_id)
    if quiz is None:
        abort(404)
    enrolment, response = _enrolment_or_redirect(course)
    if response:
        return response
    is_open, reason = services.quiz_open(enrolment, course, quiz)
    form = quiz_form(quiz) if is_open else None
    if form is not None and form.validate_on_submit():
        try:
            attempt, certificate = services.submit_quiz(enrolment, course, quiz, form.answers())
        except services.CourseError as exc:
            db.session.rollback()
            flash(exc.message, 'error')
            return redirect(url_for('courses.quiz', slug=course.slug, quiz_id=quiz.id))
        db.session.commit()
        _flash_certificate(certificate)
        return redirect(url_for('courses.attempt', slug=course.slug, attempt_id=attempt.id))
    if request.method == 'POST' and form is None:
        flash(reason, 'error')
        return redirect(url_for('courses.quiz', slug=course.slug, quiz_id=quiz.id))
    history = services.attempt_history(enrolment, quiz.id)
    return render_template(
        'courses/quiz.html', course=course, quiz=quiz, form=form, closed_reason=reason, history=history,
        skipped=enrolment.pre_test_skipped_at is not None,
        next_url=_after(course, ('quiz', quiz.id))), 200 if request.method == 'GET' else 422


@bp.route('/courses/<slug>/pre-test/skip', methods=['POST'])
@login_required
def skip_pre_test(slug):
    course = _course_or_404(slug)
    enrolment, response = _enrolment_or_redirect(course)
    if response:
        return response
    try:
        services.skip_pre_test(enrolment)
    except services.CourseError as exc:
        flash(exc.message, 'error')
        return redirect(url_for('courses.course', slug=course.slug))
    db.session.commit()
    flash(_('Pre-test skipped. You can still compare your post-test score with the pass mark.'), 'info')
    return redirect(url_for('courses.lesson', slug=course.slug, lesson_id=course.lessons[0].id))


@bp.route('/courses/<slug>/attempts/<int:attempt_id>')
@login_required
def attempt(slug, attempt_id):
    course = _course_or_404(slug)
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.enrolment.user_id != current_user.id or attempt.enrolment.course_slug != slug:
        abort(404)
    enrolment = attempt.enrolment
    quiz = course.quiz(attempt.quiz_id)
    result = services.rescore(attempt, quiz) if quiz is not None else None
    # What the trainee may see: practice quizzes show the full key; the pre-test shows only the score (its
    # questions come back in the post-test); the post-test shows the key once passed, otherwise only which
    # answers were right and the feedback on the options chosen.
    if quiz is None:
        reveal = 'none'
    elif quiz.kind == QuizKind.practice or (quiz.kind == QuizKind.post_test and attempt.passed):
        reveal = 'full'
    elif quiz.kind == QuizKind.post_test:
        reveal = 'chosen'
    else:
        reveal = 'none'
    history = services.attempt_history(enrolment, attempt.quiz_id)
    return render_template(
        'courses/attempt.html', course=course, quiz=quiz, attempt=attempt, result=result, reveal=reveal,
        history=history,
        gain=services.knowledge_gain(enrolment) if quiz is not None and quiz.kind == QuizKind.post_test else None,
        next_url=_after(course, ('quiz', attempt.quiz_id)), status=services.status(enrolment, course),
        certificate=services.certificate_for(enrolment))


# ---------------------------------------------------------------------------------------------------------------
# My learning

@bp.route('/my-learning')
@login_required
def my_learning():
    courses = registry().courses
    enrolments = queries.enrolments_for(current_user)
    certificates = queries.certificates_for(current_user)
    gains = queries.gains_for([e.id for e in enrolments])
    rows = []
    for enrolment in enrolments:
        course = courses.get(enrolment.course_slug)
        gain = gains[enrolment.id]
        rows.append({
            'enrolment': enrolment, 'course': course,
            'progress': scoring.progress_percent(course, enrolment.done_lesson_ids) if course else None,
            'certificate': certificates.get(enrolment.id),
            'pre': gain['pre'], 'post': gain['post'], 'gain': gain['gain'],
        })
    return render_template('courses/my_learning.html', rows=rows)


# ---------------------------------------------------------------------------------------------------------------
# Certificates

UNKNOWN_CODE = _l('No certificate has this code. Check the code for typing mistakes and try again.')


def _lookup_form(code: str, error=None, status: int = 200):
    return render_template('courses/lookup.html', code=(code or '')[:64], error=error), status


@bp.route('/certificates/')
@public
def lookup_certificate():
    """Public: type the code printed on a certificate to open its verification page."""
    code = request.args.get('code', '')
    if not code.strip():
        return _lookup_form('')
    normalised = CERTIFICATE.normalise(code)
    if normalised is None:
        return _lookup_form(code, UNKNOWN_CODE, 404)
    return redirect(url_for('courses.verify_certificate', code=normalised))


@bp.route('/certificates/<code>')
@limiter.limit(lambda: current_app.config.get('CERTIFICATE_LOOKUP_LIMIT', '120 per minute'))
@public
def verify_certificate(code):
    """Public: the certificate as recorded here, so an edited PDF cannot pass. Rate-limited per address.
    Any case, spaces or dashes find it (then the address is put in its shown form); an unknown code shows the
    lookup form again with the error (status 404)."""
    certificate = services.get_certificate(code)
    if certificate is None:
        return _lookup_form(code, UNKNOWN_CODE, 404)
    if certificate.code != code:
        return redirect(url_for('courses.verify_certificate', code=certificate.code))
    course = registry().course(certificate.course_slug)
    response = make_response(render_template('courses/certificate.html', certificate=certificate, course=course))
    response.headers['X-Robots-Tag'] = 'noindex'
    response.cache_control.no_store = True
    return response


@bp.route('/certificates/<code>/pdf')
@login_required
def certificate_pdf(code):
    certificate = services.get_certificate(code)
    if certificate is None or (certificate.user_id != current_user.id and not current_user.is_admin):
        abort(404)
    if certificate.is_revoked and not current_user.is_admin:
        abort(404, _('This certificate has been revoked.'))
    course = registry().course(certificate.course_slug)
    title = course.title if course else certificate.course_slug
    pdf = render_pdf(certificate, title, url_for('courses.verify_certificate', code=certificate.code, _external=True))
    response = make_response(pdf)
    response.headers['Content-Type'] = 'application/pdf'
    response.headers['Content-Disposition'] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response


@bp.route('/manage/certificates')
@roles_required(*ADMINS)
def manage_certificates():
    q = request.args.get('q', '').strip()[:200]
    state = request.args.get('state', '')
    page = db.paginate(queries.certificates_query(q, state), per_page=50, error_out=False)
    return render_template('courses/manage_certificates.html', page=page, q=q, state=state,
                           courses=registry().courses)


@bp.route('/manage/certificates/<code>', methods=['GET', 'POST'])
@roles_required(*ADMINS)
def manage_certificate(code):
    certificate = services.get_certificate(code)
    if certificate is None:
        abort(404)
    form = RevokeForm()
    if not certificate.is_revoked and form.validate_on_submit():
        try:
            services.revoke_certificate(certificate, by=current_user, reason=form.reason.data)
        except services.CourseError as exc:
            db.session.rollback()
            form.reason.errors = [*form.reason.errors, exc.message]
        else:
            db.session.commit()
            current_app.logger.info('certificate %s revoked by user %s', certificate.code, current_user.id)
            flash(_('Certificate %(code)s revoked.', code=certificate.code), 'success')
            return redirect(url_for('courses.manage_certificate', code=certificate.code))
    return render_template('courses/manage_certificate.html', certificate=certificate, form=form,
                           course=registry().course(certificate.course_slug)), (
        200 if request.method == 'GET' else 422)
