"""Course results for trainers and staff: knowledge gain per learning objective, item analysis (difficulty,
point-biserial discrimination, option choices, flags) with CSV and XLSX exports, and the programme report table."""
from __future__ import annotations

import csv
import io
import math
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from tests.helpers.courses import COURSE, correct_answers, drawn, wrong_answers
from training.auth.models import Role
from training.courses import item_stats, results, services
from training.courses.models import QuizAnswer
from training.courses.stats import objective_summary
from training.db import utcnow


def _wrong(question) -> list[str]:
    return [next(o.id for o in question.options if not o.correct)]


def _finish_lessons(enrolment, course):
    for lesson in course.lessons:
        services.mark_lesson_done(enrolment, course, lesson.id)


@pytest.fixture
def two_trainees(db, create_user, course):
    """Trainee A: everything wrong in the pre-test, everything right in the post-test. Trainee B: the pre-test right
    on the first objective only, the post-test all right."""
    first = course.objectives[0].id
    for name, pre_right in (('a', set()), ('b', {first})):
        enrolment = services.enrol(create_user(email=f'{name}@example.org'), course)
        answers = {q.id: (sorted(q.correct_ids) if q.objective in pre_right else _wrong(q))
                   for q in drawn(enrolment, course, course.pre_test)}
        services.submit_quiz(enrolment, course, course.pre_test, answers)
        _finish_lessons(enrolment, course)
        services.submit_quiz(enrolment, course, course.post_test, wrong_answers(course.post_test))
        services.submit_quiz(enrolment, course, course.post_test, correct_answers(course.post_test))  # best counts
    db.session.commit()
    return first


def test_knowledge_gain_per_objective_uses_the_first_pre_test_and_the_best_post_test(two_trainees, course):
    rows = {r['objective']: r for r in results.objective_gains(COURSE)}
    assert set(rows) == {o.id for o in course.objectives}
    assert rows[two_trainees] == {'course': COURSE, 'objective': two_trainees, 'persons': 2, 'pre': 50.0,
                                  'post': 100.0, 'gain': 50.0}
    other = course.objectives[1].id
    assert (rows[other]['pre'], rows[other]['post'], rows[other]['gain']) == (0.0, 100.0, 100.0)
    overall = results.course_gain(COURSE)
    assert overall['persons'] == 2 and overall['post'] == 100.0
    # the programme report's table, by date of the tests
    today = utcnow().date()
    summary = objective_summary(today - timedelta(days=1), today)
    assert {r['objective'] for r in summary} == {o.text for o in course.objectives}
    assert objective_summary(today - timedelta(days=30), today - timedelta(days=10)) == []


def test_point_biserial_matches_the_textbook_formula():
    correct = [1, 1, 1, 0, 0, 1, 0, 1, 0, 0]
    rest = [0.9, 0.8, 0.7, 0.6, 0.2, 0.5, 0.3, 0.9, 0.1, 0.4]
    n = len(correct)
    sums = item_stats.Sums(n, sum(correct), sum(rest), sum(r * r for r in rest),
                           sum(r for r, c in zip(rest, correct, strict=True) if c))
    mean = sum(rest) / n
    sd = math.sqrt(sum((r - mean) ** 2 for r in rest) / n)
    m1 = sum(r for r, c in zip(rest, correct, strict=True) if c) / 5
    m0 = sum(r for r, c in zip(rest, correct, strict=True) if not c) / 5
    expected = (m1 - m0) / sd * math.sqrt(0.5 * 0.5)
    assert item_stats.point_biserial(sums) == pytest.approx(expected)
    assert item_stats.point_biserial(item_stats.Sums(10, 10, 5.0, 3.0, 5.0)) is None  # everyone right
    assert item_stats.flags_for(9, 1.0, None) == ()  # too few answers to judge
    assert item_stats.flags_for(20, 0.95, 0.1) == ('easy', 'weak')
    assert item_stats.flags_for(20, 0.5, -0.3) == ('reversed',)


@pytest.fixture
def practice_answers(db, create_user, course):
    """Twelve trainees take the first practice quiz: strong ones answer every question right but the second,
    weak ones every question wrong but the first two. So the first question is easy, and the second is answered
    right only by weak trainees."""
    quiz = course.quiz(course.completion.pass_quizzes[0])
    first, second = quiz.questions[0], quiz.questions[1]
    for n in range(12):
        enrolment = services.enrol(create_user(email=f't{n}@example.org'), course)
        services.skip_pre_test(enrolment)
        strong = n < 6
        answers = {q.id: (sorted(q.correct_ids) if strong else _wrong(q)) for q in quiz.questions}
        answers[first.id] = sorted(first.correct_ids)
        answers[second.id] = _wrong(second) if strong else sorted(second.correct_ids)
        services.submit_quiz(enrolment, course, quiz, answers)
    db.session.commit()
    return quiz


def test_item_analysis_flags_the_easy_and_the_reversed_question(practice_answers):
    quiz = practice_answers
    stats = results.item_analysis(COURSE, quiz.id)
    first, second, third = (stats[q.id] for q in quiz.questions[:3])
    assert first.answers == 12 and first.difficulty == 1.0 and 'easy' in first.flags
    assert second.difficulty == 0.5 and second.discrimination == pytest.approx(-1.0) and 'reversed' in second.flags
    assert third.difficulty == 0.5 and third.discrimination > 0.9 and third.flags == ()
    key = next(iter(quiz.questions[2].correct_ids))
    assert third.options[key] == 0.5


def test_trainers_and_staff_see_results_and_export_them_trainees_do_not(client, auth, practice_answers, db):
    quiz = practice_answers
    auth.login_as(Role.trainee)
    assert client.get(f'/manage/courses/{COURSE}').status_code == 403
    auth.logout()
    auth.login_as(Role.trainer)
    html = client.get('/manage/courses').get_data(as_text=True)
    assert f'/manage/courses/{COURSE}"' in html
    html = client.get(f'/manage/courses/{COURSE}').get_data(as_text=True)
    assert 'Knowledge gain by learning objective' in html and f'/quizzes/{quiz.id}/analysis' in html
    html = client.get(f'/manage/courses/{COURSE}/quizzes/{quiz.id}/analysis').get_data(as_text=True)
    assert 'Nearly everyone gets it right' in html and 'Strong trainees get it wrong' in html
    assert quiz.questions[0].prompt[:40] in html
    response = client.get(f'/manage/courses/{COURSE}/quizzes/{quiz.id}/analysis.csv')
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode('utf-8-sig'))))
    assert len(rows) == sum(len(q.options) for q in quiz.questions)
    second = [r for r in rows if r['question'] == quiz.questions[1].id]
    assert {r['flags'] for r in second} == {'reversed'} and {r['share_correct'] for r in second} == {'50.0'}
    response = client.get(f'/manage/courses/{COURSE}/quizzes/{quiz.id}/analysis.xlsx')
    values = list(load_workbook(io.BytesIO(response.get_data())).active.values)
    assert values[0][:3] == ('question', 'objective', 'type') and len(values) == len(rows) + 1
    assert client.get(f'/manage/courses/{COURSE}/quizzes/{quiz.id}/analysis.pdf').status_code == 404
    assert client.get(f'/manage/courses/{COURSE}/quizzes/nope/analysis').status_code == 404
    auth.logout()
    auth.login_as(Role.staff)
    assert client.get(f'/manage/courses/{COURSE}/quizzes/{quiz.id}/analysis').status_code == 200


def test_attempts_without_rows_get_them_rebuilt(client, auth, practice_answers, db, runner):
    db.session.query(QuizAnswer).delete()
    db.session.commit()
    assert results.item_analysis(COURSE, practice_answers.id) == {}
    auth.login_as(Role.trainer)
    client.get(f'/manage/courses/{COURSE}')
    assert db.session.query(QuizAnswer).count() == 12 * len(practice_answers.questions)
    db.session.query(QuizAnswer).delete()
    db.session.commit()
    result = runner.invoke(args=['quiz-answers', 'backfill'])
    assert result.exit_code == 0 and '12 attempt(s)' in result.output
    assert results.item_analysis(COURSE, practice_answers.id)[practice_answers.questions[0].id].answers == 12


def test_the_programme_report_has_the_objective_table(client, auth, two_trainees):
    auth.login_as(Role.staff)
    today = utcnow().date().isoformat()
    html = client.get(f'/reports/programme?from=2000-01-01&to={today}').get_data(as_text=True)
    section = html[html.index('id="h-online_objectives"'):]
    assert 'Learning objective' in section and 'Understanding genocide and atrocity crimes' in section
