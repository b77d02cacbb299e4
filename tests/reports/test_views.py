"""Programme report page, downloads and command."""
from __future__ import annotations

import csv
import io
import json

from openpyxl import load_workbook

from training.auth.models import Role

HEADLINE = 'Between 2009 and 2011, 34 training sessions were held in 13 countries and 738 persons were trained.'


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
