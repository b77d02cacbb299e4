"""Shared form pieces: the base form every form uses, the confirm button, multi-checkbox lists, countries."""
from __future__ import annotations

import math
import re

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import SelectField, SelectMultipleField, SubmitField, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, RadioInput

from training.i18n import _l
from training.security import remember_csrf_token, seed_csrf_token
from training.vocab import country_choices

#: Invisible control characters (NUL included, which PostgreSQL cannot store); tab, LF and CR are allowed.
CONTROL_CHARACTERS = re.compile(r'[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]')


class Form(FlaskForm):
    """Every form of the site: refuses control characters in every text field with a message on the field,
    instead of failing when the row is saved.

    ``autocomplete`` maps a field name to its input purpose (WCAG 1.3.5), for the fields that ask for the
    user's own data: ``{'email': 'email', 'password': 'current-password'}``. It becomes the field's
    ``autocomplete`` attribute wherever the form is rendered.
    """

    autocomplete: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        seed_csrf_token()  # the form's CSRF field asks Flask-WTF for the token: signed once per session
        super().__init__(*args, **kwargs)
        remember_csrf_token()
        for name, token in self.autocomplete.items():
            field = self._fields.get(name)
            if field is not None:
                field.render_kw = {**(field.render_kw or {}), 'autocomplete': token}

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        for field in self:
            if isinstance(field.data, str) and field.type in ('StringField', 'TextAreaField', 'EmailField',
                                                               'PasswordField', 'SearchField', 'HiddenField') \
                    and CONTROL_CHARACTERS.search(field.data):
                field.errors = list(field.errors) + [_l('Remove the invisible control characters from this field.')]
                ok = False
        return ok


class ConfirmForm(Form):
    """An empty form: a POST button with its CSRF token."""

    submit = SubmitField(_l('Confirm'))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def choice_items(field, invalid: bool = False) -> Markup | None:
    """The ``<li>`` items of a radio or check-box list, as WTForms' own widgets write them (the same attributes in
    the same order, escaped the same way) without making a field object for each choice: a quiz page wrote its 24
    options through WTForms in 40% of its time. ``invalid``: each box says so (``aria-invalid``). None for a field
    this does not cover (its own ``render_kw`` or option widget): the template then iterates the field."""
    widget = getattr(field, 'option_widget', None)
    choices = getattr(field, '_iter_choices_normalized', None)  # WTForms 3.3's own iteration of the choices
    if field.render_kw or type(widget) not in (RadioInput, CheckboxInput) or choices is None:
        return None
    flags = field.flags
    after_id, after_name = '', ''
    for key in widget.validation_attrs:  # the boolean attributes WTForms copies from the validators' flags
        value = getattr(flags, key, False)
        value = value() if callable(value) else value
        if value is False or value is None:
            continue
        text = f' {key}' if value is True else f' {key}="{escape(value)}"'
        if key < 'id':
            after_id += text
        else:
            after_name += text
    before = ' aria-invalid="true"' if invalid else ''
    name, kind, base = escape(field.name), widget.input_type, escape(field.id)
    items = []
    for i, choice in enumerate(choices()):
        checked = ' checked' if choice.selected else ''
        label = choice.label or choice.value
        items.append(f'<li><input{before}{checked}{after_id} id="{base}-{i}" name="{name}"{after_name} type="{kind}" '
                     f'value="{escape(str(choice.value))}"> <label for="{base}-{i}">{escape(label)}</label></li>')
    return Markup(''.join(items))  # noqa: S704 - every value above is escaped


class CountryField(SelectField):
    """ISO 3166-1 alpha-2 country, names in the current locale. Choices are filled per request."""

    def __init__(self, label=None, validators=None, blank=None, **kwargs):
        super().__init__(label, validators, choices=[], **kwargs)
        self.blank = blank

    def _ensure_choices(self):
        if not self.choices:
            self.choices = country_choices(blank=str(self.blank) if self.blank is not None else None)

    def iter_choices(self):
        self._ensure_choices()
        return super().iter_choices()

    def pre_validate(self, form):
        self._ensure_choices()
        return super().pre_validate(form)


def finite(form, field):
    """A number field's value is an ordinary number: ``nan`` and ``inf`` parse as floats and pass every range check
    (a NaN is neither below nor above a bound), then poison every average they enter."""
    if isinstance(field.data, float) and not math.isfinite(field.data):
        raise ValidationError(_l('Enter a number.'))


def strip_filter(value):
    return value.strip() if isinstance(value, str) else value
