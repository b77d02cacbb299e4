"""Course forms: the quiz form (built per quiz), certificate revocation."""
from __future__ import annotations

from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from training.courses import draws
from training.forms import Form, MultiCheckboxField, strip_filter
from training.i18n import _l


def field_name(question_id: str) -> str:
    return f'q-{question_id}'


class _QuizBase(Form):
    submit = SubmitField(_l('Submit answers'))

    quiz = None
    #: (question, options in the order shown) for each question of this attempt
    rows: list = []

    def answers(self) -> dict[str, list[str]]:
        """{question id: [option ids]} from the validated form."""
        out: dict[str, list[str]] = {}
        for question, _options in self.rows:
            data = self[field_name(question.id)].data
            out[question.id] = list(data) if isinstance(data, list | tuple) else ([data] if data else [])
        return out

    def question_fields(self):
        """(question, field) pairs in the order shown."""
        return [(q, self[field_name(q.id)]) for q, _options in self.rows]


def quiz_form(quiz, presented=None, **kwargs) -> _QuizBase:
    """A form with one field per question of the attempt's form ``presented`` (see training.courses.draws), its
    options in the order shown: radio buttons (single, true/false) or check boxes (multiple).

    Only option ids and texts go into the page: the answer key and feedback stay on the server.
    """
    rows = draws.shown(quiz, presented)
    form = _form_class(quiz, frozenset(question.id for question, _options in rows))(**kwargs)
    for question, options in rows:
        form[field_name(question.id)].choices = [SelectChoice(o.id, o.text) for o in options]
    form.rows = rows
    return form


#: Form classes built once (a class per request cost half of building the form; issue 18): {(id(quiz), the
#: questions asked): (quiz, class)}. The quiz is kept so that its id is not reused while the entry lives. A quiz
#: that asks all its questions has one class; one that draws from a bank, one per form drawn (which its page and
#: its submission share).
_CLASSES: dict[tuple, tuple] = {}
_MAX_CLASSES = 512


def _form_class(quiz, asked: frozenset[str]) -> type[_QuizBase]:
    """A class with a field for each question of ``quiz`` in ``asked``, options in the authored order (each form
    puts them in the order it shows)."""
    key = (id(quiz), asked)
    entry = _CLASSES.get(key)
    if entry is not None and entry[0] is quiz:
        return entry[1]
    attrs = {'quiz': quiz}
    for question in quiz.questions:
        if question.id not in asked:
            continue
        choices = [SelectChoice(o.id, o.text) for o in question.options]
        if question.type == 'multiple':
            attrs[field_name(question.id)] = MultiCheckboxField(
                question.prompt, choices=choices,
                validators=[DataRequired(message=_l('Choose at least one answer.'))])
        else:
            attrs[field_name(question.id)] = RadioField(
                question.prompt, choices=choices, validators=[InputRequired(message=_l('Choose an answer.'))])
    cls = type('QuizForm', (_QuizBase,), attrs)
    if len(_CLASSES) >= _MAX_CLASSES:  # many forms drawn, or content loaded again and again (tests): start afresh
        _CLASSES.clear()
    _CLASSES[key] = (quiz, cls)
    return cls


class RevokeForm(Form):
    reason = TextAreaField(_l('Reason for revoking'), filters=[strip_filter],
                           description=_l('Kept with the certificate for administrators; the public page only '
                                          'says that it was revoked and when.'),
                           validators=[DataRequired(message=_l('Give the reason for revoking the certificate.')),
                                       Length(max=500)])
    submit = SubmitField(_l('Revoke certificate'))
