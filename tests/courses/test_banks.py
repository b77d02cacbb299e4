"""Parallel forms: the pre-test and the post-test draw different items from one bank, on the same objectives."""
from __future__ import annotations

from collections import Counter

from tests.helpers.courses import correct_answers, drawn, wrong_answers
from training.courses import services


def _objectives(questions) -> Counter:
    return Counter(q.objective for q in questions)


def test_the_post_test_never_repeats_the_pre_test_and_covers_the_same_objectives(db, course, enrolment):
    pre, post = course.pre_test, course.post_test
    assert pre.bank == post.bank and len(pre.questions) == 20 and pre.draw == post.draw == 10
    pre_items = drawn(enrolment, course, pre)
    assert len(pre_items) == 10 and _objectives(pre_items) == Counter(pre.shares)
    services.submit_quiz(enrolment, course, pre, wrong_answers(pre))
    for lesson in course.lessons:
        services.mark_lesson_done(enrolment, course, lesson.id)
    asked_after = set()
    for _ in range(3):  # retakes too
        post_items = drawn(enrolment, course, post)
        assert _objectives(post_items) == _objectives(pre_items)
        assert not {q.id for q in post_items} & {q.id for q in pre_items}
        asked_after |= {q.id for q in post_items}
        attempt, _cert = services.submit_quiz(enrolment, course, post, correct_answers(post))
        assert attempt.question_count == 10 and attempt.score == 100
    db.session.commit()
    assert asked_after == {q.id for q in pre.questions} - {q.id for q in pre_items}


def test_a_trainee_who_skipped_the_pre_test_gets_a_full_post_test(db, course, enrolment):
    services.skip_pre_test(enrolment)
    for lesson in course.lessons:
        services.mark_lesson_done(enrolment, course, lesson.id)
    items = drawn(enrolment, course, course.post_test)
    assert len(items) == 10 and _objectives(items) == Counter(course.post_test.shares)


def test_the_page_asks_only_the_drawn_questions(client, auth, course, db):
    from training.auth.models import Role
    user = auth.login_as(Role.trainee)
    client.post(f'/courses/{course.slug}/enrol')
    html = client.get(f'/courses/{course.slug}/quizzes/{course.pre_test_id}').get_data(as_text=True)
    asked = drawn(services.get_enrolment(user, course.slug), course, course.pre_test)
    assert '10 questions' in html
    for question in course.pre_test.questions:
        assert (f'name="q-{question.id}"' in html) == (question in asked)
