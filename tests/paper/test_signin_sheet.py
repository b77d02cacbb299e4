"""The printed sign-in sheet reads back through the sheet import: same columns, same meanings (issue 17, step 4)."""
from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from tests.helpers.pdf import pdf_text
from training.paper import signin
from training.vocab import OrganisationType
from training.workshops import imports, services
from training.workshops.models import Sex


@pytest.fixture
def three_days(create_session, create_person):
    session = create_session(code='SN-01', start_date=date(2026, 3, 2), end_date=date(2026, 3, 4))
    for name, email in (('Amina Diallo', 'amina@example.org'), ('Jean Okello', None)):
        person = create_person(full_name=name, email=email, sex=Sex.female, country='SN', organisation='Ministry',
                               organisation_type=OrganisationType.government)
        services.add_to_roster(session, person)
    return session


WALK_IN_COUNTRY = {'en': 'Senegal', 'fr': 'Sénégal', 'es': 'Senegal', 'ar': 'السنغال'}


@pytest.mark.parametrize(('language', 'size', 'width'), [('en', 'letter', 792), ('fr', 'a4', 842), ('es', 'a4', 842),
                                                         ('ar', 'a4', 842)])
def test_the_printed_sheet_has_the_import_columns_and_its_filled_copy_imports(app, db, three_days, language, size,
                                                                             width):
    session = three_days
    with app.test_request_context(headers={'Accept-Language': language}):
        from flask_babel import refresh
        refresh()
        headers = signin.headers(session)
        pdf = signin.render(session, size=size)
        filled = signin.rows(session, blank=2)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert round(float(page.mediabox.width)) == width  # landscape A4 or US Letter, in points
    text = pdf_text(pdf)
    for heading in headers:
        if language == 'ar':  # mixed-direction text extracts in visual order: each word is there
            assert all(word in text for word in re.findall(r'\w+', heading)), heading
        else:
            assert ' '.join(heading.split()) in text
    assert 'Amina Diallo' in text and 'amina@example.org' in text

    # filled in by hand, typed into a spreadsheet with the same headings
    filled[0][7], filled[0][9] = 'A. Diallo', 'A. Diallo'  # signed days 1 and 3
    filled[1][8] = 'JO'  # day 2
    filled[2][1:7] = ['Walk In', 'M', 'Red Cross', '', WALK_IN_COUNTRY[language], '']
    filled[2][7] = 'W.I.'
    out = io.StringIO()
    csv.writer(out).writerows([headers, *filled])
    plan = imports.import_sheet(session, 'typed.csv', out.getvalue().encode('utf-8'), write=True)
    assert plan.ok, [e.text() for e in plan.problems + plan.rejected]
    assert set(plan.sheet.mapped) == {'number', 'full_name', 'sex', 'organisation', 'organisation_type', 'country',
                                      'email'}
    assert len(plan.sheet.day_columns) == 3
    assert plan.summary()['created'] == 1 and plan.summary()['matched'] == 2
    db.session.commit()
    days = {a.person.full_name: [m.day.day for m in a.day_marks] for a in services.queries.roster(session)}
    assert days == {'Amina Diallo': [2, 4], 'Jean Okello': [3], 'Walk In': [2]}


def test_the_csv_template_imports_as_it_is(app, db, three_days):
    with app.test_request_context():
        template = signin.csv_template(three_days)
    plan = imports.import_sheet(three_days, 'template.csv', template, write=False)
    assert plan.ok and plan.summary()['matched'] == 2
