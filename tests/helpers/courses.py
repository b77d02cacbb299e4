"""Courses: the shipped course the tests follow, quiz answers and the form data that posts them."""
from __future__ import annotations

from training.courses import services
from training.extensions import db

COURSE = 'understanding-atrocity-crimes'


def correct_answers(quiz) -> dict[str, list[str]]:
    return {q.id: sorted(q.correct_ids) for q in quiz.questions}


def wrong_answers(quiz) -> dict[str, list[str]]:
    return {q.id: [next(o.id for o in q.options if not o.correct)] for q in quiz.questions}


def drawn(enrolment, course, quiz) -> list:
    """The questions of the form the trainee has on screen (a quiz that draws asks only some of its questions)."""
    draw = services.current_draw(enrolment, course, quiz)
    return [quiz.question(question_id) for question_id, _options in draw.presented]


def form_data(answers: dict[str, list[str]]) -> dict:
    """Quiz answers as the form posts them (one field per question, named q-<question id>)."""
    return {f'q-{qid}': options for qid, options in answers.items()}


def complete_course(enrolment, course, *, pre=True):
    """Do everything the completion rule asks, through the services; returns the certificate (committed)."""
    if pre:
        services.submit_quiz(enrolment, course, course.pre_test, wrong_answers(course.pre_test))
    for lesson in course.lessons:
        services.mark_lesson_done(enrolment, course, lesson.id)
    for quiz_id in course.completion.pass_quizzes:
        quiz = course.quiz(quiz_id)
        services.submit_quiz(enrolment, course, quiz, correct_answers(quiz))
    _attempt, certificate = services.submit_quiz(enrolment, course, course.post_test,
                                                 correct_answers(course.post_test))
    db.session.commit()
    return certificate
