"""Answers posted to a quiz or stage form when they could not be taken (the session had expired, or the trainee
had signed out in another tab), kept under a random token until the trainee comes back signed in."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from training.db import utcnow
from training.extensions import db


class KeptAnswers(db.Model):
    __tablename__ = 'kept_answers'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Random, unguessable (secrets.token_urlsafe): the only way back to the answers
    token: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    #: The form's address (path only): the answers are given back there and nowhere else
    path: so.Mapped[str] = so.mapped_column(sa.String(500))
    #: {field name: [values]}, the form's fields without its CSRF token
    data: so.Mapped[dict] = so.mapped_column(sa.JSON)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)

    def __repr__(self) -> str:
        return f'<KeptAnswers {self.path}>'
