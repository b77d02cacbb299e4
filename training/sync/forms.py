"""Forms of the venue and sync pages."""
from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, HiddenField, PasswordField, RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp

from training.forms import Form, strip_filter
from training.i18n import _l

#: A sync file is small (a 3-day workshop of 40 is a few dozen KB); the upload refuses more than this
MAX_SYNC_UPLOAD = 8 * 1024 * 1024


class SyncUploadForm(Form):
    sync_file = FileField(_l('Sync file from the venue laptop'),
                          validators=[FileRequired(message=_l('Choose a file.'))],
                          description=_l('The file the laptop wrote with “Export the sync file” or flask sync export.'))
    submit = SubmitField(_l('Import'))


class ResolveForm(Form):
    conflict_id = HiddenField(validators=[DataRequired(), Regexp(r'^\d{1,9}$')])
    choice = RadioField(_l('Decision'), choices=[SelectChoice('keep', _l('Keep the central value')),
                                                 SelectChoice('take', _l('Take the venue value'))],
                        validators=[DataRequired()])


class SendHomeForm(Form):
    autocomplete = {'email': 'username', 'password': 'current-password'}

    centre_url = StringField(_l('Address of the central server'), filters=[strip_filter],
                             validators=[DataRequired(), Length(max=300),
                                         Regexp(r'^https?://', message=_l('Give an address starting with https://.'))])
    email = EmailField(_l('Your email address on the central server'), filters=[strip_filter],
                       validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l('Your password on the central server'), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l('Send to the central server'))
