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
