"""What one attempt at a quiz shows: which questions, and each question's options in the order shown. Pure.

A *presented* form is stored as JSON with the attempt, ``[[question id, [option id, ...]], ...]``, so the review
page shows the trainee what they saw. Options are shuffled for every attempt (see :mod:`training.shuffling`),
except pinned ones and the two options of a true/false question, which keep "True" before "False".
"""
from __future__ import annotations

import random
from collections.abc import Sequence

from training.shuffling import apply_order, shuffle_ids

Presented = list[list]  # [[question id, [option ids]], ...]


def option_order(question, rng: random.Random) -> list[str]:
    ids = [o.id for o in question.options]
    if question.type == 'true_false':
        return ids
    return shuffle_ids(ids, {o.id for o in question.options if o.pin}, rng)


def draw(quiz, rng: random.Random) -> Presented:
    """A fresh form of ``quiz``: its questions, each with its options shuffled."""
    return [[q.id, option_order(q, rng)] for q in quiz.questions]


def is_current(quiz, presented: Sequence | None) -> bool:
    """Whether a stored form still fits the quiz (same questions exist, each with the same options)."""
    if not presented:
        return False
    for question_id, option_ids in presented:
        question = quiz.question(question_id)
        if question is None or sorted(option_ids) != sorted(o.id for o in question.options):
            return False
    return True


def question_ids(presented: Sequence | None) -> list[str] | None:
    return [question_id for question_id, _options in presented] if presented else None


def shown(quiz, presented: Sequence | None) -> list[tuple]:
    """``(question, options in the order shown)`` for each question of the form still in the quiz; without a
    stored form (an attempt from before shuffling), every question in the authored order."""
    if not presented:
        return [(q, list(q.options)) for q in quiz.questions]
    rows = []
    for question_id, option_ids in presented:
        question = quiz.question(question_id)
        if question is not None:
            rows.append((question, apply_order(question.options, option_ids)))
    return rows
