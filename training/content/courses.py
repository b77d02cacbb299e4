"""Course loader: courses/<slug>/course.yaml, lessons (Markdown + front matter), quizzes (YAML).

Files are validated into frozen objects; every problem is recorded as ``path:line: message`` at the offending key,
so authors see all of them at once. Lesson HTML is rendered and sanitised once, here, and kept on the object.
See docs/content-format.md for the formats.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from markupsafe import Markup
from pydantic import Field

from training.content import markdown
from training.content.base import (
    LineDict,
    LineList,
    Model,
    Problems,
    Slug,
    line_at,
    load_front_matter,
    load_yaml_file,
    validate,
)
from training.content.freshness import CheckedMonth
from training.vocab import QuizKind

ID_RE = re.compile(r'^[a-z0-9]+(?:-[a-z0-9]+)*$')
LANGUAGES = ('en', 'fr')
LEVELS = ('introductory', 'intermediate', 'advanced')
QUESTION_TYPES = ('single', 'multiple', 'true_false')


# --------------------------------------------------------------------------------------------------------------
# File schemas (structure only; cross-references are checked afterwards with the raw data's line numbers)

class _Reference(Model):
    id: Slug
    title: str
    publisher: str
    year: int = Field(ge=1500, le=2100)
    url: str | None = Field(default=None, pattern=r'^https?://[^\s]+$')


class _Completion(Model):
    lessons: Literal['all'] | int = 'all'
    pass_quizzes: tuple[Slug, ...] = ()
    pass_post_test: bool = True


class _Item(Model):
    lesson: Slug | None = None
    quiz: Slug | None = None


class _Module(Model):
    id: Slug
    title: str
    summary: str = ''
    items: tuple[_Item, ...] = Field(min_length=1)


class _CourseFile(Model):
    slug: Slug
    title: str
    summary: str
    language: Literal['en', 'fr']
    translation_of: Slug | None = None
    level: Literal['introductory', 'intermediate', 'advanced']
    estimated_hours: float = Field(gt=0, le=200)
    version: int = Field(default=1, ge=1)
    pre_test: Slug
    post_test: Slug
    completion: _Completion
    modules: tuple[_Module, ...] = Field(min_length=1)
    references: tuple[_Reference, ...] = ()
    checked: CheckedMonth | None = None
    checked_against: tuple[str, ...] = ()


class _LessonMeta(Model):
    title: str
    minutes: int = Field(ge=1, le=600)
    factors: tuple[str, ...] = ()
    references: tuple[Slug, ...] = ()


class _Option(Model):
    id: Slug
    text: str
    correct: bool = False
    feedback: str


class _Question(Model):
    id: Slug
    type: Literal['single', 'multiple', 'true_false']
    prompt: str
    options: tuple[_Option, ...] = Field(min_length=2)
    explanation: str = ''


class _QuizHead(Model):
    title: str
    kind: QuizKind
    pass_mark: int = Field(ge=0, le=100)
    questions: Any = None
    items_from: Slug | None = None


# --------------------------------------------------------------------------------------------------------------
# The immutable objects the application uses

@dataclass(frozen=True)
class Reference:
    id: str
    title: str
    publisher: str
    year: int
    url: str | None = None


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    prompt: str
    options: tuple[Option, ...]
    explanation: str = ''

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(o.id for o in self.options if o.correct)

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True)
class Quiz:
    id: str
    title: str
    kind: QuizKind
    pass_mark: int
    questions: tuple[Question, ...]
    items_from: str | None = None

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    minutes: int
    module_id: str
    factors: tuple[str, ...]
    references: tuple[str, ...]
    html: Markup = field(repr=False, compare=False)


@dataclass(frozen=True)
class ModuleItem:
    kind: str  # 'lesson' | 'quiz'
    id: str


@dataclass(frozen=True)
class Module:
    id: str
    title: str
    summary: str
    items: tuple[ModuleItem, ...]

    @property
    def lesson_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.items if i.kind == 'lesson')


@dataclass(frozen=True)
class Completion:
    lessons: str | int
    pass_quizzes: tuple[str, ...]
    pass_post_test: bool


@dataclass(frozen=True, eq=False)
class Course:
    slug: str
    title: str
    summary: str
    language: str
    level: str
    estimated_hours: float
    version: int
    completion: Completion
    modules: tuple[Module, ...]
    references: tuple[Reference, ...]
    lessons: tuple[Lesson, ...]
    quizzes: MappingProxyType
    pre_test_id: str
    post_test_id: str
    translation_of: str | None = None
    checked: str | None = None
    checked_against: tuple[str, ...] = ()
    summary_html: Markup = field(default=Markup(''), repr=False, compare=False)

    @property
    def pre_test(self) -> Quiz:
        return self.quizzes[self.pre_test_id]

    @property
    def post_test(self) -> Quiz:
        return self.quizzes[self.post_test_id]

    @property
    def question_count(self) -> int:
        """Distinct questions: a post-test repeating the pre-test's items is not counted again."""
        return sum(len(q.questions) for q in self.quizzes.values() if not q.items_from)

    @property
    def lesson_ids(self) -> tuple[str, ...]:
        return tuple(lesson.id for lesson in self.lessons)

    @property
    def minutes(self) -> int:
        return sum(lesson.minutes for lesson in self.lessons)

    def lesson(self, lesson_id: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)

    def quiz(self, quiz_id: str) -> Quiz | None:
        return self.quizzes.get(quiz_id)

    def module(self, module_id: str) -> Module | None:
        return next((m for m in self.modules if m.id == module_id), None)

    def neighbours(self, lesson_id: str) -> tuple[Lesson | None, Lesson | None]:
        ids = self.lesson_ids
        i = ids.index(lesson_id)
        return (self.lessons[i - 1] if i else None, self.lessons[i + 1] if i + 1 < len(ids) else None)

    def reference(self, ref_id: str) -> Reference | None:
        return next((r for r in self.references if r.id == ref_id), None)


# --------------------------------------------------------------------------------------------------------------
# Loading

def _check_ids(values, data, loc_prefix: tuple, path: Path, problems: Problems, what: str) -> None:
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
        q = validate(_Question, item, path, problems)
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
        _check_ids([o.id for o in q.options], item, ('options',), path, problems, 'option')
        questions.append(Question(
            id=q.id, type=q.type, prompt=q.prompt, explanation=q.explanation,
            options=tuple(Option(id=o.id, text=o.text, correct=o.correct, feedback=o.feedback) for o in q.options)))
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


def _load_quiz(path: Path, problems: Problems) -> tuple[Quiz | None, Any]:
    data = load_yaml_file(path, problems)
    if data is None:
        return None, None
    head = validate(_QuizHead, data, path, problems)
    raw_questions = data.get('questions') if isinstance(data, LineDict) else None
    questions = None
    if raw_questions is not None:
        if not isinstance(raw_questions, LineList) or not raw_questions:
            problems.add(path, line_at(data, ('questions',)), 'questions must be a non-empty list')
        else:
            questions = _load_questions(raw_questions, path, problems)
    if head is None:
        return None, data
    if head.items_from and raw_questions is not None:
        problems.add(path, line_at(data, ('items_from',)), 'give either questions or items_from, not both')
        return None, data
    if not head.items_from and raw_questions is None:
        problems.add(path, data.line, 'missing required key \'questions\' (or items_from: <pre-test id>)')
        return None, data
    if head.items_from and head.kind != QuizKind.post_test:
        problems.add(path, line_at(data, ('items_from',)), 'only a post-test may take its items_from another quiz')
        return None, data
    if questions is None and not head.items_from:
        return None, data
    return Quiz(id=path.stem, title=head.title, kind=head.kind, pass_mark=head.pass_mark,
                questions=questions or (), items_from=head.items_from), data


def _demote_h1(body: str) -> str:
    """A "# " heading in a lesson body is read as a section ("## "), so the page keeps a single <h1>."""
    return re.sub(r'^# ', '## ', body, flags=re.MULTILINE)


def _load_lesson(path: Path, module_id: str, course_refs: set[str] | None, frameworks: dict,
                 problems: Problems) -> Lesson | None:
    parsed = load_front_matter(path, problems)
    if parsed is None:
        return None
    meta, body, _body_line = parsed
    info = validate(_LessonMeta, meta, path, problems)
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
    return Lesson(id=path.stem, title=info.title, minutes=info.minutes, module_id=module_id,
                  factors=info.factors, references=info.references,
                  # the page's <h1> is the lesson title; "##" sections stay <h2> (a "#" heading would become <h2>)
                  html=markdown.render(_demote_h1(body), heading_offset=0))


def _load_course(folder: Path, problems: Problems, frameworks: dict) -> tuple[Course | None, Any]:
    path = folder / 'course.yaml'
    if not path.is_file():
        problems.add(folder, 1, 'missing course.yaml')
        return None, None
    count_before = len(problems.items)
    data = load_yaml_file(path, problems)
    # Quizzes: every file is loaded (so a broken quiz is reported even if no module uses it, or course.yaml
    # itself is broken).
    quizzes: dict[str, Quiz] = {}
    quiz_data: dict[str, Any] = {}
    quiz_files = {p.stem: p for p in sorted((folder / 'quizzes').glob('*.yaml'))}
    for quiz_id, quiz_path in quiz_files.items():
        if not ID_RE.match(quiz_id):
            problems.add(quiz_path, 1, f'file name {quiz_id!r} must use lowercase letters, digits and hyphens')
            continue
        quiz, raw = _load_quiz(quiz_path, problems)
        quiz_data[quiz_id] = raw
        if quiz is not None:
            quizzes[quiz_id] = quiz
    info = validate(_CourseFile, data, path, problems) if data is not None else None
    if info is None:
        # still report the lessons' own problems (front matter, factor ids), without the course's references
        for lesson_path in sorted((folder / 'lessons').glob('*.md')):
            _load_lesson(lesson_path, '', None, frameworks, problems)
        return None, data
    if info.slug != folder.name:
        problems.add(path, line_at(data, ('slug',)), f'slug {info.slug!r} must equal the folder name {folder.name!r}')
    for key, value in (('slug', info.slug), ('pre_test', info.pre_test), ('post_test', info.post_test)):
        if not ID_RE.match(value):
            problems.add(path, line_at(data, (key,)), f'{key} {value!r} must use lowercase letters, digits and hyphens')
    _check_ids([m.id for m in info.modules], data, ('modules',), path, problems, 'module')
    _check_ids([r.id for r in info.references], data, ('references',), path, problems, 'reference')
    course_refs = {r.id for r in info.references}

    lessons: list[Lesson] = []
    modules: list[Module] = []
    used_lessons: dict[str, int] = {}
    used_quizzes: dict[str, int] = {}
    lesson_dir = folder / 'lessons'
    for mi, mod in enumerate(info.modules):
        items: list[ModuleItem] = []
        for ii, item in enumerate(mod.items):
            loc = ('modules', mi, 'items', ii)
            if (item.lesson is None) == (item.quiz is None):
                problems.add(path, line_at(data, loc), 'each item names exactly one "lesson:" or "quiz:"')
                continue
            if item.lesson is not None:
                line = line_at(data, (*loc, 'lesson'))
                if item.lesson in used_lessons:
                    first = used_lessons[item.lesson]
                    problems.add(path, line, f'lesson {item.lesson!r} is already used (line {first})')
                    continue
                used_lessons[item.lesson] = line
                lesson_path = lesson_dir / f'{item.lesson}.md'
                if not ID_RE.match(item.lesson) or not lesson_path.is_file():
                    problems.add(path, line, f'no lesson file lessons/{item.lesson}.md')
                    continue
                lesson = _load_lesson(lesson_path, mod.id, course_refs, frameworks, problems)
                if lesson is not None:
                    lessons.append(lesson)
                items.append(ModuleItem('lesson', item.lesson))
            else:
                line = line_at(data, (*loc, 'quiz'))
                if item.quiz in used_quizzes:
                    problems.add(path, line, f'quiz {item.quiz!r} is already used (line {used_quizzes[item.quiz]})')
                    continue
                used_quizzes[item.quiz] = line
                if item.quiz not in quiz_files:
                    problems.add(path, line, f'no quiz file quizzes/{item.quiz}.yaml')
                    continue
                if item.quiz in (info.pre_test, info.post_test):
                    problems.add(path, line, f'the {item.quiz!r} test is offered before the first and after the '
                                             'last lesson: do not place it in a module')
                    continue
                quiz = quizzes.get(item.quiz)
                if quiz is not None and quiz.kind != QuizKind.practice:
                    problems.add(path, line, f'quiz {item.quiz!r} in a module must be of kind practice, '
                                             f'not {quiz.kind.value}')
                items.append(ModuleItem('quiz', item.quiz))
        modules.append(Module(id=mod.id, title=mod.title, summary=mod.summary, items=tuple(items)))

    for lesson_path in sorted(lesson_dir.glob('*.md')):
        if lesson_path.stem not in used_lessons:
            problems.add(lesson_path, 1, f'lesson {lesson_path.stem!r} is not placed in any module of course.yaml')
    for quiz_id, quiz_path in quiz_files.items():
        if quiz_id not in used_quizzes and quiz_id not in (info.pre_test, info.post_test):
            problems.add(quiz_path, 1, f'quiz {quiz_id!r} is not placed in any module of course.yaml')

    # Pre-test and post-test
    for key, kind in (('pre_test', QuizKind.pre_test), ('post_test', QuizKind.post_test)):
        quiz_id = getattr(info, key)
        if quiz_id not in quiz_files:
            problems.add(path, line_at(data, (key,)), f'no quiz file quizzes/{quiz_id}.yaml for {key}')
        elif quiz_id in quizzes and quizzes[quiz_id].kind != kind:
            problems.add(path, line_at(data, (key,)), f'quiz {quiz_id!r} must be of kind {kind.value}, '
                                                      f'not {quizzes[quiz_id].kind.value}')
    post = quizzes.get(info.post_test)
    if post is not None and post.items_from:
        source = quizzes.get(post.items_from)
        raw = quiz_data.get(info.post_test)
        if post.items_from not in quiz_files:
            problems.add(folder / 'quizzes' / f'{info.post_test}.yaml', line_at(raw, ('items_from',)),
                         f'items_from names no quiz: no file quizzes/{post.items_from}.yaml')
        elif post.items_from != info.pre_test:
            problems.add(folder / 'quizzes' / f'{info.post_test}.yaml', line_at(raw, ('items_from',)),
                         f'items_from must name the pre-test {info.pre_test!r}')
        elif source is not None:
            quizzes[info.post_test] = Quiz(id=post.id, title=post.title, kind=post.kind, pass_mark=post.pass_mark,
                                           questions=source.questions, items_from=post.items_from)
    for kind_quiz in (info.pre_test, info.post_test):
        if kind_quiz in quizzes and not quizzes[kind_quiz].questions and not quizzes[kind_quiz].items_from:
            problems.add(folder / 'quizzes' / f'{kind_quiz}.yaml', 1, 'the test has no questions')

    # Completion rule
    for i, quiz_id in enumerate(info.completion.pass_quizzes):
        if quiz_id not in used_quizzes:
            problems.add(path, line_at(data, ('completion', 'pass_quizzes', i)),
                         f'pass_quizzes names {quiz_id!r}, which is not a practice quiz in a module')
    if isinstance(info.completion.lessons, int) and not 0 <= info.completion.lessons <= len(used_lessons):
        problems.add(path, line_at(data, ('completion', 'lessons')),
                     f'completion lessons must be "all" or a number from 0 to {len(used_lessons)}')
    if not used_lessons:
        problems.add(path, line_at(data, ('modules',)), 'the course has no lessons')

    if len(problems.items) > count_before:
        return None, data
    course = Course(
        slug=info.slug, title=info.title, summary=info.summary, language=info.language, level=info.level,
        estimated_hours=info.estimated_hours, version=info.version, translation_of=info.translation_of,
        completion=Completion(lessons=info.completion.lessons, pass_quizzes=info.completion.pass_quizzes,
                              pass_post_test=info.completion.pass_post_test),
        modules=tuple(modules),
        references=tuple(Reference(id=r.id, title=r.title, publisher=r.publisher, year=r.year, url=r.url)
                         for r in info.references),
        lessons=tuple(lessons), quizzes=MappingProxyType(quizzes),
        pre_test_id=info.pre_test, post_test_id=info.post_test,
        checked=info.checked, checked_against=info.checked_against,
        summary_html=markdown.render(info.summary),
    )
    return course, data


def load_courses(base: Path, problems: Problems, frameworks: dict) -> dict[str, Course]:
    """Load every course under ``base``; record each problem on ``problems``."""
    courses: dict[str, Course] = {}
    raw: dict[str, Any] = {}
    if not Path(base).is_dir():
        return courses
    for folder in sorted(p for p in Path(base).iterdir() if p.is_dir() and not p.name.startswith('.')):
        course, data = _load_course(folder, problems, frameworks)
        if course is not None:
            courses[course.slug] = course
            raw[course.slug] = data
    # Translations: translation_of must name another course, in another language, that is not itself a translation.
    for slug, course in courses.items():
        if course.translation_of is None:
            continue
        path = Path(base) / slug / 'course.yaml'
        line = line_at(raw[slug], ('translation_of',))
        original = courses.get(course.translation_of)
        if original is None:
            if not (Path(base) / course.translation_of / 'course.yaml').is_file():
                problems.add(path, line, f'translation_of {course.translation_of!r} names no course')
        elif original.slug == slug:
            problems.add(path, line, 'a course cannot be a translation of itself')
        elif original.translation_of:
            problems.add(path, line, f'{original.slug!r} is itself a translation; name the original course')
        elif original.language == course.language:
            problems.add(path, line, f'a translation must be in another language than {original.slug!r} '
                                     f'({course.language})')
    return courses


def translations_of(courses, course: Course) -> list[Course]:
    """The other language versions of ``course`` (its original and the original's other translations)."""
    root = course.translation_of or course.slug
    return [c for c in courses.values() if c.slug != course.slug and (c.slug == root or c.translation_of == root)]
