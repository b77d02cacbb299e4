"""Forms for scenario exercises. The stage form is built per stage: one group of fields per factor."""
from __future__ import annotations

from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from training.forms import Form, MultiCheckboxField, strip_filter
from training.i18n import _, _l
from training.scenarios import engine
from training.scenarios.labels import LEVEL_TITLES
from training.shuffling import apply_order

MAX_JUSTIFICATION = 1000



def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def factor_prefix(index: int) -> str:
    return f'f{index}'


def stage_form_class(stage, framework, evidence, order=None):
    """A Form class for one stage: per factor a level, indicators, evidence cited and a justification;
    then the decision, its options in ``order`` (option ids; the attempt's shuffled order). Indicators keep the
    Framework's order."""

    class StageForm(Form):
        pass

    level_choices = choices((lvl, LEVEL_TITLES[lvl]) for lvl in engine.LEVELS)
    evidence_choices = choices((ev.id, f'[{ev.id}] {ev.title}') for ev in evidence)
    for i, key in enumerate(stage.assess):
        factor = framework.factor(key.factor) if framework else None
        p = factor_prefix(i)
        setattr(StageForm, f'{p}_level', RadioField(
            _('Factor %(id)s: risk level', id=key.factor), choices=level_choices,
            validators=[InputRequired(message=_l('Choose a risk level for this factor.'))]))
        setattr(StageForm, f'{p}_indicators', MultiCheckboxField(
            _('Factor %(id)s: indicators present', id=key.factor),
            choices=choices((ind.id, f'{ind.id} {ind.text}') for ind in (factor.indicators if factor else ()))))
        setattr(StageForm, f'{p}_evidence', MultiCheckboxField(
            _('Factor %(id)s: evidence cited', id=key.factor), choices=evidence_choices))
        setattr(StageForm, f'{p}_justification', TextAreaField(
            _('Factor %(id)s: short justification', id=key.factor), filters=[strip_filter],
            validators=[Optional(), Length(max=MAX_JUSTIFICATION)]))
    StageForm.option = RadioField(
        _l('Your decision'), choices=choices((o.id, o.text) for o in apply_order(stage.decision.options, order)),
        validators=[InputRequired(message=_l('Choose one of the options.'))])
    return StageForm


def answer_from_form(form, stage) -> engine.StageAnswer:
    assessments = {}
    for i, key in enumerate(stage.assess):
        p = factor_prefix(i)
        assessments[key.factor] = engine.FactorAnswer(
            factor=key.factor, level=form[f'{p}_level'].data or None,
            indicators=frozenset(form[f'{p}_indicators'].data or ()),
            evidence=frozenset(form[f'{p}_evidence'].data or ()),
            justification=(form[f'{p}_justification'].data or '')[:MAX_JUSTIFICATION])
    return engine.StageAnswer(assessments=assessments, option=form.option.data)


class JoinForm(Form):
    code = StringField(_l('Code'), filters=[strip_filter],
                       validators=[DataRequired(message=_l('Enter the code shown by the facilitator.')),
                                   Length(max=20)],
                       description=_l('The run code on the facilitator\'s screen, or your team\'s code to '
                                      'join a team that already exists.'))
    team_name = StringField(_l('Team name'), filters=[strip_filter], validators=[Optional(), Length(max=60)],
                            description=_l('Only when your team joins for the first time.'))


class StartRunForm(Form):
    session_id = SelectField(_l('Training session'), coerce=int,
                             validators=[InputRequired(message=_l('Choose a training session.'))])
    scenario = SelectField(_l('Scenario'), validators=[InputRequired(message=_l('Choose a scenario.'))])


class CloseForm(Form):
    """Closing submissions; ``confirm`` says the facilitator has seen which teams have not submitted."""

    confirm = HiddenField(default='')
    submit = SubmitField(_l('Close submissions'))


class TimerForm(Form):
    minutes = IntegerField(_l('Minutes'), default=10,
                           validators=[InputRequired(message=_l('Give the length of the stage in minutes.')),
                                       NumberRange(min=1, max=180,
                                                   message=_l('A stage timer runs from 1 to 180 minutes.'))])
    submit = SubmitField(_l('Start the timer'))


class AdvanceForm(Form):
    target = RadioField(_l('Continue to'), validators=[InputRequired(message=_l('Choose where the run goes next.'))])
