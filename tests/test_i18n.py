"""Locale selection, the language switcher, per-locale formatting, catalogue completeness."""
from __future__ import annotations

import json
from pathlib import Path

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


def test_french_catalogue_is_complete():
    with open(ROOT / 'training/translations/fr/LC_MESSAGES/messages.po', 'rb') as fh:
        catalog = read_po(fh)
    missing = [m.id for m in catalog if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
    fuzzy = [m.id for m in catalog if m.id and 'fuzzy' in m.flags]
    assert not missing, f'untranslated: {missing[:10]}'
    assert not fuzzy, f'fuzzy: {fuzzy[:10]}'


def test_catalogue_covers_every_string_in_the_code():
    """Every string marked for translation in the code and templates has a French entry."""
    from babel.messages.extract import extract_from_dir
    with open(ROOT / 'training/translations/fr/LC_MESSAGES/messages.po', 'rb') as fh:
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    # Strings translated in training/translations/pending/*.fr.json are merged into the .po by `make messages`
    # (the coordinator runs it, so parallel work does not conflict on the .po).
    for pending in (ROOT / 'training/translations/pending').glob('*.fr.json'):
        known |= {msgid for msgid, french in json.loads(pending.read_text()).items() if french}
    method_map = [('training/**.py', 'python'), ('templates/**.html', 'jinja2')]
    keywords = {'_': None, '_l': None, 'gettext': None, 'lazy_gettext': None, 'ngettext': (1, 2)}
    missing = set()
    for _fn, _ln, msg, _c, _ctx in extract_from_dir(str(ROOT), method_map=method_map, keywords=keywords,
                                                     options_map={'templates/**.html': {'trimmed': 'false'}}):
        msgid = msg if isinstance(msg, str) else msg[0]
        if msgid not in known:
            missing.add(msgid)
    assert not missing, f'not in the French catalogue (run make messages): {sorted(missing)[:10]}'
