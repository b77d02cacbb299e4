"""A quiz answer sent from the device after being kept offline: its key, so that a retry (the same answers sent twice
because the first answer never arrived) finds the attempt already stored instead of storing it again."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from training.db import utcnow
from training.extensions import db


class OfflineSubmission(db.Model):
    __tablename__ = 'offline_submissions'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Made on the device when the answers were given (random, 16 to 64 characters)
    key: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id', ondelete='CASCADE'), index=True)
    attempt_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('course_quiz_attempts.id', ondelete='CASCADE'))
    received_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
