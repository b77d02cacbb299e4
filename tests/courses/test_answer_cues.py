"""Quizzes and scenario decisions written for issue 15 give no answer away by position or length."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from training.content.registry import load_content

ROOT = Path(__file__).resolve().parents[2]
NEW_QUIZZES = [('assessing-risk-framework', 'm5-gender-check'), ('assessing-risk-framework', 'm5-cases-check'),
               ('prevention-responsibility-to-protect', 'm5-check')]


@pytest.fixture(scope='module')
def registry():
    return load_content(ROOT)


@pytest.mark.parametrize(('course', 'quiz'), NEW_QUIZZES)
def test_keys_are_spread_and_not_the_longest_option(registry, course, quiz):
    questions = registry.course(course).quizzes[quiz].questions
    positions = Counter(i for q in questions for i, o in enumerate(q.options) if o.correct)
    assert max(positions.values()) <= 0.4 * sum(positions.values()), positions
    longest = sum(1 for q in questions
                  if max(len(o.text) for o in q.options if o.correct)
                  > max((len(o.text) for o in q.options if not o.correct), default=0))
    assert longest <= 0.4 * len(questions)


def test_the_best_decision_is_not_usually_the_longest_option(registry):
    stages = registry.scenario('grazing-law-in-brenmora').stages
    longest = 0
    for stage in stages:
        top = max(o.score for o in stage.decision.options)
        best = max(len(o.text) for o in stage.decision.options if o.score == top)
        longest += best > max(len(o.text) for o in stage.decision.options if o.score != top)
    assert longest <= len(stages) / 2
