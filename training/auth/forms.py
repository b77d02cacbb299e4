from __future__ import annotations

from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from training.auth.models import Role
from training.auth.services import MIN_PASSWORD_LENGTH
from training.forms import CountryField, Form, MultiCheckboxField, strip_filter
from training.i18n import LANGUAGE_NAMES, _l
from training.text import EmailError, normalise_email
from training.vocab import OrganisationType


class LoginForm(Form):
    autocomplete = {'email': 'username', 'password': 'current-password'}
    email = EmailField(_l('Email address'), validators=[DataRequired(), Length(max=254)], filters=[strip_filter])
    password = PasswordField(_l('Password'), validators=[DataRequired(), Length(max=1000)])
    remember = BooleanField(_l('Keep me signed in on this device'))
    submit = SubmitField(_l('Sign in'))


def _org_type_choices():
    return [('', _l('— choose —'))] + OrganisationType.choices()


def _language_choices():
    return [(code, name) for code, name in LANGUAGE_NAMES.items()]


class ProfileForm(Form):
    autocomplete = {'name': 'name', 'country': 'country', 'organisation': 'organization'}
    name = StringField(_l('Full name'), validators=[DataRequired(), Length(max=200)], filters=[strip_filter])
    country = CountryField(_l('Country'), validators=[Optional()], blank=_l('— choose —'))
    organisation = StringField(_l('Organisation'), validators=[Optional(), Length(max=200)], filters=[strip_filter])
    organisation_type = SelectField(_l('Organisation type'), choices=_org_type_choices, validators=[Optional()])
    preferred_language = SelectField(_l('Preferred language'), choices=_language_choices)
    submit = SubmitField(_l('Save'))


class RegistrationForm(ProfileForm):
    autocomplete = {**ProfileForm.autocomplete, 'email': 'email', 'password': 'new-password',
                    'confirm': 'new-password'}
    email = EmailField(_l('Email address'),
                       validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
                       filters=[strip_filter])
    password = PasswordField(_l('Password'), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)],
                             description=_l('At least %(n)d characters.', n=MIN_PASSWORD_LENGTH))
    confirm = PasswordField(_l('Repeat password'),
                            validators=[DataRequired(), EqualTo('password', message=_l('The passwords differ.'))])
    submit = SubmitField(_l('Create account'))

    def validate_email(self, field):
        try:
            normalise_email(field.data)
        except EmailError as exc:
            raise ValidationError(exc.message) from exc
        # Whether the address has an account is not said here (training.auth.services.register)


class ChangePasswordForm(Form):
    autocomplete = {'current': 'current-password', 'password': 'new-password', 'confirm': 'new-password'}
    current = PasswordField(_l('Current password'), validators=[DataRequired(), Length(max=1000)])
    password = PasswordField(_l('New password'), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)],
                             description=_l('At least %(n)d characters.', n=MIN_PASSWORD_LENGTH))
    confirm = PasswordField(_l('Repeat new password'),
                            validators=[DataRequired(), EqualTo('password', message=_l('The passwords differ.'))])
    submit = SubmitField(_l('Change password'))


class ResetPasswordForm(Form):
    autocomplete = {'password': 'new-password', 'confirm': 'new-password'}
    password = PasswordField(_l('New password'), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)],
                             description=_l('At least %(n)d characters.', n=MIN_PASSWORD_LENGTH))
    confirm = PasswordField(_l('Repeat new password'),
                            validators=[DataRequired(), EqualTo('password', message=_l('The passwords differ.'))])
    submit = SubmitField(_l('Set password'))



class UserAdminForm(Form):
    roles = MultiCheckboxField(_l('Roles'), choices=Role.choices)
    is_active = BooleanField(_l('Account active'))
    submit = SubmitField(_l('Save changes'))

