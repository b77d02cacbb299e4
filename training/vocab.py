"""Fixed, translatable vocabularies shared across domains (organisation types, countries)."""
from __future__ import annotations

import enum
import unicodedata
from datetime import tzinfo
from functools import lru_cache

import pycountry
from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone
from flask_babel import get_locale

from training.i18n import _l
from training.quiz_kinds import QuizKind  # noqa: F401 - Flask-free for the scoring engine; listed here with the others


class TitledEnum(enum.Enum):
    """An enum whose members carry a translatable title: ``Member = ('value', _l('Title'))``."""

    def __new__(cls, value, title):
        obj = object.__new__(cls)
        obj._value_ = value
        obj.title = title
        return obj

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.name, m.title) for m in cls]

    def __str__(self) -> str:
        return str(self.title)


class OrganisationType(TitledEnum):
    government = ('government', _l('Government'))
    military = ('military', _l('Military'))
    police = ('police', _l('Police'))
    judiciary = ('judiciary', _l('Judiciary'))
    parliament = ('parliament', _l('Parliament'))
    nhri = ('nhri', _l('National human rights institution'))
    civil_society = ('civil_society', _l('Civil society'))
    academia = ('academia', _l('Academia'))
    media = ('media', _l('Media'))
    religious_community = ('religious_community', _l('Religious or community leader'))
    un = ('un', _l('United Nations'))
    regional_org = ('regional_org', _l('Regional organisation'))
    other = ('other', _l('Other'))


def sort_key(text: str) -> str:
    """Accent- and case-insensitive sort key ("Égypte" sorts with "Egypte")."""
    decomposed = unicodedata.normalize('NFKD', text)
    return ''.join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@lru_cache(maxsize=1)
def country_codes() -> tuple[str, ...]:
    return tuple(sorted(c.alpha_2 for c in pycountry.countries))


@lru_cache(maxsize=8)
def _country_names(locale: str) -> dict[str, str]:
    names = Locale.parse(locale).territories
    return {code: names.get(code) or pycountry.countries.get(alpha_2=code).name for code in country_codes()}


def country_name(code: str | None, locale: str | None = None) -> str:
    """The country's name in the current (or given) locale, from CLDR via Babel."""
    if not code:
        return ''
    loc = locale or str(get_locale() or 'en')
    return _country_names(loc).get(code.upper(), code)


@lru_cache(maxsize=8)
def _sorted_countries(locale: str) -> tuple[tuple[str, str], ...]:
    """(code, name) in the locale's name order; sorted once per locale, not on every form."""
    return tuple(sorted(_country_names(locale).items(), key=lambda kv: sort_key(kv[1])))


def country_choices(locale: str | None = None, *, blank: str | None = None) -> list[tuple[str, str]]:
    loc = locale or str(get_locale() or 'en')
    return ([('', blank)] if blank is not None else []) + list(_sorted_countries(loc))


@lru_cache(maxsize=512)
def country_zone(code: str | None) -> tzinfo | None:
    """The time zone of a country that has one (CLDR's zones of each territory, via Babel), None for a country with
    several (the time of a workshop there cannot be told from its country alone) or none known."""
    zones = get_global('territory_zones').get((code or '').upper(), ())
    if len(zones) != 1:
        return None
    try:
        return get_timezone(zones[0])
    except LookupError:  # a zone CLDR names that this machine's time zone data lacks
        return None
