"""Self check-in: opening, codes, finding yourself, walk-ins, closing and expiry."""
from __future__ import annotations

import re
from datetime import date, timedelta

import sqlalchemy as sa

from training.auth.models import Role
from training.workshops import checkin, services
from training.workshops.models import Attendance, CheckInWindow, Person, Sex, WalkIn


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


def _walk_in(client, window, **fields):
    data = {'full_name': 'Walk In', 'sex': 'male', 'country': 'KE', 'email': '', 'organisation_type': '', **fields}
    return client.post(f'/check-in/{window.token}/walk-in', data=data)


def _counts(db):
    return (db.session.scalar(sa.select(sa.func.count(Person.id))),
            db.session.scalar(sa.select(sa.func.count(Attendance.id))))


def test_a_walk_in_echoes_nothing_on_record_and_writes_nothing_to_the_roster(client, auth, db, create_session,
                                                                             create_person):
    """Issue 11 item 4: typing someone's email into the walk-in form showed the full name on record, and put that
    person on the roster, present. Now the page shows back only what was typed and waits for the trainer."""
    auth.login_as(Role.trainer)
    session = create_session()
    create_person(full_name='Known Person', email='known@example.org', country='UG', organisation='Secret Unit')
    window = _open(client, db, session)
    auth.logout()
    before = _counts(db)
    html = _walk_in(client, window, full_name='Typed Name', email='KNOWN@example.org').get_data(as_text=True)
    assert 'You are registered' in html and 'Typed Name' in html
    assert 'Known Person' not in html and 'Secret Unit' not in html
    assert _counts(db) == before  # nobody created, nobody on the roster
    assert _walk_in(client, window, full_name='').status_code == 400


def test_the_trainer_confirms_walk_ins_as_the_person_on_record_or_a_new_one_or_dismisses_them(
        client, auth, db, create_session, create_person):
    auth.login_as(Role.trainer)
    session = create_session()
    known = create_person(full_name='Known Person', email='known@example.org', country='UG')
    window = _open(client, db, session)
    for name, email in (('K. Person', 'known@example.org'), ('Brand New', ''), ('Prank Name', '')):
        _walk_in(client, window, full_name=name, email=email)
    walk_ins = db.session.scalars(sa.select(WalkIn).order_by(WalkIn.id)).all()
    page = client.get(f'/manage/sessions/{session.id}/check-in').get_data(as_text=True)
    assert '3 walk-ins to confirm' in page and 'Known Person' in page and 'Brand New' in page
    url = f'/manage/sessions/{session.id}/walk-ins/'
    assert client.post(url + str(walk_ins[0].id), data={f'w{walk_ins[0].id}-decision': 'match'}).status_code == 302
    assert client.post(url + str(walk_ins[1].id), data={f'w{walk_ins[1].id}-decision': 'match'}).status_code == 400
    client.post(url + str(walk_ins[1].id), data={f'w{walk_ins[1].id}-decision': 'new'})
    client.post(url + str(walk_ins[2].id), data={f'w{walk_ins[2].id}-decision': 'dismiss'})
    # a second click on a decided walk-in finds nothing
    assert client.post(url + str(walk_ins[0].id), data={f'w{walk_ins[0].id}-decision': 'match'}).status_code == 404
    db.session.expire_all()
    roster = {a.person.full_name: a for a in db.session.scalars(sa.select(Attendance))}
    assert set(roster) == {'Known Person', 'Brand New'}
    assert roster['Known Person'].person_id == known.id and roster['Known Person'].days_attended == 1
    assert roster['Brand New'].day_marks[0].day == window.day
    assert db.session.scalar(sa.select(sa.func.count(WalkIn.id))) == 0


def test_only_the_sessions_trainers_decide_its_walk_ins(client, auth, db, create_session, create_user):
    other = create_user(email='other-trainer@example.org', roles=(Role.trainer,))
    session = create_session(trainers=[other])
    window = checkin.open_check_in(session, session.start_date, minutes=60, by=other)
    walk_in = checkin.record_walk_in(window, full_name='Someone', sex=Sex.female, country='KE')
    db.session.commit()
    auth.login_as(Role.trainer)
    url = f'/manage/sessions/{session.id}/walk-ins/{walk_in.id}'
    assert client.post(url, data={f'w{walk_in.id}-decision': 'new'}).status_code == 403


def test_the_name_search_needs_three_letters_and_lists_only_this_roster_without_organisations(
        client, auth, db, create_session, create_person):
    auth.login_as(Role.trainer)
    session = create_session()
    services.add_to_roster(session, create_person(full_name='Ana Li', organisation='Ministry X'))
    create_person(full_name='Ana Other', organisation='Elsewhere')  # on record, not on this roster
    db.session.commit()
    window = _open(client, db, session)
    auth.logout()
    assert 'Ana Li' not in client.get(f'/check-in/{window.token}?q=an').get_data(as_text=True)
    html = client.get(f'/check-in/{window.token}?q=ana').get_data(as_text=True)
    assert 'Ana Li' in html and 'Ana Other' not in html
    assert 'Ministry X' not in html and 'Elsewhere' not in html


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
