"""Access declarations for views.

Every view declares who may use it with exactly one of these decorators; the permission test walks every
registered route and checks anonymous visitors and each role against the declaration.

- ``@public``: anyone, signed in or not.
- ``@login_required``: any signed-in, active user.
- ``@roles_required(Role.trainer, Role.admin)``: a signed-in user holding at least one of the roles.
"""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user
from flask_login import login_required as _login_required

from training.auth.models import Role

PUBLIC = 'public'
AUTHENTICATED = 'authenticated'


def public(view):
    view.access = PUBLIC
    return view


def login_required(view):
    wrapped = _login_required(view)
    wrapped.access = AUTHENTICATED
    return wrapped


def roles_required(*roles: Role):
    if not roles:
        raise ValueError('roles_required needs at least one role')

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        guarded = _login_required(wrapper)
        guarded.access = frozenset(roles)
        return guarded

    return decorator


#: Common role sets
TRAINERS = (Role.trainer, Role.admin)
STAFF = (Role.staff, Role.admin)
ADMINS = (Role.admin,)


# -- object rules ---------------------------------------------------------------------------------------------------

def trains_session(session, user=None) -> bool:
    """Whether ``user`` (the current user by default) may manage ``session``: an administrator, or one of the
    trainers on the session's trainers list."""
    user = current_user if user is None else user
    if not user.is_authenticated:
        return False
    if user.has_role(Role.admin):
        return True
    return any(trainer.id == user.id for trainer in session.trainers)


def require_session_trainer(session, *, staff_may_read: bool = False) -> None:
    """Abort 403 unless the current user trains ``session`` or is an administrator. Every view that reads or
    changes a session's roster, attendance, scores, day register, import, check-in or live runs calls this after
    loading the session. ``staff_may_read``: programme staff read every session (for reports), never change one."""
    if staff_may_read and current_user.has_role(Role.staff):
        return
    if not trains_session(session):
        abort(403)


def require_run_trainer(run) -> None:
    """The same rule for a live run: the trainers of its training session; a run with no session belongs to the
    trainer who started it (and administrators)."""
    if run.session is not None:
        require_session_trainer(run.session)
    elif not (current_user.has_role(Role.admin) or run.created_by_id == current_user.id):
        abort(403)
