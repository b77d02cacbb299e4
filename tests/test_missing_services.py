"""A missing service or tool skips a test on a developer's machine and fails it in CI (never a silent skip there)."""
from __future__ import annotations

import pytest
from _pytest.outcomes import Failed, Skipped

from tests.helpers.services import missing


def test_a_missing_service_fails_in_ci(monkeypatch):
    monkeypatch.setenv('CI', 'true')
    with pytest.raises(Failed, match='PostgreSQL is missing: start it'):
        missing('PostgreSQL', 'start it')


def test_a_missing_service_skips_elsewhere(monkeypatch):
    monkeypatch.delenv('CI', raising=False)
    with pytest.raises(Skipped, match=r'PostgreSQL is missing \(start it\)'):
        missing('PostgreSQL', 'start it')
