"""Item analysis of a quiz question from aggregate sums: difficulty (share correct), point-biserial discrimination,
how often each option was chosen, and flags for authors. Pure: no Flask, no database.

Discrimination is the point-biserial correlation between answering the question correctly and the *rest score*
of the attempt (the share of the attempt's other questions answered correctly), so a question is not correlated
with itself. It is positive when the trainees who do well on the rest of the quiz get this question right more
often than those who do badly; negative when strong trainees get it wrong.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

#: Fewer answers than this: the figures are shown, but no flag is raised
MIN_ANSWERS = 10
#: Share correct at or above which a question is flagged as one nearly everyone gets right
EASY = 0.9
#: Discrimination below which a question is flagged as separating strong from weak trainees poorly
WEAK = 0.2


@dataclass(frozen=True)
class Sums:
    """Sums over a question's answers: ``n`` answers, ``right`` of them correct; ``rest``, ``rest_sq`` and
    ``rest_right`` are the sums of the rest score, of its square, and of the rest score where correct."""

    n: int
    right: int
    rest: float
    rest_sq: float
    rest_right: float


@dataclass(frozen=True)
class ItemStats:
    question_id: str
    answers: int
    difficulty: float | None  # share correct, 0..1
    discrimination: float | None  # point-biserial, -1..1
    #: option id -> share of answers that chose it (a question with several keys may sum to more than 1)
    options: dict = field(default_factory=dict)
    flags: tuple[str, ...] = ()


def point_biserial(s: Sums) -> float | None:
    """The correlation of correct (0/1) with the rest score; None when it is undefined (no variation)."""
    if s.n < 2 or s.right in (0, s.n):
        return None
    mean = s.rest / s.n
    variance = s.rest_sq / s.n - mean * mean
    if variance <= 1e-12:
        return None
    p = s.right / s.n
    mean_right = s.rest_right / s.right
    mean_wrong = (s.rest - s.rest_right) / (s.n - s.right)
    return max(-1.0, min(1.0, (mean_right - mean_wrong) / math.sqrt(variance) * math.sqrt(p * (1 - p))))


def flags_for(answers: int, difficulty: float | None, discrimination: float | None) -> tuple[str, ...]:
    """``easy``: nearly everyone answers correctly; ``reversed``: strong trainees get it wrong more often than
    weak ones (negative discrimination); ``weak``: it barely separates them. None below :data:`MIN_ANSWERS`."""
    if answers < MIN_ANSWERS or difficulty is None:
        return ()
    found = []
    if difficulty >= EASY:
        found.append('easy')
    if discrimination is not None and discrimination < 0:
        found.append('reversed')
    elif discrimination is not None and discrimination < WEAK:
        found.append('weak')
    return tuple(found)


def item_stats(question_id: str, sums: Sums, chosen_counts: dict[str, int]) -> ItemStats:
    """``chosen_counts``: option id -> how many answers chose it."""
    difficulty = sums.right / sums.n if sums.n else None
    discrimination = point_biserial(sums)
    options = {oid: n / sums.n for oid, n in chosen_counts.items()} if sums.n else {}
    return ItemStats(question_id, sums.n, difficulty, discrimination, options,
                     flags_for(sums.n, difficulty, discrimination))


EXPORT_COLUMNS = ['question', 'objective', 'type', 'prompt', 'answers', 'share_correct', 'discrimination', 'flags',
                  'option', 'option_text', 'key', 'chosen_share']


def export_rows(quiz, stats: dict[str, ItemStats]) -> tuple[list[str], list[tuple]]:
    """One row per option of every question of ``quiz`` (the question's figures repeated on each): (headers, rows)
    for training.exports. Shares are percentages with one decimal; a figure that cannot be computed is blank."""
    rows = []
    for question in quiz.questions:
        s = stats.get(question.id) or ItemStats(question.id, 0, None, None)
        for option in question.options:
            rows.append((question.id, question.objective or '', question.type, question.prompt, s.answers,
                         _percent(s.difficulty), None if s.discrimination is None else round(s.discrimination, 2),
                         ' '.join(s.flags), option.id, option.text, 'yes' if option.correct else '',
                         _percent(s.options.get(option.id, 0.0) if s.answers else None)))
    return EXPORT_COLUMNS, rows


def _percent(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)
