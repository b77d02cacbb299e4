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
