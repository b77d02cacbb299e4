"""Text rules shared by every domain: the one email normalisation (users and persons) and LIKE patterns.

Email addresses are compared in one form, so that an address typed with full-width letters, in NFD, with a
capital or with a Unicode domain is the same address, and so that an address that only *looks* like another one
(a Cyrillic ``а`` among Latin letters) is refused instead of becoming a second account:

    >>> normalise_email('  Ａmina.Diallo@Exämple.ORG ')
    'amina.diallo@xn--exmple-cua.org'
"""
from __future__ import annotations

import unicodedata

import idna

from training.errors import TrainingError
from training.plain_i18n import _

#: Characters that show nothing (zero-width spaces and joiners, word joiner, BOM, soft hyphen)
_INVISIBLE = dict.fromkeys(map(ord, '\u200b\u200c\u200d\u2060\ufeff\u00ad'), None)
#: Scripts that are written together in one word (Japanese and Korean mix ideographs with their syllabaries)
_SCRIPT_FAMILY = {'HIRAGANA': 'CJK', 'KATAKANA': 'CJK', 'HANGUL': 'CJK', 'IDEOGRAPHIC': 'CJK'}
#: The escape character of every LIKE pattern built here (pass it as ``escape=LIKE_ESCAPE``)
LIKE_ESCAPE = '\\'


class EmailError(TrainingError):
    """An address that cannot be one person's address (message safe to show; field ``email``)."""

    def __init__(self, message: str):
        super().__init__(message, field='email')


def _script(char: str) -> str | None:
    """The script of a letter (``LATIN``, ``CYRILLIC``, ``GREEK``, ``CJK`` ...); ``None`` for digits and marks."""
    if not unicodedata.category(char).startswith('L'):
        return None
    word = unicodedata.name(char, 'UNKNOWN').split()[0]
    return _SCRIPT_FAMILY.get(word, word)


def scripts(text: str) -> set[str]:
    if text.isascii():  # the common case, without a Unicode name lookup per letter
        return {'LATIN'} if text.lower() != text.upper() else set()
    return {s for s in map(_script, text) if s is not None}


def _clean(email: str) -> str:
    if email.isascii():  # NFKC leaves ASCII as it is, and the invisible characters are not ASCII
        return email.strip().lower()
    return unicodedata.normalize('NFKC', email).translate(_INVISIBLE).strip().lower()


def _domain(domain: str) -> str:
    """IDNA (punycode) form of the domain, label by label; ASCII labels are kept as they are."""
    labels = domain.rstrip('.').split('.')
    out = []
    for label in labels:
        if label.isascii():
            out.append(label)
            continue
        if len(scripts(label)) > 1:
            raise EmailError(_('The domain of this address mixes alphabets; type it again in one alphabet.'))
        try:
            out.append(idna.encode(label, uts46=True).decode('ascii'))
        except idna.IDNAError as exc:
            raise EmailError(_('The domain of this address is not valid.')) from exc
    return '.'.join(out)


def normalise_email(email: str | None) -> str | None:
    """The one stored form of an email address, or ``None`` for an empty value.

    NFKC (full-width and compatibility forms, NFC/NFD), invisible characters removed, lower case, IDNA domain.
    Raises :class:`EmailError` when the local part or a domain label mixes scripts (look-alike addresses).
    """
    if email is None:
        return None
    email = _clean(email)
    if not email:
        return None
    local, at, domain = email.rpartition('@')
    if not at:
        return email  # not an address: the form's own validator says so
    if len(scripts(local)) > 1:
        raise EmailError(_('This address mixes letters of different alphabets (for example a Cyrillic "а" among '
                           'Latin letters); type it again in one alphabet.'))
    return f'{local}@{_domain(domain)}'


def email_key(email: str | None) -> str:
    """The form used to *look up* an address: like :func:`normalise_email`, but never raises (an address that
    could not be stored simply finds nothing)."""
    try:
        return normalise_email(email) or ''
    except EmailError:
        return _clean(email or '')


def escape_like(text: str) -> str:
    """``text`` with the LIKE wildcards (``%``, ``_``) and the escape character escaped."""
    return text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace('%', LIKE_ESCAPE + '%').replace('_', LIKE_ESCAPE + '_')


def contains_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, literally: use with ``column.like(pattern, escape=LIKE_ESCAPE)``."""
    return f'%{escape_like(text)}%'


def like_contains(column, text: str):
    """``column LIKE '%text%'`` with ``text`` taken literally (its ``%`` and ``_`` are not wildcards)."""
    return column.like(contains_pattern(text), escape=LIKE_ESCAPE)
