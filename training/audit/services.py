"""``record(actor, action, obj, **details)``: called by other services inside their own transaction (no commit)."""
from __future__ import annotations

import enum
import re
from datetime import date, datetime

from training.audit.models import AuditEvent
from training.extensions import db
from training.i18n import _l

#: Every action the log knows, with its title for the page and its filter.
ACTIONS = {
    'user.roles_changed': _l('Roles changed'),
    'user.activated': _l('Account activated'),
    'user.deactivated': _l('Account deactivated'),
    'user.exported': _l('Account data exported'),
    'user.erased': _l('Account erased'),
    'person.merged': _l('Persons merged'),
    'person.exported': _l('Person data exported'),
    'person.erased': _l('Person erased'),
    'session.imported': _l('Sign-in sheet imported'),
    'session.packaged': _l('Venue package made'),
    'session.synced': _l('Venue sync imported'),
    'session.conflict_resolved': _l('Venue sync conflict decided'),
    'report.exported': _l('Report exported'),
}

#: Detail keys that could hold a secret are dropped, whatever the caller passes.
SECRET_KEY = re.compile(r'pass|token|secret|hash|cookie|session_key|api_key', re.IGNORECASE)
MAX_TEXT = 500


def _plain(value):
    """A JSON-safe copy of a detail value (enums by name, dates in ISO form, long texts cut)."""
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items() if not SECRET_KEY.search(str(k))}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if value is None or isinstance(value, bool | int | float):
        return value
    if hasattr(value, '__tablename__'):
        return getattr(value, 'id', None)
    return str(value)[:MAX_TEXT]


def _target(obj) -> tuple[str | None, int | None]:
    if obj is None:
        return None, None
    if isinstance(obj, tuple):
        return obj[0], obj[1]
    if getattr(obj, 'id', None) is None:
        db.session.flush()
    return obj.__tablename__, obj.id


def record(actor, action: str, obj=None, **details) -> AuditEvent:
    """Add an audit event for ``action`` on ``obj`` (a model instance or ``(table, id)``) by ``actor``.

    ``actor`` is a user, a user id, the anonymous user or None (command line). The event is part of the caller's
    transaction: it is written when the caller commits, and disappears with a rollback.
    """
    if action not in ACTIONS:
        raise ValueError(f'unknown audit action {action!r}')
    if isinstance(actor, int) and not isinstance(actor, bool):
        actor_id = actor
    else:
        actor_id = getattr(actor, 'id', None) if getattr(actor, 'is_authenticated', False) else None
    if actor is None:
        details.setdefault('via', 'cli')
    object_type, object_id = _target(obj)
    event = AuditEvent(actor_id=actor_id, action=action, object_type=object_type, object_id=object_id,
                       details=_plain(details))
    db.session.add(event)
    return event


def log(actor, action: str, obj=None, **details) -> None:
    """Record and commit at once: for read-only views (downloads) that have no transaction of their own."""
    record(actor, action, obj, **details)
    db.session.commit()
