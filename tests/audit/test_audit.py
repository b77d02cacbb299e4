"""The audit log: role and activation changes recorded by the account services, the administrators' page."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from training.audit.models import AuditEvent
from training.audit.services import record
from training.auth.models import Role


def _events(db):
    return db.session.execute(sa.select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.object_id,
                                        AuditEvent.details).order_by(AuditEvent.id)).all()


def test_role_and_activation_changes_are_recorded(app, db, client, auth, create_user):
    admin = auth.login_as(Role.admin)
    user = create_user()
    response = client.post(f'/manage/users/{user.id}', data={'roles': ['trainee', 'trainer'], 'is_active': ''})
    assert response.status_code == 302
    assert _events(db) == [
        ('user.roles_changed', admin.id, user.id, {'before': ['trainee'], 'after': ['trainee', 'trainer']}),
        ('user.deactivated', admin.id, user.id, {}),
    ]
    client.post(f'/manage/users/{user.id}', data={'roles': ['trainee', 'trainer'], 'is_active': 'y'})
    assert _events(db)[-1][0] == 'user.activated' and len(_events(db)) == 3


def test_nothing_recorded_when_nothing_changes_or_the_change_is_refused(app, db, client, auth):
    admin = auth.login_as(Role.admin)
    client.post(f'/manage/users/{admin.id}', data={'roles': ['admin'], 'is_active': 'y'})
    client.post(f'/manage/users/{admin.id}', data={'roles': ['trainee'], 'is_active': 'y'})  # refused
    assert _events(db) == []


def test_details_never_hold_secrets(app, db):
    event = record(None, 'report.exported', None, table='sessions', password='x', reset_token='y',
                   filters={'country': 'KE', 'api_key': 'z'})
    db.session.commit()
    assert event.details == {'table': 'sessions', 'filters': {'country': 'KE'}, 'via': 'cli'}
    with pytest.raises(ValueError):
        record(None, 'made.up', None)


def test_page_is_for_administrators_filtered_paginated_and_escaped(app, db, client, auth, create_user):
    trainer = create_user(roles=(Role.trainer,))
    for i in range(55):
        record(trainer, 'report.exported', None, table=f'<script>alert({i})</script>')
    record(None, 'person.erased', ('persons', 7))
    db.session.commit()
    auth.login(trainer)
    assert client.get('/manage/audit').status_code == 403
    auth.logout()
    auth.login_as(Role.admin)
    page = client.get('/manage/audit').get_data(as_text=True)
    assert '56 events' in page and '<script>alert' not in page and 'Page 1 of 2' in page
    assert 'Command line' in page and '/manage/persons/7/privacy' in page
    page = client.get('/manage/audit?action=person.erased').get_data(as_text=True)
    assert '1 event' in page
    page = client.get(f'/manage/audit?actor={trainer.id}&page=2').get_data(as_text=True)
    assert '55 events' in page and 'Page 2 of 2' in page
    # the site's one paging rule (training.web.paginate): beyond the last page is not found, page 0 is the first
    assert client.get('/manage/audit?page=99').status_code == 404
    assert client.get(f'/manage/audit?page={2**63}').status_code == 404
    assert client.get('/manage/audit?page=0').status_code == 200


@pytest.mark.parametrize('query', ['action=nope', 'actor=abc', 'actor=-1', f'actor={2**63}', 'actor=%00'])
def test_bad_filters_are_400(app, client, auth, query):
    auth.login_as(Role.admin)
    assert client.get(f'/manage/audit?{query}').status_code == 400


def test_merges_imports_and_report_downloads_are_recorded(app, db, client, auth, runner, create_session,
                                                          create_person, tmp_path):
    import io

    from tests.helpers.sheets import GOOD_ROWS, HEADER, sheet_bytes
    from training.workshops.models import PendingImport
    admin = auth.login_as(Role.admin)
    session = create_session()
    keep, dup = create_person(full_name='Amina Diallo'), create_person(full_name='Amina  Dialo')
    keep_id, dup_id = keep.id, dup.id
    client.post('/manage/persons/merge', data={'keep': keep_id, 'merge': dup_id})
    client.post(f'/manage/sessions/{session.id}/import', content_type='multipart/form-data',
                data={'sheet': (io.BytesIO(sheet_bytes([HEADER, *GOOD_ROWS])), 'Amina list.csv')})
    token = db.session.scalar(sa.select(PendingImport.token))
    client.post(f'/manage/sessions/{session.id}/import/confirm', data={'token': token})
    assert client.get('/reports/programme/tables/by_sex.csv?from=2009-01-01&to=2011-12-31').status_code == 200
    assert client.get('/reports/programme/workbook.xlsx').status_code == 200
    other = create_session(code='T-CLI')
    sheet = tmp_path / 'sheet.csv'
    sheet.write_bytes(sheet_bytes([HEADER, *GOOD_ROWS]))
    assert runner.invoke(args=['attendance', 'import', str(sheet), '--session', other.code]).exit_code == 0
    assert runner.invoke(args=['attendance', 'import', str(sheet), '--session', other.code,
                               '--dry-run']).exit_code == 0  # writes nothing, records nothing
    events = _events(db)
    assert [e[:3] for e in events] == [
        ('person.merged', admin.id, keep_id),
        ('session.imported', admin.id, session.id),
        ('report.exported', admin.id, None),
        ('report.exported', admin.id, None),
        ('session.imported', None, other.id),
    ]
    assert events[0][3] == {'merged_person_id': dup_id, 'attendances_moved': 0, 'attendances_combined': 0}
    assert events[1][3] == {'rows': 4, 'created': 4, 'matched': 0}  # no file name: it may hold a name
    assert events[2][3] == {'table': 'by_sex', 'format': 'csv', 'from': '2009-01-01', 'to': '2011-12-31'}
    assert events[4][3]['via'] == 'cli'
