"""Loading a course's quizzes (YAML) and lessons (Markdown with front matter), each file on its own.

Every problem is recorded as ``path:line: message`` at the offending key, so authors see all of them at once.
Lesson HTML is rendered and sanitised once, here, and kept on the object.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from training.content import markdown
from training.content.base import LineDict, LineList, Problems, line_at, load_front_matter, load_yaml_file, validate
from training.content.course_files import BankFile, LessonMeta, QuestionFile, QuizHead
from training.content.courses import ID_RE, Lesson, Option, Question, Quiz


def check_ids(values, data, loc_prefix: tuple, path: Path, problems: Problems, what: str) -> None:
    """Each id must be lowercase a-z0-9- and unique within its list."""
    seen: set[str] = set()
    for i, value in enumerate(values):
        line = line_at(data, (*loc_prefix, i, 'id'))
        if not ID_RE.match(value):
            problems.add(path, line, f'{what} id {value!r} must use lowercase letters, digits and hyphens')
        if value in seen:
            problems.add(path, line, f'duplicate {what} id {value!r}')
        seen.add(value)


def _load_questions(raw, path: Path, problems: Problems) -> tuple[Question, ...] | None:
    """Validate each question on its own, so one broken question does not hide the problems of the others."""
    if not isinstance(raw, LineList):
        return None
    questions: list[Question] = []
    ok = True
    seen: set[str] = set()
    for index, item in enumerate(raw):
        q = validate(QuestionFile, item, path, problems)
        if isinstance(item, LineDict):
            _check_options(item, path, problems)
        if q is None:
            ok = False
            continue
        if not ID_RE.match(q.id):
            problems.add(path, line_at(raw, (index, 'id')), f'question id {q.id!r} must use lowercase letters, '
                                                              'digits and hyphens')
        if q.id in seen:
            problems.add(path, line_at(raw, (index, 'id')), f'duplicate question id {q.id!r}')
            ok = False
        seen.add(q.id)
        check_ids([o.id for o in q.options], item, ('options',), path, problems, 'option')
        questions.append(Question(
            id=q.id, type=q.type, prompt=q.prompt, explanation=q.explanation, objective=q.objective,
            options=tuple(Option(id=o.id, text=o.text, correct=o.correct, feedback=o.feedback, pin=o.pin)
                          for o in q.options)))
    return tuple(questions) if ok else None


def _check_options(item: LineDict, path: Path, problems: Problems) -> None:
    """The answer key rules, checked on the raw data so they are reported even if another key is broken."""
    options = item.get('options')
    qtype = item.get('type')
    if not isinstance(options, LineList) or not options:
        return
    correct = sum(1 for o in options if isinstance(o, LineDict) and o.get('correct') is True)
    line = item.line_of('options')
    qid = item.get('id')
    label = f'question {qid!r}' if isinstance(qid, str) else 'question'
    if correct == 0:
        problems.add(path, line, f'{label}: no option is marked "correct: true"')
    elif qtype in ('single', 'true_false') and correct > 1:
        problems.add(path, line, f'{label}: a {qtype} question needs exactly one correct option, not {correct}')
    if qtype == 'true_false' and len(options) != 2:
        problems.add(path, line, f'{label}: a true_false question needs exactly two options, not {len(options)}')


def _questions_of(data, path: Path, problems: Problems, *, required: bool) -> tuple | None:
    """The ``questions`` list of a quiz or bank file: None when missing (reported if ``required``) or broken."""
    raw = data.get('questions') if isinstance(data, LineDict) else None
    if raw is None:
        if required:
            problems.add(path, getattr(data, 'line', 1), "missing required key 'questions' (or bank: <bank id>)")
        return None
    if not isinstance(raw, LineList) or not raw:
        problems.add(path, line_at(data, ('questions',)), 'questions must be a non-empty list')
        return None
    return _load_questions(raw, path, problems)


def load_quiz(path: Path, problems: Problems) -> tuple[Quiz | None, Any]:
    """A quiz file: its own ``questions``, or ``bank: <id>`` (the questions of banks/<id>.yaml, filled in by the
    course loader); ``draw: N`` asks N of them per attempt."""
    data = load_yaml_file(path, problems)
    if data is None:
        return None, None
    return quiz_from_data(path, data, problems), data


def quiz_from_data(path: Path, data: Any, problems: Problems, quiz_id: str | None = None) -> Quiz | None:
    """A quiz from its parsed file (an original, or a translation merged onto its original)."""
    head = validate(QuizHead, data, path, problems)
    has_bank = isinstance(data, LineDict) and (data.get('bank') is not None or data.get('items_from') is not None)
    if has_bank and isinstance(data, LineDict) and 'questions' in data:
        problems.add(path, line_at(data, ('bank',)), 'give either questions or a bank, not both')
        return None
    questions = None if has_bank else _questions_of(data, path, problems, required=True)
    if head is None:
        return None
    if head.items_from:
        problems.add(path, line_at(data, ('items_from',)),
                     'items_from is not supported: a post-test must not repeat its pre-test\'s items. Write the '
                     'questions into a bank (banks/<id>.yaml) and give both tests "bank: <id>" and "draw: N": '
                     'they become parallel forms, and each trainee\'s post-test asks items they have not seen')
        return None
    if questions is None and not has_bank:
        return None
    return Quiz(id=quiz_id or path.stem, title=head.title, kind=head.kind, pass_mark=head.pass_mark,
                questions=questions or (), bank=head.bank, draw=head.draw)


def load_bank(path: Path, problems: Problems) -> tuple[tuple[Question, ...] | None, Any]:
    """A question bank: ``title`` and ``questions``, which quizzes naming it draw from."""
    data = load_yaml_file(path, problems)
    if data is None:
        return None, None
    return bank_from_data(path, data, problems), data


def bank_from_data(path: Path, data: Any, problems: Problems) -> tuple[Question, ...] | None:
    """A bank's questions from its parsed file (an original, or a translation merged onto its original)."""
    head = validate(BankFile, data, path, problems)
    questions = _questions_of(data, path, problems, required=True)
    return questions if head is not None else None


def _demote_h1(body: str) -> str:
    """A "# " heading in a lesson body is read as a section ("## "), so the page keeps a single <h1>."""
    return re.sub(r'^# ', '## ', body, flags=re.MULTILINE)


def load_lesson(path: Path, module_id: str, course_refs: set[str] | None, frameworks: dict,
                 problems: Problems) -> Lesson | None:
    parsed = load_front_matter(path, problems)
    if parsed is None:
        return None
    meta, body, _body_line = parsed
    return lesson_from(path, meta, body, module_id, course_refs, frameworks, problems)


def lesson_from(path: Path, meta: Any, body: str, module_id: str, course_refs: set[str] | None, frameworks: dict,
                problems: Problems, lesson_id: str | None = None) -> Lesson | None:
    """A lesson from its front matter and body (an original's, or a translation's merged onto its original's)."""
    info = validate(LessonMeta, meta, path, problems)
    if info is None:
        return None
    ok = True
    for i, tag in enumerate(info.factors):
        line = line_at(meta, ('factors', i))
        fw_id, sep, factor_id = tag.partition(':')
        framework = frameworks.get(fw_id) if sep else None
        if not sep:
            problems.add(path, line, f'factor {tag!r} must be framework-qualified, e.g. "foa-2014:9"')
            ok = False
        elif framework is None:
            problems.add(path, line, f'unknown framework {fw_id!r} in factor {tag!r}')
            ok = False
        elif framework.factor(factor_id) is None:
            problems.add(path, line, f'unknown factor id {factor_id!r} in framework {fw_id!r}')
            ok = False
    for i, ref in enumerate(info.references):
        if course_refs is not None and ref not in course_refs:
            problems.add(path, line_at(meta, ('references', i)),
                         f'unknown reference {ref!r}: add it to course.yaml references')
            ok = False
    if not body.strip():
        problems.add(path, 1, 'the lesson has no text after its front matter')
        ok = False
    if not ok:
        return None
    return Lesson(id=lesson_id or path.stem, title=info.title, minutes=info.minutes, module_id=module_id,
                  factors=info.factors, references=info.references,
                  # the page's <h1> is the lesson title; "##" sections stay <h2> (a "#" heading would become <h2>)
                  html=markdown.render(_demote_h1(body), heading_offset=0))
