"""Report definitions and filters (pure, no app)."""
from __future__ import annotations

from datetime import date

from training.courses.scoring import knowledge_gain
from training.reports.definitions import MEASURE_BY_KEY, MEASURES, parse_filter


def test_every_measure_has_a_definition():
    assert {m.key for m in MEASURES} >= {'sessions', 'countries', 'persons_trained', 'knowledge_gain'}
    assert 'counts once' in MEASURE_BY_KEY['persons_trained'].definition
    assert 'Cancelled' in MEASURE_BY_KEY['sessions'].definition


def test_parse_filter_good():
    f, errors = parse_filter({'from': '2009-01-01', 'to': '2011-12-31', 'country': 'ke', 'mode': 'in_person'})
    assert not errors
    assert (f.start, f.end, f.country, f.mode) == (date(2009, 1, 1), date(2011, 12, 31), 'KE', 'in_person')
    assert f.as_args() == {'from': '2009-01-01', 'to': '2011-12-31', 'country': 'KE', 'mode': 'in_person'}


def test_parse_filter_bad_values_named():
    f, errors = parse_filter({'from': '01/01/2009', 'to': '2008-01-01', 'country': 'Kenya', 'mode': 'x',
                              'course': '../etc'})
    assert set(errors) == {'from', 'country', 'mode', 'course'}
    f, errors = parse_filter({'from': '2010-01-01', 'to': '2009-01-01'})
    assert set(errors) == {'to'} and f.end is None


def test_knowledge_gain():
    assert knowledge_gain(40, 75.5) == 35.5
    assert knowledge_gain(None, 75) is None
