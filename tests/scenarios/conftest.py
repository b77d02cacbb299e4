"""Fixtures for the scenario tests: a training session factory and helpers that fill a stage form."""
from __future__ import annotations

from datetime import date

import pytest
from flask.testing import FlaskClient

from training.content import registry


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own app context.

    The shared ``app`` fixture keeps one app context open for the whole test, so Flask-Login's cached user
    (kept on ``g``) would leak from one client to another. Live runs involve several browsers at once (the
    facilitator and each team), so their tests need each request isolated as in production.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def new_client(app):
    def _make():
        app.test_client_class = IsolatedClient
        return app.test_client()
    return _make


@pytest.fixture
def scenario(app):
    return registry().scenario('transition-in-marenia')


@pytest.fixture
def create_session(db):
    from training.workshops.models import TrainingSession
    counter = iter(range(1, 1000))

    def _create(**kwargs):
        n = next(counter)
        kwargs.setdefault('code', f'TEST-{n:03d}')
        kwargs.setdefault('title', f'Workshop {n}')
        kwargs.setdefault('country', 'KE')
        kwargs.setdefault('start_date', date(2026, 3, 2))
        kwargs.setdefault('end_date', date(2026, 3, 4))
        ts = TrainingSession(**kwargs)
        db.session.add(ts)
        db.session.commit()
        return ts

    return _create


def stage_data(stage, *, expert=True, option=None, level=None, justification='', indicators=None):
    """Form data for a stage: the expert key (default), or a given level/option for every factor."""
    data = {}
    for i, key in enumerate(stage.assess):
        data[f'f{i}_level'] = level or key.level
        data[f'f{i}_indicators'] = list(key.indicators if indicators is None else indicators)
        data[f'f{i}_evidence'] = list(key.evidence) if expert else []
        data[f'f{i}_justification'] = justification
    best = max(stage.decision.options, key=lambda o: o.score)
    data['option'] = option or best.id
    return data
