"""Shared form pieces."""
from __future__ import annotations

from wtforms import SelectField


class CountryField(SelectField):
    """ISO 3166-1 alpha-2 country, names in the current locale. Choices are filled per request."""

    def __init__(self, label=None, validators=None, blank=None, **kwargs):
        super().__init__(label, validators, choices=[], **kwargs)
        self.blank = blank

    def _ensure_choices(self):
        if not self.choices:
            from training.vocab import country_choices
            self.choices = country_choices(blank=str(self.blank) if self.blank is not None else None)

    def iter_choices(self):
        self._ensure_choices()
        return super().iter_choices()

    def pre_validate(self, form):
        self._ensure_choices()
        return super().pre_validate(form)


def strip_filter(value):
    return value.strip() if isinstance(value, str) else value
