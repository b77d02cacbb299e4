"""Translation for Flask-free modules (the engines, the shared text rules).

Such a module marks its messages as every other module does, ``_('...')`` or ``_l('...')`` (pybabel extracts both),
but takes ``_`` and ``_l`` from here instead of training.i18n, so that importing it loads no Flask:

- ``_(text, **params)`` translates into the current request's language through Flask-Babel once the application has
  loaded Flask-Babel (it always has, in the app); without it (an engine used on its own, a script) it returns
  ``text % params``;
- ``_l(text)`` only marks ``text`` for extraction and returns it: the module keeps the msgid and calls ``_`` when
  the text is shown.
"""
from __future__ import annotations

import sys


def _(text: str, **params) -> str:
    babel = sys.modules.get('flask_babel')  # looked up, never imported: this module must not load Flask
    if babel is not None:
        return babel.gettext(text, **params)
    return text % params if params else text


def _l(text: str) -> str:
    return text
