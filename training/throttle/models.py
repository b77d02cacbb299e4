from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from training.extensions import db


class ThrottleCounter(db.Model):
    """One rate-limit window: how many hits ``key`` has had until ``expires_at`` (see training.throttle.storage)."""

    __tablename__ = 'throttle_counters'

    #: Flask-Limiter's key: the limit, the endpoint and what it counts (an address; an account as a hash)
    key: so.Mapped[str] = so.mapped_column(sa.String(255), primary_key=True)
    count: so.Mapped[int]
    #: Seconds since the epoch (the storage API's unit)
    expires_at: so.Mapped[float] = so.mapped_column(sa.Float, index=True)
