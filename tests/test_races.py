"""Requests at the same moment: each "only once" rule holds and nobody gets a 500 (issue 11 item 10).

Each test sends 2 or 5 requests from separate browsers through the app at once (threads released by a barrier) on
a database every thread shares: a SQLite file, or PostgreSQL with TRAINING_TEST_DATABASE_URL. To make the race
certain rather than lucky, the step between a rule's check and its write is slowed down (``_slow``): without a lock
or a unique constraint behind the rule, every request passes the check before any writes.
"""
from __future__ import annotations

import threading
import time
from datetime import date

import pytest
import sqlalchemy as sa

from tests.helpers.app import IS_SQLITE, TEST_DATABASE_URL
from tests.helpers.auth import PASSWORD
from tests.helpers.courses import COURSE, correct_answers, form_data
from tests.helpers.scenarios import stage_data
from training import codes
from training.auth import services as auth_services
from training.auth.models import Role, User
from training.content import registry
from training.courses import scoring
from training.courses.models import QuizAttempt
from training.extensions import db
from training.scenarios import engine, live
from training.scenarios.models import LiveTeam, StageSubmission
from training.workshops import checkin
from training.workshops import services as workshop_services
from training.workshops.models import AttendanceDay

SLOW = 0.3  # seconds between a rule's check and its write


@pytest.fixture
def race_app(make_app, tmp_path):
    url = f'sqlite:///{tmp_path / "race.sqlite"}' if IS_SQLITE else TEST_DATABASE_URL
    return make_app(SQLALCHEMY_DATABASE_URI=url)


def _slow(monkeypatch, owner, name, *, after=False):
    """``owner.name`` takes SLOW seconds longer (before it runs, or ``after``: once it has looked)."""
    original = getattr(owner, name)

    def slowly(*args, **kwargs):
        if not after:
            time.sleep(SLOW)
        result = original(*args, **kwargs)
        if after:
            time.sleep(SLOW)
        return result

    monkeypatch.setattr(owner, name, slowly)


def _at_once(requests) -> list:
    """Run the callables at the same moment; their status codes (or the exception a request raised)."""
    barrier = threading.Barrier(len(requests))
    results: list = [None] * len(requests)

    def run(i, request):
        barrier.wait(timeout=30)
        try:
            results[i] = request().status_code
        except Exception as exc:  # noqa: BLE001 - an exception is a 500 in production: reported by the test
            results[i] = repr(exc)[:300]

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _no_5xx(results):
    assert all(isinstance(r, int) and r < 500 for r in results), results


def _browsers(app, n, email=None):
    """``n`` browsers, signed in as ``email`` (each its own sign-in) or anonymous."""
    out = []
    for _ in range(n):
        browser = app.test_client()
        if email:
            assert browser.post('/login', data={'email': email, 'password': PASSWORD}).status_code == 302
        out.append(browser)
    return out


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


@pytest.mark.parametrize('n', [2, 5])
def test_simultaneous_sign_ups_of_one_address_make_one_account(race_app, monkeypatch, n):
    _slow(monkeypatch, auth_services, 'hash_password')
    data = {'name': 'Awa Ndiaye', 'email': 'awa@example.org', 'password': 'long enough pw',
            'confirm': 'long enough pw', 'preferred_language': 'fr'}
    results = _at_once([lambda b=b: b.post('/register', data=data) for b in _browsers(race_app, n)])
    _no_5xx(results)
    assert results == [302] * n  # the same answer to every one of them
    assert _count(race_app, User, User.email == 'awa@example.org') == 1


def _live_run(app, teams: int = 0):
    with app.app_context():
        trainer = auth_services.create_user(email='t@example.org', name='T', password=PASSWORD, roles=(Role.trainer,))
        session = workshop_services.create_session(code='RACE', title='Race', country='KE',
                                                   start_date=date(2010, 3, 1), end_date=date(2010, 3, 1),
                                                   trainers=[trainer])
        run = live.start_live_run(session, registry().scenario('transition-in-marenia'), by=trainer)
        for i in range(teams):
            live.create_team(run, f'Team {i}')
        db.session.commit()
        return run.id, run.code


@pytest.mark.parametrize('n', [2, 5])
def test_teams_joining_under_one_name_make_one_team(race_app, monkeypatch, n):
    run_id, code = _live_run(race_app)
    _slow(monkeypatch, codes.CodeKind, 'unique_in')
    results = _at_once([lambda b=b: b.post('/live', data={'code': code, 'team_name': 'Lions'})
                        for b in _browsers(race_app, n)])
    _no_5xx(results)
    assert results.count(302) == 1
    assert _count(race_app, LiveTeam, LiveTeam.run_id == run_id) == 1


def test_the_team_cap_holds_when_the_last_places_are_taken_at_once(race_app, monkeypatch):
    run_id, code = _live_run(race_app, teams=live.MAX_TEAMS - 1)
    _slow(monkeypatch, codes.CodeKind, 'unique_in')
    browsers = _browsers(race_app, 5)
    results = _at_once([lambda b=b, i=i: b.post('/live', data={'code': code, 'team_name': f'Late {i}'})
                        for i, b in enumerate(browsers)])
    _no_5xx(results)
    assert results.count(302) == 1
    assert _count(race_app, LiveTeam, LiveTeam.run_id == run_id) == live.MAX_TEAMS


@pytest.mark.parametrize('n', [2, 5])
def test_a_double_tap_on_check_in_marks_the_day_once(race_app, monkeypatch, n):
    with race_app.app_context():
        session = workshop_services.create_session(code='RACE', title='Race', country='KE',
                                                   start_date=date(2010, 3, 1), end_date=date(2010, 3, 1))
        person = workshop_services.create_person(full_name='Amina Diallo', country='KE')
        attendance = workshop_services.add_to_roster(session, person)
        window = checkin.open_check_in(session, date(2010, 3, 1), minutes=60, by=None)
        db.session.commit()
        token, attendance_id = window.token, attendance.id
    original = workshop_services.AttendanceDay
    monkeypatch.setattr(workshop_services, 'AttendanceDay',
                        lambda **kw: (time.sleep(SLOW), original(**kw))[1])
    results = _at_once([lambda b=b: b.post(f'/check-in/{token}/me', data={'attendance_id': attendance_id})
                        for b in _browsers(race_app, n)])
    _no_5xx(results)
    assert _count(race_app, AttendanceDay, AttendanceDay.attendance_id == attendance_id) == 1


def _trainee(app, email='learner@example.org'):
    with app.app_context():
        auth_services.create_user(email=email, name='Learner', password=PASSWORD)
        db.session.commit()
    return email


@pytest.mark.parametrize('n', [2, 5])
def test_a_double_submitted_stage_is_recorded_once(race_app, monkeypatch, n):
    email = _trainee(race_app)
    browsers = _browsers(race_app, n, email)
    play = browsers[0].post('/exercises/transition-in-marenia/start').headers['Location']
    browsers[0].get(play)  # the stage on screen
    with race_app.app_context():
        scenario = registry().scenario('transition-in-marenia')
        data = stage_data(scenario.stage(scenario.start))
    _slow(monkeypatch, engine, 'score_stage')
    results = _at_once([lambda b=b: b.post(play, data=data) for b in browsers])
    _no_5xx(results)
    assert _count(race_app, StageSubmission) == 1


@pytest.mark.parametrize('n', [2, 5])
def test_a_pre_test_submitted_at_once_is_taken_once(race_app, monkeypatch, n):
    email = _trainee(race_app)
    browsers = _browsers(race_app, n, email)
    with race_app.app_context():
        course = registry().course(COURSE)
    assert browsers[0].post(f'/courses/{COURSE}/enrol').status_code == 302
    url = f'/courses/{COURSE}/quizzes/{course.pre_test_id}'
    assert browsers[0].get(url).status_code == 200  # the form on screen
    data = form_data(correct_answers(course.pre_test))
    _slow(monkeypatch, scoring, 'score_quiz')
    results = _at_once([lambda b=b: b.post(url, data=data) for b in browsers])
    _no_5xx(results)
    assert _count(race_app, QuizAttempt, QuizAttempt.quiz_id == course.pre_test_id) == 1


@pytest.mark.parametrize('n', [2, 5])
def test_a_double_click_on_start_begins_one_attempt(race_app, monkeypatch, n):
    from training.scenarios import attempts
    from training.scenarios.models import ScenarioAttempt
    email = _trainee(race_app)
    browsers = _browsers(race_app, n, email)
    _slow(monkeypatch, attempts, 'active_attempt', after=True)
    results = _at_once([lambda b=b: b.post('/exercises/transition-in-marenia/start') for b in browsers])
    _no_5xx(results)
    assert _count(race_app, ScenarioAttempt) == 1
