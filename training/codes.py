"""Public codes people read aloud, print or type: certificate codes, check-in codes and live-run join codes.

One alphabet (upper case, without the look-alikes O/0, I/1/L), one normalisation of what was typed (any case,
spaces, missing or extra dashes, full-width characters) and one loop that draws a code until it is free.

    >>> CERTIFICATE.normalise(' dm7q kc4x rw9t ')
    'DM7Q-KC4X-RW9T'
"""
from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so

from training.errors import TrainingError
from training.extensions import db
from training.i18n import _

#: 31 symbols: A-Z and 2-9 without O, I, L (read as 0 and 1) -- 0 and 1 themselves are not digits of the set.
ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'
#: What a typist may put between groups: spaces, dashes of every width, dots, underscores and slashes.
_SEPARATORS = frozenset(' \t\r\n\u00a0-\u2010\u2011\u2012\u2013\u2014\u2212._/')


@dataclass(frozen=True, slots=True)
class CodeKind:
    """One kind of public code: how long it is and how it is shown (groups joined by dashes)."""

    length: int
    #: the shown form puts a dash every ``group`` characters (``None``: no dashes)
    group: int | None = None

    def format(self, compact: str) -> str:
        if not self.group:
            return compact
        return '-'.join(compact[i:i + self.group] for i in range(0, len(compact), self.group))

    def generate(self) -> str:
        """A fresh random code in its shown form (not checked for uniqueness: see :meth:`unique`)."""
        return self.format(''.join(secrets.choice(ALPHABET) for _ in range(self.length)))

    def normalise(self, text: str | None) -> str | None:
        """The stored form of a typed code, or ``None`` when the text cannot be a code of this kind.

        Any case, spaces, dashes in the wrong places or missing, and full-width characters are accepted. Letters
        outside :data:`ALPHABET` are kept (codes issued before the alphabet was fixed still resolve).
        """
        if not text or len(text) > 4 * self.length:
            return None
        compact = ''.join(c for c in unicodedata.normalize('NFKC', text) if c not in _SEPARATORS).upper()
        if len(compact) != self.length or not (compact.isascii() and compact.isalnum()):
            return None
        return self.format(compact)

    def unique(self, taken: Callable[[str], bool], *, attempts: int = 20) -> str:
        """Draw codes until one is not ``taken``; a clear error (never a loop without end) if none is free."""
        for _attempt in range(attempts):
            code = self.generate()
            if not taken(code):
                return code
        raise TrainingError(_('Could not make a unique code; please try again.'))

    def unique_in(self, column: so.InstrumentedAttribute) -> str:
        """A code not yet stored in ``column`` (a unique column: the constraint still decides a race)."""
        return self.unique(lambda code: db.session.scalar(sa.select(column).where(column == code)) is not None)


#: Certificates: 12 symbols shown as three groups of four (about 59 bits), e.g. ``DM7Q-KC4X-RW9T``.
CERTIFICATE = CodeKind(12, group=4)
#: A session day's self check-in code, shown on the projector.
CHECK_IN = CodeKind(6)
#: The join code of a live scenario run.
LIVE_RUN = CodeKind(6)
#: A live team's code (shared among its members).
LIVE_TEAM = CodeKind(8)
