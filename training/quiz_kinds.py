"""The three kinds of quiz. Flask-free: the scoring engine (training.courses.scoring) uses them."""
from __future__ import annotations

import enum

from training.plain_i18n import _, _l


class QuizKind(enum.StrEnum):
    """The three kinds of quiz, as written in quiz files (``kind: pre-test``) and stored with each attempt.

    A ``str`` enum: ``QuizKind.pre_test == 'pre-test'``, so content files, templates and code compare alike.
    """

    def __new__(cls, value, msgid):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.msgid = msgid
        return obj

    practice = ('practice', _l('Practice quiz'))
    pre_test = ('pre-test', _l('Pre-test'))
    post_test = ('post-test', _l('Post-test'))

    @property
    def title(self) -> str:
        """The kind's name in the current language."""
        return _(self.msgid)
