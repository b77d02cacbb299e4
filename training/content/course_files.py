"""The shapes of a course's files, as authors write them (structure only: cross-references are checked by the
loader afterwards, with the raw data's line numbers). See docs/content-format.md."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from training.content.base import Model, Slug
from training.content.freshness import CheckedMonth
from training.vocab import QuizKind


class ReferenceFile(Model):
    id: Slug
    title: str
    publisher: str
    year: int = Field(ge=1500, le=2100)
    url: str | None = Field(default=None, pattern=r'^https?://[^\s]+$')


class CompletionFile(Model):
    lessons: Literal['all'] | int = 'all'
    pass_quizzes: tuple[Slug, ...] = ()
    pass_post_test: bool = True


class ItemFile(Model):
    lesson: Slug | None = None
    quiz: Slug | None = None


class ModuleFile(Model):
    id: Slug
    title: str
    summary: str = ''
    items: tuple[ItemFile, ...] = Field(min_length=1)


class ObjectiveFile(Model):
    id: Slug
    text: str


class CourseFile(Model):
    slug: Slug
    title: str
    summary: str
    language: Literal['en', 'fr', 'es', 'ar']
    level: Literal['introductory', 'intermediate', 'advanced']
    estimated_hours: float = Field(gt=0, le=200)
    version: int = Field(default=1, ge=1)
    pre_test: Slug
    post_test: Slug
    completion: CompletionFile
    modules: tuple[ModuleFile, ...] = Field(min_length=1)
    references: tuple[ReferenceFile, ...] = ()
    objectives: tuple[ObjectiveFile, ...] = ()
    checked: CheckedMonth | None = None
    checked_against: tuple[str, ...] = ()


class LessonMeta(Model):
    title: str
    minutes: int = Field(ge=1, le=600)
    factors: tuple[str, ...] = ()
    references: tuple[Slug, ...] = ()


class OptionFile(Model):
    id: Slug
    text: str
    correct: bool = False
    feedback: str
    #: keeps its place when the options are shuffled (an "all of the above")
    pin: bool = False


class QuestionFile(Model):
    id: Slug
    type: Literal['single', 'multiple', 'true_false']
    #: the learning objective of course.yaml this question assesses
    objective: Slug | None = None
    prompt: str
    options: tuple[OptionFile, ...] = Field(min_length=2)
    explanation: str = ''


class QuizHead(Model):
    title: str
    kind: QuizKind
    pass_mark: int = Field(ge=0, le=100)
    questions: Any = None
    #: questions from banks/<bank>.yaml instead of the quiz's own
    bank: Slug | None = None
    #: how many questions one attempt draws (spread over the objectives); None: every question
    draw: int | None = Field(default=None, ge=1, le=200)
    #: no longer supported (a post-test repeating its pre-test): the loader says what to write instead
    items_from: Slug | None = None


class BankFile(Model):
    title: str
    questions: Any = None
