"""Sessions past their dates (issue 12, item 7): a session still "planned" after its last day counts in no report, so
the trainer's start page and the sessions list ask whether it was held or cancelled (a small POST form per session,
for its trainers and administrators), and the programme report says how many of its period are not confirmed, with
a link to them, on the page, in its summary download and in ``flask report summary``."""
from __future__ import annotations

import csv
import io
import json
import re
import threading
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.helpers.app import IS_SQLITE
from tests.helpers.forms import form_values
from training.auth.models import Role
from training.errors import TrainingError
from training.workshops import past_sessions
from training.workshops.models import SessionStatus, TrainingSession

TODAY = date.today()
LAST_YEAR = TODAY - timedelta(days=365)


@pytest.fixture(autouse=True)
def _today():
    """Today as each test runs: a suite collected before midnight and run after it compared yesterday's "today"
    (the sessions it made) with the app's, and counted a session ending "today" as past."""
    global TODAY, LAST_YEAR  # noqa: PLW0603 - the module's dates, read by every test
    TODAY = date.today()
    LAST_YEAR = TODAY - timedelta(days=365)


def _status(db, code):
    db.session.expire_all()
    return db.session.scalar(sa.select(TrainingSession.status).where(TrainingSession.code == code))


def _sessions(create_session, trainer, other):
    """Mine past (two), another trainer's past, mine to come, mine held: only the first two ask a question."""
    planned = SessionStatus.planned
    create_session(code='PAST-1', start_date=LAST_YEAR, end_date=LAST_YEAR + timedelta(days=2), status=planned,
                   trainers=[trainer])
    create_session(code='PAST-2', start_date=TODAY - timedelta(days=3), end_date=TODAY - timedelta(days=1),
                   status=planned, trainers=[trainer])
    create_session(code='PAST-OTHER', start_date=LAST_YEAR, status=planned, trainers=[other])
    create_session(code='TODAY-1', start_date=TODAY - timedelta(days=1), end_date=TODAY, status=planned,
                   trainers=[trainer])
    create_session(code='DONE-1', start_date=LAST_YEAR, status=SessionStatus.held, trainers=[trainer])


def _past_codes(html):
    """The sessions whose "Held" button the page shows."""
    return re.findall(r'>Held<span class="visually-hidden"> \(([^)]*)\)</span></button>', html)


def test_start_page_asks_about_my_past_sessions_and_marks_one_held(client, auth, db, create_session, create_user):
    trainer = auth.login_as(Role.trainer)
    _sessions(create_session, trainer, create_user(roles=(Role.trainer,)))
    html = client.get('/').get_data(as_text=True)
    assert 'Your sessions past their dates' in html
    assert _past_codes(html) == ['PAST-1', 'PAST-2']  # oldest first; not another's, not one ending today

    sid = _id(db, 'PAST-1')
    values = form_values(html, f'/manage/sessions/{sid}/outcome')
    response = client.post(f'/manage/sessions/{sid}/outcome', data={**values, f'past-{sid}-held': 'y'})
    assert response.status_code == 302 and response.headers['Location'] == '/'
    assert _status(db, 'PAST-1') == SessionStatus.held
    html = client.get('/').get_data(as_text=True)
    assert 'PAST-1 marked held' in html and _past_codes(html) == ['PAST-2']


def _id(db, code):
    return db.session.scalar(sa.select(TrainingSession.id).where(TrainingSession.code == code))


def test_sessions_list_asks_in_the_row_and_filters_the_past_ones(client, auth, db, create_session, create_user):
    trainer = auth.login_as(Role.trainer)
    _sessions(create_session, trainer, create_user(roles=(Role.trainer,)))
    html = client.get('/manage/sessions').get_data(as_text=True)
    assert '2 sessions are past their dates and still marked planned' in html
    assert _past_codes(html) == ['PAST-2', 'PAST-1']  # in the list's order, newest first
    html = client.get('/manage/sessions?past=1').get_data(as_text=True)
    listed = re.findall(r'<td><a href="/manage/sessions/\d+">([^<]+)</a></td>', html)
    assert sorted(listed) == ['PAST-1', 'PAST-2', 'PAST-OTHER']  # all of them (another's is shown, not asked)
    sid = _id(db, 'PAST-2')
    response = client.post(f'/manage/sessions/{sid}/outcome',
                           data={f'past-{sid}-cancelled': 'y', f'past-{sid}-next': '/manage/sessions?past=1'})
    assert response.headers['Location'] == '/manage/sessions?past=1'
    assert _status(db, 'PAST-2') == SessionStatus.cancelled


def test_staff_see_how_many_but_mark_none(client, auth, db, create_session, create_user):
    trainer = create_user(roles=(Role.trainer,))
    _sessions(create_session, trainer, create_user(roles=(Role.trainer,)))
    auth.login_as(Role.staff)
    html = client.get('/manage/sessions').get_data(as_text=True)
    assert '3 sessions are past their dates' in html and _past_codes(html) == []
    sid = _id(db, 'PAST-1')
    assert client.post(f'/manage/sessions/{sid}/outcome', data={f'past-{sid}-held': 'y'}).status_code == 403
    assert _status(db, 'PAST-1') == SessionStatus.planned


def test_only_the_sessions_trainers_and_administrators_mark_it(client, auth, db, create_session, create_user):
    other = create_user(roles=(Role.trainer,))
    create_session(code='PAST-X', start_date=LAST_YEAR, status=SessionStatus.planned, trainers=[other])
    sid = _id(db, 'PAST-X')
    auth.login_as(Role.trainer)
    assert client.post(f'/manage/sessions/{sid}/outcome', data={f'past-{sid}-held': 'y'}).status_code == 403
    assert client.post('/manage/sessions/99999999999/outcome', data={}).status_code == 404
    auth.logout()
    auth.login_as(Role.admin)
    assert client.post(f'/manage/sessions/{sid}/outcome', data={f'past-{sid}-held': 'y'}).status_code == 302
    assert _status(db, 'PAST-X') == SessionStatus.held


def test_a_session_not_past_or_already_marked_is_left_as_it_is(client, auth, db, create_session):
    trainer = auth.login_as(Role.trainer)
    create_session(code='SOON', start_date=TODAY, end_date=TODAY + timedelta(days=1), status=SessionStatus.planned,
                   trainers=[trainer])
    create_session(code='HELD', start_date=LAST_YEAR, status=SessionStatus.held, trainers=[trainer])
    for code, status in (('SOON', SessionStatus.planned), ('HELD', SessionStatus.held)):
        sid = _id(db, code)
        response = client.post(f'/manage/sessions/{sid}/outcome', data={f'past-{sid}-cancelled': 'y'})
        assert response.status_code == 302 and _status(db, code) == status
        assert 'no longer waiting' in client.get('/manage/sessions').get_data(as_text=True)
    sid = _id(db, 'HELD')
    both = {f'past-{sid}-held': 'y', f'past-{sid}-cancelled': 'y'}
    assert client.post(f'/manage/sessions/{sid}/outcome', data=both).status_code == 400
    assert client.post(f'/manage/sessions/{sid}/outcome', data={}).status_code == 400


def test_the_form_carries_its_csrf_token_and_a_post_without_one_is_refused(csrf_client, make_app):
    from tests.helpers.auth import PASSWORD
    from tests.helpers.factories import SessionFactory, UserFactory
    app = csrf_client.application
    with app.app_context():
        from training.extensions import db
        trainer = UserFactory()(roles=(Role.trainer,), email='t@example.org')
        SessionFactory()(code='PAST-C', start_date=LAST_YEAR, status=SessionStatus.planned, trainers=[trainer])
        sid = _id(db, 'PAST-C')
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', csrf_client.get('/login').get_data(
        as_text=True))[1]
    csrf_client.post('/login', data={'csrf_token': token, 'email': 't@example.org', 'password': PASSWORD})
    assert csrf_client.post(f'/manage/sessions/{sid}/outcome', data={f'past-{sid}-held': 'y'}).status_code == 400
    values = form_values(csrf_client.get('/').get_data(as_text=True), f'/manage/sessions/{sid}/outcome')
    assert f'past-{sid}-csrf_token' in values
    response = csrf_client.post(f'/manage/sessions/{sid}/outcome', data={**values, f'past-{sid}-held': 'y'})
    assert response.status_code == 302
    with app.app_context():
        assert _status(db, 'PAST-C') == SessionStatus.held


def _report_sessions(create_session):
    create_session(code='R-2009-A', start_date=date(2009, 5, 1), status=SessionStatus.planned, country='KE')
    create_session(code='R-2009-B', start_date=date(2009, 6, 1), status=SessionStatus.planned, country='UG')
    create_session(code='R-2011', start_date=date(2011, 6, 1), status=SessionStatus.planned, country='KE')
    create_session(code='R-HELD', start_date=date(2009, 7, 1), status=SessionStatus.held, country='KE')


def test_report_says_how_many_of_its_period_are_not_confirmed_with_a_link_to_them(client, auth, db,
                                                                                   create_session):
    _report_sessions(create_session)
    auth.login_as(Role.staff)
    html = client.get('/reports/programme?from=2009-01-01&to=2009-12-31').get_data(as_text=True)
    assert '2 sessions past their dates are not confirmed' in html
    link = re.search(r'<a href="([^"]+)">2 sessions past their dates', html)[1].replace('&amp;', '&')
    listed = re.findall(r'<td><a href="/manage/sessions/\d+">([^<]+)</a></td>', client.get(link).get_data(
        as_text=True))
    assert sorted(listed) == ['R-2009-A', 'R-2009-B']
    html = client.get('/reports/programme?from=2009-01-01&to=2009-12-31&country=KE').get_data(as_text=True)
    assert '1 session past its dates is not confirmed' in html
    html = client.get('/reports/programme?from=2009-01-01&to=2011-12-31').get_data(as_text=True)
    assert '3 sessions past their dates are not confirmed' in html
    html = client.get('/reports/programme?from=2010-01-01&to=2010-12-31').get_data(as_text=True)
    assert 'past their dates' not in html and 'past its dates' not in html


def test_report_summary_download_and_command_count_them(client, auth, runner, db, create_session):
    _report_sessions(create_session)
    auth.login_as(Role.staff)
    text = client.get('/reports/programme/tables/summary.csv?from=2009-01-01&to=2009-12-31').get_data(as_text=True)
    rows = {r[0]: r[1] for r in csv.reader(io.StringIO(text.lstrip('\ufeff')), delimiter=text[text.index(
        'Measure') + len('Measure')])}
    assert rows['Sessions past their dates not confirmed'] == '2'
    data = json.loads(runner.invoke(args=['report', 'summary', '--from', '2009-01-01', '--to', '2009-12-31',
                                          '--format', 'json']).output)
    assert data['past_unconfirmed'] == 2 and data['sessions'] == 1
    out = runner.invoke(args=['report', 'summary', '--from', '2009-01-01', '--to', '2009-12-31']).output
    assert '2 sessions past their dates are not confirmed' in out


def test_the_first_answer_stands(db, create_session):
    session = create_session(code='TWICE', start_date=LAST_YEAR, status=SessionStatus.planned)
    past_sessions.confirm(session, SessionStatus.held)
    db.session.commit()
    with pytest.raises(TrainingError):
        past_sessions.confirm(session, SessionStatus.cancelled)
    db.session.rollback()
    assert _status(db, 'TWICE') == SessionStatus.held


@pytest.mark.parametrize('n', [2, 4])
def test_trainers_answering_at_once_one_answer_is_kept(make_app, tmp_path, n):
    from tests.helpers.app import TEST_DATABASE_URL
    from training.extensions import db
    from training.workshops import services
    url = f'sqlite:///{tmp_path / "past.sqlite"}' if IS_SQLITE else TEST_DATABASE_URL
    app = make_app(SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        session_id = services.create_session(code='RACE-PAST', title='Race', country='KE', start_date=LAST_YEAR,
                                             end_date=LAST_YEAR, status=SessionStatus.planned).id
        db.session.commit()
    barrier = threading.Barrier(n)
    outcomes: list[str] = []
    answers = [SessionStatus.held, SessionStatus.cancelled] * n

    def answer(status):
        with app.app_context():
            session = db.session.get(TrainingSession, session_id)
            barrier.wait(timeout=30)
            try:
                past_sessions.confirm(session, status)
                db.session.commit()
                outcomes.append(status.name)
            except (TrainingError, sa.exc.OperationalError):  # SQLite: "database is locked" for a loser
                db.session.rollback()
                outcomes.append('refused')

    threads = [threading.Thread(target=answer, args=(answers[i],)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    kept = [o for o in outcomes if o != 'refused']
    assert len(outcomes) == n and len(kept) == 1
    with app.app_context():
        assert db.session.get(TrainingSession, session_id).status.name == kept[0]
