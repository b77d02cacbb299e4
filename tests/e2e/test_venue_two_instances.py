"""Issue 17, done when: a centre (gunicorn, PostgreSQL) and a venue laptop (SQLite, started as ``make venue`` starts
it), both real servers on loopback ports. The centre packages a session; at the venue the trainer runs a live run
(a team on a phone, a team on paper), opens check-in (a participant and a walk-in check in) and enters a paper test;
the laptop sends its sync file home over HTTP, and every record is on the centre. The same file again changes
nothing; a forged file and another session's file are refused with a clear message and write nothing."""
from __future__ import annotations

import json
import os
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.e2e import twin
from tests.helpers.app import IS_SQLITE, TEST_DATABASE_URL, app_config
from tests.helpers.courses import COURSE, correct_answers
from tests.helpers.scenarios import stage_data
from tests.sync.helpers import resign
from training import create_app
from training.auth import services as auth_services
from training.auth.models import Role
from training.content.registry import load_content_cached
from training.courses.models import QuizAttempt
from training.extensions import db
from training.paper.models import PaperTestEntry
from training.scenarios.models import LiveRun, LiveTeam, StageSubmission
from training.sync.models import SyncImport
from training.workshops import services
from training.workshops.models import Attendance, AttendanceDay, CheckInMethod, Person, TrainingSession

PG = TEST_DATABASE_URL if not IS_SQLITE else 'postgresql+psycopg://postgres@127.0.0.1:5432/postgres'
PASSWORD = 'correct horse battery'
SCENARIO = 'election-in-tarvania'
START = date.today()
CONTENT = load_content_cached(twin.ROOT)


def _centre_data(url: str) -> None:
    """The centre's records, written straight into its database: a trainer, the session with its roster, and
    another session."""
    app = create_app(app_config(SQLALCHEMY_DATABASE_URI=url))
    with app.app_context():
        trainer = auth_services.create_user(email='trainer@example.org', name='Tess Trainer', password=PASSWORD,
                                            roles=(Role.trainer,))
        session = services.create_session(code='KE-TWIN', title='Venue workshop', country='KE', start_date=START,
                                          end_date=START + timedelta(days=2), course_slug=COURSE, trainers=[trainer])
        services.create_session(code='KE-OTHER', title='Another', country='KE', start_date=START, end_date=START,
                                trainers=[trainer])
        for n in range(4):
            services.add_new_person(session, full_name=f'Participant {n}', email=f'p{n}@example.org', country='KE')
        db.session.commit()
        db.engine.dispose()


def _centre_counts(url: str) -> dict:
    app = create_app(app_config(SQLALCHEMY_DATABASE_URI=url))
    with app.app_context():
        counts = {m.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (
            Person, Attendance, AttendanceDay, LiveRun, LiveTeam, StageSubmission, PaperTestEntry, QuizAttempt,
            SyncImport)}
        db.engine.dispose()
    return counts


def _live_run(trainer: twin.Browser, phone: twin.Browser, session_id: int) -> None:
    sc = CONTENT.scenario(SCENARIO)
    page = trainer.post('/manage/live', {'session_id': session_id, 'scenario': SCENARIO}, form_page='/manage/live')
    run_id = int(re.search(r'/manage/live/(\d+)', page.url)[1])
    code = re.search(r'id="run-code">([A-Z0-9]+)<', page.text)[1]
    team = phone.post('/live', {'code': code, 'team_name': 'Blue team'}, form_page='/live')
    assert 'You have joined as Blue team' in team.text
    trainer.post(f'/manage/live/{run_id}/paper-team', {'team_name': 'Paper team'}, form_page=f'/manage/live/{run_id}')
    trainer.post(f'/manage/live/{run_id}/open', {}, form_page=f'/manage/live/{run_id}')
    answer = stage_data(sc.stage(sc.start))
    done = phone.post(re.search(r'/live/teams/\d+', team.url)[0], answer, form_page=team.url[len(phone.base):])
    assert 'answer has been submitted.' in done.text
    dashboard = trainer.get(f'/manage/live/{run_id}')
    paper = re.search(r'href="(/manage/live/\d+/teams/\d+/paper)">Enter the paper answer of Paper team',
                      dashboard.text)[1]
    entered = trainer.post(paper, answer, form_page=paper)
    assert 'The paper answer of Paper team has been entered.' in entered.text
    trainer.post(f'/manage/live/{run_id}/finish', {}, form_page=f'/manage/live/{run_id}')


def _check_ins(trainer: twin.Browser, phone: twin.Browser, session_id: int) -> None:
    day2 = (START + timedelta(days=1)).isoformat()
    page = trainer.post(f'/manage/sessions/{session_id}/check-in', {'day': day2, 'minutes': 60},
                        form_page=f'/manage/sessions/{session_id}/check-in')
    token = re.search(r'/check-in/([A-Za-z0-9_-]{20,})', page.text)[1]
    found = phone.get(f'/check-in/{token}?q=Participant+0')
    attendance_id = re.search(r'name="attendance_id" (?:type="hidden" )?value="(\d+)"', found.text)[1]
    assert 'Participant 0' in phone.post(f'/check-in/{token}/me', {'attendance_id': attendance_id}).text
    walk_in = phone.post(f'/check-in/{token}/walk-in', {
        'full_name': 'Walk In', 'sex': 'female', 'email': 'walkin@example.org', 'country': 'KE',
        'organisation': 'Red Cross'}, form_page=f'/check-in/{token}?q=Walk')
    assert walk_in.status == 200 and 'Walk In' in walk_in.text
    # the trainer confirms the walk-in (nobody on record) as a new person: on the roster, present on day 2
    manage = f'/manage/sessions/{session_id}/check-in'
    action, walk_in_id = re.search(r'action="(/manage/sessions/\d+/walk-ins/(\d+))"', trainer.get(manage).text).groups()
    confirmed = trainer.post(action, {f'w{walk_in_id}-decision': 'new'}, form_page=manage)
    assert 'Walk In is on the roster and marked present.' in confirmed.text


def _paper_test(trainer: twin.Browser, session_id: int) -> None:
    course = CONTENT.course(COURSE)
    quiz = course.pre_test
    url = f'/manage/sessions/{session_id}/paper/test-entry?quiz={quiz.id}'
    page = trainer.get(url)
    attendance_id = re.search(r'<option value="(\d+)"[^>]*>Participant 1<', page.text)[1]
    answers = {f'q-{qid}': options for qid, options in correct_answers(quiz).items()}
    done = trainer.post(url, {'attendance_id': attendance_id, **answers}, form_page=url)
    assert 'Participant 1: 100%' in done.text


@pytest.mark.postgres
def test_a_venue_runs_the_workshop_offline_and_syncs_every_record_home_once(tmp_path):
    env = {**os.environ, 'SECRET_KEY': 'centre-secret-key-for-the-test', 'TRAINING_SESSION_COOKIE_SECURE': 'false',
           'WEB_CONCURRENCY': '1', 'FLASK_DEBUG': ''}
    with twin.postgres_database(PG) as centre_url:
        env['DATABASE_URL'] = centre_url
        assert twin.flask(env, 'db', 'upgrade').returncode == 0
        _centre_data(centre_url)
        centre_port, venue_port = twin.free_port(), twin.free_port()
        env['GUNICORN_BIND'] = f'127.0.0.1:{centre_port}'
        with twin.server(['gunicorn', '--config', 'gunicorn.conf.py', 'app:app'], env, centre_port,
                         tmp_path / 'centre.log') as centre:
            package = tmp_path / 'KE-TWIN.trainingpkg'
            made = twin.flask(env, 'sessions', 'package', 'KE-TWIN', '--out', str(package), '--centre-url', centre)
            assert made.returncode == 0, made.stderr
            venue_env = {k: v for k, v in env.items() if k not in ('DATABASE_URL', 'SECRET_KEY', 'GUNICORN_BIND')}
            venue_env['VENUE_DATABASE_URL'] = f'sqlite:///{tmp_path / "venue.sqlite"}'
            with twin.server(['training.venue.serve', '--package', str(package), '--port', str(venue_port),
                              '--instance', str(tmp_path / 'instance')], venue_env, venue_port,
                             tmp_path / 'venue.log') as venue:
                _at_the_venue(venue, centre, centre_url, env, tmp_path)


def _at_the_venue(venue: str, centre: str, centre_url: str, env: dict, tmp_path) -> None:
    trainer, phone = twin.Browser(venue), twin.Browser(venue)
    trainer.sign_in('trainer@example.org', PASSWORD)
    sessions = trainer.get('/manage/sessions')
    session_id = int(re.search(r'/manage/sessions/(\d+)', sessions.text)[1])  # the venue holds one session
    _live_run(trainer, phone, session_id)
    _check_ins(trainer, phone, session_id)
    _paper_test(trainer, session_id)
    before = _centre_counts(centre_url)

    # sync home, directly over HTTP, signed in as the session's trainer
    sent = trainer.post(f'/manage/sessions/{session_id}/venue/send', {
        'centre_url': centre, 'email': 'trainer@example.org', 'password': PASSWORD},
        form_page=f'/manage/sessions/{session_id}/venue')
    assert 'Sent to the central server:' in sent.text, sent.text[-2000:]
    after = _centre_counts(centre_url)
    assert after['scenario_live_runs'] == before['scenario_live_runs'] + 1
    assert after['scenario_live_teams'] == before['scenario_live_teams'] + 2
    assert after['scenario_stage_submissions'] == before['scenario_stage_submissions'] + 2
    assert after['persons'] == before['persons'] + 1  # the walk-in
    assert after['attendance_days'] == before['attendance_days'] + 2  # two check-ins on day 2
    assert after['paper_test_entries'] == 1 and after['sync_imports'] == 1
    _check_centre(centre_url)

    # the same file again, from the command line: nothing changes
    sync_file = tmp_path / 'KE-TWIN.sync'
    sync_file.write_bytes(trainer.download(f'/manage/sessions/{session_id}/venue/export',
                                           form_page=f'/manage/sessions/{session_id}/venue'))
    again = twin.flask(env, 'sync', 'import', str(sync_file), '--format', 'json')
    outcome = json.loads(again.stdout)
    assert again.returncode == 0 and outcome['created'] == outcome['updated'] == 0 and outcome['conflicts'] == []
    assert _centre_counts(centre_url) == {**after, 'sync_imports': 2}
    _refusals(env, sync_file, tmp_path, centre_url)


def _check_centre(url: str) -> None:
    app = create_app(app_config(SQLALCHEMY_DATABASE_URI=url))
    with app.app_context():
        session = db.session.scalar(sa.select(TrainingSession).where(TrainingSession.code == 'KE-TWIN'))
        checked = db.session.scalars(sa.select(Person.full_name).join(Attendance).join(AttendanceDay).where(
            Attendance.session_id == session.id, AttendanceDay.method == CheckInMethod.self_check_in)).all()
        assert sorted(checked) == ['Participant 0', 'Walk In']
        run = db.session.scalar(sa.select(LiveRun).where(LiveRun.session_id == session.id))
        assert run.status.name == 'finished' and sorted(t.name for t in run.teams) == ['Blue team', 'Paper team']
        assert all(t.attempt.percent == 100.0 for t in run.teams)
        paper = db.session.scalar(sa.select(PaperTestEntry))
        assert paper.attendance.person.full_name == 'Participant 1' and paper.attendance.pre_test_score == 100.0
        db.engine.dispose()


def _refusals(env: dict, sync_file, tmp_path, centre_url: str) -> None:
    before = _centre_counts(centre_url)

    def tamper(records):
        for r in records:
            if r.get('kind') == 'person':
                r['full_name'] = 'Mallory'

    forged = tmp_path / 'forged.sync'
    forged.write_bytes(resign(sync_file.read_bytes(), tamper))
    refused = twin.flask(env, 'sync', 'import', str(forged))
    assert refused.returncode == 1
    assert 'refused, nothing written' in refused.stderr and 'signature does not match' in refused.stderr
    other = twin.flask(env, 'sync', 'import', str(sync_file), '--session', 'KE-OTHER', '--format', 'json')
    assert other.returncode == 1
    assert json.loads(other.stdout) == {
        'refused': 'This file is from session KE-TWIN, not from KE-OTHER. Nothing was written.'}
    assert _centre_counts(centre_url) == before
