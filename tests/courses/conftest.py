"""Courses fixtures: the shipped registry, a course, enrolment helpers."""
from __future__ import annotations

import pytest

COURSE = 'understanding-atrocity-crimes'


@pytest.fixture
def course(app):
    return app.extensions['content'].course(COURSE)


def correct_answers(quiz) -> dict[str, list[str]]:
    return {q.id: sorted(q.correct_ids) for q in quiz.questions}


def wrong_answers(quiz) -> dict[str, list[str]]:
    return {q.id: [next(o.id for o in q.options if not o.correct)] for q in quiz.questions}


def form_data(answers: dict[str, list[str]]) -> dict:
    """Quiz answers as the form posts them (one field per question, named q-<question id>)."""
    return {f'q-{qid}': options for qid, options in answers.items()}


@pytest.fixture
def trainee(create_user):
    return create_user(email='learner@example.org', name='Lina Learner')


@pytest.fixture
def enrolment(db, trainee, course):
    from training.courses import services
    enrolment = services.enrol(trainee, course)
    db.session.commit()
    return enrolment


@pytest.fixture
def complete_course(db):
    """Do everything the completion rule asks, through the services; returns the certificate."""
    from training.courses import services

    def _complete(enrolment, course, *, pre=True):
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

    return _complete
