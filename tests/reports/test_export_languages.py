"""Report exports speak the interface language (issue 16, item 6): translated column headings in every language."""
from __future__ import annotations

import csv
import io

import pytest

from training.auth.models import Role
from training.exports import csv_separator


@pytest.mark.parametrize('lang, heading', [('en', 'Country'), ('fr', 'Pays'), ('es', 'País'), ('ar', 'البلد')])
def test_report_exports_have_headings_in_the_interface_language(client, auth, small_programme, lang, heading):
    auth.login_as(Role.staff, preferred_language=lang)
    response = client.get('/reports/programme/tables/by_country.csv?from=2009-01-01&to=2011-12-31')
    assert response.status_code == 200
    text = response.get_data().decode('utf-8-sig')
    rows = list(csv.reader(io.StringIO(text), delimiter=csv_separator(language=lang)))
    assert rows[0][0] == heading and len(rows) > 1


def test_a_course_is_counted_once_with_its_sessions_languages(db, small_programme, create_session, create_person):
    """The French R2P sessions and the English ones are one course in the report (issue 16, item 2)."""
    from datetime import date

    from training.reports import queries
    from training.reports.definitions import ReportFilter
    from training.workshops import services
    s3 = create_session(code='S3', country='SN', language='fr', start_date=date(2010, 3, 1),
                        course_slug='understanding-atrocity-crimes')
    services.add_to_roster(s3, create_person(full_name='Awa'))
    db.session.commit()
    headers, rows = queries.by_course(ReportFilter(start=date(2009, 1, 1), end=date(2011, 12, 31)))
    [row] = [r for r in rows if r[0] == 'understanding-atrocity-crimes']
    assert headers[-1] == 'sessions_by_language' and row[1] == 2 and row[-1] == 'en: 1; fr: 1'
