"""A venue laptop for a 3-day workshop of 40 participants and 8 teams: the size of the session package, the size of the
sync file that comes home, and the time to import it at the centre (SQLite and PostgreSQL), first and again.

The workshop, through the services as the pages do: every participant checks in on each of the 3 days (self check-in),
4 walk-ins on day 1, 5 participants' details corrected, a live run of a scenario with 8 teams answering every stage
of the expert path, a paper pre-test and post-test for each participant, 10 trainees who registered at the venue and
took the pre-test online. Budget: an import under 5 s (a trainer waits for it on the sync page).

Usage: python -m bench.venue_sync
"""
from __future__ import annotations

import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PARTICIPANTS = 40
TEAMS = 8
DAYS = 3
SECRET = 'bench-only-centre-secret'  # noqa: S105 - a throwaway database's key
PG_NAME = 'training_bench_venue'
BUDGET_S = 5.0
COURSE = 'understanding-atrocity-crimes'
SCENARIO = 'election-in-tarvania'


def _app(url: str):
    from training import create_app
    return create_app({'SQLALCHEMY_DATABASE_URI': url, 'SECRET_KEY': SECRET, 'PASSWORD_METHOD': 'pbkdf2:sha256:1000'})


def centre(url: str) -> bytes:
    """A migrated centre with the session and its roster; returns the session's package."""
    from flask_migrate import upgrade

    from training.auth import services as auth_services
    from training.auth.models import Role
    from training.extensions import db
    from training.sync.package import build_package
    from training.workshops import services
    from training.workshops.models import Sex
    app = _app(url)
    with app.app_context():
        upgrade()
        trainer = auth_services.create_user(email='trainer@example.org', name='Bench Trainer',
                                            password='bench trainer password',  # noqa: S106
                                            roles=(Role.trainer,))
        session = services.create_session(code='BENCH-VENUE', title='Three-day workshop', country='KE',
                                          start_date=date(2026, 3, 2), end_date=date(2026, 3, 4), course_slug=COURSE,
                                          trainers=[trainer])
        for n in range(PARTICIPANTS):
            services.add_new_person(session, full_name=f'Participant Number {n}', email=f'p{n}@example.org',
                                    country='KE', sex=Sex.female if n % 2 else Sex.male, organisation='Ministry')
        db.session.commit()
        package = build_package(session, secret=SECRET).content
        db.engine.dispose()
    return package


def _live_run(session, trainer) -> None:
    from tests.sync.venue_world import expert_answer
    from training.content import registry
    from training.scenarios import engine, live
    sc = registry().scenario(SCENARIO)
    run = live.start_live_run(session, sc, by=trainer)
    teams = [live.create_team(run, f'Team {n}') for n in range(TEAMS)]
    stage = sc.stage(sc.start)
    live.open_stage(run, sc, stage.id)
    while True:
        for team in teams:
            live.team_submit(team, sc, expert_answer(stage), by=trainer)
        live.close_submissions(run)
        target = live.suggested_next(run, sc) or next(iter(engine.decision_targets(stage)))
        live.advance(run, sc, target)
        if run.status.name == 'finished':
            return
        stage = sc.stage(run.current_stage)


def _workshop() -> None:
    """Three days at the venue."""
    import sqlalchemy as sa

    from tests.helpers.courses import correct_answers, wrong_answers
    from training.auth import services as auth_services
    from training.content import registry
    from training.courses import services as course_services
    from training.extensions import db
    from training.paper import entries
    from training.workshops import checkin, queries
    from training.workshops.models import TrainingSession
    session = db.session.scalar(sa.select(TrainingSession))
    trainer = session.trainers[0]
    course = registry().course(COURSE)
    for day in range(DAYS):
        window = checkin.open_check_in(session, session.start_date + timedelta(days=day), minutes=600, by=trainer)
        for attendance in queries.roster(session):
            checkin.check_in(window, attendance)
        if day == 0:
            for n in range(4):
                walk_in = checkin.record_walk_in(window, full_name=f'Walk In {n}', email=f'walkin{n}@example.org',
                                                 country='KE')
                checkin.confirm_walk_in(walk_in, checkin.walk_in_match(walk_in))  # the trainer confirms it
    for attendance in queries.roster(session)[:5]:
        attendance.person.organisation = 'Corrected at the venue'
    _live_run(session, trainer)
    for attendance in queries.roster(session)[:PARTICIPANTS]:
        entries.enter_paper_test(attendance, course, course.pre_test, wrong_answers(course.pre_test), by=trainer)
        entries.enter_paper_test(attendance, course, course.post_test, correct_answers(course.post_test), by=trainer)
    for n in range(10):
        user = auth_services.create_user(email=f'trainee{n}@example.org', name=f'Trainee {n}',
                                         password='a trainee password')  # noqa: S106
        enrolment = course_services.enrol(user, course)
        course_services.submit_quiz(enrolment, course, course.pre_test, wrong_answers(course.pre_test))
    db.session.commit()


def venue(package: bytes, url: str) -> bytes:
    """A venue started from the package, the workshop run on it; returns its sync file."""
    from flask_migrate import upgrade

    from training.extensions import db
    from training.sync.export import export_file
    from training.sync.install import install
    app = _app(url)
    with app.app_context():
        upgrade()
        install(package)
        db.session.commit()
        _workshop()
        blob, _counts = export_file()
        db.session.commit()
        db.engine.dispose()
    return blob


def import_times(url: str, blob: bytes) -> tuple[float, float, dict]:
    from training.extensions import db
    from training.sync.importer import import_sync
    from training.sync.models import SyncSource
    app = _app(url)
    times, results = [], []
    with app.app_context():
        for _n in range(2):
            started = time.perf_counter()
            outcome = import_sync(blob, secret=SECRET, source=SyncSource.command)
            db.session.commit()
            times.append(time.perf_counter() - started)
            results.append(outcome.as_json())
        db.engine.dispose()
    assert results[1]['created'] == results[1]['updated'] == 0 and not results[1]['conflicts'], results[1]
    return times[0], times[1], results[0]


def run() -> list[tuple[str, str, str, bool]]:
    from bench.common import drop_postgres, postgres_url
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        centre_url = f'sqlite:///{Path(tmp) / "centre.sqlite"}'
        package = centre(centre_url)
        blob = venue(package, f'sqlite:///{Path(tmp) / "venue.sqlite"}')
        label = f'{DAYS}-day workshop, {PARTICIPANTS} participants, {TEAMS} teams'
        rows.append((f'session package, {label}', f'{len(package) / 1024:.1f} KB', '', True))
        rows.append((f'sync file home, {label}', f'{len(blob) / 1024:.1f} KB', '', True))
        targets = [('SQLite', centre_url)]
        pg = postgres_url(PG_NAME, fresh=True)
        if pg:
            import shutil

            from sqlalchemy import create_engine

            from training.backup import snapshot
            from training.extensions import db
            copy = Path(tmp) / 'centre-copy.sqlite'
            shutil.copy(Path(tmp) / 'centre.sqlite', copy)  # the same centre, moved to PostgreSQL by backup
            backup = Path(tmp) / 'centre.jsonl.gz'
            snapshot.create(create_engine(f'sqlite:///{copy}'), db.metadata, backup)
            app = _app(pg)
            with app.app_context():
                from flask_migrate import upgrade
                upgrade()
                db.engine.dispose()
            snapshot.restore(create_engine(pg), db.metadata, backup)
            targets.append(('PostgreSQL', pg))
        for name, url in targets:
            first, second, result = import_times(url, blob)
            rows.append((f'sync import, {name} ({result["created"]} created, {result["updated"]} updated, '
                         f'{result["unchanged"]} unchanged)', f'{first:.2f} s', f'< {BUDGET_S:.0f} s',
                         first < BUDGET_S))
            rows.append((f'  same file again, {name} (nothing changes)', f'{second:.2f} s', '', True))
        if pg:
            drop_postgres(PG_NAME)
    return rows


if __name__ == '__main__':
    for figure, value, budget, ok in run():
        print(f'  {figure:<66} {value:>10}  {budget:<10} {"pass" if ok else "FAIL"}', flush=True)
