"""Workshops commands: ``flask attendance import`` (dry run, all or nothing, again) and ``flask sessions list``."""
from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa

from tests.helpers.sheets import GOOD_ROWS, HEADER, sheet_bytes
from training.workshops.models import Attendance, Person


def _count(db, model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_cli_import_dry_run_then_real_then_again(runner, db, create_session, tmp_path):
    create_session(code='2010-KE-01')
    path = tmp_path / 'sheet.csv'
    path.write_bytes(sheet_bytes([HEADER, *GOOD_ROWS]))
    args = ['attendance', 'import', str(path), '--session', '2010-KE-01', '--format', 'json']
    result = runner.invoke(args=[*args, '--dry-run'])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data['rows'], data['created'], data['matched'], data['rejected']) == (4, 4, 0, [])
    assert _count(db, Person) == 0
    data = json.loads(runner.invoke(args=args).output)
    assert (data['created'], data['matched'], data['written']) == (4, 0, True)
    data = json.loads(runner.invoke(args=args).output)
    assert (data['created'], data['matched']) == (0, 4)
    assert _count(db, Person) == 4
    persons = db.session.scalars(sa.select(Person).order_by(Person.id)).all()
    assert [(p.full_name, p.sex.name, p.country, p.email) for p in persons] == [
        ('Amina Diallo', 'female', 'SN', 'amina@example.org'), ('Peter Otieno', 'male', 'KE', None),
        ('Éloïse Mukamana', 'female', 'RW', 'eloise@example.org'), ("Koffi Yao", 'male', 'CI', None)]
    attendances = db.session.scalars(sa.select(Attendance).order_by(Attendance.person_id)).all()
    assert [(a.person_id, a.session.code, a.role.name) for a in attendances] == [
        (p.id, '2010-KE-01', 'participant') for p in persons]  # once each, though imported twice


def test_cli_import_bad_row(runner, db, create_session, tmp_path):
    create_session(code='2010-KE-02')
    path = tmp_path / 'sheet.csv'
    path.write_bytes(sheet_bytes([HEADER, GOOD_ROWS[0], ['', 'F', '', '', 'KE', ''], ['X', 'zz', '', '', 'KE', '']]))
    result = runner.invoke(args=['attendance', 'import', str(path), '--session', '2010-KE-02', '--format', 'json'])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data['rows'] == 3 and data['created'] == 0 and data['written'] is False
    assert [r['row'] for r in data['rejected']] == [3, 4]
    assert data['rejected'][0]['reason'].startswith('Full name:')
    assert data['rejected'][1]['reason'].startswith('Sex:')
    assert _count(db, Person) == 0


def test_cli_unknown_session(runner, tmp_path):
    path = tmp_path / 'sheet.csv'
    path.write_bytes(b'Name\nA\n')
    result = runner.invoke(args=['attendance', 'import', str(path), '--session', 'NOPE'])
    assert result.exit_code != 0 and 'NOPE' in result.output


def test_cli_sessions_list(runner, create_session):
    create_session(code='A-1', start_date=date(2009, 5, 1))
    create_session(code='A-2', start_date=date(2012, 5, 1))
    result = runner.invoke(args=['sessions', 'list', '--from', '2009-01-01', '--to', '2011-12-31', '--format',
                                 'json'])
    data = json.loads(result.output)
    assert [d['code'] for d in data] == ['A-1']
    assert set(data[0]) >= {'code', 'title', 'country', 'start_date', 'end_date', 'status', 'participants'}
