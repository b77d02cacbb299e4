"""The Big List of Naughty Strings (tests/data/blns.json, MIT licence; a shared copy is preferred if present)."""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


@cache
def naughty_strings() -> tuple[str, ...]:
    path = TESTS.parents[1] / 'shared' / 'data' / 'blns.json'
    if not path.exists():
        path = TESTS / 'data' / 'blns.json'
    return tuple(json.loads(path.read_text(encoding='utf-8')))
