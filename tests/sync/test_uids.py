"""Globally unique ids on the records that travel between a venue and the centre (issue 17, step 1)."""
from __future__ import annotations

import re
import tempfile
import uuid
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from tests.helpers.app import IS_SQLITE, TEST_DATABASE_URL, app_config
from training import create_app
from training.extensions import db
from training.workshops.models import Attendance, Person

UUID_TEXT = re.compile(r'^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$')
TABLES = ('training_sessions', 'persons', 'attendances', 'attendance_days', 'scenario_live_runs',
          'scenario_live_teams', 'scenario_stage_submissions', 'course_quiz_attempts')


def test_records_made_by_the_services_get_a_uid(create_session, create_person, db):
    session = create_session()
    person = create_person()
    attendance = Attendance(session_id=session.id, person_id=person.id)
    db.session.add(attendance)
    db.session.commit()
    for uid in (session.uid, person.uid, attendance.uid):
        assert UUID_TEXT.match(uid)
    assert len({session.uid, person.uid, attendance.uid}) == 3


def test_rows_written_without_the_orm_get_a_uid_from_the_database(db):
    db.session.execute(sa.text("INSERT INTO persons (full_name, name_key, sex, consent_to_contact, created_at) "
                               "VALUES ('Raw Row', 'raw row', 'female', false, CURRENT_TIMESTAMP)"))
    db.session.execute(sa.text("INSERT INTO persons (full_name, name_key, sex, consent_to_contact, created_at) "
                               "VALUES ('Raw Two', 'raw two', 'female', false, CURRENT_TIMESTAMP)"))
    uids = db.session.scalars(sa.select(Person.uid)).all()
    assert len(uids) == 2 and len(set(uids)) == 2
    assert all(UUID_TEXT.match(u) for u in uids)


def test_the_migration_gives_every_existing_row_its_own_uid():
    with tempfile.TemporaryDirectory() as tmp:
        url = f'sqlite:///{Path(tmp) / "m.sqlite"}' if IS_SQLITE else TEST_DATABASE_URL
        app = create_app(app_config(SQLALCHEMY_DATABASE_URI=url))
        with app.app_context():
            _drop_everything()
            try:
                upgrade(revision='b1c5e7a20d11')
                with db.engine.begin() as conn:
                    for n in range(3):
                        conn.execute(sa.text(
                            "INSERT INTO persons (full_name, name_key, sex, consent_to_contact, created_at) "
                            "VALUES (:n, :n, 'female', false, CURRENT_TIMESTAMP)"), {'n': f'p{n}'})
                upgrade()
                with db.engine.connect() as conn:
                    uids = conn.execute(sa.text('SELECT uid FROM persons')).scalars().all()
                    assert len(uids) == 3 and len(set(uids)) == 3
                    assert all(uuid.UUID(u).version == 4 for u in uids)
                    for table in TABLES:
                        assert 'uid' in {c['name'] for c in sa.inspect(conn).get_columns(table)}
            finally:
                _drop_everything()
                if not IS_SQLITE:
                    db.create_all()
                db.engine.dispose()


def _drop_everything():
    if IS_SQLITE:
        return
    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(sa.text('DROP TABLE IF EXISTS alembic_version'))
