"""Account rules: creating users, passwords, roles, one-time reset links. Callers commit."""
from __future__ import annotations

import hashlib
import secrets
import smtplib
from datetime import timedelta
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from training.audit.services import record
from training.auth.models import PasswordResetToken, Role, User, UserRole
from training.auth.sessions import end_sessions
from training.db import utcnow
from training.errors import TrainingError
from training.extensions import db
from training.i18n import _
from training.text import email_key, normalise_email

MIN_PASSWORD_LENGTH = 10
#: scrypt, memory-hard (werkzeug's default KDF since 3.0); parameters kept explicit so a change is deliberate.
PASSWORD_METHOD = 'scrypt:32768:8:1'  # noqa: S105 - a KDF name, not a password


def hash_password(password: str) -> str:
    method = current_app.config.get('PASSWORD_METHOD', PASSWORD_METHOD) if current_app else PASSWORD_METHOD
    return generate_password_hash(password, method=method)


def check_password(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


#: A hash of no one's password per hashing method: checked when an address has no account, so that a wrong guess
#: takes as long for an unknown address as for a known one (no account enumeration by timing)
_DECOYS: dict[str, str] = {}


def authenticate(email: str, password: str) -> User | None:
    """The account ``email`` names if ``password`` is its password; one password check either way."""
    user = get_user_by_email(email)
    if user is None:
        method = current_app.config.get('PASSWORD_METHOD', PASSWORD_METHOD)
        if method not in _DECOYS:
            _DECOYS[method] = generate_password_hash(secrets.token_urlsafe(16), method=method)
        check_password_hash(_DECOYS[method], password)
        return None
    return user if check_password(user, password) else None


def validate_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise TrainingError(_('Use at least %(n)d characters.', n=MIN_PASSWORD_LENGTH), field='password')


def get_user_by_email(email: str) -> User | None:
    """The account for ``email`` as typed (any case, full-width or decomposed letters, Unicode domain)."""
    key = email_key(email)
    if not key:
        return None
    return db.session.scalar(sa.select(User).where(User.email == key))


def create_user(*, email: str, name: str, password: str, roles=(Role.trainee,), **profile) -> User:
    if get_user_by_email(email):
        raise TrainingError(_('An account with this email address already exists.'), field='email')
    return _add_user(email=email, name=name, password=password, roles=roles, **profile)


def _add_user(*, email: str, name: str, password: str, roles=(Role.trainee,), **profile) -> User:
    """A new account; its address is unique in the database (a second one fails at flush or commit)."""
    email = normalise_email(email) or ''
    if not email:
        raise TrainingError(_('Give an email address.'), field='email')
    validate_password(password)
    user = User(email=email, name=name.strip(), password_hash=hash_password(password), **profile)
    user.role_links = [UserRole(role=r) for r in dict.fromkeys(roles)]
    db.session.add(user)
    db.session.flush()
    return user


def register(*, email: str, password: str, **profile) -> User | None:
    """Sign-up: a new trainee account, or None when the address already has one. Both take the same time (a
    password is hashed either way) and the page says the same thing, so sign-up tells nobody which addresses have
    accounts. A sign-up that loses a race for the same address fails at commit, on the unique email: the caller
    answers it the same way."""
    if get_user_by_email(email) is not None:
        validate_password(password)
        hash_password(password)  # the time a new account takes
        return None
    return _add_user(email=email, password=password, **profile)


def set_password(user: User, password: str) -> None:
    """A new password; every browser signed in with the old one signs in again (the caller keeps the current one
    with :func:`training.auth.sessions.end_other_sessions`)."""
    validate_password(password)
    user.password_hash = hash_password(password)
    end_sessions(user)


def set_roles(user: User, roles, *, by: User | None = None) -> None:
    roles = set(roles)
    if by is not None and by.id == user.id and Role.admin not in roles:
        raise TrainingError(_('You cannot remove your own administrator role.'), field='roles')
    current = {link.role: link for link in user.role_links}
    if roles != set(current):
        record(by, 'user.roles_changed', user, before=sorted(r.name for r in current),
               after=sorted(r.name for r in roles))
    for role, link in current.items():
        if role not in roles:
            user.role_links.remove(link)
    for role in roles - set(current):
        user.role_links.append(UserRole(role=role))


def set_active(user: User, active: bool, *, by: User | None = None) -> None:
    if by is not None and by.id == user.id and not active:
        raise TrainingError(_('You cannot deactivate your own account.'))
    if user.is_active != active:
        record(by, 'user.activated' if active else 'user.deactivated', user)
        end_sessions(user)
    user.is_active = active


def record_login(user: User) -> None:
    user.last_login_at = utcnow()


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_reset_token(user: User, *, by: User | None, hours: int) -> str:
    """Create a one-time reset token and return it (the clear token is never stored)."""
    token = secrets.token_urlsafe(32)
    end_sessions(user)  # the account is being handed back: whoever holds a browser signed in to it is signed out
    db.session.add(PasswordResetToken(
        user=user, token_hash=_hash_token(token), expires_at=utcnow() + timedelta(hours=hours),
        created_by_id=getattr(by, 'id', None)))
    db.session.flush()
    return token


def find_reset_token(token: str) -> PasswordResetToken | None:
    """A valid (unused, unexpired) token, or None."""
    row = db.session.scalar(sa.select(PasswordResetToken).where(PasswordResetToken.token_hash == _hash_token(token)))
    if row is None or row.used_at is not None or row.expires_at < utcnow() or not row.user.is_active:
        return None
    return row


def use_reset_token(row: PasswordResetToken, password: str) -> None:
    set_password(row.user, password)
    row.used_at = utcnow()
    # Any other outstanding links for this account die with this one.
    for other in db.session.scalars(sa.select(PasswordResetToken).where(
            PasswordResetToken.user_id == row.user_id, PasswordResetToken.used_at.is_(None))):
        other.used_at = row.used_at


def send_mail(config, *, to: str, subject: str, body: str) -> None:
    """Send a plain-text message through MAIL_SERVER (only called when it is configured)."""
    msg = EmailMessage()
    msg['From'] = config['MAIL_SENDER']
    msg['To'] = to
    msg['Subject'] = subject
    msg.set_content(body)
    with smtplib.SMTP(config['MAIL_SERVER'], int(config['MAIL_PORT']), timeout=10) as smtp:
        if config.get('MAIL_USE_TLS'):
            smtp.starttls()
        if config.get('MAIL_USERNAME'):
            smtp.login(config['MAIL_USERNAME'], config['MAIL_PASSWORD'])
        smtp.send_message(msg)
