"""Course, scenario and framework content: files -> validated immutable objects -> a read-only registry."""
from __future__ import annotations

from pathlib import Path

from flask import current_app, has_request_context
from flask_babel import get_locale

from training.content.registry import Registry, load_content_cached


def init_app(app) -> None:
    """Load the content once; the app refuses to start if any file is invalid (ContentErrors lists them)."""
    app.extensions['content'] = load_content_cached(Path(app.config['CONTENT_DIR']))


def registry() -> Registry:
    """The content; in a request, in the interface language wherever it is translated (else in the original)."""
    content = current_app.extensions['content']
    if has_request_context():
        locale = get_locale()
        return content.in_language(locale.language if locale else None)
    return content
