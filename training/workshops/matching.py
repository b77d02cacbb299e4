"""Person matching: is this sign-in the same person as one already on record? Pure functions, no Flask, no DB.

Rules (issue 5, DESIGN section 2):

1. The same email address, in any case, is the same person.
2. Otherwise the same name in the same country is the same person: case, accents, spacing, punctuation and word
   order ignored ("DIALLO, Amina" is "Amina Diallo"), since sign-in sheets write names "Surname, Given names".
3. Anything close but not equal (a typo, the same name in another country) is a *near match*:
   it is listed for a trainer to decide and merge by hand, never merged automatically.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

from training.text import email_key

#: Invisible characters that must not make two names differ
_INVISIBLE = dict.fromkeys(map(ord, '\u200b\u200c\u200d\u2060\ufeff\u00ad'), None)
_SPACES = re.compile(r'[\s\u00a0]+')
_PUNCT_AS_SPACE = re.compile(r"[.,;:_/\\()\[\]\"'`´’‘-]+")

BY_EMAIL = 'email'
BY_NAME_COUNTRY = 'name_country'


def normalise_name(name: str | None) -> str:
    """Lower case, accents removed, single spaces: "  Amélie  N'DIAYE " -> "amelie n'diaye"."""
    if not name:
        return ''
    if name.isascii():  # nothing to fold but case and spaces (most names; a 10,000-row sheet reads faster)
        return ' '.join(name.split()).casefold()
    text = unicodedata.normalize('NFKC', name).translate(_INVISIBLE)
    text = unicodedata.normalize('NFKD', text)
    text = ''.join(c for c in text if not unicodedata.combining(c))
    return _SPACES.sub(' ', text).strip().casefold()


def loose_name(name: str | None) -> str:
    """For near matches only: punctuation ignored and words sorted ("Diallo, Amina" ~ "Amina Diallo")."""
    text = _PUNCT_AS_SPACE.sub(' ', normalise_name(name))
    return ' '.join(sorted(text.split()))


def match_key(name: str | None) -> str:
    """The name as matching compares it: ``loose_name``, or the normalised name when that leaves nothing."""
    return loose_name(name) or normalise_name(name)


def match_key_of(name_key: str) -> str:
    """``match_key`` of a name already normalised (a stored ``name_key``), without normalising it again."""
    return ' '.join(sorted(_PUNCT_AS_SPACE.sub(' ', name_key).split())) or name_key


def name_variants(name_key: str) -> set[str]:
    """Stored name keys under which the same person may be on record, for a database lookup by ``name_key``
    before ``PersonIndex`` compares in any order: the key itself, "Surname, Given" turned round, and the first or last
    word moved to the other end ("diallo amina grace" -> "amina grace diallo", "grace diallo amina")."""
    found = {name_key}
    if ',' in name_key:
        before, _sep, after = name_key.partition(',')
        found.add(' '.join(f'{after} {before}'.split()))
    plain = _PUNCT_AS_SPACE.sub(' ', name_key).split()
    if 2 <= len(plain) <= 6:
        found.add(' '.join(plain))
        found.add(' '.join(plain[1:] + plain[:1]))
        found.add(' '.join(plain[-1:] + plain[:-1]))
        found.add(f'{plain[0]}, {" ".join(plain[1:])}')
        found.add(f'{plain[-1]}, {" ".join(plain[:-1])}')
    return found


def normalise_email(email: str | None) -> str | None:
    """The one email form of the site (training.text, shared with user accounts), for comparing: never raises."""
    return email_key(email) or None


@dataclass(frozen=True)
class Known:
    """A person already on record, as far as matching needs to know."""

    id: int
    name_key: str
    country: str | None
    email: str | None


@dataclass(frozen=True)
class Match:
    person_id: int
    by: str  # BY_EMAIL or BY_NAME_COUNTRY


class PersonIndex:
    """Lookups by email and by (name key, country) over the persons already on record."""

    def __init__(self, known: Iterable[Known] = ()):
        self.by_email: dict[str, int] = {}
        self.by_name_country: dict[tuple[str, str], int] = {}
        for person in known:
            self.add(person)

    def add(self, person: Known) -> None:
        if person.email:
            self.by_email.setdefault(person.email.lower(), person.id)
        key = match_key_of(person.name_key)
        if key and person.country:
            self.by_name_country.setdefault((key, person.country.upper()), person.id)

    def match(self, full_name: str, country: str | None, email: str | None) -> Match | None:
        email = normalise_email(email)
        if email and email in self.by_email:
            return Match(self.by_email[email], BY_EMAIL)
        key = match_key(full_name)
        if key and country:
            found = self.by_name_country.get((key, country.upper()))
            if found is not None:
                return Match(found, BY_NAME_COUNTRY)
        return None


def match_person(full_name: str, country: str | None, email: str | None, known: Iterable[Known]) -> Match | None:
    return PersonIndex(known).match(full_name, country, email)


# -- near matches ---------------------------------------------------------------------------------------------------

SAME_NAME_OTHER_COUNTRY = 'same_name_other_country'
WORD_ORDER = 'word_order'
SIMILAR_NAME = 'similar_name'
SAME_EMAIL_DIFFERENT_NAME = 'same_email'

#: Names at least this similar (difflib ratio on loose names) in the same or an unknown country are listed
NEAR_THRESHOLD = 0.88
#: Blocks larger than this (a very common name part) are skipped for the similarity pass, to stay near-linear
MAX_BLOCK = 400


@dataclass(frozen=True)
class NearMatch:
    a: int
    b: int
    score: float
    reason: str


def _similarity(x: str, y: str) -> float:
    return SequenceMatcher(None, x, y, autojunk=False).ratio()


def near_matches(persons: Iterable[Known], *, threshold: float = NEAR_THRESHOLD) -> list[NearMatch]:
    """Pairs of distinct records that may be the same person, best first.

    Pairs that the exact rules would already treat as one person (same email, or same name key and country) are
    reported too: they can exist when records were entered before an email was known, and should be merged.
    Candidates are found by blocking on the first letters of each name word, so the cost stays close to linear.
    """
    people = list(persons)
    loose = {p.id: loose_name(p.name_key) for p in people}
    found: dict[tuple[int, int], NearMatch] = {}

    def keep(a: Known, b: Known, score: float, reason: str) -> None:
        key = (min(a.id, b.id), max(a.id, b.id))
        current = found.get(key)
        if current is None or score > current.score:
            found[key] = NearMatch(key[0], key[1], round(score, 3), reason)

    by_email: dict[str, list[Known]] = defaultdict(list)
    by_key: dict[str, list[Known]] = defaultdict(list)
    blocks: dict[str, list[Known]] = defaultdict(list)
    for p in people:
        if p.email:
            by_email[p.email.lower()].append(p)
        if p.name_key:
            by_key[p.name_key].append(p)
        for word in set(loose[p.id].split()):
            if len(word) >= 2:
                blocks[word[:3]].append(p)

    for group in by_email.values():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                keep(a, b, 1.0, SAME_EMAIL_DIFFERENT_NAME)
    for group in by_key.values():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if a.email and b.email and a.email.lower() != b.email.lower():
                    continue  # two different email addresses: two namesakes, not a duplicate
                keep(a, b, 1.0 if a.country == b.country else 0.95,
                     SIMILAR_NAME if a.country == b.country else SAME_NAME_OTHER_COUNTRY)
    for group in blocks.values():
        if len(group) > MAX_BLOCK:
            continue
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if a.id == b.id or (min(a.id, b.id), max(a.id, b.id)) in found:
                    continue
                if a.country and b.country and a.country != b.country:
                    continue
                if a.email and b.email and a.email.lower() != b.email.lower():
                    continue
                la, lb = loose[a.id], loose[b.id]
                if not la or not lb:
                    continue
                if la == lb:
                    keep(a, b, 0.97, WORD_ORDER)
                    continue
                score = _similarity(la, lb)
                if score >= threshold:
                    keep(a, b, score, SIMILAR_NAME)
    return sorted(found.values(), key=lambda m: (-m.score, m.a, m.b))
