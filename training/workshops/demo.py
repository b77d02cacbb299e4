"""Workshops demonstration data (idempotent, deterministic)."""
from __future__ import annotations


def load() -> list[str]:
    return []
