"""Translation helpers and the locale selector.

``_`` translates at call time (inside a request); ``_l`` is lazy, for module-level strings such as form
labels and enum titles. They, ``ngettext`` and the templates' ``_``/``gettext``/``ngettext`` (:func:`init_app`)
translate as Flask-Babel's functions do, with the catalogue found by the locale object (:func:`catalogue`).
"""
from __future__ import annotations

from flask import current_app, g, has_app_context, has_request_context, request, session
from flask_babel import get_locale, get_translations
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup


def catalogue():
    """The translations of the current locale (Flask-Babel's own), found by the locale object.

    Flask-Babel's lookup reads the request's globals three times and formats the locale's name for every string; a
    page translates 20 to 40 of them (issue 18). The catalogues are loaded once per locale and never change while
    the app runs; ``force_locale`` and ``refresh`` change the locale object, so they are honoured.

    The catalogue found is also kept with Flask-Babel's state for the request, and used while the locale there is
    the same object: finding the locale through Flask-Babel (three look-ups of the request's globals) cost more
    than translating (issue 18).
    """
    state = g.get('_flask_babel') if has_app_context() else None  # Flask-Babel's per-request state
    if state is not None and getattr(state, 'babel_locale', None) is getattr(state, 'catalogue_locale', False):
        return state.catalogue
    locale = get_locale()
    if locale is None:  # outside a request
        return get_translations()
    found = current_app.extensions.setdefault('catalogues', {})
    key = (locale.language, locale.territory, locale.script, locale.variant)  # a Locale compares slowly
    translations = found.get(key)
    if translations is None:
        translations = found[key] = get_translations()
    state = g.get('_flask_babel')
    if state is not None:
        state.catalogue_locale, state.catalogue = locale, translations
    return translations


def _(string: str, **variables) -> str:
    """``string`` in the current language, formatted with ``variables`` (as flask_babel.gettext)."""
    text = catalogue().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """The form for ``num`` in the current language; ``%(num)d`` is ``num`` (as flask_babel.ngettext)."""
    variables.setdefault('num', num)
    return catalogue().ungettext(singular, plural, num) % variables


def _l(string: str, **variables) -> LazyString:
    """``_`` when the value is shown, for module-level strings (as flask_babel.lazy_gettext)."""
    return LazyString(_, string, **variables)



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


@pass_eval_context
def _template_gettext(eval_ctx, string: str, /, **variables) -> str:
    """A template's ``_()``: as Jinja's "new style" gettext (the text marked safe where the template escapes, then
    formatted with ``variables``, which are escaped), in one call instead of three (``_`` looked up ``gettext``,
    which called the catalogue, each through the template context: a third of the cost; issue 18)."""
    return _formatted(eval_ctx, catalogue().ugettext(string), variables)


@pass_eval_context
def _template_ngettext(eval_ctx, singular: str, plural: str, num: int, /, **variables) -> str:
    """A template's ``ngettext()``, as Jinja's new style one (``%(num)d`` is ``num``), in one call."""
    variables.setdefault('num', num)
    return _formatted(eval_ctx, catalogue().ungettext(singular, plural, num), variables)


def _formatted(eval_ctx, text: str, variables: dict) -> str:
    """A translation as a template shows it: markup where the template escapes (the variables, put in by Markup's
    ``%``, are escaped), and always formatted, as Jinja's new style gettext does."""
    if eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - our catalogue's text
    if not variables and '%' not in text:
        return text  # nothing to put in or unescape: formatting would give the same text (a catalogue page has 60)
    return text % variables


def init_app(app) -> None:
    """Templates translate through :func:`catalogue` too (Flask-Babel installs its own lookup at init_app)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: catalogue().ugettext(s),
        ngettext=lambda s, p, n: catalogue().ungettext(s, p, n),
        pgettext=lambda c, s: catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalogue().unpgettext(c, s, p, n),
        newstyle=True)
    app.jinja_env.globals.update({'_': _template_gettext, 'gettext': _template_gettext, 'ngettext': _template_ngettext})
