"""Every sheet of the corpus (tests/data/sheets) reads as its expectations say: persons, sexes, countries, days,
and the counts of rows, blank rows skipped, rows folded into another row, rows rejected and notes under the table."""
from __future__ import annotations

import pytest

from tests.workshops.sheet_corpus import corpus, person_facts
from training.workshops.sheets import parse_sheet

SHEETS = corpus()


def test_the_corpus_has_the_shapes_trainers_bring_back():
    names = [s.name for s in SHEETS]
    assert len(names) >= 12
    raw = {s.name: s.data for s in SHEETS}
    assert any(d.startswith(b'\xef\xbb\xbf') and b';' in d and b'\r\n' in d for d in raw.values())
    assert any(d.startswith(b'\xff\xfe') for d in raw.values())  # UTF-16 "Unicode text"
    assert sum(n.endswith('.xlsx') for n in names) >= 3
    assert {n[:2] for n in names} >= {'en', 'fr', 'es', 'pt'}


@pytest.mark.parametrize('sheet', SHEETS, ids=[s.name for s in SHEETS])
def test_corpus_sheet(sheet):
    expected = sheet.expected
    parsed = parse_sheet(sheet.name, sheet.data, session_days=sheet.days)
    if expected['problem']:
        assert expected['problem'] in ' '.join(p.text() for p in parsed.problems)
        assert parsed.rows == []
        return
    assert parsed.problems == []
    assert person_facts(parsed.rows) == person_facts(expected['persons'])
    counts = {'rows': parsed.total, 'skipped': len(parsed.skipped), 'merged_in_sheet': len(parsed.merged),
              'rejected': len(parsed.rejected_rows), 'notes': len(parsed.notes)}
    assert counts == {k: expected[k] for k in counts}
    for person in expected['persons']:
        if 'email' in person:
            assert person['email'] in {r.email for r in parsed.rows}
