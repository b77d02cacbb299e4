"""Forms for the workshops pages."""
from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FloatField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, Regexp

from training.forms import CountryField, Form, strip_filter
from training.i18n import LANGUAGE_NAMES, _l
from training.vocab import OrganisationType
from training.workshops.models import AttendanceRole, SessionMode, SessionStatus, Sex


def _org_type_choices():
    return [('', _l('— not known —'))] + OrganisationType.choices()


def _lower(value):
    return value.lower() if isinstance(value, str) else value


class SessionForm(Form):
    code = StringField(_l('Code'), validators=[DataRequired(), Length(max=32),
                                               Regexp(r'^[A-Za-z0-9][A-Za-z0-9._-]*$',
                                                      message=_l('Use letters, digits, dots, dashes or underscores.'))],
                       filters=[strip_filter], description=_l('A short unique reference, e.g. 2010-KE-03.'))
    title = StringField(_l('Title'), validators=[DataRequired(), Length(max=200)], filters=[strip_filter])
    course_slug = SelectField(_l('Course followed'), choices=[], validators=[Optional()])
    status = SelectField(_l('Status'), choices=SessionStatus.choices)
    country = CountryField(_l('Country'), validators=[DataRequired()], blank=_l('— choose —'))
    city = StringField(_l('City'), validators=[Optional(), Length(max=120)], filters=[strip_filter])
    venue = StringField(_l('Venue'), validators=[Optional(), Length(max=200)], filters=[strip_filter])
    start_date = DateField(_l('First day'), validators=[InputRequired(message=_l('Enter a date.'))])
    end_date = DateField(_l('Last day'), validators=[InputRequired(message=_l('Enter a date.'))])
    mode = SelectField(_l('Mode'), choices=SessionMode.choices)
    language = SelectField(_l('Language'), choices=lambda: list(LANGUAGE_NAMES.items()))
    partner = StringField(_l('Partner organisation'), validators=[Optional(), Length(max=200)], filters=[strip_filter])
    audience = StringField(_l('Audience'), validators=[Optional(), Length(max=300)], filters=[strip_filter])
    trainers = SelectMultipleField(_l('Trainers'), coerce=int, validators=[Optional()])
    notes = TextAreaField(_l('Notes'), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l('Save session'))


class PersonForm(Form):
    full_name = StringField(_l('Full name'), validators=[DataRequired(), Length(max=200)], filters=[strip_filter])
    sex = SelectField(_l('Sex'), choices=Sex.choices, default='undisclosed')
    organisation = StringField(_l('Organisation'), validators=[Optional(), Length(max=200)], filters=[strip_filter])
    organisation_type = SelectField(_l('Organisation type'), choices=_org_type_choices, validators=[Optional()])
    country = CountryField(_l('Country'), validators=[Optional()], blank=_l('— not known —'))
    email = EmailField(_l('Email address'), validators=[Optional(), Email(check_deliverability=False),
                                                        Length(max=254)], filters=[strip_filter, _lower])
    consent_to_contact = BooleanField(_l('Agrees to be contacted about the programme'))


class AddPersonForm(PersonForm):
    role = SelectField(_l('Role'), choices=AttendanceRole.choices, default='participant')
    submit = SubmitField(_l('Add to roster'))


class EditPersonForm(PersonForm):
    submit = SubmitField(_l('Save person'))


class WalkInForm(PersonForm):
    """Filled in by the person themselves at check-in (so their browser may fill it in)."""
    autocomplete = {'full_name': 'name', 'organisation': 'organization', 'country': 'country', 'email': 'email'}
    submit = SubmitField(_l('Register and check in'))


class AddExistingForm(Form):
    person_id = HiddenField(validators=[DataRequired()])
    role = SelectField(_l('Role'), choices=AttendanceRole.choices, default='participant')
    submit = SubmitField(_l('Add to roster'))


class AttendanceForm(Form):
    role = SelectField(_l('Role'), choices=AttendanceRole.choices)
    completed = BooleanField(_l('Completed the session'))
    pre_test_score = FloatField(_l('Pre-test score (%)'), validators=[Optional(), NumberRange(0, 100)])
    post_test_score = FloatField(_l('Post-test score (%)'), validators=[Optional(), NumberRange(0, 100)])
    submit = SubmitField(_l('Save'))



class ImportForm(Form):
    sheet = FileField(_l('Sign-in sheet (CSV or XLSX)'),
                      validators=[FileRequired(message=_l('Choose a file.')),
                                  FileAllowed(['csv', 'xlsx', 'txt'], _l('Upload a .csv or .xlsx file.'))])
    submit = SubmitField(_l('Preview import'))


class ConfirmImportForm(Form):
    token = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l('Import these rows'))


class MergeForm(Form):
    keep = HiddenField(validators=[DataRequired()])
    merge = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l('Merge'))


class OpenCheckInForm(Form):
    day = SelectField(_l('Day'), choices=[])
    minutes = IntegerField(_l('Keep open for (minutes)'), default=120,
                           validators=[InputRequired(), NumberRange(5, 720)])
    submit = SubmitField(_l('Open check-in'))


class CodeForm(Form):
    code = StringField(_l('Check-in code'), validators=[DataRequired(), Length(max=20)], filters=[strip_filter])
    submit = SubmitField(_l('Continue'))


class CheckInSelfForm(Form):
    attendance_id = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l('This is me: check in'))
