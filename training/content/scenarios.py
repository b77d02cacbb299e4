"""Scenario loader: scenarios/<slug>.yaml checked against its framework."""
from __future__ import annotations


def load_scenarios(base, problems, frameworks) -> dict:
    """Load every scenario under ``base``; record each problem on ``problems``."""
    return {}
