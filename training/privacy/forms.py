from __future__ import annotations

from wtforms import BooleanField, SubmitField
from wtforms.validators import DataRequired

from training.forms import Form
from training.i18n import _l


class ErasureForm(Form):
    confirm = BooleanField(_l('I understand that the personal fields are removed for good.'),
                           validators=[DataRequired(_l('Tick the box to confirm the erasure.'))])
    submit = SubmitField(_l('Erase personal data'))
