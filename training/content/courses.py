"""Courses as the application uses them: frozen objects built once from courses/<slug>/ by the loader
(training.content.course_loader), with the course's navigation (steps, the step after another, neighbours).
"""
from __future__ import annotations

import re
from types import MappingProxyType

from markupsafe import Markup
from pydantic import ConfigDict, Field

from training.content.base import Model
from training.vocab import QuizKind

ID_RE = re.compile(r'^[a-z0-9]+(?:-[a-z0-9]+)*$')
LANGUAGES = ('en', 'fr', 'es', 'ar')
LEVELS = ('introductory', 'intermediate', 'advanced')
QUESTION_TYPES = ('single', 'multiple', 'true_false')


# --------------------------------------------------------------------------------------------------------------
# The immutable objects the application uses (pydantic models, as scenarios and frameworks are)


class _Built(Model):
    """Built by the loader from files already validated (course_files): frozen; rendered HTML and the quiz map
    are kept as they are (``Markup``, ``MappingProxyType``)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

class Reference(_Built):
    id: str
    title: str
    publisher: str
    year: int
    url: str | None = None


class Objective(_Built):
    """A learning objective of the course; questions say which one they assess."""

    id: str
    text: str


class Option(_Built):
    id: str
    text: str
    correct: bool
    feedback: str
    #: keeps its place when the options are shuffled
    pin: bool = False


class Question(_Built):
    id: str
    type: str
    prompt: str
    options: tuple[Option, ...]
    explanation: str = ''
    objective: str | None = None

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(o.id for o in self.options if o.correct)

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


class Quiz(_Built):
    id: str
    title: str
    kind: QuizKind
    pass_mark: int
    #: every question an attempt may ask: the quiz's own, or its bank's
    questions: tuple[Question, ...]
    #: the bank (banks/<id>.yaml) the questions come from; quizzes naming one bank are its parallel forms
    bank: str | None = None
    #: questions per attempt, drawn from ``questions`` and spread over the objectives; None: all of them
    draw: int | None = None
    #: The language of this quiz's text when it differs from its course's (an untranslated quiz in a translation)
    language: str | None = None

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    @property
    def size(self) -> int:
        """How many questions one attempt asks."""
        return min(self.draw, len(self.questions)) if self.draw else len(self.questions)

    @property
    def shares(self) -> dict[str | None, int]:
        """How many questions an attempt draws per objective (None: questions without one), in the order the
        objectives first appear: ``draw`` spread as evenly as possible, the first objectives taking the rest."""
        groups = list(dict.fromkeys(q.objective for q in self.questions))
        if not self.draw or not groups:
            return {g: sum(1 for q in self.questions if q.objective == g) for g in groups}
        base, extra = divmod(self.draw, len(groups))
        return {g: base + (1 if i < extra else 0) for i, g in enumerate(groups)}


class Lesson(_Built):
    id: str
    title: str
    minutes: int
    module_id: str
    factors: tuple[str, ...]
    references: tuple[str, ...]
    html: Markup = Field(repr=False)
    #: The language of this lesson's text when it differs from its course's (an untranslated lesson in a
    #: translation); None: the course's language
    language: str | None = None


class ModuleItem(_Built):
    kind: str  # 'lesson' | 'quiz'
    id: str


class Module(_Built):
    id: str
    title: str
    summary: str
    items: tuple[ModuleItem, ...]

    @property
    def lesson_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.items if i.kind == 'lesson')


class Completion(_Built):
    lessons: str | int
    pass_quizzes: tuple[str, ...]
    pass_post_test: bool


class Course(_Built):
    """One course in one language. Compared and hashed by identity (it holds a read-only mapping)."""

    __eq__ = object.__eq__
    __hash__ = object.__hash__

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
    objectives: tuple[Objective, ...] = ()
    checked: str | None = None
    checked_against: tuple[str, ...] = ()
    summary_html: Markup = Field(default=Markup(''), repr=False)

    @property
    def pre_test(self) -> Quiz:
        return self.quizzes[self.pre_test_id]

    @property
    def post_test(self) -> Quiz:
        return self.quizzes[self.post_test_id]

    @property
    def question_count(self) -> int:
        """Distinct questions: a bank's questions count once, however many quizzes draw from it."""
        pools = {(q.bank or f'quiz:{q.id}'): len(q.questions) for q in self.quizzes.values()}
        return sum(pools.values())

    def objective(self, objective_id: str | None) -> Objective | None:
        return next((o for o in self.objectives if o.id == objective_id), None)

    @property
    def parallel_forms(self) -> bool:
        """The pre-test and post-test draw from one bank: each trainee's post-test asks items they have not seen."""
        return self.pre_test.bank is not None and self.pre_test.bank == self.post_test.bank

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

    @property
    def steps(self) -> tuple[tuple[str, str], ...]:
        """Every step in order, as (``'lesson'`` or ``'quiz'``, id): the pre-test, each module's items, the
        post-test."""
        inner = tuple((item.kind, item.id) for module in self.modules for item in module.items)
        return (('quiz', self.pre_test_id), *inner, ('quiz', self.post_test_id))

    def step_after(self, kind: str, item_id: str) -> tuple[str, str] | None:
        """The step that follows (``kind``, ``item_id``), or None after the last step (or for an unknown one)."""
        steps = self.steps
        i = steps.index((kind, item_id)) if (kind, item_id) in steps else -1
        return steps[i + 1] if 0 <= i < len(steps) - 1 else None

    def position(self, lesson_id: str) -> int:
        """1 for the first lesson of the course."""
        return self.lesson_ids.index(lesson_id) + 1

    def references_of(self, lesson: Lesson) -> list[Reference]:
        return [r for r in (self.reference(x) for x in lesson.references) if r is not None]
