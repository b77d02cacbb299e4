from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin

from training.db import enum_column, utcnow
from training.extensions import db
from training.i18n import _l
from training.vocab import OrganisationType, TitledEnum


class Role(TitledEnum):
    trainee = ('trainee', _l('Trainee'))
    trainer = ('trainer', _l('Trainer'))
    staff = ('staff', _l('Programme staff'))
    admin = ('admin', _l('Administrator'))


class UserIdentity(UserMixin):
    """What the account record (:class:`User`) and the signed-in user each request loads
    (:class:`training.auth.sessions.SignedInUser`) answer alike: the cookie's user id and the role checks, from
    ``id``, ``session_version``, ``sign_in_nonce`` and ``roles``."""

    def get_id(self) -> str:
        """``id:version:nonce``: what Flask-Login stores in the session and signs into the remember-me cookie.
        The nonce (set at each sign-in, see :func:`training.auth.sessions.sign_in`) makes every sign-in's cookie a
        new value; the version makes every earlier cookie worthless once it is raised."""
        nonce = getattr(self, 'sign_in_nonce', None) or '0'
        return f'{self.id}:{self.session_version}:{nonce}'

    def has_role(self, *roles: Role | str) -> bool:
        wanted = {Role[r] if isinstance(r, str) else r for r in roles}
        return not self.roles.isdisjoint(wanted)

    @property
    def is_admin(self) -> bool:
        return Role.admin in self.roles


class User(UserIdentity, db.Model):
    __tablename__ = 'users'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Stored lower-cased; unique.
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    #: ISO 3166-1 alpha-2
    country: so.Mapped[str | None] = so.mapped_column(sa.String(2))
    organisation: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    organisation_type: so.Mapped[OrganisationType | None] = so.mapped_column(enum_column(OrganisationType))
    preferred_language: so.Mapped[str | None] = so.mapped_column(sa.String(8))
    is_active: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    last_login_at: so.Mapped[datetime | None]
    #: Raised whenever every signed-in browser of this account must sign in again (sign-out, password change or
    #: reset, deactivation). It is part of :meth:`get_id`, which Flask-Login keeps in the session and in the
    #: remember-me cookie, so a cookie from before the change no longer loads the user.
    session_version: so.Mapped[int] = so.mapped_column(default=1, server_default='1')

    role_links: so.Mapped[list[UserRole]] = so.relationship(
        back_populates='user', cascade='all, delete-orphan', lazy='selectin')

    @property
    def roles(self) -> set[Role]:
        return {link.role for link in self.role_links}

    @property
    def record(self) -> User:
        """The account record itself (see :attr:`training.auth.sessions.SignedInUser.record`)."""
        return self

    def __repr__(self) -> str:
        return f'<User {self.id} {self.email}>'


class UserRole(db.Model):
    __tablename__ = 'user_roles'

    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id', ondelete='CASCADE'), primary_key=True)
    role: so.Mapped[Role] = so.mapped_column(enum_column(Role), primary_key=True)

    user: so.Mapped[User] = so.relationship(back_populates='role_links')


class PasswordResetToken(db.Model):
    """A one-time link an administrator issues; only a hash of the token is stored."""

    __tablename__ = 'password_reset_tokens'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id', ondelete='CASCADE'), index=True)
    #: SHA-256 of the token sent to the user
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    expires_at: so.Mapped[datetime]
    used_at: so.Mapped[datetime | None]
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id', ondelete='SET NULL'))

    user: so.Mapped[User] = so.relationship(foreign_keys=[user_id])
    created_by: so.Mapped[User | None] = so.relationship(foreign_keys=[created_by_id])
