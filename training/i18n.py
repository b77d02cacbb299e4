"""Translation helpers and the locale selector.

``_`` translates at call time (inside a request); ``_l`` is lazy, for module-level strings such as form
labels and enum titles.
"""
from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_babel import (
    get_locale,
    ngettext,  # noqa: F401 - re-exported
)
from flask_babel import gettext as _  # noqa: F401 - re-exported
from flask_babel import lazy_gettext as _l  # noqa: F401 - re-exported
from flask_login import current_user

#: Each language in its own name (the language switcher, lists of languages)
LANGUAGE_NAMES = {'en': 'English', 'fr': 'Français', 'es': 'Español', 'ar': 'العربية'}
#: Languages written right to left: the page gets dir="rtl", charts are mirrored
RTL_LOCALES = frozenset({'ar', 'fa', 'he', 'ur'})
#: Each language named in the interface language (in a sentence: "shown in its original language, English")
LANGUAGE_LABELS = {'en': _l('English'), 'fr': _l('French'), 'es': _l('Spanish'), 'ar': _l('Arabic')}


def is_rtl() -> bool:
    """Whether the current interface language is written right to left (False outside a request)."""
    if not has_request_context():
        return False
    locale = get_locale()
    return bool(locale) and locale.language in RTL_LOCALES


def select_locale() -> str:
    """The user's saved preference, else the switcher's choice, else Accept-Language, else English."""
    languages = current_app.config['LANGUAGES']
    if not has_request_context():  # CLI commands and background work speak the default language
        return languages[0]
    if current_user and current_user.is_authenticated and current_user.preferred_language in languages:
        return current_user.preferred_language
    chosen = session.get('lang')
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or languages[0]
