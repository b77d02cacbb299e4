"""The session's venue page at the centre (package, import, conflicts), at the venue (export), and direct sync."""
from __future__ import annotations

import base64
import io

import sqlalchemy as sa

from tests.helpers.auth import PASSWORD
from tests.sync.helpers import inside, invoke, workshop
from tests.sync.venue_world import run_the_workshop
from training.auth.models import Role
from training.extensions import db
from training.sync.models import ConflictStatus, SyncConflict, SyncImport
from training.workshops.models import Person


def _venue(client, make_app, tmp_path, session):
    response = client.post(f'/manage/sessions/{session.id}/venue/package')
    assert response.status_code == 200
    assert response.headers['Content-Disposition'] == 'attachment; filename="KE-01.trainingpkg"'
    package = tmp_path / 'KE-01.trainingpkg'
    package.write_bytes(response.data)
    venue = make_app(SQLALCHEMY_DATABASE_URI=f'sqlite:///{tmp_path / "venue"}.sqlite')
    assert invoke(venue, 'venue', 'init', str(package)).exit_code == 0
    with inside(venue):
        made = run_the_workshop()
    return venue, made


def _venue_export(venue):
    browser = venue.test_client()
    assert browser.post('/login', data={'email': 'trainer@example.org', 'password': PASSWORD}).status_code == 302
    with inside(venue):
        from training.workshops.models import TrainingSession
        session_id = db.session.scalar(sa.select(TrainingSession.id))
    page = browser.get(f'/manage/sessions/{session_id}/venue').get_data(as_text=True)
    assert 'This laptop is the venue server' in page
    response = browser.post(f'/manage/sessions/{session_id}/venue/export')
    assert response.status_code == 200 and response.headers['Content-Disposition'].endswith('.sync"')
    return response.data


def test_the_trainer_packages_imports_and_decides_a_conflict_on_the_sessions_venue_page(
        app, client, make_app, tmp_path, create_user, create_session, create_person):
    _trainer, session, _roster = workshop(create_user, create_session, create_person)
    assert client.post('/login', data={'email': 'trainer@example.org', 'password': PASSWORD}).status_code == 302
    assert 'Venue laptop and sync' in client.get(f'/manage/sessions/{session.id}').get_data(as_text=True)
    venue, made = _venue(client, make_app, tmp_path, session)
    person = db.session.scalar(sa.select(Person).where(Person.uid == made['changed']))
    person.organisation = 'Central Org'
    db.session.commit()
    blob = _venue_export(venue)

    response = client.post(f'/manage/sessions/{session.id}/venue/sync',
                           data={'sync_file': (io.BytesIO(blob), 'KE-01.sync')}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert 'Sync file imported' in page and '1 conflicts to decide' in page
    assert 'Central Org' in page and 'Venue Org' in page
    conflict = db.session.scalar(sa.select(SyncConflict))
    response = client.post(f'/manage/sessions/{session.id}/venue/conflicts',
                           data={'conflict_id': conflict.id, 'choice': 'take'}, follow_redirects=True)
    assert 'The venue value was taken.' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Person, person.id).organisation == 'Venue Org'
    assert db.session.get(SyncConflict, conflict.id).status == ConflictStatus.took_venue

    again = client.post(f'/manage/sessions/{session.id}/venue/sync',
                        data={'sync_file': (io.BytesIO(blob), 'KE-01.sync')}, follow_redirects=True)
    assert '0 created, 0 updated' in again.get_data(as_text=True)


def test_another_trainer_cannot_reach_the_sessions_venue_page(app, client, create_user, create_session,
                                                              create_person):
    _trainer, session, _roster = workshop(create_user, create_session, create_person)
    create_user(email='other@example.org', roles=(Role.trainer,))
    client.post('/login', data={'email': 'other@example.org', 'password': PASSWORD})
    assert client.get(f'/manage/sessions/{session.id}/venue').status_code == 403
    assert client.post(f'/manage/sessions/{session.id}/venue/package').status_code == 403


def _basic(email, password):
    return {'Authorization': 'Basic ' + base64.b64encode(f'{email}:{password}'.encode()).decode()}


def test_direct_sync_takes_the_file_from_the_sessions_trainer_only(
        app, client, make_app, tmp_path, create_user, create_session, create_person):
    _trainer, session, _roster = workshop(create_user, create_session, create_person)
    create_user(email='other@example.org', roles=(Role.trainer,))
    client.post('/login', data={'email': 'trainer@example.org', 'password': PASSWORD})
    venue, _made = _venue(client, make_app, tmp_path, session)
    blob = _venue_export(venue)
    api = app.test_client()

    assert api.post('/api/venue-sync', data=b'').status_code == 400
    assert api.post('/api/venue-sync', data=blob, headers=_basic('trainer@example.org', 'wrong')).status_code == 401
    refused = api.post('/api/venue-sync', data=blob, headers=_basic('other@example.org', PASSWORD))
    assert refused.status_code == 403
    forged = api.post('/api/venue-sync', data=blob[:-40] + b'x' * 40, headers=_basic('trainer@example.org', PASSWORD))
    assert forged.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SyncImport)) == 0

    ok = api.post('/api/venue-sync', data=blob, headers=_basic('trainer@example.org', PASSWORD))
    assert ok.status_code == 200, ok.get_data(as_text=True)
    assert ok.json['created'] > 0 and ok.json['conflicts'] == []
    again = api.post('/api/venue-sync', data=blob, headers=_basic('trainer@example.org', PASSWORD))
    assert again.json['created'] == again.json['updated'] == 0
