"""Pure course rules: quiz scoring, the completion rule, knowledge gain. No Flask, no database.

Scoring: a question is correct when the set of chosen options equals the set of correct options (for a multiple
choice question every correct option and no wrong one). The score is the percentage of correct questions; the
quiz is passed at or above its pass mark.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from training.quiz_kinds import QuizKind


@dataclass(frozen=True)
class QuestionResult:
    question_id: str
    chosen: frozenset[str]
    correct: bool


@dataclass(frozen=True)
class QuizResult:
    questions: tuple[QuestionResult, ...]
    correct_count: int
    question_count: int
    score: float
    pass_mark: int
    passed: bool

    def for_question(self, question_id: str) -> QuestionResult | None:
        return next((r for r in self.questions if r.question_id == question_id), None)


def asked(quiz, question_ids: Iterable[str] | None = None) -> list:
    """The questions of one attempt: those ``question_ids`` name that the quiz still has (every question when
    None: a quiz without a stored form)."""
    if question_ids is None:
        return list(quiz.questions)
    return [q for q in (quiz.question(i) for i in question_ids) if q is not None]


def normalise_answers(quiz, answers: Mapping[str, Iterable[str] | str | None],
                      question_ids: Iterable[str] | None = None) -> dict[str, list[str]]:
    """Keep only known question and option ids; a single choice keeps at most one option."""
    clean: dict[str, list[str]] = {}
    for question in asked(quiz, question_ids):
        raw = answers.get(question.id)
        if raw is None:
            chosen: list[str] = []
        elif isinstance(raw, str):
            chosen = [raw]
        else:
            chosen = list(raw)
        valid = [o.id for o in question.options if o.id in set(chosen)]
        if question.type != 'multiple':
            valid = valid[:1]
        clean[question.id] = valid
    return clean


def score_quiz(quiz, answers: Mapping[str, Iterable[str] | str | None],
               question_ids: Iterable[str] | None = None) -> QuizResult:
    """Score ``answers`` ({question id: option id or ids}) against ``quiz``'s key, over the questions
    ``question_ids`` names (the attempt's form) or, when None, every question of the quiz."""
    questions = asked(quiz, question_ids)
    clean = normalise_answers(quiz, answers, [q.id for q in questions])
    results = []
    for question in questions:
        chosen = frozenset(clean[question.id])
        results.append(QuestionResult(question.id, chosen, bool(chosen) and chosen == question.correct_ids))
    total = len(results)
    correct = sum(1 for r in results if r.correct)
    score = round(100.0 * correct / total, 1) if total else 0.0
    return QuizResult(questions=tuple(results), correct_count=correct, question_count=total, score=score,
                      pass_mark=quiz.pass_mark, passed=score >= quiz.pass_mark)


@dataclass(frozen=True)
class CompletionStatus:
    lessons_done: int
    lessons_required: int
    quizzes_missing: tuple[str, ...]
    post_test_required: bool
    post_test_passed: bool

    @property
    def lessons_met(self) -> bool:
        return self.lessons_done >= self.lessons_required

    @property
    def met(self) -> bool:
        return (self.lessons_met and not self.quizzes_missing
                and (self.post_test_passed or not self.post_test_required))


def completion_status(course, done_lesson_ids: Iterable[str], passed_quiz_ids: Iterable[str]) -> CompletionStatus:
    """Apply the course's completion rule (course.yaml ``completion``) to what the trainee has done.

    Only lessons and quizzes that still exist in the course count; a retired lesson neither helps nor blocks.
    """
    lesson_ids = set(course.lesson_ids)
    done = len(lesson_ids & set(done_lesson_ids))
    rule = course.completion
    required = len(lesson_ids) if rule.lessons == 'all' else min(int(rule.lessons), len(lesson_ids))
    passed = set(passed_quiz_ids)
    missing = tuple(q for q in rule.pass_quizzes if q not in passed)
    return CompletionStatus(lessons_done=done, lessons_required=required, quizzes_missing=missing,
                            post_test_required=rule.pass_post_test,
                            post_test_passed=course.post_test_id in passed)


def progress_percent(course, done_lesson_ids: Iterable[str]) -> int:
    total = len(course.lessons)
    if not total:
        return 0
    return round(100 * len(set(course.lesson_ids) & set(done_lesson_ids)) / total)


def knowledge_gain(pre_score: float | None, post_score: float | None) -> float | None:
    """Post-test minus pre-test score in percentage points, where both exist."""
    if pre_score is None or post_score is None:
        return None
    return round(post_score - pre_score, 1)


def feedback_shown(kind: QuizKind | None, passed: bool) -> Literal['full', 'chosen', 'none']:
    """How much of the key a trainee sees after an attempt: a practice quiz shows the full key; the pre-test only
    the score (its questions belong to the bank other trainees' post-tests draw from); the post-test the key once
    passed, otherwise only which answers were right and the feedback on the options chosen. A retired quiz
    (``None``) shows nothing."""
    if kind == QuizKind.practice or (kind == QuizKind.post_test and passed):
        return 'full'
    if kind == QuizKind.post_test:
        return 'chosen'
    return 'none'


def gain_figures(pre_score: float | None, post_score: float | None) -> dict[str, float | None]:
    """What pages show of knowledge gain: ``{'pre', 'post', 'gain'}`` (first pre-test, best post-test)."""
    return {'pre': pre_score, 'post': post_score, 'gain': knowledge_gain(pre_score, post_score)}
