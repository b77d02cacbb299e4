"""Reading the audit log."""
from __future__ import annotations

import sqlalchemy as sa

from training.audit.models import AuditEvent
from training.auth.models import User
from training.extensions import db


def events_select(*, action: str | None = None, actor_id: int | None = None,
                  object_type: str | None = None, object_id: int | None = None) -> sa.Select:
    """Events, newest first, with the filters given."""
    stmt = sa.select(AuditEvent).options(sa.orm.joinedload(AuditEvent.actor))
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if actor_id is not None:
        stmt = stmt.where(AuditEvent.actor_id == actor_id)
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(AuditEvent.object_id == object_id)
    return stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def actors() -> list[tuple[int, str]]:
    """(user id, name) of everyone who appears as an actor, by name: the choices of the actor filter."""
    stmt = (sa.select(User.id, User.name).where(User.id.in_(sa.select(AuditEvent.actor_id).distinct()))
            .order_by(User.name, User.id))
    return [(i, n) for i, n in db.session.execute(stmt)]
