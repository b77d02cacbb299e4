"""Programme report figures, page, downloads and command, against the definitions (DESIGN section 6)."""
from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook

from training.auth.models import Role
from training.reports import queries
from training.reports.definitions import ReportFilter
from training.workshops import services
from training.workshops.models import AttendanceRole, SessionStatus, Sex

HEADLINE = 'Between 2009 and 2011, 34 training sessions were held in 13 countries and 738 persons were trained.'
PERIOD = {'from': '2009-01-01', 'to': '2011-12-31'}


@pytest.fixture
def small_programme(db, create_session, create_person):
    """Two held sessions (KE, UG), one cancelled, one planned, one outside the period."""
    s1 = create_session(code='S1', country='KE', start_date=date(2010, 2, 1),
                        course_slug='understanding-atrocity-crimes')
    s2 = create_session(code='S2', country='UG', start_date=date(2011, 5, 1))
    cancelled = create_session(code='C1', country='RW', start_date=date(2010, 6, 1), status=SessionStatus.cancelled)
    planned = create_session(code='P1', country='BI', start_date=date(2011, 6, 1), status=SessionStatus.planned)
    later = create_session(code='L1', country='TZ', start_date=date(2013, 1, 1))
    a = create_person(full_name='A', sex=Sex.female)
    b = create_person(full_name='B', sex=Sex.male)
    c = create_person(full_name='C', sex=Sex.female)
    trainer = create_person(full_name='T', sex=Sex.male)
    for session, people in ((s1, [a, b]), (s2, [a, c]), (later, [b]), (planned, [c])):
        for person in people:
            services.add_to_roster(session, person)
    services.add_to_roster(s1, trainer, role=AttendanceRole.facilitator)
    services.add_to_roster(s2, trainer, role=AttendanceRole.observer)
    att = services.add_to_roster(later, a)
    att.pre_test_score, att.post_test_score = 40, 70
    x = services.add_to_roster(s1, create_person(full_name='X'))
    x.pre_test_score, x.post_test_score = 50, 60
    db.session.commit()
    return {'s1': s1, 's2': s2, 'cancelled': cancelled}


def test_definitions_applied(small_programme):
    f = ReportFilter(date(2009, 1, 1), date(2011, 12, 31))
    s = queries.summary(f)
    # held only (cancelled/planned out); A counted once; facilitator/observer not counted
    assert (s['sessions'], s['countries'], s['persons_trained'], s['participations']) == (2, 2, 4, 5)
    assert s['women_trained'] == 3
    _h, years = queries.by_year(f)
    assert years == [(2010, 1, 1, 3, 3), (2011, 1, 1, 2, 2)]
    _h, countries = queries.by_country(f)
    assert {r[0]: r[2] for r in countries} == {'KE': 3, 'UG': 2}
    _h, sexes = queries.by_sex(f)
    assert {r[0]: r[1] for r in sexes} == {Sex.female: 3, Sex.male: 1}
    _h, gain = queries.knowledge_gain(f)
    assert gain[-1] == ('__all__', 1, 50.0, 60.0, 10.0)
    all_time = queries.summary(ReportFilter())
    assert (all_time['sessions'], all_time['persons_trained']) == (3, 4)
    assert queries.summary(ReportFilter(country='UG'))['persons_trained'] == 2
    assert queries.summary(ReportFilter(course='understanding-atrocity-crimes'))['sessions'] == 1


def test_page_and_downloads(client, auth, small_programme):
    auth.login_as(Role.staff)
    html = client.get('/reports/programme?from=2009-01-01&to=2011-12-31').get_data(as_text=True)
    assert 'Between 2009 and 2011, 2 training sessions were held in 2 countries and 4 persons were trained.' in html
    assert 'One person at three sessions counts once.' in html and '<svg' in html
    online = html[html.index('id="h-online_courses"'):html.index('id="h-sessions"')]
    assert 'Understanding genocide and atrocity crimes' in online  # courses.stats.completion_summary, beside
    response = client.get('/reports/programme/tables/by_country.csv?from=2009-01-01&to=2011-12-31')
    assert response.status_code == 200 and response.mimetype == 'text/csv'
    rows = list(csv.reader(io.StringIO(response.get_data().decode('utf-8-sig'))))
    assert rows[0] == ['Country', 'Training sessions', 'Persons trained', 'Participations']
    assert ['Kenya', '1', '3', '3'] in rows
    response = client.get('/reports/programme/tables/sessions.xlsx?from=2009-01-01&to=2011-12-31')
    book = load_workbook(io.BytesIO(response.get_data()))
    values = list(book.active.values)
    assert values[0][0] == 'Code' and [v[0] for v in values[1:]] == ['S1', 'S2']
    response = client.get('/reports/programme/workbook.xlsx?from=2009-01-01&to=2011-12-31')
    book = load_workbook(io.BytesIO(response.get_data()))
    assert book.sheetnames[:3] == ['Summary', 'By year', 'By country'] and 'Sessions' in book.sheetnames
    assert client.get('/reports/programme/tables/nope.csv').status_code == 404
    assert client.get('/reports/programme/tables/by_year.pdf').status_code == 404


def test_bad_filters_named_not_500(client, auth, small_programme):
    auth.login_as(Role.admin)
    response = client.get('/reports/programme?from=yesterday&to=2001-01-01&country=ZZ&mode=x')
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'Enter a date as YYYY-MM-DD.' in html and 'Choose a country from the list.' in html


def test_only_staff_and_admins(client, auth, small_programme):
    auth.login_as(Role.trainer)
    assert client.get('/reports/programme').status_code == 403
    assert client.get('/reports/programme/workbook.xlsx').status_code == 403


def test_csv_export_neutralises_formulas():
    from training.exports import csv_bytes
    text = csv_bytes(['h'], [('=HYPERLINK("x")',), ('@cmd',), (3,)]).decode('utf-8-sig')
    assert "'=HYPERLINK" in text and "'@cmd" in text and '\r\n3\r\n' in text


def test_demo_figures_cli_and_page(app, db, runner, client, auth):
    from training import demo
    demo.load()
    db.session.commit()
    assert 'workshops: demo history already present' in demo.load()
    result = runner.invoke(args=['report', 'summary', '--from', '2009-01-01', '--to', '2011-12-31', '--format',
                                 'json'])
    data = json.loads(result.output)
    assert (data['sessions'], data['countries'], data['persons_trained']) == (34, 13, 738)
    assert data['participations'] > 738
    text = runner.invoke(args=['report', 'summary', '--from', '2009-01-01', '--to', '2011-12-31']).output
    assert text.splitlines()[0] == HEADLINE
    assert runner.invoke(args=['report', 'summary', '--from', '2012-01-01', '--to', '2013-12-31', '--format',
                               'json']).output != result.output
    auth.login_as(Role.staff)
    html = client.get('/reports/programme?from=2009-01-01&to=2011-12-31').get_data(as_text=True)
    assert HEADLINE in html
    client.post('/language', data={'lang': 'fr'})
    from flask import g
    g.pop('_flask_babel', None)  # the test shares one app context, where Flask-Babel caches the locale
    html = client.get('/reports/programme?from=2009-01-01&to=2011-12-31').get_data(as_text=True)
    assert ('Entre 2009 et 2011, 34 sessions de formation ont eu lieu dans 13 pays et 738 personnes ont été '
            'formées.') in html


def test_knowledge_gain_is_averaged_per_person(db, create_session, create_person):
    s1 = create_session(code='K1', start_date=date(2010, 1, 1))
    s2 = create_session(code='K2', start_date=date(2010, 2, 1))
    a, b = create_person(full_name='A'), create_person(full_name='B')
    for session, person, pre, post in ((s1, a, 40, 50), (s2, a, 40, 70), (s1, b, 20, 70)):
        att = services.add_to_roster(session, person)
        att.pre_test_score, att.post_test_score = pre, post
    services.add_to_roster(s2, b).pre_test_score = 30  # no post-test: not counted
    db.session.commit()
    _h, rows = queries.knowledge_gain(ReportFilter(date(2010, 1, 1), date(2010, 12, 31)))
    # A: (10 + 30) / 2 = 20; B: 50; mean over persons 35 (a mean over participations would give 30)
    assert rows[-1] == ('__all__', 2, 30.0, 65.0, 35.0)
