"""Sign-in sheets and exports in every interface language (issue 16, item 6): what the site writes in a language
(column headings, sex, organisation type, role) the sheet import reads back, and exports speak the page's language."""
from __future__ import annotations

import pytest
from flask_babel import force_locale, gettext

from training.vocab import OrganisationType
from training.workshops.models import AttendanceRole, Sex
from training.workshops.sheets import vocab
from training.workshops.sheets.headers import field_for

LANGUAGES = ('en', 'fr', 'es', 'ar')


def test_the_value_titles_are_the_enums_titles(app):
    with app.test_request_context(), force_locale('en'):
        assert {m.name: str(m.title) for m in OrganisationType} == vocab.ORG_TYPE_TITLES
        assert {m.name: str(m.title) for m in Sex} == vocab.SEX_TITLES
        assert {m.name: str(m.title) for m in AttendanceRole} == vocab.ROLE_TITLES


@pytest.mark.parametrize('lang', LANGUAGES)
def test_the_sites_own_headings_and_values_read_back(app, lang):
    with app.test_request_context(), force_locale(lang):
        for name, (label, _aliases) in vocab.FIELDS.items():
            heading = gettext(label)
            assert field_for(heading) == (name, True), (lang, name, heading)
        for titles, table in ((vocab.SEX_TITLES, vocab.sex_lookup()), (vocab.ROLE_TITLES, vocab.role_lookup()),
                              (vocab.ORG_TYPE_TITLES, vocab.org_type_lookup())):
            for name, title in titles.items():
                shown = gettext(title)
                if name == 'other' and titles is vocab.ORG_TYPE_TITLES:
                    continue  # "Other" is a sex and an organisation type: each lookup has its own
                assert table.get(vocab.words(shown) or shown) == name, (lang, name, shown)
