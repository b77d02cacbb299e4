"""What a test does when a service or tool it needs is missing: skipped on a developer's machine, failed in CI.

With ``CI=true`` (``.ci/run`` sets it) nothing may be skipped for lack of a service: a missing Chromium, PostgreSQL,
poppler-utils or axe-core is a failure there, never a silent skip.
"""
from __future__ import annotations

import os

import pytest


def missing(what: str, fix: str) -> None:
    """Stop the test: ``what`` is not here; ``fix`` says how to get it. Fails under CI, skips elsewhere."""
    if os.environ.get('CI') == 'true':
        pytest.fail(f'{what} is missing: {fix}')
    pytest.skip(f'{what} is missing ({fix})')
