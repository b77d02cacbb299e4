"""A workshop's time zone from its country (pure: no app)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from training.vocab import country_zone


@pytest.mark.parametrize(('country', 'zone'), [('KE', 'Africa/Nairobi'), ('ke', 'Africa/Nairobi'),
                                               ('RW', 'Africa/Kigali'), ('SY', 'Asia/Damascus')])
def test_a_country_with_one_time_zone_gives_it(country, zone):
    found, when = country_zone(country), datetime(2026, 7, 1, 12, 0)
    assert str(found) == zone and found.utcoffset(when) == ZoneInfo(zone).utcoffset(when)


@pytest.mark.parametrize('country', ['CD', 'US', 'ES', 'MX', '', None, 'XX', 'K', '\x00', 'KEN'])
def test_a_country_with_several_zones_or_none_gives_none(country):
    assert country_zone(country) is None
