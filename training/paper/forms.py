"""Forms of the paper pages: a team with no device added by the facilitator, and a participant's answer sheet."""
from __future__ import annotations

from wtforms import RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from training.forms import Form, MultiCheckboxField, strip_filter
from training.i18n import _l


class PaperTeamForm(Form):
    team_name = StringField(_l('Team name'), filters=[strip_filter],
                            validators=[DataRequired(message=_l('Give the team a name.')), Length(max=60)],
                            description=_l('A team answering on paper, with no device: you will enter its grids.'))
    submit = SubmitField(_l('Add the team'))


def field_name(question_id: str) -> str:
    return f'q-{question_id}'


class _EntryBase(Form):
    attendance_id = SelectField(_l('Participant'), coerce=int,
                                validators=[InputRequired(message=_l('Choose the participant.'))])
    submit = SubmitField(_l('Save the answers'))

    rows: list = []

    def answers(self) -> dict[str, list[str]]:
        out = {}
        for _number, question, _options in self.rows:
            data = self[field_name(question.id)].data
            out[question.id] = list(data) if isinstance(data, list | tuple) else ([data] if data else [])
        return out

    def question_fields(self):
        return [(number, question, self[field_name(question.id)]) for number, question, _options in self.rows]


def entry_form(rows, participants: list[tuple[int, str]], **kwargs) -> _EntryBase:
    """One field a question, its options lettered as printed (``rows`` from ``entries.lettered``); a question left
    blank on paper is left blank here (and scores as wrong)."""
    attrs = {'rows': rows}
    for number, question, options in rows:
        choices = [SelectChoice(option.id, f'{letter}. {option.text}') for letter, option in options]
        label = f'{number}. {question.prompt}'
        if question.type == 'multiple':
            attrs[field_name(question.id)] = MultiCheckboxField(label, choices=choices, validators=[Optional()])
        else:
            attrs[field_name(question.id)] = RadioField(label, choices=choices, validators=[Optional()])
    form = type('PaperEntryForm', (_EntryBase,), attrs)(**kwargs)
    form.attendance_id.choices = [SelectChoice(value, label) for value, label in participants]
    return form
