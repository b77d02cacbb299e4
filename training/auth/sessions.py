"""Signed-in browsers: signing in and out, and ending every session of an account at once.

Flask-Login keeps ``User.get_id()`` -- ``id:version:nonce`` -- in the session cookie and signs it into the
remember-me cookie. :func:`load_user` (the user loader, run on every request) accepts a cookie only while its version
is the account's current ``session_version``; raising the version (:func:`end_sessions`) therefore signs out every
browser holding an older cookie, copied or not. The nonce is new at each sign-in, so no two sign-ins share a
remember-me value. Callers commit.
"""
from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import current_app, request
from flask_login import login_user, logout_user

from training.auth.models import Role, User, UserIdentity, UserRole
from training.extensions import db
from training.web import MAX_ID


def parse_user_id(value: str) -> tuple[int, int, str] | None:
    """``(id, version, nonce)`` from a cookie's user id, or None when it is not one of ours."""
    parts = str(value).split(':')
    if len(parts) != 3 or not all(p.isdigit() and len(p) <= 10 for p in parts[:2]) or not parts[2]:
        return None
    user_id, version = int(parts[0]), int(parts[1])
    if not (0 < user_id <= MAX_ID and 0 < version <= MAX_ID):
        return None
    return user_id, version, parts[2]


class SignedInUser(UserIdentity):
    """The user a request's cookie names, as Flask-Login's ``current_user``: read from one row per role with no model
    object built (building a :class:`User` and its roles cost as much again as the statement: issue 18).

    It is read-only: to change the account or hand it to a service that writes, use :attr:`record`. It carries no
    password hash.
    """

    #: the columns of ``users`` it carries
    COLUMNS = ('id', 'email', 'name', 'country', 'organisation', 'organisation_type', 'preferred_language',
               'session_version')
    __slots__ = (*COLUMNS, 'roles', 'sign_in_nonce')

    def __init__(self, row, roles: frozenset[Role], nonce: str):
        for name in self.COLUMNS:
            object.__setattr__(self, name, getattr(row, name))
        object.__setattr__(self, 'roles', roles)
        object.__setattr__(self, 'sign_in_nonce', nonce)

    def __setattr__(self, name, value):
        raise AttributeError(f'the signed-in user is read-only: set {name} on current_user.record')

    @property
    def record(self) -> User:
        """The account's :class:`User` (one statement the first time in a request; the session keeps it)."""
        return db.session.get(User, self.id)

    def __repr__(self) -> str:
        return f'<SignedInUser {self.id} {self.email}>'


_USERS, _ROLES = User.__table__, UserRole.__table__
#: The user and their roles (a row for each; one row with no role), one statement built once: every signed-in request
#: runs it, and building it (with its cache key) each time cost about as much as running it (issue 18)
_USER_WITH_ROLES = (
    sa.select(*(_USERS.c[name] for name in SignedInUser.COLUMNS), _USERS.c.is_active, _ROLES.c.role)
    .select_from(_USERS.outerjoin(_ROLES, _ROLES.c.user_id == _USERS.c.id))
    .where(_USERS.c.id == sa.bindparam('user_id')))


def load_user(value: str) -> SignedInUser | None:
    """The active user a session or remember-me cookie names, if the cookie is of the account's current version."""
    parsed = parse_user_id(value)
    if parsed is None:
        return None
    user_id, version, nonce = parsed
    rows = db.session.execute(_USER_WITH_ROLES, {'user_id': user_id}).all()
    if not rows or not rows[0].is_active or rows[0].session_version != version:
        return None
    return SignedInUser(rows[0], frozenset(row.role for row in rows if row.role is not None), nonce)


def sign_in(user: User, *, remember: bool = False) -> None:
    """Sign ``user`` in on this browser, with a new nonce (a new remember-me value)."""
    user.sign_in_nonce = secrets.token_urlsafe(12)
    login_user(user, remember=remember, fresh=True)


def end_sessions(user: User) -> None:
    """Every browser signed in as ``user`` (this one included) must sign in again."""
    user.session_version = User.session_version + 1
    db.session.flush()
    db.session.refresh(user, ['session_version'])


def sign_out(user: User) -> None:
    """Sign out here and everywhere else the account is signed in."""
    end_sessions(user)
    logout_user()


def end_other_sessions(user: User) -> None:
    """After a password change: every other browser signs in again; this one stays signed in (kept remembered if it
    was)."""
    remembered = current_app.config.get('REMEMBER_COOKIE_NAME', 'remember_token') in request.cookies
    end_sessions(user)
    sign_in(user, remember=remembered)
