"""Course loader: courses/<slug>/course.yaml with its lessons and quizzes, checked in named steps.

Each step checks one rule and records its problems as ``path:line: message``; the course is built only when every
step passed. See docs/content-format.md for the formats.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from training.content import markdown
from training.content.base import Problems, line_at, load_yaml_file, validate
from training.content.course_banks import (
    BankSource,
    check_assessment,
    check_draws,
    check_objectives,
    load_bank_files,
    resolve_banks,
)
from training.content.course_files import CourseFile
from training.content.course_items import check_ids, load_lesson, load_quiz
from training.content.courses import (
    ID_RE,
    Completion,
    Course,
    Lesson,
    Module,
    ModuleItem,
    Objective,
    Quiz,
    Reference,
)
from training.vocab import QuizKind


@dataclass
class _CourseFolder:
    """What the course checks share while one course folder is read: its files, the parsed course.yaml, the
    quizzes, and which lessons and quizzes the modules have placed so far (id -> line in course.yaml)."""

    folder: Path
    info: CourseFile
    data: Any
    problems: Problems
    frameworks: dict
    quiz_files: dict[str, Path]
    quizzes: dict[str, Quiz]
    quiz_data: dict[str, Any]
    banks: dict[str, BankSource] = field(default_factory=dict)
    used_lessons: dict[str, int] = field(default_factory=dict)
    used_quizzes: dict[str, int] = field(default_factory=dict)
    lessons: list[Lesson] = field(default_factory=list)

    @property
    def path(self) -> Path:
        return self.folder / 'course.yaml'

    def add(self, loc: tuple, message: str) -> None:
        """A problem at ``loc`` (a key path) in course.yaml."""
        self.problems.add(self.path, line_at(self.data, loc), message)


def _load_quiz_files(folder: Path, problems: Problems) -> tuple[dict[str, Path], dict[str, Quiz], dict[str, Any]]:
    """Every quiz file is loaded, so a broken quiz is reported even if no module uses it, or course.yaml itself is
    broken. Returns the files, the valid quizzes and the raw data, by quiz id."""
    quizzes: dict[str, Quiz] = {}
    quiz_data: dict[str, Any] = {}
    quiz_files = {p.stem: p for p in sorted((folder / 'quizzes').glob('*.yaml'))}
    for quiz_id, quiz_path in quiz_files.items():
        if not ID_RE.match(quiz_id):
            problems.add(quiz_path, 1, f'file name {quiz_id!r} must use lowercase letters, digits and hyphens')
            continue
        quiz, raw = load_quiz(quiz_path, problems)
        quiz_data[quiz_id] = raw
        if quiz is not None:
            quizzes[quiz_id] = quiz
    return quiz_files, quizzes, quiz_data


def _check_lessons_alone(folder: Path, frameworks: dict, problems: Problems) -> None:
    """course.yaml is broken: still report the lessons' own problems (front matter, factor ids)."""
    for lesson_path in sorted((folder / 'lessons').glob('*.md')):
        load_lesson(lesson_path, '', None, frameworks, problems)


def _check_identity(c: _CourseFolder) -> None:
    """The slug is the folder name; slugs and test ids are well formed; module and reference ids unique."""
    if c.info.slug != c.folder.name:
        c.add(('slug',), f'slug {c.info.slug!r} must equal the folder name {c.folder.name!r}')
    for key in ('slug', 'pre_test', 'post_test'):
        value = getattr(c.info, key)
        if not ID_RE.match(value):
            c.add((key,), f'{key} {value!r} must use lowercase letters, digits and hyphens')
    check_ids([m.id for m in c.info.modules], c.data, ('modules',), c.path, c.problems, 'module')
    check_ids([r.id for r in c.info.references], c.data, ('references',), c.path, c.problems, 'reference')


def _place_lesson(c: _CourseFolder, loc: tuple, lesson_id: str, module_id: str) -> ModuleItem | None:
    """A module's ``lesson:`` item: used once, its file exists and loads."""
    line = line_at(c.data, (*loc, 'lesson'))
    if lesson_id in c.used_lessons:
        c.problems.add(c.path, line, f'lesson {lesson_id!r} is already used (line {c.used_lessons[lesson_id]})')
        return None
    c.used_lessons[lesson_id] = line
    lesson_path = c.folder / 'lessons' / f'{lesson_id}.md'
    if not ID_RE.match(lesson_id) or not lesson_path.is_file():
        c.problems.add(c.path, line, f'no lesson file lessons/{lesson_id}.md')
        return None
    lesson = load_lesson(lesson_path, module_id, {r.id for r in c.info.references}, c.frameworks, c.problems)
    if lesson is not None:
        c.lessons.append(lesson)
    return ModuleItem(kind='lesson', id=lesson_id)


def _place_quiz(c: _CourseFolder, loc: tuple, quiz_id: str) -> ModuleItem | None:
    """A module's ``quiz:`` item: used once, its file exists, a practice quiz (never the pre- or post-test)."""
    line = line_at(c.data, (*loc, 'quiz'))
    if quiz_id in c.used_quizzes:
        c.problems.add(c.path, line, f'quiz {quiz_id!r} is already used (line {c.used_quizzes[quiz_id]})')
        return None
    c.used_quizzes[quiz_id] = line
    if quiz_id not in c.quiz_files:
        c.problems.add(c.path, line, f'no quiz file quizzes/{quiz_id}.yaml')
        return None
    if quiz_id in (c.info.pre_test, c.info.post_test):
        c.problems.add(c.path, line, f'the {quiz_id!r} test is offered before the first and after the '
                                     'last lesson: do not place it in a module')
        return None
    quiz = c.quizzes.get(quiz_id)
    if quiz is not None and quiz.kind != QuizKind.practice:
        c.problems.add(c.path, line, f'quiz {quiz_id!r} in a module must be of kind practice, '
                                     f'not {quiz.kind.value}')
    return ModuleItem(kind='quiz', id=quiz_id)


def _load_modules(c: _CourseFolder) -> list[Module]:
    """Each module's items in order; every item names exactly one lesson or one quiz."""
    modules: list[Module] = []
    for mi, mod in enumerate(c.info.modules):
        items: list[ModuleItem] = []
        for ii, item in enumerate(mod.items):
            loc = ('modules', mi, 'items', ii)
            if (item.lesson is None) == (item.quiz is None):
                c.add(loc, 'each item names exactly one "lesson:" or "quiz:"')
                continue
            placed = (_place_lesson(c, loc, item.lesson, mod.id) if item.lesson is not None
                      else _place_quiz(c, loc, item.quiz))
            if placed is not None:
                items.append(placed)
        modules.append(Module(id=mod.id, title=mod.title, summary=mod.summary, items=tuple(items)))
    return modules


def _check_unplaced_files(c: _CourseFolder) -> None:
    """Every lesson file and every quiz file (but the two tests) is placed in a module."""
    for lesson_path in sorted((c.folder / 'lessons').glob('*.md')):
        if lesson_path.stem not in c.used_lessons:
            c.problems.add(lesson_path, 1, f'lesson {lesson_path.stem!r} is not placed in any module of course.yaml')
    for quiz_id, quiz_path in c.quiz_files.items():
        if quiz_id not in c.used_quizzes and quiz_id not in (c.info.pre_test, c.info.post_test):
            c.problems.add(quiz_path, 1, f'quiz {quiz_id!r} is not placed in any module of course.yaml')


def _check_tests(c: _CourseFolder) -> None:
    """pre_test and post_test name quiz files of those kinds."""
    for key, kind in (('pre_test', QuizKind.pre_test), ('post_test', QuizKind.post_test)):
        quiz_id = getattr(c.info, key)
        if quiz_id not in c.quiz_files:
            c.add((key,), f'no quiz file quizzes/{quiz_id}.yaml for {key}')
        elif quiz_id in c.quizzes and c.quizzes[quiz_id].kind != kind:
            c.add((key,), f'quiz {quiz_id!r} must be of kind {kind.value}, not {c.quizzes[quiz_id].kind.value}')


def _check_tests_have_questions(c: _CourseFolder) -> None:
    for quiz_id in (c.info.pre_test, c.info.post_test):
        quiz = c.quizzes.get(quiz_id)
        if quiz is not None and not quiz.questions and not quiz.bank:
            c.problems.add(c.folder / 'quizzes' / f'{quiz_id}.yaml', 1, 'the test has no questions')


def _check_completion(c: _CourseFolder) -> None:
    """The completion rule names practice quizzes placed in modules and a number of lessons the course has."""
    completion = c.info.completion
    for i, quiz_id in enumerate(completion.pass_quizzes):
        if quiz_id not in c.used_quizzes:
            c.add(('completion', 'pass_quizzes', i),
                  f'pass_quizzes names {quiz_id!r}, which is not a practice quiz in a module')
    if isinstance(completion.lessons, int) and not 0 <= completion.lessons <= len(c.used_lessons):
        c.add(('completion', 'lessons'),
              f'completion lessons must be "all" or a number from 0 to {len(c.used_lessons)}')
    if not c.used_lessons:
        c.add(('modules',), 'the course has no lessons')


def _build_course(c: _CourseFolder, modules: list[Module]) -> Course:
    info = c.info
    return Course(
        slug=info.slug, title=info.title, summary=info.summary, language=info.language, level=info.level,
        estimated_hours=info.estimated_hours, version=info.version,
        completion=Completion(lessons=info.completion.lessons, pass_quizzes=info.completion.pass_quizzes,
                              pass_post_test=info.completion.pass_post_test),
        modules=tuple(modules),
        references=tuple(Reference(id=r.id, title=r.title, publisher=r.publisher, year=r.year, url=r.url)
                         for r in info.references),
        lessons=tuple(c.lessons), quizzes=MappingProxyType(c.quizzes),
        pre_test_id=info.pre_test, post_test_id=info.post_test,
        objectives=tuple(Objective(id=o.id, text=o.text) for o in info.objectives),
        checked=info.checked, checked_against=info.checked_against,
        summary_html=markdown.render(info.summary),
    )


def _load_course(folder: Path, problems: Problems, frameworks: dict) -> tuple[Course | None, Any]:
    """One course folder, in named steps; None (with every problem recorded) unless the whole course is sound."""
    path = folder / 'course.yaml'
    if not path.is_file():
        problems.add(folder, 1, 'missing course.yaml')
        return None, None
    count_before = len(problems.items)
    data = load_yaml_file(path, problems)
    quiz_files, quizzes, quiz_data = _load_quiz_files(folder, problems)
    banks = load_bank_files(folder, problems)
    info = validate(CourseFile, data, path, problems) if data is not None else None
    if info is None:
        _check_lessons_alone(folder, frameworks, problems)
        return None, data
    c = _CourseFolder(folder, info, data, problems, frameworks, quiz_files, quizzes, quiz_data, banks)
    _check_identity(c)
    modules = _load_modules(c)
    for step in (_check_unplaced_files, _check_tests, resolve_banks, _check_tests_have_questions,
                 _check_completion, check_objectives, check_draws):
        step(c)
    if len(problems.items) == count_before:  # the assessment checks need a sound course
        check_assessment(c)
    if len(problems.items) > count_before:
        return None, data
    return _build_course(c, modules), data


def load_courses(base: Path, problems: Problems, frameworks: dict) -> dict[str, Course]:
    """Load every course under ``base``; record each problem on ``problems``."""
    courses: dict[str, Course] = {}
    if not Path(base).is_dir():
        return courses
    for folder in sorted(p for p in Path(base).iterdir() if p.is_dir() and not p.name.startswith('.')):
        course, _data = _load_course(folder, problems, frameworks)
        if course is not None:
            courses[course.slug] = course
    return courses
