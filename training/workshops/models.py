"""Training sessions, persons and attendance: the ledger behind the programme reports."""
from __future__ import annotations

from datetime import date, datetime, tzinfo

import sqlalchemy as sa
import sqlalchemy.orm as so

from training.db import enum_column, uid_column, utcnow
from training.extensions import db
from training.i18n import _l
from training.vocab import OrganisationType, TitledEnum, country_zone


class SessionMode(TitledEnum):
    in_person = ('in_person', _l('In person'))
    online = ('online', _l('Online'))
    blended = ('blended', _l('Blended'))


class SessionStatus(TitledEnum):
    planned = ('planned', _l('Planned'))
    held = ('held', _l('Held'))
    cancelled = ('cancelled', _l('Cancelled'))


class Sex(TitledEnum):
    female = ('female', _l('Female'))
    male = ('male', _l('Male'))
    other = ('other', _l('Other'))
    undisclosed = ('undisclosed', _l('Not disclosed'))


class AttendanceRole(TitledEnum):
    participant = ('participant', _l('Participant'))
    facilitator = ('facilitator', _l('Facilitator'))
    observer = ('observer', _l('Observer'))


session_trainers = sa.Table(
    'session_trainers', db.metadata,
    sa.Column('session_id', sa.ForeignKey('training_sessions.id', ondelete='CASCADE'), primary_key=True),
    sa.Column('user_id', sa.ForeignKey('users.id', ondelete='CASCADE'), primary_key=True),
)


class TrainingSession(db.Model):
    """A workshop or course run: what the reports count as a "training session"."""

    __tablename__ = 'training_sessions'
    __table_args__ = (
        sa.CheckConstraint('end_date >= start_date', name='dates_in_order'),
        sa.Index('ix_training_sessions_status_start', 'status', 'start_date'),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Globally unique: the same record at a venue laptop and at the centre (training.sync)
    uid: so.Mapped[str] = uid_column()
    #: Short unique reference, e.g. "2010-KE-03"
    code: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: Slug of a course in the content registry, if the session follows one
    course_slug: so.Mapped[str | None] = so.mapped_column(sa.String(100), index=True)
    #: ISO 3166-1 alpha-2
    country: so.Mapped[str] = so.mapped_column(sa.String(2), index=True)
    city: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    venue: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    start_date: so.Mapped[date] = so.mapped_column(index=True)
    end_date: so.Mapped[date]
    mode: so.Mapped[SessionMode] = so.mapped_column(enum_column(SessionMode), default=SessionMode.in_person)
    language: so.Mapped[str] = so.mapped_column(sa.String(8), default='en')
    partner: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    audience: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    status: so.Mapped[SessionStatus] = so.mapped_column(enum_column(SessionStatus), default=SessionStatus.planned)
    notes: so.Mapped[str | None] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id', ondelete='SET NULL'))

    trainers: so.Mapped[list[User]] = so.relationship(secondary=session_trainers, lazy='selectin')  # noqa: F821
    attendances: so.WriteOnlyMapped[Attendance] = so.relationship(
        back_populates='session', cascade='all, delete-orphan', passive_deletes=True)

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1

    @property
    def time_zone(self) -> tzinfo | None:
        """The clock of the room: the country's time zone where it has one (None: times in the site's zone)."""
        return country_zone(self.country)

    def __repr__(self) -> str:
        return f'<TrainingSession {self.code}>'


class Person(db.Model):
    """Someone who attended a session; may or may not have a user account."""

    __tablename__ = 'persons'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Globally unique: the same record at a venue laptop and at the centre (training.sync)
    uid: so.Mapped[str] = uid_column()
    full_name: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: Lower-case, accents removed, single spaces: for matching (see workshops/matching.py)
    name_key: so.Mapped[str] = so.mapped_column(sa.String(200), index=True)
    sex: so.Mapped[Sex] = so.mapped_column(enum_column(Sex), default=Sex.undisclosed)
    organisation: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    organisation_type: so.Mapped[OrganisationType | None] = so.mapped_column(enum_column(OrganisationType))
    country: so.Mapped[str | None] = so.mapped_column(sa.String(2), index=True)
    #: Stored lower-cased
    email: so.Mapped[str | None] = so.mapped_column(sa.String(254), index=True)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id', ondelete='SET NULL'), unique=True)
    consent_to_contact: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    user: so.Mapped[User | None] = so.relationship()  # noqa: F821
    attendances: so.WriteOnlyMapped[Attendance] = so.relationship(back_populates='person', passive_deletes=True)

    def __repr__(self) -> str:
        return f'<Person {self.id} {self.full_name!r}>'


class Attendance(db.Model):
    """One person at one session, in one role."""

    __tablename__ = 'attendances'
    __table_args__ = (
        sa.UniqueConstraint('session_id', 'person_id'),
        sa.CheckConstraint('days_attended >= 0', name='days_not_negative'),
        sa.Index('ix_attendances_person_role', 'person_id', 'role'),
        #: Covers the reports' "distinct participants of these sessions" without touching the table
        sa.Index('ix_attendances_session_role_person', 'session_id', 'role', 'person_id'),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Globally unique: the same record at a venue laptop and at the centre (training.sync)
    uid: so.Mapped[str] = uid_column()
    session_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('training_sessions.id', ondelete='CASCADE'))
    person_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('persons.id', ondelete='RESTRICT'))
    role: so.Mapped[AttendanceRole] = so.mapped_column(enum_column(AttendanceRole),
                                                       default=AttendanceRole.participant)
    days_attended: so.Mapped[int] = so.mapped_column(default=0)
    completed: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    #: Paper pre/post-test scores in percent, where taken
    pre_test_score: so.Mapped[float | None]
    post_test_score: so.Mapped[float | None]
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    session: so.Mapped[TrainingSession] = so.relationship(back_populates='attendances')
    person: so.Mapped[Person] = so.relationship(back_populates='attendances', lazy='joined')
    day_marks: so.Mapped[list[AttendanceDay]] = so.relationship(
        back_populates='attendance', cascade='all, delete-orphan', passive_deletes=True, lazy='selectin',
        order_by='AttendanceDay.day')

    def __repr__(self) -> str:
        return f'<Attendance session={self.session_id} person={self.person_id} {self.role.name}>'


class CheckInMethod(TitledEnum):
    register = ('register', _l('Register'))
    self_check_in = ('self_check_in', _l('Self check-in'))
    imported = ('imported', _l('Imported sheet'))


class AttendanceDay(db.Model):
    """Presence on one day of a session; ``Attendance.days_attended`` is kept equal to their count."""

    __tablename__ = 'attendance_days'
    __table_args__ = (sa.UniqueConstraint('attendance_id', 'day'),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Globally unique: the same record at a venue laptop and at the centre (training.sync)
    uid: so.Mapped[str] = uid_column()
    attendance_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('attendances.id', ondelete='CASCADE'))
    day: so.Mapped[date]
    method: so.Mapped[CheckInMethod] = so.mapped_column(enum_column(CheckInMethod), default=CheckInMethod.register)
    marked_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    attendance: so.Mapped[Attendance] = so.relationship(back_populates='day_marks')


class CheckInWindow(db.Model):
    """Self check-in for one day of a session: a secret link (QR code) and a short typed code, until it closes."""

    __tablename__ = 'check_in_windows'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    session_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('training_sessions.id', ondelete='CASCADE'),
                                                  index=True)
    day: so.Mapped[date]
    #: Short code typed by participants (unambiguous letters and digits)
    code: so.Mapped[str] = so.mapped_column(sa.String(12), unique=True)
    #: Long random token in the QR link
    token: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    opened_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    expires_at: so.Mapped[datetime]
    closed_at: so.Mapped[datetime | None]
    opened_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id', ondelete='SET NULL'))

    session: so.Mapped[TrainingSession] = so.relationship()

    def is_open(self, now: datetime) -> bool:
        return self.closed_at is None and now < self.expires_at


class WalkIn(db.Model):
    """Someone who registered at self check-in without finding their name on the roster: kept apart, as typed, until
    one of the session's trainers matches them to a person on record (or creates one) and marks them present, or
    dismisses the entry. The public page shows nothing on record and writes nothing to the roster."""

    __tablename__ = 'check_in_walk_ins'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    session_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('training_sessions.id', ondelete='CASCADE'),
                                                  index=True)
    #: The day checked in for (the window's day)
    day: so.Mapped[date]
    full_name: so.Mapped[str] = so.mapped_column(sa.String(200))
    email: so.Mapped[str | None] = so.mapped_column(sa.String(254))
    country: so.Mapped[str | None] = so.mapped_column(sa.String(2))
    #: The rest of what was typed: sex, organisation, organisation type, consent (names of the enums)
    details: so.Mapped[dict] = so.mapped_column(sa.JSON)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    session: so.Mapped[TrainingSession] = so.relationship()


class PendingImport(db.Model):
    """An uploaded sign-in sheet waiting for the trainer to confirm its preview."""

    __tablename__ = 'pending_imports'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    token: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    session_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('training_sessions.id', ondelete='CASCADE'),
                                                  index=True)
    filename: so.Mapped[str] = so.mapped_column(sa.String(255))
    content: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id', ondelete='CASCADE'))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class PersonMerge(db.Model):
    """Audit entry: one person record merged into another (the merged record is deleted)."""

    __tablename__ = 'person_merges'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kept_person_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('persons.id', ondelete='SET NULL'),
                                                             index=True)
    #: The removed record's id and details, kept as they were
    merged_person_id: so.Mapped[int]
    merged_full_name: so.Mapped[str] = so.mapped_column(sa.String(200))
    merged_email: so.Mapped[str | None] = so.mapped_column(sa.String(254))
    merged_country: so.Mapped[str | None] = so.mapped_column(sa.String(2))
    attendances_moved: so.Mapped[int] = so.mapped_column(default=0)
    attendances_combined: so.Mapped[int] = so.mapped_column(default=0)
    merged_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id', ondelete='SET NULL'))
    merged_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    kept_person: so.Mapped[Person | None] = so.relationship()
    merged_by: so.Mapped[User | None] = so.relationship()  # noqa: F821


from training.auth.models import User  # noqa: E402 - resolve relationship targets
