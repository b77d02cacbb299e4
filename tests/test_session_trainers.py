"""Trainers reach only the training sessions they train (issue 11 item 2).

For every action on one session (its page, roster, attendance, day register, import, check-in link and QR, and
the live runs started for it), GET and POST: trainer X, who trains another session, is refused (403) and nothing
changes; trainer Y, on the session's trainers list, is served; an administrator is served too.
"""
from __future__ import annotations

import pytest
from flask import url_for

from tests.helpers.auth import PASSWORD
from tests.helpers.factories import PersonFactory, SessionFactory, UserFactory
from tests.helpers.world import World, _workshop_objects, url_values
from training.auth.models import Role
from training.extensions import db
from training.workshops import imports
from training.workshops.models import Attendance, TrainingSession

SESSION_ARGUMENTS = ('session_id', 'run_id')


def _session_actions():
    from tests.helpers.app import app_config
    from training import create_app
    app = create_app(app_config())
    out = []
    for rule in app.url_map.iter_rules():
        access = getattr(app.view_functions[rule.endpoint], 'access', None)
        if not isinstance(access, frozenset) or Role.trainer not in access:
            continue
        if not any(arg in rule.arguments for arg in SESSION_ARGUMENTS):
            continue
        out.extend((rule.endpoint, method) for method in sorted(rule.methods & {'GET', 'POST'}))
    return out


ACTIONS = _session_actions()


@pytest.fixture
def setting(app):
    users = UserFactory()
    trainer_x = users(email='trainer-x@example.org', roles=(Role.trainer,))
    trainer_y = users(email='trainer-y@example.org', roles=(Role.trainer,))
    admin = users(email='admin@example.org', roles=(Role.admin,))
    sessions = SessionFactory()
    sessions(code='X-OWN', trainers=[trainer_x])  # trainer X trains a session of their own
    objects = _workshop_objects('Y', trainer_y, sessions, PersonFactory(), users)
    stash = imports.stash_import(db.session.get(TrainingSession, objects['session_id']), 'walk.csv',
                                 b'Full name,Country\nWalk Import,Atlantis\n', by=trainer_y)
    db.session.commit()
    objects['import_token'] = stash.token  # a sheet trainer Y previewed (its rejected rows can be downloaded)
    return app, World(owner_email=trainer_y.email, values=objects, spare=objects), {
        'x': trainer_x.email, 'y': trainer_y.email, 'admin': admin.email}


def _open(app, world, email, endpoint, method):
    client = app.test_client()
    response = client.post('/login', data={'email': email, 'password': PASSWORD})
    assert response.status_code == 302
    with app.test_request_context():
        url = url_for(endpoint, **url_values(app, endpoint, method, world))
    return url, client.open(url, method=method)


def test_the_actions_are_found():
    endpoints = {endpoint for endpoint, _method in ACTIONS}
    assert {'workshops.view_session', 'workshops.day_register', 'workshops.import_sheet',
            'workshops.manage_check_in', 'workshops.edit_attendance', 'scenarios.live_dashboard'} <= endpoints
    assert len(ACTIONS) >= 22


@pytest.mark.parametrize(('endpoint', 'method'), ACTIONS, ids=[f'{m} {e}' for e, m in ACTIONS])
def test_trainer_of_another_session_is_refused(setting, endpoint, method):
    app, world, emails = setting
    roster_before = app.extensions['sqlalchemy'].session.query(Attendance).count()
    url, response = _open(app, world, emails['x'], endpoint, method)
    assert response.status_code == 403, f'trainer X not refused at {method} {url} ({response.status_code})'
    assert app.extensions['sqlalchemy'].session.query(Attendance).count() == roster_before


@pytest.mark.parametrize('who', ['y', 'admin'])
@pytest.mark.parametrize(('endpoint', 'method'), ACTIONS, ids=[f'{m} {e}' for e, m in ACTIONS])
def test_trainer_of_the_session_and_administrators_are_served(setting, endpoint, method, who):
    app, world, emails = setting
    url, response = _open(app, world, emails[who], endpoint, method)
    allowed = (200, 302) if method == 'GET' else (200, 302, 400, 422)
    if who == 'admin' and endpoint == 'workshops.import_rejected':
        allowed = (404,)  # a previewed sheet is its uploader's (trainer Y's) alone
    assert response.status_code in allowed, f'{who} at {method} {url} answered {response.status_code}'


def test_trainer_of_the_session_records_a_day_and_trainer_x_cannot(setting):
    app, world, emails = setting
    attendance_id = world.values['attendance_id']
    url = f'/manage/sessions/{world.values["session_id"]}/days/{world.values["day"]}'
    client_x, client_y = app.test_client(), app.test_client()
    client_x.post('/login', data={'email': emails['x'], 'password': PASSWORD})
    client_y.post('/login', data={'email': emails['y'], 'password': PASSWORD})
    assert client_x.post(url, data={'present': [str(attendance_id)]}).status_code == 403
    response = client_y.post(url, data={'present': [str(attendance_id)]})
    assert response.status_code == 302


def _client(app, email):
    client = app.test_client()
    assert client.post('/login', data={'email': email, 'password': PASSWORD}).status_code == 302
    return client


def test_a_person_of_another_trainers_session_is_out_of_reach(setting):
    """Trainer X opened and changed any person's page, and merged any two persons: now only the persons on the
    rosters of the sessions X trains. Administrators reach all; programme staff read."""
    from training.workshops.models import Person
    app, world, emails = setting
    person_id = world.values['person_id']
    url = f'/manage/persons/{person_id}'
    change = {'full_name': 'Renamed', 'sex': 'female', 'country': 'KE'}
    x = _client(app, emails['x'])
    assert x.get(url).status_code == 403
    assert x.post(url, data=change).status_code == 403
    other = PersonFactory()(full_name='Walk Person Y twin')
    assert x.post('/manage/persons/merge', data={'keep': str(person_id), 'merge': str(other.id)}).status_code == 403
    assert 'Walk Person Y' not in x.get('/manage/persons/duplicates').get_data(as_text=True)
    assert _client(app, emails['y']).get(url).status_code == 200
    assert _client(app, emails['admin']).get(url).status_code == 200
    staff = UserFactory()(email='staff@example.org', roles=(Role.staff,))
    staff_client = _client(app, staff.email)
    assert staff_client.get(url).status_code == 200
    assert staff_client.post(url, data=change).status_code == 403
    db.session.expire_all()
    assert db.session.get(Person, person_id).full_name == 'Walk Person Y'
    assert db.session.get(Person, other.id) is not None
