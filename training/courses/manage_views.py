"""Course results for trainers and programme staff: knowledge gain overall and per learning objective, and the item
analysis of each quiz (difficulty, discrimination, option choices, flags), exportable as CSV or XLSX. Aggregates
only: no trainee is named. Routes on the courses blueprint."""
from __future__ import annotations

from flask import abort, render_template

from training.auth.models import Role
from training.auth.permissions import roles_required
from training.content import registry
from training.courses import answer_rows, item_stats, results
from training.courses.blueprint import bp, course_or_404
from training.exports import send_csv, send_xlsx
from training.extensions import db

#: Who sees course results and item analysis: the authors and users of the content
RESULT_ROLES = (Role.trainer, Role.staff, Role.admin)


@bp.route('/manage/courses')
@roles_required(*RESULT_ROLES)
def manage_courses():
    courses = sorted(registry().courses.values(), key=lambda c: c.title.casefold())
    return render_template('courses/manage_courses.html', courses=courses,
                           gains={c.slug: results.course_gain(c.slug) for c in courses})


def _with_rows(course) -> None:
    """Rebuild the answer rows of attempts that have none (older or merged attempts), a batch at a time."""
    done, _last = answer_rows.backfill(course.slug)
    if done:
        db.session.commit()


@bp.route('/manage/courses/<slug>')
@roles_required(*RESULT_ROLES)
def manage_course(slug):
    course = course_or_404(slug)
    _with_rows(course)
    return render_template('courses/manage_course.html', course=course, gain=results.course_gain(course.slug),
                           objectives=results.objective_gains(course.slug),
                           attempts=results.quiz_attempt_counts(course.slug))


def _quiz_or_404(course, quiz_id):
    quiz = course.quiz(quiz_id)
    if quiz is None:
        abort(404)
    return quiz


@bp.route('/manage/courses/<slug>/quizzes/<quiz_id>/analysis')
@roles_required(*RESULT_ROLES)
def quiz_analysis(slug, quiz_id):
    course = course_or_404(slug)
    quiz = _quiz_or_404(course, quiz_id)
    _with_rows(course)
    return render_template('courses/quiz_analysis.html', course=course, quiz=quiz,
                           stats=results.item_analysis(course.slug, quiz.id), thresholds=item_stats)


@bp.route('/manage/courses/<slug>/quizzes/<quiz_id>/analysis.<fmt>')
@roles_required(*RESULT_ROLES)
def quiz_analysis_export(slug, quiz_id, fmt):
    course = course_or_404(slug)
    quiz = _quiz_or_404(course, quiz_id)
    if fmt not in ('csv', 'xlsx'):
        abort(404)
    _with_rows(course)
    headers, rows = item_stats.export_rows(quiz, results.item_analysis(course.slug, quiz.id))
    name = f'item-analysis-{course.slug}-{quiz.id}'
    if fmt == 'csv':
        return send_csv(f'{name}.csv', headers, rows)
    return send_xlsx(f'{name}.xlsx', [(quiz.id[:31], headers, rows)])
