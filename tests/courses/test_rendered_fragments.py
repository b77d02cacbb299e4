"""Lesson and catalogue parts rendered once and reused (training.rendered): nobody's own state goes in them."""
from __future__ import annotations

from tests.helpers.courses import COURSE
from training.auth.models import Role


def _start(client, auth, **user):
    auth.logout()
    auth.login_as(Role.trainee, **user)
    client.post(f'/courses/{COURSE}/enrol')
    client.post(f'/courses/{COURSE}/pre-test/skip')


def test_a_reused_lesson_still_shows_each_trainee_their_own_progress(client, auth, course):
    LESSON = f'/courses/{COURSE}/lessons/{course.lessons[0].id}'  # noqa: N806
    _start(client, auth, email='first@example.org')
    client.post(f'{LESSON}/done')
    first = client.get(LESSON).get_data(as_text=True)
    _start(client, auth, email='second@example.org')
    second = client.get(LESSON).get_data(as_text=True)
    assert 'Mark as done and continue' not in first and 'Mark as done and continue' in second
    body = first[first.index('<article'):first.index('</article>')]
    assert body == second[second.index('<article'):second.index('</article>')]  # the same text for both


def test_a_reused_lesson_follows_the_interface_language(client, auth, course):
    LESSON = f'/courses/{COURSE}/lessons/{course.lessons[0].id}'  # noqa: N806
    _start(client, auth)
    assert 'aria-label="Breadcrumb"' in client.get(LESSON).get_data(as_text=True)
    client.post('/language', data={'lang': 'fr'})
    assert 'aria-label="Fil d\'Ariane"' in client.get(LESSON).get_data(as_text=True)


def test_the_catalogue_shows_progress_around_the_reused_cards(client, auth):
    _start(client, auth)
    html = client.get('/courses/').get_data(as_text=True)
    assert 'Progress in' in html and html.count('<li class="card"') >= 2
