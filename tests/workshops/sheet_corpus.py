"""The sign-in sheet corpus of tests/data/sheets: each sheet with its expectations (see make_sheets.py there)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / 'data' / 'sheets'


@dataclass(frozen=True)
class CorpusSheet:
    name: str
    data: bytes
    expected: dict

    @property
    def days(self) -> list[date]:
        start = date.fromisoformat(self.expected['session']['start'])
        end = date.fromisoformat(self.expected['session']['end'])
        return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def corpus() -> list[CorpusSheet]:
    sheets = []
    for path in sorted(CORPUS.glob('*.expected.json')):
        expected = json.loads(path.read_text('utf-8'))
        sheets.append(CorpusSheet(expected['sheet'], (CORPUS / expected['sheet']).read_bytes(), expected))
    return sheets


def person_facts(persons) -> list[dict]:
    """full_name, sex, country and ISO days of each person, whatever object holds them."""
    def get(p, key):
        return p[key] if isinstance(p, dict) else getattr(p, key)
    return [{'full_name': get(p, 'full_name'), 'sex': get(p, 'sex'), 'country': get(p, 'country'),
             'days': [d if isinstance(d, str) else d.isoformat() for d in get(p, 'days')]} for p in persons]
