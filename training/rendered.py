"""Rendered content that is the same for everyone, kept for the life of the process.

Course and scenario content is loaded once when the app starts and never changes while it runs, so the HTML made
from it -- a lesson's text with its sources and neighbours, a course's card in the catalogue -- is rendered once per
language and reused. Nothing personal goes in: progress, "done" marks, forms and their CSRF tokens are rendered for
each request around these fragments.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import current_app, render_template, request
from flask_babel import get_locale
from markupsafe import Markup

#: At most this many fragments are kept (every lesson and course card in every language fits many times over)
LIMIT = 5000


def fragment(template: str, key: tuple, context: Callable[[], dict]) -> Markup:
    """``template`` rendered with ``context()``, once per ``key``, language and mount point."""
    cache = current_app.extensions.setdefault('rendered_fragments', {})
    full_key = (template, key, str(get_locale() or ''), request.script_root)
    html = cache.get(full_key)
    if html is None:
        html = Markup(render_template(template, **context()))  # noqa: S704 - our template, autoescaped
        if len(cache) < LIMIT:
            cache[full_key] = html
    return html
