"""Keeping answers that arrived when they could not be taken, and giving them back. Flushes, never commits."""
from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from training.db import utcnow
from training.extensions import db
from training.kept_answers.models import KeptAnswers

#: The answer forms whose answers are kept: a quiz, a stage played alone, a team's stage
ENDPOINTS = frozenset({'courses.quiz', 'scenarios.play', 'scenarios.live_team'})
#: How long kept answers wait for the trainee to sign in again
LIFETIME = timedelta(days=2)
#: Fields, values per field and characters per value kept (a quiz or a stage form is far smaller)
MAX_FIELDS = 200
MAX_VALUES = 100
MAX_VALUE = 1000
#: Form fields that are not answers
NOT_ANSWERS = frozenset({'csrf_token', 'submit', 'save_draft', 'offline_key'})


def keep(path: str, formdata) -> str:
    """Keep the answers of ``formdata`` posted to ``path``; returns the token that gives them back."""
    db.session.execute(sa.delete(KeptAnswers).where(KeptAnswers.created_at < utcnow() - LIFETIME))
    data = {}
    for name in list(formdata)[:MAX_FIELDS]:
        if name not in NOT_ANSWERS:
            data[str(name)[:100]] = [str(v)[:MAX_VALUE] for v in formdata.getlist(name)][:MAX_VALUES]
    token = secrets.token_urlsafe(24)
    db.session.add(KeptAnswers(token=token, path=path[:500], data=data))
    db.session.flush()
    return token


def take(token: str | None, path: str) -> MultiDict | None:
    """The answers kept under ``token`` for the form at ``path``, once (they are removed); None when there are
    none: no token, another form's, or too old."""
    if not token or len(token) > 64:
        return None
    row = db.session.scalar(sa.select(KeptAnswers).where(KeptAnswers.token == token))
    if row is None or row.path != path or row.created_at < utcnow() - LIFETIME:
        return None
    db.session.delete(row)
    db.session.flush()
    return MultiDict([(name, value) for name, values in (row.data or {}).items() for value in values])
