"""One row per audited action. Details hold ids and counts, never secrets and never a person's name."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from training.db import utcnow
from training.extensions import db


class AuditEvent(db.Model):
    __tablename__ = 'audit_events'
    __table_args__ = (
        sa.Index('ix_audit_events_action_at', 'action', 'at'),
        sa.Index('ix_audit_events_object', 'object_type', 'object_id'),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    #: Who did it; None for the command line (``details['via'] == 'cli'``) or an account since deleted
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id', ondelete='SET NULL'), index=True)
    #: A key of training.audit.services.ACTIONS, e.g. ``person.erased``
    action: so.Mapped[str] = so.mapped_column(sa.String(64))
    #: The table of the object acted on (``persons``, ``users``, ``training_sessions``), if any
    object_type: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    object_id: so.Mapped[int | None]
    #: Ids, counts and filters (JSON); secrets and names are never stored here
    details: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)

    actor: so.Mapped[User | None] = so.relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f'<AuditEvent {self.id} {self.action} {self.object_type}:{self.object_id}>'


from training.auth.models import User  # noqa: E402 - resolve relationship targets
