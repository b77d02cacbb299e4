"""Factories: each call makes one object with numbered defaults, through the services, and commits.

A factory object numbers its own defaults (user1@example.org, T-001, Person 1, ...), so a test's objects have
the same names whichever tests ran before.
"""
from __future__ import annotations

from datetime import date
from itertools import count

import sqlalchemy as sa

from tests.helpers.auth import PASSWORD
from training.auth import services as auth_services
from training.auth.models import Role, User, UserRole
from training.extensions import db
from training.workshops import services as workshop_services
from training.workshops.models import SessionMode, SessionStatus, Sex


class _Factory:
    def __init__(self):
        self._numbers = count(1)

    def __call__(self, **kwargs):
        obj = self.make(next(self._numbers), kwargs)
        db.session.commit()
        return obj

    def make(self, n: int, kwargs: dict):
        raise NotImplementedError


class UserFactory(_Factory):
    """create_user(email=..., roles=(Role.trainer,), **profile) -> User"""

    def make(self, n, kwargs):
        kwargs.setdefault('email', f'user{n}@example.org')
        kwargs.setdefault('name', f'Test User {n}')
        kwargs.setdefault('password', PASSWORD)
        kwargs.setdefault('roles', (Role.trainee,))
        return auth_services.create_user(**kwargs)


class SessionFactory(_Factory):
    """create_session(code=..., **fields) -> TrainingSession

    Without ``trainers``, the session is trained by every user holding the trainer role when it is made (a test's
    signed-in trainer, typically): trainers reach only the sessions they train."""

    def make(self, n, kwargs):
        if 'trainers' not in kwargs:
            kwargs['trainers'] = list(db.session.scalars(
                sa.select(User).join(UserRole).where(UserRole.role == Role.trainer)))
        kwargs.setdefault('code', f'T-{n:03d}')
        kwargs.setdefault('title', f'Test workshop {n}')
        kwargs.setdefault('country', 'KE')
        kwargs.setdefault('start_date', date(2010, 3, 1))
        kwargs.setdefault('end_date', kwargs['start_date'])
        kwargs.setdefault('mode', SessionMode.in_person)
        kwargs.setdefault('status', SessionStatus.held)
        return workshop_services.create_session(**kwargs)


class PersonFactory(_Factory):
    """create_person(full_name=..., **fields) -> Person"""

    def make(self, n, kwargs):
        kwargs.setdefault('full_name', f'Person {n}')
        kwargs.setdefault('sex', Sex.female)
        kwargs.setdefault('country', 'KE')
        return workshop_services.create_person(**kwargs)
