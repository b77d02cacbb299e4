"""Forms for the workshops pages: each form fills its own choices and defaults and hands the services plain values."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FloatField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, Regexp

from training.auth.models import Role, User
from training.content import registry
from training.forms import CountryField, Form, MultiCheckboxField, finite, strip_filter
from training.i18n import LANGUAGE_NAMES, _, _l
from training.vocab import OrganisationType
from training.workshops import past_sessions, queries
from training.workshops.checkin import default_day
from training.workshops.models import AttendanceRole, Person, SessionMode, SessionStatus, Sex, TrainingSession

#: A hidden id: digits only, else the form does not validate (and the view answers 400)
ID = Regexp(r'^[0-9]{1,18}$')


def _org_type_choices():
    return [('', _l('— not known —'))] + OrganisationType.choices()


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def _course_choices():
    courses = registry().courses
    # each title marked with its course's language (WCAG 3.1.2): (value, label, attributes of the <option>)
    return [('', _('— none —'))] + sorted(((slug, getattr(c, 'title', slug), {'lang': c.language})
                                           for slug, c in courses.items()), key=lambda kv: str(kv[1]).casefold())


def _iso_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text or '')
    except ValueError:
        return None


@dataclass(frozen=True)
class SessionFilters:
    """The sessions list's filters, read from the query string (anything unreadable is ignored). ``past``, country,
    course and mode come from the programme report's link to its sessions past their dates."""

    q: str = ''
    status: str = ''
    start: date | None = None
    end: date | None = None
    past: bool = False
    country: str = ''
    course: str = ''
    mode: str = ''

    @classmethod
    def from_args(cls, args) -> SessionFilters:
        status = args.get('status') or ''
        country = (args.get('country') or '').strip().upper()
        mode = args.get('mode') or ''
        return cls(q=(args.get('q') or '').strip()[:100], status=status if status in SessionStatus.__members__ else '',
                   start=_iso_date(args.get('from')), end=_iso_date(args.get('to')), past=args.get('past') == '1',
                   country=country if len(country) == 2 and country.isalpha() else '',
                   course=(args.get('course') or '').strip()[:100],
                   mode=mode if mode in SessionMode.__members__ else '')

    def query(self):
        """The sessions these filters select (a statement for the views' pager)."""
        stmt = queries.sessions_select(start=self.start, end=self.end, q=self.q or None, country=self.country or None,
                                       status=SessionStatus[self.status] if self.status else None)
        conds = past_sessions.filter_conditions(course=self.course or None, mode=self.mode or None)
        if self.past:
            conds.append(past_sessions.unconfirmed())
        return stmt.where(*conds) if conds else stmt

    @property
    def pager_args(self) -> dict:
        pairs = (('q', self.q), ('status', self.status), ('from', self.start and self.start.isoformat()),
                 ('to', self.end and self.end.isoformat()), ('past', '1' if self.past else ''),
                 ('country', self.country), ('course', self.course), ('mode', self.mode))
        return {k: v for k, v in pairs if v}


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

    @classmethod
    def build(cls, session: TrainingSession | None, user: User) -> SessionForm:
        """The form for a new session (its creator among the trainers if a trainer) or for editing one."""
        form = cls(obj=session)
        form.course_slug.choices = _course_choices()
        form.trainers.choices = queries.trainer_choices()
        if form.is_submitted():
            return form
        if session is not None:
            form.status.data = session.status.name
            form.mode.data = session.mode.name
            form.course_slug.data = session.course_slug or ''
            form.trainers.data = [u.id for u in session.trainers]
        else:
            form.trainers.data = [user.id] if user.has_role(Role.trainer) else []
        return form

    def values(self) -> dict:
        return {
            'code': self.code.data, 'title': self.title.data, 'course_slug': self.course_slug.data or None,
            'country': self.country.data, 'city': self.city.data or None, 'venue': self.venue.data or None,
            'start_date': self.start_date.data, 'end_date': self.end_date.data, 'mode': SessionMode[self.mode.data],
            'language': self.language.data, 'partner': self.partner.data or None,
            'audience': self.audience.data or None, 'status': SessionStatus[self.status.data],
            'notes': self.notes.data or None, 'trainers': queries.users_by_id(self.trainers.data),
        }


class PersonForm(Form):
    full_name = StringField(_l('Full name'), validators=[DataRequired(), Length(max=200)], filters=[strip_filter])
    sex = SelectField(_l('Sex'), choices=Sex.choices, default='undisclosed')
    organisation = StringField(_l('Organisation'), validators=[Optional(), Length(max=200)], filters=[strip_filter])
    organisation_type = SelectField(_l('Organisation type'), choices=_org_type_choices, validators=[Optional()])
    country = CountryField(_l('Country'), validators=[Optional()], blank=_l('— not known —'))
    email = EmailField(_l('Email address'), validators=[Optional(), Email(check_deliverability=False),
                                                        Length(max=254)], filters=[strip_filter, _lower])
    consent_to_contact = BooleanField(_l('Agrees to be contacted about the programme'))

    def values(self) -> dict:
        return {
            'full_name': self.full_name.data, 'sex': Sex[self.sex.data], 'organisation': self.organisation.data or None,
            'organisation_type': OrganisationType[self.organisation_type.data] if self.organisation_type.data else None,
            'country': self.country.data or None, 'email': self.email.data or None,
            'consent_to_contact': bool(self.consent_to_contact.data),
        }

    def prefill(self, q: str, country: str | None) -> None:
        """Start a new person from what was searched: an email address or a name, in the session's country."""
        if q and not self.is_submitted():
            if '@' in q:
                self.email.data = q.lower()
            else:
                self.full_name.data = q
            self.country.data = country


class AddPersonForm(PersonForm):
    role = SelectField(_l('Role'), choices=AttendanceRole.choices, default='participant')
    submit = SubmitField(_l('Add to roster'))

    def values(self) -> dict:
        return {**super().values(), 'role': AttendanceRole[self.role.data]}


class EditPersonForm(PersonForm):
    submit = SubmitField(_l('Save person'))

    @classmethod
    def build(cls, person: Person) -> EditPersonForm:
        form = cls(obj=person)
        if not form.is_submitted():
            form.sex.data = person.sex.name
            form.organisation_type.data = person.organisation_type.name if person.organisation_type else ''
            form.country.data = person.country or ''
        return form


class WalkInForm(PersonForm):
    """Filled in by the person themselves at check-in (so their browser may fill it in)."""
    autocomplete = {'full_name': 'name', 'organisation': 'organization', 'country': 'country', 'email': 'email'}
    submit = SubmitField(_l('Register and check in'))

    def prefill(self, q: str, country: str | None) -> None:
        """Someone not found on the roster starts from the name they searched, in the session's country."""
        if not self.is_submitted():
            self.country.data = country
            if q:
                self.full_name.data = q


class WalkInDecisionForm(Form):
    """A trainer's decision on one walk-in (each on the page with its own prefix, ``w<id>``)."""
    decision = RadioField(_l('This walk-in is'),
                          validators=[InputRequired(message=_l('Choose what to do with this walk-in.'))])
    submit = SubmitField(_l('Confirm'))

    @classmethod
    def for_walk_in(cls, walk_in, *, has_match: bool):
        form = cls(prefix=f'w{walk_in.id}')
        form.decision.choices = [SelectChoice('match', _('the person on record shown'))] if has_match else []
        form.decision.choices += [SelectChoice('new', _('a new person')),
                                  SelectChoice('dismiss', _('not to be checked in (dismiss)'))]
        if not form.is_submitted():
            form.decision.data = 'match' if has_match else 'new'
        return form


class AddExistingForm(Form):
    person_id = HiddenField(validators=[DataRequired(), ID])
    role = SelectField(_l('Role'), choices=AttendanceRole.choices, default='participant')
    submit = SubmitField(_l('Add to roster'))


class AttendanceForm(Form):
    role = SelectField(_l('Role'), choices=AttendanceRole.choices)
    completed = BooleanField(_l('Completed the session'))
    pre_test_score = FloatField(_l('Pre-test score (%)'), validators=[Optional(), finite, NumberRange(0, 100)])
    post_test_score = FloatField(_l('Post-test score (%)'), validators=[Optional(), finite, NumberRange(0, 100)])
    submit = SubmitField(_l('Save'))

    @classmethod
    def build(cls, attendance) -> AttendanceForm:
        form = cls(obj=attendance)
        if not form.is_submitted():
            form.role.data = attendance.role.name
        return form

    def values(self) -> dict:
        return {'role': AttendanceRole[self.role.data], 'completed': bool(self.completed.data),
                'pre_test_score': self.pre_test_score.data, 'post_test_score': self.post_test_score.data}


class DayRegisterForm(Form):
    """One day's register: the roster entries ticked present (anything else posted is ignored)."""

    present = MultiCheckboxField(choices=[], validate_choice=False)

    def present_ids(self) -> set[int]:
        return {int(v) for v in self.present.data or [] if v.isascii() and v.isdigit()}


class ImportForm(Form):
    sheet = FileField(_l('Sign-in sheet (CSV or XLSX)'),
                      validators=[FileRequired(message=_l('Choose a file.')),
                                  FileAllowed(['csv', 'xlsx', 'txt'], _l('Upload a .csv or .xlsx file.'))])
    submit = SubmitField(_l('Preview import'))


class PastSessionForm(Form):
    """Mark a session past its dates held or cancelled: one small form per session on a page, so each is made with
    :meth:`for_session` (its fields named after the session)."""

    held = SubmitField(_l('Held'))
    cancelled = SubmitField(_l('Cancelled'))
    next = HiddenField()

    @classmethod
    def for_session(cls, session_id: int, **data) -> PastSessionForm:
        return cls(prefix=f'past-{session_id}', **data)

    def outcome(self) -> SessionStatus | None:
        if self.held.data and not self.cancelled.data:
            return SessionStatus.held
        if self.cancelled.data and not self.held.data:
            return SessionStatus.cancelled
        return None


class MergeForm(Form):
    keep = HiddenField(validators=[DataRequired(), ID])
    merge = HiddenField(validators=[DataRequired(), ID])
    submit = SubmitField(_l('Merge'))


class OpenCheckInForm(Form):
    day = SelectField(_l('Day'), choices=[])
    minutes = IntegerField(_l('Keep open for (minutes)'), default=120,
                           validators=[InputRequired(), NumberRange(5, 720)])
    submit = SubmitField(_l('Open check-in'))

    @classmethod
    def build(cls, session: TrainingSession, today: date) -> OpenCheckInForm:
        form = cls()
        form.day.choices = [(d.isoformat(), d.isoformat()) for d in queries.session_days(session)]
        if not form.is_submitted():
            form.day.data = default_day(session, today).isoformat()
        return form


class CodeForm(Form):
    code = StringField(_l('Check-in code'), validators=[DataRequired(), Length(max=20)], filters=[strip_filter])
    submit = SubmitField(_l('Continue'))


class CheckInSelfForm(Form):
    attendance_id = HiddenField(validators=[DataRequired(), ID])
    submit = SubmitField(_l('This is me: check in'))
