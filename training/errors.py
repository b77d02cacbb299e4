"""The domain exception. Flask-free: engines and shared rules raise it; the web kit (training.web) shows it and
training.error_pages renders the HTTP error pages."""
from __future__ import annotations


class TrainingError(Exception):
    """A business rule was broken; ``message`` is safe to show to the user."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
