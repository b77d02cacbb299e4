"""The web kit every view uses: a safe redirect target, and one way to run a service and end the transaction.

A view loads, checks, validates its form, then calls :func:`perform`; on success it commits and the view flashes and
redirects; a broken rule (:class:`TrainingError`) or a lost race on a unique constraint rolls back and puts the
message on the form field it names (or flashes it), so the view re-renders the form.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import abort, flash, request
from werkzeug.routing import IntegerConverter

from training.errors import TrainingError
from training.extensions import db

T = TypeVar('T')


def safe_next(target: str | None, default: str) -> str:
    """Only same-site paths are followed after a form (no open redirect)."""
    if not target:
        return default
    target = target.replace('\\', '/')
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith('/') or target.startswith('//'):
        return default
    return target


def report_error(form, exc: TrainingError) -> None:
    """Put the message on the form field the error names, or flash it when the field is not on the form."""
    target = getattr(form, exc.field, None) if (form is not None and exc.field) else None
    if target is not None and hasattr(target, 'errors'):
        target.errors = list(target.errors) + [exc.message]
    else:
        flash(exc.message, 'error')


@dataclass(frozen=True, slots=True)
class Outcome(Generic[T]):
    ok: bool
    value: T | None = None
    error: TrainingError | None = None


def perform(action: Callable[[], T], *, form=None, conflict: str | None = None) -> Outcome[T]:
    """Run ``action`` (a service call) and commit.

    On :class:`TrainingError` roll back and report it on ``form`` (or flash it). When ``conflict`` is given, a unique
    constraint that fails at commit (a double click, two people at once) is reported the same way with that message.
    """
    try:
        value = action()
        db.session.commit()
    except TrainingError as exc:
        db.session.rollback()
        report_error(form, exc)
        return Outcome(False, error=exc)
    except sa.exc.IntegrityError:
        db.session.rollback()
        if conflict is None:
            raise
        exc = TrainingError(conflict)
        report_error(form, exc)
        return Outcome(False, error=exc)
    return Outcome(True, value)


#: Far beyond any real list; a larger page number would overflow the database's OFFSET
MAX_PAGE = 100_000


def paginate(select, *, per_page: int):
    """The page of ``select`` that ``?page=`` asks for. Anything but a positive number is page 1; a page beyond the
    last one (or beyond :data:`MAX_PAGE`) is 404, never a database error or a silently empty page."""
    text = (request.args.get('page') or '').strip()
    number = (int(text) or 1 if len(text) <= 9 else MAX_PAGE + 1) if text.isdigit() else 1
    if number > MAX_PAGE:
        abort(404)
    page = db.paginate(select, page=number, per_page=per_page, error_out=False, count=True)
    if number > max(page.pages, 1):
        abort(404)
    return page


#: The largest id a database INTEGER column holds (PostgreSQL's and SQLite's common range)
MAX_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` in every route: a number beyond :data:`MAX_ID` matches no route (404), instead of reaching the
    database and failing there (PostgreSQL refuses it: a 500). Installed app-wide in :func:`training.create_app`."""

    def __init__(self, url_map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(url_map, fixed_digits, min, max, signed)
