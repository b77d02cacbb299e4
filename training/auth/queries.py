"""Read-only queries for the account pages (statements the views page through; no writes)."""
from __future__ import annotations

import sqlalchemy as sa

from training.auth.models import Role, User
from training.text import like_contains


def users_query(q: str = '', role: str = '') -> sa.Select:
    """Accounts for the administrators' list, by name, filtered by a text in name, email or organisation (taken
    literally, any case) and by role name."""
    stmt = sa.select(User).order_by(User.name, User.id)
    if q:
        text = q.lower()
        stmt = stmt.where(sa.or_(like_contains(sa.func.lower(User.name), text), like_contains(User.email, text),
                                 like_contains(sa.func.lower(User.organisation), text)))
    if role in Role.__members__:
        stmt = stmt.where(User.role_links.any(role=Role[role]))
    return stmt
