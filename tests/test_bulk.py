"""Bulk writes (training.bulk): what they store is what SQLAlchemy's own statements store, on SQLite and PostgreSQL,
whatever the text (COPY's text format escapes tabs, line breaks and backslashes)."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from training import bulk
from training.vocab import OrganisationType
from training.workshops.models import Attendance, AttendanceDay, CheckInMethod, Person, Sex

NOW = datetime(2026, 12, 4, 21, 30, 15, 123456, tzinfo=UTC)


def _person(name: str, **values) -> dict:
    return {'full_name': name, 'name_key': name.casefold()[:200], 'sex': Sex.female, 'organisation': None,
            'organisation_type': None, 'country': 'KE', 'email': None, 'user_id': None, 'consent_to_contact': False,
            'created_at': NOW, **values}


@pytest.mark.parametrize('text', ['plain', 'tab\there', 'line\nbreak', 'carriage\rreturn', 'back\\slash \\N',
                                  '\\.', 'trailing\\', 'ünïcødé \u2028 \xa0 نص', '"quoted", ; comma'])
def test_copy_text_round_trips_through_the_database(db, text):
    bulk.insert_rows(Person.__table__, [_person(text, organisation=text)])
    db.session.flush()
    stored = db.session.scalar(sa.select(Person).where(Person.full_name == text))
    assert stored is not None and stored.organisation == text


def test_naughty_strings_are_stored_as_given(db, naughty_strings):
    names = [s[:200] for s in naughty_strings if s and '\x00' not in s]
    bulk.insert_rows(Person.__table__, [_person(n, email=f'p{i}@example.org') for i, n in enumerate(names)])
    db.session.flush()
    stored = dict(db.session.execute(sa.select(Person.email, Person.full_name)).tuples().all())
    assert [stored[f'p{i}@example.org'] for i in range(len(names))] == names


def test_values_come_back_as_the_orm_writes_them(db, create_session):
    """Enums by name, an aware datetime in UTC, dates, None, booleans, and the uid the database gives."""
    bulk.insert_rows(Person.__table__, [
        _person('A', sex=Sex.male, organisation_type=OrganisationType.government, consent_to_contact=True),
        _person('B', country=None, created_at=NOW + timedelta(hours=1))])
    db.session.flush()
    a, b = db.session.scalars(sa.select(Person).order_by(Person.full_name)).all()
    assert (a.sex, a.organisation_type, a.consent_to_contact, a.created_at) == (
        Sex.male, OrganisationType.government, True, NOW)
    assert (b.sex, b.organisation_type, b.country, b.consent_to_contact) == (Sex.female, None, None, False)
    assert b.created_at == NOW + timedelta(hours=1) and b.created_at.tzinfo is not None
    assert a.uid and b.uid and a.uid != b.uid

    session = create_session()
    attendance = Attendance(session_id=session.id, person_id=a.id)
    db.session.add(attendance)
    db.session.flush()
    bulk.insert_rows(AttendanceDay.__table__, [
        {'attendance_id': attendance.id, 'day': session.start_date + timedelta(days=i),
         'method': CheckInMethod.imported, 'marked_at': NOW} for i in range(2)])
    days = db.session.scalars(sa.select(AttendanceDay).order_by(AttendanceDay.day)).all()
    assert [(d.day, d.method, d.marked_at) for d in days] == [
        (session.start_date, CheckInMethod.imported, NOW), (session.start_date + timedelta(days=1),
                                                            CheckInMethod.imported, NOW)]


def test_update_rows_sets_each_records_own_values(db):
    bulk.insert_rows(Person.__table__, [_person(f'P{i}') for i in range(5)])
    db.session.flush()
    ids = db.session.scalars(sa.select(Person.id).order_by(Person.full_name)).all()
    bulk.update_rows(Person.__table__, [
        {'id': ids[0], 'organisation': 'Tab\there', 'sex': Sex.male},
        {'id': ids[2], 'organisation': None, 'sex': Sex.other}])
    db.session.expire_all()
    rows = {p.id: (p.organisation, p.sex) for p in db.session.scalars(sa.select(Person))}
    assert rows[ids[0]] == ('Tab\there', Sex.male)
    assert rows[ids[2]] == (None, Sex.other)
    assert rows[ids[1]] == rows[ids[3]] == (None, Sex.female)


def test_nothing_to_write_writes_nothing(db):
    bulk.insert_rows(Person.__table__, [])
    bulk.update_rows(Person.__table__, [])
    assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 0


def test_copy_text_formats_without_a_database():
    assert bulk.copy_text('a\tb\\c\nd\re') == 'a\\tb\\\\c\\nd\\re'
    assert bulk.copy_text(True) == 't' and bulk.copy_text(False) == 'f'
    assert bulk.copy_text(date(2024, 3, 1)) == '2024-03-01'
    assert bulk.copy_text(NOW) == '2026-12-04T21:30:15.123456+00:00'
    assert bulk.copy_text(12) == '12' and bulk.copy_text(2.5) == '2.5'


# -- the collector's pause ------------------------------------------------------------------------------------------

def test_the_collector_is_paused_inside_and_on_again_after_even_on_error():
    import gc
    assert gc.isenabled()
    with pytest.raises(RuntimeError), bulk.gc_paused():
        assert not gc.isenabled()
        raise RuntimeError('a failed import')
    assert gc.isenabled()


def test_overlapping_pauses_turn_the_collector_on_when_the_last_ends():
    import gc
    first, second = bulk.gc_paused(), bulk.gc_paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled()  # the second import is still running
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_a_collector_turned_off_elsewhere_stays_off():
    import gc
    gc.disable()
    try:
        with bulk.gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
