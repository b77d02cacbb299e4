"""Erasing a person or an account: every programme figure unchanged, the name gone from pages, exports and the
database, the erasure audited."""
from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa

from tests.privacy.conftest import EMAIL, NAME
from training.audit.models import AuditEvent
from training.privacy import services
from training.privacy.queries import text_mentions
from training.reports import queries as report_queries
from training.reports.definitions import ReportFilter
from training.workshops.queries import search_persons

SURNAME = 'quartermain'  # also matches the merged twin "Zuleika Quartermain"


def _figures(runner) -> tuple[str, dict]:
    result = runner.invoke(args=['report', 'summary', '--format', 'json'])
    assert result.exit_code == 0, result.output
    report = report_queries.build_report(ReportFilter(), session_limit=None, parallel=False)
    return result.output, {'summary': report.summary, **report.tables}


def _database_text(db) -> str:
    """Every value of every row of every table, as one lower-case text (binary data decoded as latin-1)."""
    parts = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)):
            parts += [v.decode('latin-1') if isinstance(v, bytes) else str(v) for v in row]
    return '\n'.join(parts).lower()


def test_cli_erase_keeps_every_figure_and_removes_the_name_everywhere(app, db, runner, traces):
    before = _figures(runner)
    assert SURNAME in _database_text(db)
    result = runner.invoke(args=['persons', 'erase', str(traces.person.id), '--yes'])
    assert result.exit_code == 0, result.output
    assert 'warning' not in result.output
    db.session.expire_all()
    assert _figures(runner) == before
    text = _database_text(db)
    assert SURNAME not in text and 'zuleika' not in text and EMAIL not in text and 'zq@example.org' not in text
    assert text_mentions([NAME, EMAIL, 'Zuleika Quartermain']) == []
    assert search_persons('Zuleika') == [] and search_persons(EMAIL) == []
    # the anonymous record keeps what the figures count
    person = traces.person
    assert person.full_name == f'Anonymous participant #{person.id}'
    assert (person.sex.name, person.organisation_type.name) == ('female', 'civil_society')
    assert (person.email, person.organisation, person.country) == (None, None, None)
    # the linked account went with it
    user = traces.user
    assert not user.is_active and user.roles == set() and user.email.endswith('@erased.invalid')
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == 'person.erased')).all()
    assert [(e.object_type, e.object_id, e.details['via']) for e in events] == [('persons', person.id, 'cli')]
    assert SURNAME not in json.dumps(events[0].details).lower()


def test_exports_and_pages_no_longer_show_the_name(app, db, client, traces, admin):
    pages = [f'/manage/persons/{traces.person.id}', f'/manage/sessions/{traces.session.id}',
             '/manage/persons/duplicates', '/manage/users', f'/manage/users/{traces.user.id}',
             f'/manage/persons/{traces.person.id}/privacy', f'/manage/users/{traces.user.id}/privacy',
             '/manage/audit', '/certificates/ZZ9Q-ZZ9Q-ZZ9Q', '/reports/programme?from=2009-01-01&to=2012-12-31']
    assert NAME in client.get(pages[0]).get_data(as_text=True)
    response = client.post(f'/manage/persons/{traces.person.id}/privacy/erase', data={'confirm': 'y'})
    assert response.status_code == 302
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert SURNAME not in response.get_data(as_text=True).lower(), url
    exported = client.post(f'/manage/persons/{traces.person.id}/privacy/export')
    assert exported.status_code == 200 and SURNAME not in exported.get_data(as_text=True).lower()
    for table in ('sessions', 'by_sex', 'by_organisation_type'):
        download = client.get(f'/reports/programme/tables/{table}.csv?from=2009-01-01&to=2012-12-31')
        assert download.status_code == 200 and SURNAME not in download.get_data(as_text=True).lower()
    users = client.get('/manage/users?q=Zuleika').get_data(as_text=True)
    assert 'No users match.' in users


def test_erase_from_the_page_needs_the_confirmation_box(app, db, client, traces, admin):
    response = client.post(f'/manage/persons/{traces.person.id}/privacy/erase', data={})
    assert response.status_code == 302
    db.session.expire_all()
    assert traces.person.full_name == NAME
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == 'person.erased')) == 0


def test_user_erase_keeps_learning_records_and_relabels_certificates(app, db, runner, traces):
    result = runner.invoke(args=['users', 'erase', str(traces.user.id), '--yes'])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    data = json.loads(runner.invoke(args=['users', 'export', str(traces.user.id)]).output)
    assert data['account']['name'] == f'Erased account #{traces.user.id}'
    assert len(data['enrolments']) == 1 and len(data['enrolments'][0]['quiz_attempts']) == 1
    assert data['certificates'][0]['holder_name'] == f'Erased account #{traces.user.id}'
    assert data['certificates'][0]['revoked_at'] is None
    assert data['scenario_attempts'][0]['stages'][0]['factors'][0]['justification'] == ''
    assert traces.person.full_name == f'Anonymous participant #{traces.person.id}'
    assert SURNAME not in _database_text(db)


def test_erasure_refuses_an_administrator_and_oneself(app, db, client, create_user, traces, admin):
    from training.auth.models import Role
    other_admin = create_user(roles=(Role.admin,))
    client.post(f'/manage/users/{other_admin.id}/privacy/erase', data={'confirm': 'y'})
    client.post(f'/manage/users/{admin.id}/privacy/erase', data={'confirm': 'y'})
    db.session.expire_all()
    assert other_admin.is_active and admin.is_active
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == 'user.erased')) == 0


def test_leftovers_in_free_text_are_reported(app, db, runner, traces):
    traces.session.notes = f'{NAME} asked for a certificate in French.'
    db.session.commit()
    result = runner.invoke(args=['persons', 'erase', str(traces.person.id), '--yes'])
    assert result.exit_code == 0
    assert 'training_sessions.notes (1 rows)' in result.output


def test_erasing_twice_changes_nothing_more(app, db, traces):
    services.erase_person(traces.person, by=None)
    db.session.commit()
    again = services.erase_person(traces.person, by=None)
    db.session.commit()
    assert again.leftovers == []
    assert traces.person.full_name == f'Anonymous participant #{traces.person.id}'


def test_bad_ids(app, runner, client, admin):
    for ident in ('0', '999999', str(2**31), str(2**63)):
        result = runner.invoke(args=['persons', 'erase', ident, '--yes'])
        assert result.exit_code == 1 and 'no person with id' in result.output
        assert client.get(f'/manage/persons/{ident}/privacy').status_code == 404
        assert client.post(f'/manage/users/{ident}/privacy/erase', data={'confirm': 'y'}).status_code == 404


def test_a_pending_check_in_with_the_persons_address_is_exported_and_erased_with_them(
        db, create_session, create_person, create_user):
    """Someone registered at self check-in (their name not found) and is then erased before a trainer decided: the
    registration, which holds their name and address, goes with them; another walk-in stays."""
    from datetime import date

    from training.workshops import checkin
    from training.workshops.models import Sex, WalkIn
    trainer = create_user(email='walk-trainer@example.org')
    session = create_session(code='WALK-1', start_date=date(2012, 5, 2), end_date=date(2012, 5, 3), trainers=[trainer])
    person = create_person(full_name='Amina Walker', email='amina.walker@example.org')
    window = checkin.open_check_in(session, date(2012, 5, 2), minutes=60, by=trainer,
                                   now=datetime(2012, 5, 2, 8, 0, tzinfo=UTC))
    checkin.record_walk_in(window, full_name='Amina Walker', email='Amina.Walker@example.org', sex=Sex.female)
    checkin.record_walk_in(window, full_name='Someone Else', email='else@example.org', sex=Sex.male)
    db.session.commit()

    exported = services.export_person(person, by=None)
    assert [w['full_name'] for w in exported['pending_check_ins']] == ['Amina Walker']
    result = services.erase_person(person, by=None)
    db.session.commit()
    assert result.counts['pending_check_ins_deleted'] == 1
    assert db.session.scalars(sa.select(WalkIn.full_name)).all() == ['Someone Else']
