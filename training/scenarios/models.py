"""Scenarios learner state (keyed by content slugs and ids, never copies of the text)."""
from __future__ import annotations
