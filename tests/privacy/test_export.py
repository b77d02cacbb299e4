"""Exports of everything held about a person or an account (command and page), audited, without secrets."""
from __future__ import annotations

import json

import sqlalchemy as sa

from tests.privacy.conftest import EMAIL, NAME
from training.audit.models import AuditEvent


def test_person_export_holds_everything(app, db, runner, traces):
    result = runner.invoke(args=['persons', 'export', str(traces.person.id), '--format', 'json'])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data['person']['full_name'] == NAME and data['person']['email'] == EMAIL
    attendance, moved = data['attendances']  # the second came with the merged duplicate
    assert (attendance['session']['code'], moved['session']['code']) == ('P1', 'P2')
    assert attendance['days_attended'] == 2
    assert [d['method'] for d in attendance['days']] == ['register', 'self_check_in']
    assert [c['day'] for c in data['check_ins']] == ['2010-02-02']
    assert data['merged_records'][0]['merged_full_name'] == 'Zuleika Quartermain'
    assert data['user_account']['email'] == EMAIL
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action != 'person.merged'))
    assert (event.action, event.object_id, event.details) == ('person.exported', traces.person.id, {'via': 'cli'})


def test_user_export_holds_learning_and_no_secrets(app, db, runner, traces):
    result = runner.invoke(args=['users', 'export', str(traces.user.id)])
    data = json.loads(result.output)
    assert data['account']['roles'] == ['trainee'] and data['person_id'] == traces.person.id
    assert data['enrolments'][0]['quiz_attempts'][0]['answers'] == {'q1': ['a']}
    assert data['certificates'][0]['code'] == 'ZZ9Q-ZZ9Q-ZZ9Q'
    assert data['scenario_attempts'][0]['stages'][0]['factors'][0]['justification'].startswith('As Zuleika')
    assert data['live_teams'][0]['team'] == 'Blue' and data['live_teams'][0]['run_code'] == 'RUN1'
    text = result.output
    assert traces.user.password_hash not in text and 'password_hash' not in text


def test_export_page_is_a_download_for_administrators(app, db, client, traces, admin):
    response = client.post(f'/manage/persons/{traces.person.id}/privacy/export')
    assert response.status_code == 200
    assert response.headers['Content-Disposition'] == f'attachment; filename="person-{traces.person.id}.json"'
    assert json.loads(response.get_data())['person']['full_name'] == NAME
    response = client.post(f'/manage/users/{traces.user.id}/privacy/export')
    assert json.loads(response.get_data())['account']['name'] == NAME
    events = db.session.execute(sa.select(AuditEvent.action, AuditEvent.actor_id).order_by(AuditEvent.id)
                                .where(AuditEvent.action != 'person.merged')).all()
    assert events == [('person.exported', admin.id), ('user.exported', admin.id)]
