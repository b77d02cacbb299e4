"""Can guessing pass? The share of simulated attempts that pass a quiz by a blind strategy: always the option in
position k, always the longest option, or uniform random guessing. Pure: no Flask, no database.

Every simulated attempt goes through the real draw and shuffle (:mod:`training.courses.draws`, the generator seeded
like the application's) and the real scoring (:func:`training.courses.scoring.score_quiz`). A post-test drawn from
the same bank as its pre-test is simulated after a simulated pre-test, as a trainee meets it.
"""
from __future__ import annotations

from dataclasses import dataclass

from training.courses import draws
from training.courses.scoring import score_quiz
from training.shuffling import make_rng
from training.vocab import QuizKind

ATTEMPTS = 10_000
SEED = 'assessment'
#: The highest pass rate a blind strategy may reach on a quiz that counts toward completion.
LIMIT = 0.05


@dataclass(frozen=True)
class GuessRow:
    course: str
    #: the language the quiz is read in (its original, or a translation: other texts, other lengths)
    language: str
    quiz: str
    kind: str
    asked: int
    pool: int
    pass_mark: int
    #: strategy name ('1', '2', ... for a position, 'longest', 'random') -> share of attempts that passed
    rates: dict

    @property
    def worst(self) -> float:
        return max(self.rates.values())


def certifying_quizzes(course) -> list:
    """The quizzes whose pass counts toward completion (and so toward the certificate)."""
    quizzes = [course.quiz(q) for q in course.completion.pass_quizzes]
    if course.completion.pass_post_test:
        quizzes.append(course.post_test)
    return [q for q in quizzes if q is not None]


class _Marker:
    """Whether a choice answers a question, and whether a number of correct answers passes, both asked of the
    real scoring code once and remembered (scoring is a pure function of the quiz and the answers)."""

    def __init__(self, quiz):
        self.quiz = quiz
        self.known: dict = {}
        self.needed: dict = {}

    def correct(self, question_id: str, chosen: tuple) -> bool:
        key = (question_id, chosen)
        if key not in self.known:
            result = score_quiz(self.quiz, {question_id: list(chosen)}, [question_id])
            self.known[key] = result.questions[0].correct
        return self.known[key]

    def passes(self, asked: list[str], correct: int) -> bool:
        """Whether ``correct`` right answers out of the questions ``asked`` pass (asked of score_quiz with
        answers right on the first ``correct`` questions and blank on the others)."""
        key = (len(asked), correct)
        if key not in self.needed:
            answers = {qid: sorted(self.quiz.question(qid).correct_ids) for qid in asked[:correct]}
            self.needed[key] = score_quiz(self.quiz, answers, asked).passed
        return self.needed[key]


def _random_choice(question, order: list[str], rng) -> tuple:
    if question.type != 'multiple':
        return (rng.choice(order),)
    while True:  # a uniformly random non-empty set of boxes
        ticked = tuple(o for o in order if rng.random() < 0.5)
        if ticked:
            return ticked


def _blind_marks(quiz, marker: _Marker, qid: str, order: tuple, positions: int, lengths: dict) -> tuple:
    """For one question shown in ``order``: 1 or 0 per deterministic strategy (each position, then the longest)."""
    picks = [order[min(k, len(order) - 1)] for k in range(positions)]
    picks.append(max(order, key=lambda oid: lengths[qid, oid]))
    return tuple(int(marker.correct(qid, (oid,))) for oid in picks)


def guess_rates(course, quiz, *, attempts: int = ATTEMPTS, seed: str = SEED) -> dict[str, float]:
    """Per strategy, the share of ``attempts`` simulated attempts at ``quiz`` that pass."""
    rng = make_rng(seed, course.slug, quiz.id)
    positions = max(len(q.options) for q in quiz.questions)
    names = [str(k + 1) for k in range(positions)] + ['longest', 'random']
    lengths = {(q.id, o.id): len(o.text.strip()) for q in quiz.questions for o in q.options}
    pre = course.pre_test if (quiz.kind == QuizKind.post_test and course.parallel_forms) else None
    marker = _Marker(quiz)
    marks: dict = {}  # (question id, order shown) -> marks per strategy: orders repeat, so work once per order
    passed = [0] * len(names)
    for _ in range(attempts):
        before = draws.question_ids(draws.draw(pre, rng)) if pre is not None else ()
        presented = draws.draw(quiz, rng, exclude=set(before))
        asked = draws.question_ids(presented)
        right = [0] * len(names)
        for qid, order in presented:
            key = (qid, tuple(order))
            if key not in marks:
                marks[key] = _blind_marks(quiz, marker, qid, key[1], positions, lengths)
            right[:-1] = [a + b for a, b in zip(right[:-1], marks[key], strict=True)]
            right[-1] += marker.correct(qid, _random_choice(quiz.question(qid), order, rng))
        for i, n in enumerate(right):
            passed[i] += marker.passes(asked, n)
    return {name: passed[i] / attempts for i, name in enumerate(names)}


def guess_table(registry, *, attempts: int = ATTEMPTS, seed: str = SEED) -> list[GuessRow]:
    """One row per certifying quiz of every course, in every language the course is read in (a quiz whose
    translation is not written yet is read in its original, and simulated once, there)."""
    rows = []
    for slug, original in registry.courses.items():
        for language in registry.languages_of('course', slug) or (original.language,):
            course = registry.course(slug, language)
            for quiz in certifying_quizzes(course):
                if language != original.language and quiz.language not in (None, language):
                    continue
                rows.append(GuessRow(course=slug, language=language, quiz=quiz.id, kind=quiz.kind.value,
                                     asked=quiz.size, pool=len(quiz.questions), pass_mark=quiz.pass_mark,
                                     rates=guess_rates(course, quiz, attempts=attempts, seed=seed)))
    return rows


def format_table(rows: list[GuessRow], attempts: int = ATTEMPTS) -> list[str]:
    """The table ``content check --assessment`` prints: one line per quiz, the pass rate of each strategy (``pos1``:
    always the first option shown, ...); a rate at or above :data:`LIMIT` is marked with ``!``."""
    width = max((len(r.rates) for r in rows), default=2) - 2
    strategies = [str(k + 1) for k in range(width)] + ['longest', 'random']
    table = [['course/quiz', 'lang', 'kind', 'asked', 'pass', *(f'pos{k}' for k in strategies[:-2]), 'longest',
              'random']]
    for r in rows:
        cells = [(f'{100 * r.rates[k]:.2f}%' + ('!' if r.rates[k] >= LIMIT else '')) if k in r.rates else '-'
                 for k in strategies]
        asked = f'{r.asked} of {r.pool}' if r.asked != r.pool else str(r.asked)
        table.append([f'{r.course}/{r.quiz}', r.language, r.kind, asked, f'{r.pass_mark}%', *cells])
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines = [f'Share of {attempts} simulated attempts that pass by blind guessing (each below {LIMIT:.0%}):']
    for row in table:
        lines.append('  '.join(cell.ljust(w) if i < 3 else cell.rjust(w)
                               for i, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip())
    return lines
