"""Sync home: the venue exports, the centre imports all or nothing, idempotent, conflicts kept (issue 17, step 3)."""
from __future__ import annotations

import json

import sqlalchemy as sa

from tests.sync.helpers import inside, invoke, resign, workshop
from tests.sync.venue_world import run_the_workshop
from training.auth.models import Role, User
from training.courses.models import QuizAttempt
from training.extensions import db
from training.paper.models import PaperTestEntry
from training.scenarios.models import LiveRun, LiveTeam, StageSubmission
from training.sync.models import SyncConflict, SyncImport
from training.workshops.models import Attendance, AttendanceDay, CheckInMethod, Person


def _venue_with_workshop(app, runner, make_app, tmp_path, code='KE-01'):
    package = tmp_path / f'{code}.trainingpkg'
    assert runner.invoke(args=['sessions', 'package', code, '--out', str(package)]).exit_code == 0
    venue = make_app(SQLALCHEMY_DATABASE_URI=f'sqlite:///{tmp_path / code}.sqlite')
    assert invoke(venue, 'venue', 'init', str(package)).exit_code == 0
    with inside(venue):
        made = run_the_workshop()
    return venue, made


def _export(venue, tmp_path, name='home.sync'):
    out = tmp_path / name
    result = invoke(venue, 'sync', 'export', '--out', str(out))
    assert result.exit_code == 0, result.output
    return out


def _import(runner, path, *extra):
    result = runner.invoke(args=['sync', 'import', str(path), '--format', 'json', *extra])
    assert result.output.strip(), (result.exception, result.exc_info)
    return result, json.loads(result.output.strip().splitlines()[-1])


def test_sync_home_brings_every_venue_record_to_the_centre_and_a_second_import_changes_nothing(
        app, runner, make_app, tmp_path, create_user, create_session, create_person):
    _trainer, session, _roster = workshop(create_user, create_session, create_person)
    venue, made = _venue_with_workshop(app, runner, make_app, tmp_path)
    path = _export(venue, tmp_path)

    result, first = _import(runner, path)
    assert result.exit_code == 0, result.output
    assert first['created'] > 0 and first['conflicts'] == []
    walk_in = db.session.scalar(sa.select(Person).where(Person.uid == made['walk_in']))
    assert walk_in.full_name == 'Walk In'
    known = db.session.scalar(sa.select(Person).where(Person.email == 'else@example.org'))
    assert known.uid != made['known']  # matched to the person on record by email, not duplicated
    assert known.organisation == 'Ministry of Justice'  # an empty field filled
    assert db.session.scalar(sa.select(Person.organisation).where(Person.uid == made['changed'])) == 'Venue Org'
    marks = db.session.scalars(sa.select(AttendanceDay).join(Attendance)
                               .where(Attendance.session_id == session.id)).all()
    assert sum(1 for m in marks if m.method == CheckInMethod.self_check_in) == 3  # check-ins of day 2
    assert len(marks) == 6
    run = db.session.scalar(sa.select(LiveRun).where(LiveRun.uid == made['run']))
    assert run.session_id == session.id and run.created_by.email == 'trainer@example.org'
    team = db.session.scalar(sa.select(LiveTeam).where(LiveTeam.uid == made['team']))
    assert team.attempt.submissions[0].uid == made['submission']
    assert team.attempt.submissions[0].submitted_by_id == _trainer.id
    trainee = db.session.scalar(sa.select(User).where(User.email == made['trainee']))
    assert trainee.roles == {Role.trainee}
    assert db.session.scalar(sa.select(QuizAttempt).where(QuizAttempt.uid == made['attempt'])).enrolment.user_id \
        == trainee.id

    paper = db.session.scalar(sa.select(PaperTestEntry).where(PaperTestEntry.uid == made['paper']))
    assert paper.attendance.uid == made['paper_attendance'] and paper.score == 100.0
    assert paper.attendance.pre_test_score == 100.0 and paper.entered_by_id == _trainer.id

    result, second = _import(runner, path)
    assert result.exit_code == 0
    assert second == {'created': 0, 'updated': 0, 'unchanged': first['created'] + first['updated']
                      + first['unchanged'], 'conflicts': []}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StageSubmission)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SyncImport)) == 2


def test_newer_central_data_is_kept_and_the_conflict_listed_once(
        app, runner, make_app, tmp_path, create_user, create_session, create_person):
    workshop(create_user, create_session, create_person)
    venue, made = _venue_with_workshop(app, runner, make_app, tmp_path)
    person = db.session.scalar(sa.select(Person).where(Person.uid == made['changed']))
    person.organisation = 'Central Org'
    db.session.commit()
    path = _export(venue, tmp_path)

    result, outcome = _import(runner, path)
    assert result.exit_code == 0
    assert [(c['kind'], c['field'], c['central'], c['venue']) for c in outcome['conflicts']] == [
        ('person', 'organisation', 'Central Org', 'Venue Org')]
    assert db.session.scalar(sa.select(Person.organisation).where(Person.uid == made['changed'])) == 'Central Org'
    _result, again = _import(runner, path)
    assert again['conflicts'] == [] and again['created'] == again['updated'] == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SyncConflict)) == 1


def _counts():
    return {model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Person, Attendance, AttendanceDay, LiveRun, QuizAttempt, SyncImport, User)}


def test_a_forged_or_malformed_file_is_refused_and_nothing_is_written(
        app, runner, make_app, tmp_path, create_user, create_session, create_person):
    workshop(create_user, create_session, create_person)
    venue, _made = _venue_with_workshop(app, runner, make_app, tmp_path)
    blob = _export(venue, tmp_path).read_bytes()
    before = _counts()

    def promote(records):
        for r in records:
            if r.get('kind') == 'user':
                r['roles'] = ['admin']
                r['name'] = 'Mallory'

    forged = tmp_path / 'forged.sync'
    forged.write_bytes(resign(blob, promote))
    result, refused = _import(runner, forged)
    assert result.exit_code == 1 and 'signature does not match' in refused['refused']

    garbage = tmp_path / 'garbage.sync'
    garbage.write_bytes(b'not a sync file at all')
    result = runner.invoke(args=['sync', 'import', str(garbage)])
    assert result.exit_code == 1 and 'refused, nothing written' in result.output
    assert _counts() == before


def test_a_file_from_another_sessions_venue_is_refused(app, runner, make_app, tmp_path, create_user, create_session,
                                                       create_person):
    workshop(create_user, create_session, create_person)
    create_session(code='KE-02')
    venue, _made = _venue_with_workshop(app, runner, make_app, tmp_path)
    path = _export(venue, tmp_path)
    before = _counts()
    result, refused = _import(runner, path, '--session', 'KE-02')
    assert result.exit_code == 1
    assert refused['refused'] == 'This file is from session KE-01, not from KE-02. Nothing was written.'
    assert _counts() == before


def test_a_venue_account_with_the_email_of_another_central_account_gets_nothing_attached(
        app, runner, make_app, tmp_path, create_user, create_session, create_person):
    workshop(create_user, create_session, create_person)
    owner = create_user(email='trainee@example.org', name='The Real Owner')  # the venue's trainee used this address
    venue, made = _venue_with_workshop(app, runner, make_app, tmp_path)
    path = _export(venue, tmp_path)
    result, outcome = _import(runner, path)
    assert result.exit_code == 0
    assert [(c['kind'], c['venue']) for c in outcome['conflicts']] == [('account', 'trainee@example.org')]
    assert db.session.scalar(sa.select(QuizAttempt).where(QuizAttempt.uid == made['attempt'])) is None
    assert db.session.get(User, owner.id).name == 'The Real Owner'
    _result, again = _import(runner, path)
    assert again['conflicts'] == [] and again['created'] == again['updated'] == 0


def test_a_person_taken_off_the_roster_at_the_venue_is_taken_off_at_the_centre_unless_changed_there(
        app, runner, make_app, tmp_path, create_user, create_session, create_person):
    """Two participants packaged, both taken off the roster at the venue (they did not come). The centre removes the
    one it has not touched since, and keeps the one whose score it entered meanwhile, as a conflict the trainer
    decides; the figures then count neither; a second import changes nothing."""
    from training.reports import queries
    from training.reports.definitions import ReportFilter
    from training.sync import conflicts
    from training.workshops import services

    _trainer, session, roster = workshop(create_user, create_session, create_person)
    venue, _made = _venue_with_workshop(app, runner, make_app, tmp_path)
    gone, scored = roster[0].uid, roster[1].uid
    with inside(venue):
        for uid in (gone, scored):
            services.remove_from_roster(db.session.scalar(sa.select(Attendance).where(Attendance.uid == uid)))
        db.session.commit()
    central = db.session.scalar(sa.select(Attendance).where(Attendance.uid == scored))
    central.pre_test_score = 40.0
    db.session.commit()
    path = _export(venue, tmp_path)

    result, outcome = _import(runner, path)
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(Attendance).where(Attendance.uid == gone)) is None
    assert [(c['kind'], c['uid'], c['field']) for c in outcome['conflicts']] == [('attendance', scored, 'removed')]
    on_roster = db.session.scalars(sa.select(Attendance.uid).where(Attendance.session_id == session.id)).all()
    assert scored in on_roster and gone not in on_roster
    before = queries.summary(ReportFilter())['participations']

    conflict = db.session.scalar(sa.select(SyncConflict).where(SyncConflict.field == 'removed'))
    conflicts.resolve(conflict, take_venue=True, by=_trainer)
    db.session.commit()
    assert db.session.scalar(sa.select(Attendance).where(Attendance.uid == scored)) is None
    assert queries.summary(ReportFilter())['participations'] == before - 1

    _result, again = _import(runner, path)
    assert again['conflicts'] == [] and again['created'] == again['updated'] == 0
