"""Fixtures for the scenario tests: another browser and the scenario most tests play (form data for a stage:
tests.helpers.scenarios.stage_data)."""
from __future__ import annotations

import pytest

from training.content import registry


@pytest.fixture
def new_client(app):
    """Another browser: each test client keeps its own cookies (requests are isolated by tests.helpers.app)."""
    return app.test_client


@pytest.fixture
def scenario(app):
    return registry().scenario('transition-in-marenia')
