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
from sqlalchemy.orm import joinedload

from training.auth.models import User
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


#: The user and their roles, in one statement built once: every signed-in request runs it, and building it (with its
#: cache key) each time cost about as much as running it (issue 18)
_USER_WITH_ROLES = sa.select(User).options(joinedload(User.role_links)).where(User.id == sa.bindparam('user_id'))


def load_user(value: str) -> User | None:
    """The active user a session or remember-me cookie names, if the cookie is of the account's current version."""
    parsed = parse_user_id(value)
    if parsed is None:
        return None
    user_id, version, nonce = parsed
    user = db.session.scalars(_USER_WITH_ROLES, {'user_id': user_id}).unique().first()
    if user is None or not user.is_active or user.session_version != version:
        return None
    user.sign_in_nonce = nonce
    return user


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
