"""What one attempt at a quiz shows: which questions, and each question's options in the order shown. Pure.

A quiz that draws (``draw: N``) asks N of its questions, spread over the course's learning objectives; parallel
forms (a pre-test and a post-test drawing from one bank) never give a trainee's post-test the items of their
pre-test, and otherwise the items they have seen least.

A *presented* form is stored as JSON with the attempt, ``[[question id, [option id, ...]], ...]``, so the review
page shows the trainee what they saw. Options are shuffled for every attempt (see :mod:`training.shuffling`),
except pinned ones and the two options of a true/false question, which keep "True" before "False".
"""
from __future__ import annotations

import random
from collections.abc import Collection, Mapping, Sequence

from training.shuffling import apply_order, shuffle_ids

Presented = list[list]  # [[question id, [option ids]], ...]


def option_order(question, rng: random.Random) -> list[str]:
    ids = [o.id for o in question.options]
    if question.type == 'true_false':
        return ids
    return shuffle_ids(ids, {o.id for o in question.options if o.pin}, rng)


def pick(quiz, rng: random.Random, seen: Mapping[str, int] | None = None, exclude: Collection[str] = ()) -> list:
    """The questions of one attempt, in the authored order: every question, or for a quiz that draws, its share
    of each objective (:attr:`Quiz.shares`). Questions in ``exclude`` (a post-test: those of the trainee's
    pre-test) come last, taken only if an objective has nothing else; then those the trainee has seen least
    (``seen``: question id -> times shown), at random among equals."""
    if not quiz.draw:
        return list(quiz.questions)
    seen = seen or {}
    chosen: set[str] = set()
    for objective, share in quiz.shares.items():
        pool = [q for q in quiz.questions if q.objective == objective]
        ranked = sorted(pool, key=lambda q: (q.id in exclude, seen.get(q.id, 0), rng.random()))
        chosen.update(q.id for q in ranked[:share])
    return [q for q in quiz.questions if q.id in chosen]


def draw(quiz, rng: random.Random, seen: Mapping[str, int] | None = None, exclude: Collection[str] = ()) -> Presented:
    """A fresh form of ``quiz``: its questions (:func:`pick`), each with its options shuffled."""
    return [[q.id, option_order(q, rng)] for q in pick(quiz, rng, seen, exclude)]


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
