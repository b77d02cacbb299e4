"""Course loader steps for assessment: question banks, learning objectives, draws and the assessment checks.

Each step checks one rule on a course folder being loaded (``course_loader._CourseFolder``) and records its
problems as ``path:line: message``. See docs/content-format.md ("Objectives, banks and parallel forms").
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from training.content import assessment
from training.content.base import Problems, line_at
from training.content.course_items import load_bank
from training.content.courses import ID_RE, Quiz


@dataclass(frozen=True)
class BankSource:
    path: Path
    data: Any
    questions: tuple


def load_bank_files(folder: Path, problems: Problems) -> dict[str, BankSource]:
    """Every banks/*.yaml of a course folder (the valid ones, by bank id; the others are reported)."""
    banks: dict[str, BankSource] = {}
    for path in sorted((folder / 'banks').glob('*.yaml')):
        if not ID_RE.match(path.stem):
            problems.add(path, 1, f'file name {path.stem!r} must use lowercase letters, digits and hyphens')
            continue
        questions, data = load_bank(path, problems)
        if questions is not None:
            banks[path.stem] = BankSource(path, data, questions)
    return banks


def _quiz_path(c, quiz_id: str) -> Path:
    return c.folder / 'quizzes' / f'{quiz_id}.yaml'


def _source(c, quiz: Quiz) -> tuple[Path, Any]:
    """The file that holds ``quiz``'s questions, and its raw data (for line numbers)."""
    if quiz.bank and quiz.bank in c.banks:
        return c.banks[quiz.bank].path, c.banks[quiz.bank].data
    return _quiz_path(c, quiz.id), c.quiz_data.get(quiz.id)


def resolve_banks(c) -> None:
    """A quiz naming ``bank: <id>`` takes the questions of banks/<id>.yaml; every bank is used by some quiz."""
    used = set()
    for quiz_id, quiz in list(c.quizzes.items()):
        if not quiz.bank:
            continue
        used.add(quiz.bank)
        bank = c.banks.get(quiz.bank)
        if bank is None and not (c.folder / 'banks' / f'{quiz.bank}.yaml').is_file():
            c.problems.add(_quiz_path(c, quiz_id), line_at(c.quiz_data.get(quiz_id), ('bank',)),
                           f'no bank file banks/{quiz.bank}.yaml')
        if bank is None:  # missing, or broken (its own problems are reported)
            continue
        c.quizzes[quiz_id] = quiz.model_copy(update={'questions': bank.questions})
    for bank_id, bank in c.banks.items():
        if bank_id not in used:
            c.problems.add(bank.path, 1, f'bank {bank_id!r} is not used by any quiz (give a quiz "bank: {bank_id}")')


def check_objectives(c) -> None:
    """Objective ids are unique; a question's objective is one of course.yaml's; when the course declares
    objectives, every question of its pre-test and post-test names one, and the two tests cover the same ones."""
    declared = {o.id for o in c.info.objectives}
    seen: set[str] = set()
    for i, objective in enumerate(c.info.objectives):
        if objective.id in seen:
            c.add(('objectives', i, 'id'), f'duplicate objective id {objective.id!r}')
        seen.add(objective.id)
    done: set[Path] = set()
    for quiz in c.quizzes.values():
        path, data = _source(c, quiz)
        if path in done:
            continue
        done.add(path)
        test = quiz.id in (c.info.pre_test, c.info.post_test)
        for i, question in enumerate(quiz.questions):
            if question.objective is not None and question.objective not in declared:
                c.problems.add(path, line_at(data, ('questions', i, 'objective')),
                               f'question {question.id!r}: unknown objective {question.objective!r} (declare it '
                               'under objectives in course.yaml)')
            elif question.objective is None and test and declared:
                c.problems.add(path, line_at(data, ('questions', i, 'id')),
                               f'question {question.id!r} of a pre-test or post-test needs an objective')
    pre, post = c.quizzes.get(c.info.pre_test), c.quizzes.get(c.info.post_test)
    if declared and pre is not None and post is not None and set(pre.shares) != set(post.shares):
        c.problems.add(_quiz_path(c, post.id), 1, 'the pre-test and the post-test must assess the same objectives '
                       f'(pre-test: {", ".join(sorted(map(str, pre.shares)))}; '
                       f'post-test: {", ".join(sorted(map(str, post.shares)))})')


def _pool(quiz: Quiz, objective) -> int:
    return sum(1 for q in quiz.questions if q.objective == objective)


def check_draws(c) -> None:
    """A draw fits its pool, objective by objective; parallel forms leave each trainee unseen items for the
    post-test (per objective, the bank holds what the pre-test and the post-test draw together)."""
    for quiz_id, quiz in c.quizzes.items():
        if not quiz.draw or not quiz.questions:
            continue
        line = line_at(c.quiz_data.get(quiz_id), ('draw',))
        if quiz.draw > len(quiz.questions):
            c.problems.add(_quiz_path(c, quiz_id), line,
                           f'draw {quiz.draw} is more than the {len(quiz.questions)} questions available')
            continue
        for objective, share in quiz.shares.items():
            if share > _pool(quiz, objective):
                c.problems.add(_quiz_path(c, quiz_id), line,
                               f'draw {quiz.draw} asks {share} questions on objective {objective!r}, which has '
                               f'{_pool(quiz, objective)}')
    pre, post = c.quizzes.get(c.info.pre_test), c.quizzes.get(c.info.post_test)
    if pre is None or post is None or not pre.bank or pre.bank != post.bank:
        return
    for objective in dict.fromkeys([*pre.shares, *post.shares]):
        need = pre.shares.get(objective, 0) + post.shares.get(objective, 0)
        if _pool(pre, objective) < need:
            c.problems.add(c.banks[pre.bank].path, 1,
                           f'objective {objective!r}: the pre-test and post-test draw {need} questions together but '
                           f'the bank has {_pool(pre, objective)}; add questions so a post-test never repeats '
                           'the pre-test')


def check_assessment(c) -> None:
    """No key given away by position or length in any quiz or bank; a post-test shares no item with its
    pre-test unless both are parallel forms of one bank."""
    done: set[Path] = set()
    for quiz in c.quizzes.values():
        path, data = _source(c, quiz)
        if path not in done:
            done.add(path)
            assessment.check_quiz(quiz, data, path, c.problems)
    pre, post = c.quizzes.get(c.info.pre_test), c.quizzes.get(c.info.post_test)
    if pre is None or post is None or (pre.bank and pre.bank == post.bank):
        return
    shared = assessment.shared_items(pre, post)
    if shared:
        path, data = _source(c, post)
        c.problems.add(path, line_at(data, ('questions',)),
                       f'the post-test repeats {len(shared)} item(s) of the pre-test ({", ".join(shared)}): write '
                       'other items on the same objectives, or make both tests parallel forms of one bank')
