"""Radio and check-box lists written without a field object per choice (training.forms.choice_items): byte for byte
what WTForms' own widgets write, for every kind of choice list the site renders, and naughty strings."""
from __future__ import annotations

import pytest
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import Form, RadioField
from wtforms.fields.choices import SelectChoice as C
from wtforms.validators import DataRequired, InputRequired, Optional
from wtforms.widgets import RadioInput

from tests.helpers.naughty import naughty_strings
from training.forms import MultiCheckboxField, choice_items


class Disabled:
    """A validator that only sets a flag, as a read-only field would."""

    field_flags = {'disabled': True}

    def __call__(self, form, field):
        pass


def by_wtforms(field, invalid: bool) -> str:
    """What the choices macro wrote by iterating the field (templates/_macros.html before choice_items)."""
    attrs = {'aria-invalid': 'true'} if invalid else {}
    return ''.join(f'<li>{sub(**attrs)} {sub.label}</li>' for sub in field)


NAUGHTY = [s for s in naughty_strings() if s][:120]


def _forms():
    class Quiz(Form):
        one = RadioField('One', choices=[C('a', 'Alpha & "omega"'), C('b', '<b>bold</b>'), C('c', '')],
                         validators=[InputRequired()])
        many = MultiCheckboxField('Many', choices=[C('x', 'X'), C('y', Markup('<em>Y</em>')), C('z', 'Zed')])
        required_many = MultiCheckboxField('Required', choices=[C('1', 'One'), C('2', 'Two')],
                                           validators=[DataRequired()])
        locked = RadioField('Locked', choices=[C('p', 'P'), C('q', 'Q')], validators=[Disabled(), InputRequired()])
        numbers = RadioField('Numbers', choices=[C(1, 'one'), C(2, 'two')], coerce=int, validators=[Optional()])
        naughty = RadioField('Naughty', choices=[C(f'v{i}', text) for i, text in enumerate(NAUGHTY)])
        naughty_values = MultiCheckboxField('Naughty values', choices=[C(text, str(i)) for i, text in
                                                                       enumerate(NAUGHTY)])
    return Quiz


@pytest.mark.parametrize('invalid', [False, True])
@pytest.mark.parametrize('data', [
    {},  # nothing chosen
    {'one': 'b', 'many': ['x', 'z'], 'required_many': ['2'], 'locked': 'q', 'numbers': '2', 'naughty': 'v3',
     'naughty_values': NAUGHTY[5:9]},
    {'one': 'not-a-choice', 'numbers': 'x'},  # what a tampered form sends
])
def test_choice_items_write_what_the_widgets_write(data, invalid):
    form = _forms()(MultiDict([(k, v) for k, values in data.items()
                               for v in (values if isinstance(values, list) else [values])]))
    for field in form:
        fast = choice_items(field, invalid)
        assert fast is not None, field.name
        assert str(fast) == by_wtforms(field, invalid), field.name


def test_lists_it_does_not_cover_are_left_to_the_field():
    class Special(RadioInput):
        pass

    class Odd(Form):
        styled = RadioField('Styled', choices=[C('a', 'A')], render_kw={'class': 'big'})
        own_widget = RadioField('Own', choices=[C('a', 'A')], option_widget=Special())

    form = Odd()
    assert choice_items(form.styled) is None and choice_items(form.own_widget) is None

