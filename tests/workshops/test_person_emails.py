"""A trainer sees the email of a person only if that person is on the roster of a session the trainer trains;
administrators see every email (issue 11 item 2). Person search (search before adding) and the duplicates page."""
from __future__ import annotations

import pytest

from tests.helpers.auth import PASSWORD
from training.auth.models import Role
from training.workshops import services


@pytest.fixture
def people(db, create_user, create_session, create_person):
    trainer_x = create_user(email='trainer-x@example.org', roles=(Role.trainer,))
    trainer_y = create_user(email='trainer-y@example.org', roles=(Role.trainer,))
    create_user(email='admin@example.org', roles=(Role.admin,))
    own = create_session(code='X-1', trainers=[trainer_x])
    other = create_session(code='Y-1', trainers=[trainer_y])
    mine = create_person(full_name='Amina Wanjiru Kariuki', email='mine@example.org', country='KE')
    theirs = create_person(full_name='Amina Wanjiru Kariuki', email='theirs@example.org', country='KE')
    create_person(full_name='Amina Wanjiru Kariuki', country='KE')  # no email: a duplicate of both
    services.add_to_roster(own, mine)
    services.add_to_roster(other, theirs)
    db.session.commit()
    return own


def _page(client, email, url):
    assert client.post('/login', data={'email': email, 'password': PASSWORD}).status_code == 302
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_trainer_sees_only_emails_of_persons_on_their_sessions(client, people):
    html = _page(client, 'trainer-x@example.org', f'/manage/sessions/{people.id}/roster/add?q=amina')
    assert html.count('Amina Wanjiru Kariuki') >= 2  # both records are listed
    assert 'mine@example.org' in html
    assert 'theirs@example.org' not in html
    assert 'email not shown' in html


def test_trainer_is_offered_only_duplicates_they_may_merge(client, people, db, create_person):
    """A trainer merges only persons on the rosters of sessions they train: pairs with anyone else are not listed
    (administrators see them all)."""
    html = _page(client, 'trainer-x@example.org', '/manage/persons/duplicates')
    assert 'theirs@example.org' not in html and 'mine@example.org' not in html
    services.add_to_roster(people, create_person(full_name='Amina Wanjiru Kariuki', country='KE'))  # no email
    db.session.commit()
    html = client.get('/manage/persons/duplicates').get_data(as_text=True)
    assert 'mine@example.org' in html and 'theirs@example.org' not in html


@pytest.mark.parametrize('url', ['/manage/sessions/{id}/roster/add?q=amina', '/manage/persons/duplicates'])
def test_administrator_sees_every_email(client, people, url):
    html = _page(client, 'admin@example.org', url.format(id=people.id))
    assert 'mine@example.org' in html
    assert 'theirs@example.org' in html
