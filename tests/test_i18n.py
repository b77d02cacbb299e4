"""Locale selection, the language switcher, per-locale formatting, catalogue completeness."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from training.auth.models import Role

ROOT = Path(__file__).resolve().parents[1]


def test_english_by_default(client):
    html = client.get('/login').get_data(as_text=True)
    assert '<html lang="en">' in html and 'Sign in' in html


def test_accept_language_french(client):
    html = client.get('/login', headers={'Accept-Language': 'fr-FR,fr;q=0.9,en;q=0.5'}).get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert 'Se connecter' in html and 'Adresse électronique' in html


def test_unsupported_language_falls_back_to_english(client):
    assert '<html lang="en">' in client.get('/', headers={'Accept-Language': 'sw'}).get_data(as_text=True)


def test_switcher_works_for_anonymous_visitors(client):
    response = client.post('/language', data={'lang': 'fr', 'next': '/login'})
    assert response.status_code == 302 and response.headers['Location'] == '/login'
    assert '<html lang="fr">' in client.get('/login', headers={'Accept-Language': 'en'}).get_data(as_text=True)


def test_switcher_refuses_offsite_next(client):
    response = client.post('/language', data={'lang': 'fr', 'next': 'https://evil.example/'})
    assert response.headers['Location'] == '/'


def test_user_preference_beats_accept_language(client, auth, db):
    user = auth.login_as(Role.trainee, preferred_language='fr')
    assert '<html lang="fr">' in client.get('/account', headers={'Accept-Language': 'en'}).get_data(as_text=True)
    client.post('/language', data={'lang': 'en'})
    db.session.refresh(user)
    assert user.preferred_language == 'en'


def test_dates_formatted_per_locale(app):
    from datetime import date

    from flask_babel import force_locale, format_date, format_decimal
    with app.test_request_context():
        with force_locale('fr'):
            assert format_date(date(2010, 3, 4), 'long') == '4 mars 2010'
            assert format_decimal(738.5) == '738,5'
        with force_locale('en'):
            assert format_date(date(2010, 3, 4), 'long') == 'March 4, 2010'


def test_translations_follow_the_locale_of_the_moment(app):
    """Python and template strings come from the catalogue of the locale in force, forced for a part (a certificate,
    an e-mail in the recipient's language) and back afterwards (the catalogues are looked up by locale, issue 18)."""
    from flask import render_template_string
    from flask_babel import force_locale

    from training.i18n import _, _l, ngettext
    label = _l('Courses')
    page = "{{ _('Courses') }} {{ ngettext('%(num)d course', '%(num)d courses', 2) }} {{ label }}"
    with app.app_context(), app.test_request_context(headers={'Accept-Language': 'en'}):  # a request's own g
        assert (_('Courses'), ngettext('%(num)d course', '%(num)d courses', 2), str(label)) == (
            'Courses', '2 courses', 'Courses')
        with force_locale('fr'):
            assert (_('Courses'), ngettext('%(num)d course', '%(num)d courses', 2), str(label)) == (
                'Cours', '2 cours', 'Cours')
            assert render_template_string(page, label=label) == 'Cours 2 cours Cours'
        assert render_template_string(page, label=label) == 'Courses 2 courses Courses'
    with app.app_context(), app.test_request_context(headers={'Accept-Language': 'fr'}):
        assert render_template_string(page, label=label) == 'Cours 2 cours Cours'


def test_a_language_chosen_during_the_request_is_used_at_once(app):
    """The catalogue kept for the request follows Flask-Babel's locale: after ``refresh()`` (the language switcher)
    the next string is in the new language."""
    from flask import session
    from flask_babel import refresh

    from training.i18n import _
    with app.app_context(), app.test_request_context(headers={'Accept-Language': 'en'}):
        assert _('Courses') == 'Courses'
        session['lang'] = 'fr'
        refresh()
        assert _('Courses') == 'Cours'


def test_template_translations_escape_their_variables_and_take_any_name(app):
    """The templates' own ``_`` and ``ngettext`` (issue 18) behave as Jinja's: the translation is markup, the
    variables are escaped, and a variable may be called ``num`` or ``string``."""
    from flask import render_template_string
    with app.test_request_context(headers={'Accept-Language': 'fr'}):
        page = ("{{ _('Courses') }}|{{ _('%(string)s', string='<b>') }}|"
                "{{ ngettext('%(num)s hour', '%(num)s hours', 2, num='1,5') }}|"
                "{{ ngettext('%(num)d course', '%(num)d courses', 3) }}")
        assert render_template_string(page) == 'Cours|&lt;b&gt;|1,5 heures|3 cours'
        assert render_template_string("{{ gettext('%(string)s', string='<b>') }}") == '&lt;b&gt;'
        assert app.jinja_env.globals['gettext'] is app.jinja_env.globals['_']  # one way for both names


def test_percentages_in_the_language_of_the_page(app):
    """The percentformat filter is remembered per value and language (issue 18): each language keeps its own form."""
    from flask import render_template_string
    page = '{{ 0.37|percentformat }}'
    with app.app_context(), app.test_request_context(headers={'Accept-Language': 'en'}):
        assert render_template_string(page) == '37%'
    with app.app_context(), app.test_request_context(headers={'Accept-Language': 'fr'}):
        assert render_template_string(page) == '37\xa0%'
    with app.app_context(), app.test_request_context(headers={'Accept-Language': 'en'}):
        assert render_template_string(page) == '37%'


def test_numbers_and_dates_in_the_language_of_the_page_and_of_macros_without_context(app):
    """The filters take the page's language from its context (set once per page); a macro imported without
    context has none and looks it up: both give the French forms."""
    from datetime import date

    from flask import render_template_string
    macro = '{% macro shown(n, d) %}{{ n|numberformat }} {{ d|dateformat }}{% endmacro %}'
    page = ('{% import "_test_numbers.html" as m %}{{ 1234567|numberformat }} {{ day|dateformat }} | '
            '{{ m.shown(1234567, day) }}')
    loader = app.jinja_env.loader
    from jinja2 import ChoiceLoader, DictLoader
    app.jinja_env.loader = ChoiceLoader([DictLoader({'_test_numbers.html': macro}), loader])
    try:
        with app.app_context(), app.test_request_context(headers={'Accept-Language': 'fr'}):
            shown = render_template_string(page, day=date(2024, 3, 1))
        with app.app_context(), app.test_request_context(headers={'Accept-Language': 'en'}):
            english = render_template_string(page, day=date(2024, 3, 1))
    finally:
        app.jinja_env.loader = loader
    assert shown == '1\u202f234\u202f567 1 mars 2024 | 1\u202f234\u202f567 1 mars 2024'
    assert english == '1,234,567 Mar 1, 2024 | 1,234,567 Mar 1, 2024'


CATALOGUES = ('fr', 'es', 'ar')
PLACEHOLDER = re.compile(r'%\([a-z_]+\)[sd]|%%|\{[a-z_]+\}')


def _catalog(lang: str):
    with open(ROOT / f'training/translations/{lang}/LC_MESSAGES/messages.po', 'rb') as fh:
        return read_po(fh)


@pytest.mark.parametrize('lang', CATALOGUES)
def test_catalogue_is_complete(lang):
    catalog = _catalog(lang)
    missing = [m.id for m in catalog if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
    fuzzy = [m.id for m in catalog if m.id and 'fuzzy' in m.flags]
    assert not missing, f'untranslated: {missing[:10]}'
    assert not fuzzy, f'fuzzy: {fuzzy[:10]}'


@pytest.mark.parametrize('lang', CATALOGUES)
def test_translations_keep_every_placeholder(lang):
    """A translation that drops or misspells %(name)s would raise at render time or lose a figure."""
    wrong = []
    for m in _catalog(lang):
        if not m.id:
            continue
        if isinstance(m.id, tuple):
            allowed = set(PLACEHOLDER.findall(m.id[0])) | set(PLACEHOLDER.findall(m.id[1]))
            needed = allowed - {'%(num)d', '%(n)s', '%(n)d', '%(num)s', '%(hours)s'}  # the counted number
            forms = m.string if isinstance(m.string, tuple) else (m.string,)
            if any(not set(PLACEHOLDER.findall(f)) <= allowed or not needed <= set(PLACEHOLDER.findall(f))
                   for f in forms):
                wrong.append(m.id[0])
        elif sorted(PLACEHOLDER.findall(m.id)) != sorted(PLACEHOLDER.findall(m.string)):
            wrong.append(m.id)
    assert not wrong, wrong[:10]


@pytest.mark.parametrize('lang', CATALOGUES)
def test_catalogue_covers_every_string_in_the_code(lang):
    """Every string marked for translation in the code and templates has an entry in every catalogue."""
    from babel.messages.extract import extract_from_dir
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalog(lang) if m.id}
    # Strings translated in training/translations/pending/*.<lang>.json are merged into the .po by `make messages`
    # (the coordinator runs it, so parallel work does not conflict on the .po).
    for pending in (ROOT / 'training/translations/pending').glob(f'*.{lang}.json'):
        known |= {msgid for msgid, text in json.loads(pending.read_text()).items() if text}
    method_map = [('training/**.py', 'python'), ('templates/**.html', 'jinja2')]
    keywords = {'_': None, '_l': None, 'gettext': None, 'lazy_gettext': None, 'ngettext': (1, 2)}
    missing = set()
    for _fn, _ln, msg, _c, _ctx in extract_from_dir(str(ROOT), method_map=method_map, keywords=keywords,
                                                     options_map={'templates/**.html': {'trimmed': 'false'}}):
        msgid = msg if isinstance(msg, str) else msg[0]
        if msgid not in known:
            missing.add(msgid)
    assert not missing, f'not in the {lang} catalogue (add pending/<area>.{lang}.json, run make messages): ' \
                        f'{sorted(missing)[:10]}'


@pytest.mark.parametrize('lang, words', [
    ('es', ('Iniciar sesión', 'Dirección de correo electrónico')),
    ('ar', ('تسجيل الدخول', 'عنوان البريد الإلكتروني')),
])
def test_spanish_and_arabic_interfaces(client, lang, words):
    html = client.get('/login', headers={'Accept-Language': lang}).get_data(as_text=True)
    assert f'<html lang="{lang}"' in html and all(w in html for w in words)
    assert ('dir="rtl"' in html) == (lang == 'ar')


def test_dates_and_numbers_formatted_for_spanish_and_arabic(app):
    from datetime import date

    from flask_babel import force_locale, format_date, format_decimal
    with app.test_request_context():
        with force_locale('es'):
            assert format_date(date(2010, 3, 4), 'long') == '4 de marzo de 2010'
            assert format_decimal(738.5) == '738,5'
        with force_locale('ar'):
            assert 'مارس' in format_date(date(2010, 3, 4), 'long')
