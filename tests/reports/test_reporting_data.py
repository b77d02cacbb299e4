"""The reporting data answers every table of the programme report exactly as the source rows do (issue 18).

Property tests drive random sequences of writes -- roster additions and removals, scores, role changes, session
status / date / country / course / mode changes, person edits, merges, erasures and sheet imports, committed at
random points -- and compare the report read from the reporting data with the report computed directly from the
source rows (training.reports.reference), for random periods and filters; and ``flask report rebuild --check``
finds nothing to correct.
"""
from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.app import empty_database
from tests.helpers.sheets import sheet_bytes
from training.privacy.services import erase_person
from training.reports import maintain, queries, rebuild
from training.reports.definitions import FIGURE_TABLES, ReportFilter
from training.vocab import OrganisationType
from training.workshops import imports, merging, past_sessions, services
from training.workshops.models import (
    Attendance,
    AttendanceRole,
    Person,
    SessionMode,
    SessionStatus,
    Sex,
    TrainingSession,
)

#: Sequences tried per run (PROPERTY_EXAMPLES=300 for a longer search)
EXAMPLES = int(os.environ.get('PROPERTY_EXAMPLES', '30'))
COUNTRIES = ('KE', 'UG', 'RW')
COURSES = ('understanding-atrocity-crimes', 'assessing-risk-framework', None)
FIRST_DAY = date(2010, 1, 1)
DAYS = 4 * 366
ORGS = (None, OrganisationType.police, OrganisationType.civil_society)

day = st.integers(0, DAYS).map(lambda n: FIRST_DAY + timedelta(days=n))
ix = st.integers(0, 10_000)
session_fields = st.fixed_dictionaries({
    'start_date': day, 'country': st.sampled_from(COUNTRIES), 'course_slug': st.sampled_from(COURSES),
    'mode': st.sampled_from(list(SessionMode)),
    'status': st.sampled_from([SessionStatus.held, SessionStatus.held, SessionStatus.cancelled,
                               SessionStatus.planned])})
score = st.one_of(st.none(), st.integers(0, 100).map(float))
attend = st.tuples(st.just('attend'), ix, ix, st.sampled_from([AttendanceRole.participant] * 3
                                                             + [AttendanceRole.facilitator]), score, score)
operations = st.one_of(
    attend, attend, attend, attend,
    st.tuples(st.just('session'), session_fields),
    st.tuples(st.just('session'), session_fields),
    st.tuples(st.just('person'), st.sampled_from(list(Sex)), st.sampled_from(ORGS)),
    st.tuples(st.just('unattend'), ix),
    st.tuples(st.just('role'), ix, st.sampled_from(list(AttendanceRole)), score, score),
    st.tuples(st.just('edit_session'), ix, session_fields),
    st.tuples(st.just('edit_person'), ix, st.sampled_from(list(Sex)), st.sampled_from(ORGS)),
    st.tuples(st.just('merge'), ix, ix),
    st.tuples(st.just('erase'), ix),
    st.tuples(st.just('import'), ix, st.lists(st.tuples(st.sampled_from(['Ana Ruiz', 'Ben Ode', 'Cy Lu', 'Di Wa']),
                                                        st.sampled_from(['F', 'M', ''])), min_size=1, max_size=4)),
    st.tuples(st.just('delete_session'), ix),
    st.just(('commit',)),
)


def _pick(db, model, i):
    ids = db.session.scalars(sa.select(model.id).order_by(model.id)).all()
    return db.session.get(model, ids[i % len(ids)]) if ids else None


def _session(db, fields, n):
    return services.create_session(code=f'P-{n}', title='Workshop', end_date=fields['start_date'], **fields)


def _attend(db, si, pi, role, pre, post):
    session, person = _pick(db, TrainingSession, si), _pick(db, Person, pi)
    if session is None or person is None or session.status == SessionStatus.cancelled:
        return
    attendance = db.session.scalar(sa.select(Attendance).filter_by(session_id=session.id, person_id=person.id))
    attendance = attendance or services.add_to_roster(session, person, role=role)
    services.update_attendance(attendance, role=role, completed=False, pre_test_score=pre, post_test_score=post)


def _edit_session(db, i, fields):
    session = _pick(db, TrainingSession, i)
    if session is not None:
        session.start_date = session.end_date = fields['start_date']
        for name in ('country', 'course_slug', 'mode', 'status'):
            setattr(session, name, fields[name])
        db.session.flush()


def _import(db, i, rows):
    session = _pick(db, TrainingSession, i)
    if session is not None and session.status != SessionStatus.cancelled:
        content = sheet_bytes([['Nom complet', 'Sexe', 'Pays'], *[[name, sex, 'KE'] for name, sex in rows]])
        imports.import_sheet(session, 'sheet.csv', content, write=True, accept_valid=True)


def run(db, ops) -> None:
    for n, op in enumerate(ops):
        kind, *args = op
        if kind == 'session':
            _session(db, args[0], n)
        elif kind == 'person':
            services.create_person(full_name=f'Person {n}', sex=args[0], organisation_type=args[1])
        elif kind == 'attend':
            _attend(db, *args)
        elif kind in ('unattend', 'role'):
            attendance = _pick(db, Attendance, args[0])
            if attendance is not None and kind == 'unattend':
                services.remove_from_roster(attendance)
            elif attendance is not None:
                services.update_attendance(attendance, role=args[1], completed=False, pre_test_score=args[2],
                                           post_test_score=args[3])
        elif kind == 'edit_session':
            _edit_session(db, *args)
        elif kind == 'edit_person' and (person := _pick(db, Person, args[0])) is not None:
            person.sex, person.organisation_type = args[1], args[2]
            db.session.flush()
        elif kind == 'merge':
            keep, merge = _pick(db, Person, args[0]), _pick(db, Person, args[1])
            if keep is not None and merge is not None and keep.id != merge.id:
                merging.merge_persons(keep, merge, by=None)
        elif kind == 'erase' and (person := _pick(db, Person, args[0])) is not None:
            erase_person(person, by=None)
        elif kind == 'import':
            _import(db, *args)
        elif kind == 'delete_session' and (session := _pick(db, TrainingSession, args[0])) is not None:
            db.session.delete(session)
            db.session.flush()
            # the database deleted its attendances (ON DELETE CASCADE); forget the objects still held for them, as
            # the end of a request does, or SQLite's reused row ids meet them in the identity map
            db.session.expunge_all()
        elif kind == 'commit':
            db.session.commit()
    db.session.commit()


def filters():
    edges = [date(2011, 1, 1), date(2011, 12, 31), date(2012, 1, 1), date(2013, 12, 31), date(2011, 3, 1),
             date(2011, 3, 31), date(2012, 2, 29), date(2012, 3, 1), date(2013, 6, 30), date(2013, 7, 1)]
    bound = st.one_of(st.none(), day, day, st.sampled_from(edges),
                      st.sampled_from(edges).flatmap(lambda d: st.integers(-20, 20).map(lambda n: d + timedelta(n))))
    return st.builds(lambda a, b, c, co, m: ReportFilter(min(a, b) if a and b else a, max(a, b) if a and b else b,
                                                          c, co, m),
                     bound, bound, st.sampled_from((None, *COUNTRIES)),
                     st.sampled_from((None, *[c for c in COURSES if c])),
                     st.sampled_from((None, *[m.name for m in SessionMode])))


def _gain_close(mine, theirs):
    assert [r[:2] for r in mine] == [r[:2] for r in theirs]
    for a, b in zip(mine, theirs, strict=True):
        for x, y in zip(a[2:], b[2:], strict=True):
            assert x == pytest.approx(y, abs=0.1001)  # rounded to 0.1 from sums in another order


def assert_same_report(f: ReportFilter) -> None:
    mine = queries.build_report(f, session_limit=None, source='reporting', parallel=False)
    theirs = queries.build_report(f, session_limit=None, source='reference', parallel=False)
    assert mine.summary == theirs.summary, f
    for table in FIGURE_TABLES:
        if table.key == 'knowledge_gain':
            _gain_close(mine.tables[table.key][1], theirs.tables[table.key][1])
        else:
            assert mine.tables[table.key] == theirs.tables[table.key], (f, table.key)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(ops=st.lists(operations, min_size=5, max_size=60), periods=st.lists(filters(), min_size=4, max_size=8))
@pytest.mark.parametrize('set_based', [False, True], ids=['per-person', 'set-based'])
def test_reporting_data_gives_the_reference_report(app, db, monkeypatch, set_based, ops, periods):
    """Per person (small writes, in Python) and in set-based statements (a sheet import, a large session)."""
    monkeypatch.setattr(maintain, 'SET_BASED_FROM', 1 if set_based else 10**9)
    empty_database()
    for n in range(4):  # a few persons and sessions to start from, so that most operations have something to act on
        services.create_person(full_name=f'Seed {n}', sex=Sex.female if n % 2 else Sex.male)
        services.create_session(code=f'SEED-{n}', title='Seed', country=COUNTRIES[n % 3], status=SessionStatus.held,
                                start_date=date(2010 + n, 1 + 3 * n, 10), end_date=date(2010 + n, 1 + 3 * n, 10))
    run(db, ops)
    for f in [ReportFilter(), *periods]:
        assert_same_report(f)
    with db.engine.begin() as conn:
        assert not any(rebuild.rebuild(conn, check_only=True).values())
        if set_based:  # filled in three or four batches of persons (as a 10-million-row database is): the same data
            batch = max(1, conn.execute(sa.text('SELECT MAX(id) FROM persons')).scalar() // 3)
            assert not any(rebuild.rebuild(conn, check_only=True, persons_per_batch=batch).values())


def test_a_report_read_before_the_commit_counts_what_was_written(db, create_session, create_person):
    session = create_session(code='B1', start_date=date(2012, 3, 1))
    services.add_to_roster(session, create_person(full_name='A'))
    assert queries.summary(ReportFilter())['persons_trained'] == 1
    session.status = SessionStatus.cancelled
    db.session.flush()
    assert queries.summary(ReportFilter())['persons_trained'] == 0
    db.session.rollback()
    assert queries.summary(ReportFilter())['persons_trained'] == 0


def test_a_period_starting_inside_a_year_counts_a_person_whose_previous_session_is_before_it(
        db, create_session, create_person):
    """Trained in April 2011 and October 2013: over June 2011 - December 2013 that person counts once, through the
    2013 session (whose previous one, April 2011, is in the period's first year but before its first day)."""
    early = create_session(code='E1', start_date=date(2011, 4, 10))
    late = create_session(code='L1', start_date=date(2013, 10, 10))
    middle = create_session(code='M1', start_date=date(2011, 9, 1))
    a, b = create_person(full_name='A'), create_person(full_name='B')
    services.add_to_roster(early, a)
    services.add_to_roster(late, a)
    services.add_to_roster(early, b)
    services.add_to_roster(middle, b)
    services.add_to_roster(late, b)
    db.session.commit()
    for f in (ReportFilter(date(2011, 6, 1), date(2013, 12, 31)), ReportFilter(date(2011, 6, 1), date(2013, 11, 1)),
              ReportFilter(date(2011, 6, 1)), ReportFilter(date(2011, 4, 11), date(2012, 12, 31))):
        assert_same_report(f)
    assert queries.summary(ReportFilter(date(2011, 6, 1), date(2013, 12, 31)))['persons_trained'] == 2
    assert queries.by_year(ReportFilter(date(2011, 6, 1)))[1] == [(2011, 1, 1, 1, 1), (2013, 1, 1, 2, 2)]


def test_rebuild_reports_and_repairs_a_difference(db, runner, small_programme):
    assert 'matches the source rows (7 participations)' in runner.invoke(args=['report', 'rebuild', '--check']).output
    with db.engine.begin() as conn:  # lose a cell and a row behind the application's back
        conn.execute(sa.text("DELETE FROM report_cells WHERE kind = 0 AND dim = 'sex'"))
        conn.execute(sa.text('DELETE FROM report_rows WHERE attendance_id = (SELECT MIN(attendance_id) '
                             'FROM report_rows)'))
    before = queries.summary(ReportFilter())
    check = runner.invoke(args=['report', 'rebuild', '--check'])
    assert check.exit_code == 1
    assert 'report_rows: 1 rows differed' in check.output and 'report_cells:' in check.output
    fixed = runner.invoke(args=['report', 'rebuild'])
    assert fixed.exit_code == 0 and 'Rebuilt from the source rows (7 participations)' in fixed.output
    assert queries.summary(ReportFilter()) == queries.summary(ReportFilter(), source='reference') != before
    assert runner.invoke(args=['report', 'rebuild', '--check']).exit_code == 0
    batched = runner.invoke(args=['report', 'rebuild', '--check', '--persons-per-batch', '2'])
    assert batched.exit_code == 0 and 'matches the source rows (7 participations)' in batched.output
    assert runner.invoke(args=['report', 'rebuild', '--persons-per-batch', '0']).exit_code == 2


def test_a_past_session_marked_held_is_counted(db, create_session, create_person):
    session = create_session(code='PAST1', start_date=date(2012, 3, 1), status=SessionStatus.planned)
    services.add_to_roster(session, create_person(full_name='A'))
    db.session.commit()
    assert queries.summary(ReportFilter())['persons_trained'] == 0
    past_sessions.confirm(session, SessionStatus.held, today=date(2013, 1, 1))
    db.session.commit()
    assert queries.summary(ReportFilter())['persons_trained'] == 1
    assert_same_report(ReportFilter())


def test_knowledge_gain_of_a_period_inside_months_averages_each_person_once(db, create_session, create_person):
    """A scores twice in March 2011 (40 -> 60, 50 -> 90) and once in May 2012; B once in March 2011 (20 -> 30).
    From 12 March 2011 to 4 May 2012, A's one participation there (50 -> 90) and B's count: gain (40 + 10) / 2."""
    a, b = create_person(full_name='A'), create_person(full_name='B')
    for code, day, person, pre, post in (('G1', date(2011, 3, 10), a, 40, 60), ('G2', date(2011, 3, 20), a, 50, 90),
                                         ('G3', date(2012, 5, 5), a, 70, 70), ('G4', date(2011, 3, 15), b, 20, 30)):
        services.add_to_roster(create_session(code=code, start_date=day), person)
        attendance = db.session.scalar(sa.select(Attendance).join(TrainingSession).where(TrainingSession.code == code))
        attendance.pre_test_score, attendance.post_test_score = float(pre), float(post)
    db.session.commit()
    periods = [ReportFilter(date(2011, 3, 12), date(2012, 5, 4)), ReportFilter(date(2011, 3, 5), date(2011, 3, 25)),
               ReportFilter(date(2011, 3, 1), date(2012, 5, 31)), ReportFilter(date(2011, 3, 11), date(2012, 5, 5))]
    for f in periods:
        assert_same_report(f)
    gain = queries.knowledge_gain(periods[0])[1]
    assert gain[-1][:2] == ('__all__', 2) and gain[-1][4] == 25.0
    # 5 to 25 March: A's two (mean 45 -> 75) and B's one: persons 2, gain (30 + 10) / 2
    assert queries.knowledge_gain(periods[1])[1][-1][1:] == (2, 32.5, 52.5, 20.0)
