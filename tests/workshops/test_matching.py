"""Person matching rules (pure, no app)."""
from __future__ import annotations

from training.workshops.matching import (
    BY_EMAIL,
    BY_NAME_COUNTRY,
    SAME_NAME_OTHER_COUNTRY,
    WORD_ORDER,
    Known,
    PersonIndex,
    loose_name,
    match_person,
    near_matches,
    normalise_email,
    normalise_name,
)

KNOWN = [
    Known(1, normalise_name('Amina Diallo'), 'SN', 'amina.diallo@example.org'),
    Known(2, normalise_name('Jean-Pierre Ndayishimiye'), 'BI', None),
    Known(3, normalise_name('Éloïse Mukamana'), 'RW', None),
]


def test_normalise_name_ignores_case_accents_and_spacing():
    assert normalise_name('  ÉLOÏSE   Mukamana ') == 'eloise mukamana'
    assert normalise_name('Eloise\u00a0mukamana') == 'eloise mukamana'
    assert normalise_name('Elo\u200bise Mukamana') == 'eloise mukamana'
    assert normalise_name('') == '' and normalise_name(None) == ''


def test_normalise_email():
    assert normalise_email('  Amina.Diallo@Example.ORG ') == 'amina.diallo@example.org'
    assert normalise_email('   ') is None and normalise_email(None) is None


def test_same_email_any_case_is_same_person_even_with_other_name_and_country():
    match = match_person('A. Diallo', 'FR', 'AMINA.DIALLO@example.org', KNOWN)
    assert match is not None and match.person_id == 1 and match.by == BY_EMAIL


def test_same_normalised_name_and_country_is_same_person():
    match = match_person('eloise  MUKAMANA', 'rw', None, KNOWN)
    assert match is not None and match.person_id == 3 and match.by == BY_NAME_COUNTRY


def test_same_name_other_country_is_not_matched():
    assert match_person('Eloise Mukamana', 'BI', None, KNOWN) is None


def test_unknown_email_falls_back_to_name_and_country():
    match = match_person('Amina Diallo', 'SN', 'other@example.org', KNOWN)
    assert match is not None and match.person_id == 1 and match.by == BY_NAME_COUNTRY


def test_no_country_no_name_match():
    assert match_person('Amina Diallo', None, None, KNOWN) is None


def test_index_add_makes_later_rows_match():
    index = PersonIndex(KNOWN)
    assert index.match('New Person', 'KE', None) is None
    index.add(Known(9, normalise_name('New Person'), 'KE', None))
    assert index.match('new person', 'KE', None).person_id == 9


def test_loose_name_sorts_words_and_drops_punctuation():
    assert loose_name('Diallo, Amina') == loose_name('amina diallo')


def test_near_matches_lists_typos_word_order_and_other_country():
    people = [
        Known(1, normalise_name('Amina Diallo'), 'SN', None),
        Known(2, normalise_name('Amina Dialo'), 'SN', None),
        Known(3, normalise_name('Diallo Amina'), 'SN', None),
        Known(4, normalise_name('Grace Mwangi'), 'KE', None),
        Known(5, normalise_name('Grace Mwangi'), 'UG', None),
        Known(6, normalise_name('Peter Otieno'), 'KE', None),
    ]
    pairs = {(m.a, m.b): m for m in near_matches(people)}
    assert (1, 2) in pairs and (2, 3) in pairs
    assert pairs[(1, 3)].reason == WORD_ORDER
    assert pairs[(4, 5)].reason == SAME_NAME_OTHER_COUNTRY
    assert not any(6 in key for key in pairs)


def test_near_matches_skip_namesakes_with_different_emails():
    people = [Known(1, 'john smith', 'GB', 'a@example.org'), Known(2, 'john smith', 'GB', 'b@example.org')]
    assert near_matches(people) == []


def test_near_matches_different_countries_not_similar_pass():
    people = [Known(1, 'amina diallo', 'SN', None), Known(2, 'amina dialo', 'ML', None)]
    assert near_matches(people) == []


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(st.text(max_size=60))
def test_normalise_name_is_idempotent_and_case_blind(name):
    once = normalise_name(name)
    assert normalise_name(once) == once
    assert normalise_name(name.upper()) == normalise_name(name.lower()) or not name.isascii()
    assert '  ' not in once and once == once.strip()


@given(st.text(min_size=1, max_size=40), st.sampled_from(['KE', 'SN', 'FR']))
def test_a_person_always_matches_their_own_record(name, country):
    key = normalise_name(name)
    known = [Known(7, key, country, None)]
    match = match_person(name, country.lower(), None, known)
    assert (match is not None) == bool(key)
