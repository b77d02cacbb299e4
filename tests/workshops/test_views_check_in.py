"""Self check-in: opening, codes, finding yourself, walk-ins, closing and expiry."""
from __future__ import annotations

import re
from datetime import date, timedelta

import sqlalchemy as sa

from training.auth.models import Role
from training.workshops import checkin, services
from training.workshops.models import Attendance, CheckInWindow, Person


def _open(client, db, session, day='2010-03-01'):
    client.post(f'/manage/sessions/{session.id}/check-in', data={'day': day, 'minutes': '60'})
    return db.session.scalar(sa.select(CheckInWindow).where(CheckInWindow.closed_at.is_(None)))


def test_trainer_opens_check_in_and_sees_qr_and_code(client, auth, db, create_session):
    auth.login_as(Role.trainer)
    session = create_session(start_date=date(2010, 3, 1), end_date=date(2010, 3, 2))
    window = _open(client, db, session)
    assert window is not None and re.fullmatch(r'[A-Z0-9]{6}', window.code)
    html = client.get(f'/manage/sessions/{session.id}/check-in').get_data(as_text=True)
    assert window.code in html and '<svg' in html


def test_participant_finds_self_by_code(client, auth, db, create_session, create_person):
    auth.login_as(Role.trainer)
    session = create_session(start_date=date(2010, 3, 1), end_date=date(2010, 3, 2))
    attendance = services.add_to_roster(session, create_person(full_name='Grace Mwangi'))
    db.session.commit()
    window = _open(client, db, session, '2010-03-02')
    auth.logout()
    response = client.post('/check-in', data={'code': window.code.lower()[:3] + ' ' + window.code.lower()[3:]})
    assert response.status_code == 302 and window.token in response.headers['Location']
    html = client.get(f'/check-in/{window.token}?q=grace').get_data(as_text=True)
    assert 'Grace Mwangi' in html
    html = client.post(f'/check-in/{window.token}/me', data={'attendance_id': attendance.id}).get_data(as_text=True)
    assert 'You are checked in' in html
    db.session.expire_all()
    a = db.session.get(Attendance, attendance.id)
    assert a.days_attended == 1 and a.day_marks[0].day == date(2010, 3, 2)


def test_walk_in_created_and_matched(client, auth, db, create_session, create_person):
    auth.login_as(Role.trainer)
    session = create_session()
    create_person(full_name='Known Person', email='known@example.org', country='UG')
    window = _open(client, db, session)
    auth.logout()
    form = {'full_name': 'Walk In', 'sex': 'male', 'country': 'KE', 'email': '', 'organisation_type': ''}
    assert 'You are checked in' in client.post(f'/check-in/{window.token}/walk-in', data=form).get_data(as_text=True)
    form = {'full_name': 'K. Person', 'sex': 'female', 'country': 'KE', 'email': 'KNOWN@example.org',
            'organisation_type': ''}
    client.post(f'/check-in/{window.token}/walk-in', data=form)
    assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 2
    assert db.session.scalar(sa.select(sa.func.count(Attendance.id))) == 2
    bad = client.post(f'/check-in/{window.token}/walk-in', data={'full_name': '', 'sex': 'female'})
    assert bad.status_code == 400


def test_codes_stop_working_when_closed_or_expired(client, auth, db, create_session):
    auth.login_as(Role.trainer)
    session = create_session()
    window = _open(client, db, session)
    client.post(f'/manage/sessions/{session.id}/check-in/{window.id}/close')
    auth.logout()
    response = client.post('/check-in', data={'code': window.code})
    assert response.status_code == 200 and 'not valid or check-in has closed' in response.get_data(as_text=True)
    assert client.get(f'/check-in/{window.token}').status_code == 404
    db.session.expire_all()
    w2 = checkin.open_check_in(db.session.get(type(session), session.id), date(2010, 3, 1), minutes=5, by=None)
    db.session.commit()
    assert checkin.open_window_by_code(w2.code) is not None
    assert checkin.open_window_by_code(w2.code, now=w2.expires_at + timedelta(seconds=1)) is None


def test_code_guessing_is_rate_limited(make_app):
    app = make_app(CHECK_IN_LIMIT='3 per minute')
    client = app.test_client()
    codes = [client.post('/check-in', data={'code': f'AAAAA{i}'}).status_code for i in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[-1] == 429


def test_cannot_open_outside_session_days(client, auth, db, create_session):
    auth.login_as(Role.trainer)
    session = create_session()
    client.post(f'/manage/sessions/{session.id}/check-in', data={'day': '2011-01-01', 'minutes': '60'})
    assert db.session.scalar(sa.select(sa.func.count(CheckInWindow.id))) == 0


def test_control_characters_refused_with_a_message(client, auth, db, create_session):
    auth.login_as(Role.trainer)
    session = create_session()
    window = _open(client, db, session)
    response = client.post(f'/check-in/{window.token}/walk-in', data={
        'full_name': 'Tab\x0bPasted', 'sex': 'female', 'country': 'KE', 'email': '', 'organisation_type': ''})
    assert response.status_code == 400
    assert 'Remove the invisible control characters' in response.get_data(as_text=True)
    # a NUL byte (no keyboard types one) is refused before any form sees it (training.security)
    response = client.post(f'/check-in/{window.token}/walk-in', data={
        'full_name': 'Nul\x00Byte', 'sex': 'female', 'country': 'KE', 'email': '', 'organisation_type': ''})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 0
