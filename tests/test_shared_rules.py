"""The shared rules every domain uses: public codes, the email normaliser and LIKE escaping."""
from __future__ import annotations

import pytest

from training import codes
from training.auth import services as auth_services
from training.auth.models import User
from training.courses.scoring import gain_figures, knowledge_gain
from training.text import EmailError, contains_pattern, email_key, escape_like, like_contains, normalise_email
from training.vocab import QuizKind

# -- public codes ------------------------------------------------------------------------------------------------


def test_the_alphabet_has_no_look_alikes():
    assert not set('O0I1L') & set(codes.ALPHABET)
    assert codes.ALPHABET == codes.ALPHABET.upper() and len(set(codes.ALPHABET)) == len(codes.ALPHABET)


@pytest.mark.parametrize('kind', [codes.CERTIFICATE, codes.CHECK_IN, codes.LIVE_RUN, codes.LIVE_TEAM])
def test_generated_codes_are_in_the_alphabet_and_normalise_to_themselves(kind):
    for _ in range(200):
        code = kind.generate()
        assert set(code.replace('-', '')) <= set(codes.ALPHABET)
        assert len(code.replace('-', '')) == kind.length
        assert kind.normalise(code) == code
        assert kind.normalise(code.lower()) == code


def test_certificate_codes_are_distinct():
    assert len({codes.CERTIFICATE.generate() for _ in range(2000)}) == 2000


@pytest.mark.parametrize('typed', [' dm7q kc4x rw9t ', 'DM7QKC4XRW9T', 'dm7q-kc4x-rw9t', 'Dm7q--Kc4x-Rw9t-',
                                   'DM7Q\u2013KC4X\u2013RW9T', 'ＤＭ７Ｑ－ＫＣ４Ｘ－ＲＷ９Ｔ', 'dm 7q.kc4x/rw9t'])
def test_a_certificate_code_is_found_however_it_is_typed(typed):
    assert codes.CERTIFICATE.normalise(typed) == 'DM7Q-KC4X-RW9T'


@pytest.mark.parametrize('typed', [None, '', '   ', 'DM7Q-KC4X', 'DM7Q-KC4X-RW9T-A', 'DM7Q-KC4X-RW9%', 'x' * 200,
                                   'DM7Q-KC4X-RW9\x00', 'ДМ7Q-KC4X-RW9T'])
def test_what_cannot_be_a_code_is_refused(typed):
    assert codes.CERTIFICATE.normalise(typed) is None


def test_short_codes_have_no_dashes():
    assert codes.CHECK_IN.normalise(' k7m-9qx ') == 'K7M9QX'
    assert codes.LIVE_TEAM.normalise('abcd efgh') == 'ABCDEFGH'


def test_unique_retries_then_gives_up_with_a_message():
    drawn = []

    def taken(code):
        drawn.append(code)
        return len(drawn) < 3

    code = codes.CHECK_IN.unique(taken)
    assert code == drawn[-1] and len(drawn) == 3
    with pytest.raises(codes.TrainingError):
        codes.CHECK_IN.unique(lambda code: True, attempts=5)


# -- email -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('typed', ['amina.diallo@example.org', '  Amina.Diallo@Example.ORG ',
                                   'ａｍｉｎａ.ｄｉａｌｌｏ@ｅｘａｍｐｌｅ.ｏｒｇ', 'amina.di\u200ballo@example.org'])
def test_one_address_however_it_is_typed(typed):
    assert normalise_email(typed) == 'amina.diallo@example.org'


def test_nfc_and_nfd_are_one_address():
    nfc, nfd = 'ren\u00e9@example.org', 'rene\u0301@example.org'
    assert normalise_email(nfc) == normalise_email(nfd) == 'ren\u00e9@example.org'


def test_unicode_domains_are_stored_in_punycode():
    assert normalise_email('Amina@Exämple.org') == 'amina@xn--exmple-cua.org'
    assert normalise_email('amina@xn--exmple-cua.org') == 'amina@xn--exmple-cua.org'


@pytest.mark.parametrize('look_alike', ['\u0430mina@example.org',      # Cyrillic а among Latin letters
                                        'amin\u03b1@example.org',      # Greek alpha
                                        'amina@ex\u0430mple.org'])     # Cyrillic а in the domain
def test_mixed_scripts_are_refused(look_alike):
    with pytest.raises(EmailError) as err:
        normalise_email(look_alike)
    assert err.value.field == 'email' and 'alphabet' in err.value.message


def test_single_script_addresses_are_kept():
    assert normalise_email('Анна@пример.рф') == 'анна@xn--e1afmkfd.xn--p1ai'
    assert normalise_email('山田太郎@example.jp') == '山田太郎@example.jp'
    assert normalise_email('   ') is None and normalise_email(None) is None


def test_email_key_never_raises():
    assert email_key('\u0430mina@example.org') == '\u0430mina@example.org'
    assert email_key(None) == ''


def test_look_alike_accounts_cannot_be_made(db):
    auth_services.create_user(email='amina@example.org', name='Amina', password='x' * 12)
    for other in ('AMINA@example.org', 'ａｍｉｎａ@example.org', 'ami\u00adna@example.org'):
        with pytest.raises(auth_services.TrainingError):
            auth_services.create_user(email=other, name='Other', password='x' * 12)
    with pytest.raises(EmailError):
        auth_services.create_user(email='\u0430mina@example.org', name='Other', password='x' * 12)
    assert db.session.query(User).count() == 1
    assert auth_services.get_user_by_email(' ＡＭＩＮＡ@Example.org').name == 'Amina'


def test_sign_up_explains_a_mixed_script_address(client):
    response = client.post('/register', data={'email': 'p\u0430ul@example.org', 'name': 'Paul',
                                              'password': 'x' * 12, 'confirm': 'x' * 12,
                                              'preferred_language': 'en'})
    assert response.status_code in (200, 422)
    assert 'mixes letters of different alphabets' in response.get_data(as_text=True)


# -- LIKE --------------------------------------------------------------------------------------------------------

def test_like_patterns_take_the_text_literally():
    assert escape_like('50%_off\\') == '50\\%\\_off\\\\'
    assert contains_pattern('a_b') == '%a\\_b%'


def test_like_contains_matches_wildcards_literally(db):
    for i, name in enumerate(('100% sure', '100 percent', 'a_b', 'axb', 'back\\slash')):
        auth_services.create_user(email=f'u{i}@example.org', name=name, password='x' * 12)
    db.session.flush()

    def names(text):
        return sorted(db.session.scalars(db.select(User.name).where(like_contains(User.name, text))))

    assert names('100%') == ['100% sure']
    assert names('a_b') == ['a_b']
    assert names('k\\s') == ['back\\slash']


# -- knowledge gain and quiz kinds ---------------------------------------------------------------------------------

def test_knowledge_gain_is_one_rounding_rule():
    assert knowledge_gain(40, 75.5) == 35.5
    assert knowledge_gain(33.33, 66.67) == 33.3
    assert gain_figures(None, 90.0) == {'pre': None, 'post': 90.0, 'gain': None}


def test_quiz_kinds_compare_with_the_words_of_the_files():
    assert QuizKind('pre-test') is QuizKind.pre_test and QuizKind.post_test == 'post-test'
    assert str(QuizKind.practice.title) == 'Practice quiz'
