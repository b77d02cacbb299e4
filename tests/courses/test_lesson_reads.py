"""A lesson page reads its enrolment as rows (queries.enrolment_state), and writes only when the trainee moves on."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import sqlalchemy as sa

from tests.courses.test_submission_cost import _statements
from tests.helpers.courses import COURSE
from training.auth.models import Role
from training.courses import queries, services
from training.courses.models import Enrolment


def _progress(response) -> str:
    return re.search(r'<progress[^>]*value="(\d+)"', response.get_data(as_text=True)).group(1)


def test_a_lesson_page_reads_two_rows_sets_and_writes_once_per_lesson(client, auth, course, db):
    """The user, then the enrolment with its done lessons (one statement); opening another lesson writes its id with
    one UPDATE, reading it again writes nothing; "resume" and the progress shown follow."""
    auth.login_as(Role.trainee)
    client.post(f'/courses/{COURSE}/enrol')
    client.post(f'/courses/{COURSE}/pre-test/skip')
    first, second = course.lessons[0].id, course.lessons[1].id
    client.post(f'/courses/{COURSE}/lessons/{first}/done')

    opened, statements = _statements(db, lambda: client.get(f'/courses/{COURSE}/lessons/{second}'))
    assert opened.status_code == 200
    writes = [s for s in statements if s.split()[0] in ('INSERT', 'UPDATE', 'DELETE')]
    assert len(writes) == 1 and writes[0].startswith('UPDATE course_enrolments SET last_lesson_id'), statements
    assert len(statements) == 3, statements
    again, statements = _statements(db, lambda: client.get(f'/courses/{COURSE}/lessons/{second}'))
    assert again.status_code == 200 and len(statements) == 2, statements
    assert _progress(again) == str(round(100 / len(course.lessons)))
    assert 'Mark as done and continue' in again.get_data(as_text=True)  # the second lesson is not done yet
    assert 'Mark as done and continue' not in client.get(f'/courses/{COURSE}/lessons/{first}').get_data(as_text=True)

    db.session.expire_all()
    enrolment = db.session.scalar(sa.select(Enrolment))
    assert enrolment.last_lesson_id == first  # opened last
    client.get(f'/courses/{COURSE}/lessons/{second}')
    db.session.expire_all()
    assert db.session.scalar(sa.select(Enrolment)).last_lesson_id == second
    assert client.get(f'/courses/{COURSE}/resume').headers['Location'].endswith(f'/lessons/{second}')


def test_the_lesson_state_is_the_enrolment_as_the_model_reads_it(db, enrolment, course):
    """Every field the lesson page takes from the state equals the model's, with and without lessons done; a user
    who is not enrolled (or enrolled in another course) has none."""
    state = queries.enrolment_state(enrolment.user, enrolment.course_slug)
    assert state.id == enrolment.id and state.done_lesson_ids == frozenset() and state.last_lesson_id is None
    assert not services.pre_test_decided(state) and services.pre_test_decided(state) == services.pre_test_decided(
        enrolment)
    services.skip_pre_test(enrolment)
    for lesson in course.lessons[:3]:
        services.mark_lesson_done(enrolment, course, lesson.id)
    db.session.commit()
    state = queries.enrolment_state(enrolment.user, enrolment.course_slug)
    assert state.done_lesson_ids == enrolment.done_lesson_ids == {lesson.id for lesson in course.lessons[:3]}
    assert (state.last_lesson_id, state.pre_test_skipped_at) == (enrolment.last_lesson_id,
                                                                 enrolment.pre_test_skipped_at)
    assert services.pre_test_decided(state)
    assert not services.visit_lesson(state, course.lessons[2].id)  # already the last one: nothing to write
    assert queries.enrolment_state(enrolment.user, 'another-course') is None


def test_a_quiz_pages_state_carries_the_form_on_record_with_lessons_done(db, enrolment, course):
    """The form on record comes with each of the enrolment's rows (one per lesson done) and is read as the model
    reads it, decoded once; another quiz's form is not taken for this one's."""
    quiz = course.quiz('genocide-check')
    for lesson in course.lessons[:3]:
        services.mark_lesson_done(enrolment, course, lesson.id)
    draw = services.current_draw(enrolment, course, quiz)
    db.session.commit()
    state = queries.enrolment_state(enrolment.user, enrolment.course_slug, quiz_id=quiz.id)
    assert len(state.done_lesson_ids) == 3
    assert (state.draw.id, state.draw.quiz_id, state.draw.presented) == (draw.id, quiz.id, draw.presented)
    assert isinstance(state.draw.presented, list) and state.draw.presented
    assert queries.enrolment_state(enrolment.user, enrolment.course_slug, quiz_id='another-quiz').draw is None


def test_the_catalogue_reads_every_enrolment_in_one_statement_and_shows_progress_and_completion(
        client, auth, course, db):
    """Two enrolments, one with two lessons done, the other completed: the progress and the "Completed" mark as the
    model gives them, from the user's statement and one more."""
    user = auth.login_as(Role.trainee)
    registry = client.application.extensions['content']
    other = next(c for c in registry.courses.values() if c.slug != COURSE and c.language == 'en')
    for slug in (COURSE, other.slug):
        client.post(f'/courses/{slug}/enrol')
        client.post(f'/courses/{slug}/pre-test/skip')
    for lesson in course.lessons[:2]:
        client.post(f'/courses/{COURSE}/lessons/{lesson.id}/done')
    db.session.execute(sa.update(Enrolment).where(Enrolment.course_slug == other.slug)
                       .values(completed_at=datetime(2026, 12, 1, tzinfo=UTC)))
    db.session.commit()
    page, statements = _statements(db, lambda: client.get('/courses/'))
    html = page.get_data(as_text=True)
    assert len(statements) == 2, statements
    card = html[html.index(course.title):]
    assert _progress(page) == str(round(100 * 2 / len(course.lessons)))
    assert 'Completed' not in card[:card.index('</li>')]
    done = html[html.index(other.title):]
    assert 'Completed' in done[:done.index('</li>')]
    states = {s.course_slug: s for s in (queries.enrolment_state(user, slug) for slug in (COURSE, other.slug))}
    assert states[COURSE].done_lesson_ids == {lesson.id for lesson in course.lessons[:2]}
    assert states[other.slug].completed_at is not None and states[COURSE].completed_at is None
