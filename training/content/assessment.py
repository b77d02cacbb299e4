"""Assessment checks on the authored content: no answer given away by where it stands or by its length, and no
post-test that repeats its pre-test. Errors, reported as ``path:line: message`` like every content problem.

- Key position: in a quiz of :data:`POSITION_MIN_QUESTIONS` questions or more, no option position (first, second,
  ...) holds more than :data:`MAX_SHARE` of the keys. Options are shuffled for every attempt, so this is about the
  authored order (reviews, printouts, translations that copy it).
- Length cue: the keyed option is strictly the longest in no more than :data:`MAX_SHARE` of a quiz's questions
  (true/false questions aside: "True" and "False" say nothing by their length); the best decision of a scenario
  is strictly the longest in no more than half of its decision points.
- Parallel forms: the post-test shares no item (question id or wording) with its pre-test, unless both are
  parallel forms drawn from one bank (``bank:``), where each trainee gets items they have not seen.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from training.content.base import Problems, line_at

#: The largest share of a quiz's keys one position may hold, and of its questions the key may be longest in.
MAX_SHARE = 0.4
POSITION_MIN_QUESTIONS = 5


def _ordinal(index: int) -> str:
    return {0: 'first', 1: 'second', 2: 'third', 3: 'fourth', 4: 'fifth', 5: 'sixth'}.get(index, f'#{index + 1}')


def key_is_longest(options, is_key) -> bool:
    """Whether a keyed option is strictly longer than every other option."""
    keys = [len(o.text.strip()) for o in options if is_key(o)]
    others = [len(o.text.strip()) for o in options if not is_key(o)]
    return bool(keys) and bool(others) and max(keys) > max(others)


def position_problem(questions) -> str | None:
    """The key-position rule for one quiz's questions (a bank: all of them), or None when it holds."""
    if len(questions) < POSITION_MIN_QUESTIONS:
        return None
    positions = Counter(i for q in questions for i, o in enumerate(q.options) if o.correct)
    total = sum(positions.values())
    index, count = max(positions.items(), key=lambda kv: (kv[1], -kv[0]))
    if count <= MAX_SHARE * total:
        return None
    return (f'{count} of the {total} keyed options ({100 * count / total:.0f} %) are the {_ordinal(index)} option; '
            f'spread the keys so that no position holds more than {MAX_SHARE:.0%} of them')


def length_problem(questions) -> tuple[str, list[str]] | None:
    """The length-cue rule for one quiz: (message, ids of the questions whose key is the longest option)."""
    judged = [q for q in questions if q.type != 'true_false']
    longest = [q.id for q in judged if key_is_longest(q.options, lambda o: o.correct)]
    if not judged or len(longest) <= MAX_SHARE * len(judged):
        return None
    return (f'the keyed option is the longest in {len(longest)} of {len(judged)} questions '
            f'({100 * len(longest) / len(judged):.0f} %; at most {MAX_SHARE:.0%}): make distractors as long as '
            f'the key in {", ".join(longest)}'), longest


def check_quiz(quiz, data, path: Path, problems: Problems) -> None:
    """Key position and length cue for one quiz file (its own questions)."""
    check_questions(quiz.id, quiz.questions, data, path, problems)


def check_questions(name: str, questions, data, path: Path, problems: Problems) -> None:
    """Key position and length cue for the questions of one quiz or bank file (an original or a translation: a
    translation keeps the positions but may change the lengths)."""
    if not questions or data is None:
        return
    message = position_problem(questions)
    if message:
        problems.add(path, line_at(data, ('questions',)), f'quiz {name!r}: {message}')
    found = length_problem(questions)
    if found:
        message, longest = found
        index = next(i for i, q in enumerate(questions) if q.id == longest[0])
        problems.add(path, line_at(data, ('questions', index, 'options')), f'quiz {name!r}: {message}')


def _wording(question) -> str:
    return ' '.join(question.prompt.casefold().split())


def shared_items(pre, post) -> list[str]:
    """The post-test's question ids that repeat a pre-test item (the same id or the same wording)."""
    pre_ids = {q.id for q in pre.questions}
    pre_wording = {_wording(q) for q in pre.questions}
    return [q.id for q in post.questions if q.id in pre_ids or _wording(q) in pre_wording]


def check_scenario_decisions(scenario, data, path: Path, problems: Problems) -> None:
    """The best decision is not usually the longest option."""
    longest = []
    for i, stage in enumerate(scenario.stages):
        options = stage.decision.options
        top = max(o.score for o in options)
        if key_is_longest(options, lambda o, top=top: o.score == top):
            longest.append((i, stage.id))
    if len(longest) * 2 > len(scenario.stages):
        first = longest[0][0]
        problems.add(path, line_at(data, ('stages', first, 'decision', 'options')),
                     f'the best option is the longest in {len(longest)} of {len(scenario.stages)} decision points '
                     f'(at most half): make other options as long in stages '
                     f'{", ".join(stage_id for _i, stage_id in longest)}')
