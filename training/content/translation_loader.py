"""Loading content translations: each item's ``translations/<lang>/`` files merged onto the originals, checked by
the same models and rules as the originals, and each item's status per language.

Where the files live (``<lang>`` is one of CONTENT_LANGUAGES, never the original's own language):

- framework ``scenarios/frameworks/<id>.yaml``  -> ``scenarios/frameworks/translations/<lang>/<id>.yaml``
- scenario  ``scenarios/<slug>.yaml``           -> ``scenarios/translations/<lang>/<slug>.yaml``
- course    ``courses/<slug>/<file>``           -> ``courses/<slug>/translations/<lang>/<file>`` for course.yaml,
  each ``lessons/<id>.md``, ``quizzes/<id>.yaml`` and ``banks/<id>.yaml``. A course translation is served as
  soon as its course.yaml is translated; a lesson or quiz not translated yet is shown in the original, marked.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from training.content import markdown
from training.content.assessment import check_questions
from training.content.base import Problems, load_front_matter, load_yaml_file, validate
from training.content.course_files import CourseFile
from training.content.course_items import bank_from_data, lesson_from, quiz_from_data
from training.content.courses import ID_RE, Course, Lesson, Objective, Quiz, Reference
from training.content.frameworks import Framework
from training.content.scenarios import Scenario, check_scenario
from training.content.translations import CONTENT_LANGUAGES, FOLDER, FORMER_SLUG_KEY, overlay, source_hash


@dataclass(frozen=True)
class TranslationStatus:
    """One item in one language: ``original``, ``complete``, ``missing`` (some or all files not written yet) or
    ``stale`` (every file written, but an original changed since one of them was translated)."""

    item: str
    language: str
    status: str
    #: Translation files not written yet, relative to the content root
    missing: tuple[str, ...] = ()
    #: (translation file, why it is stale), relative to the content root
    stale: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict:
        return {'item': self.item, 'language': self.language, 'status': self.status}


@dataclass
class _Translations:
    """What loading the translations collects."""

    root: Path
    problems: Problems
    frameworks: dict
    localized: dict[tuple[str, str, str], Any] = field(default_factory=dict)
    statuses: list[TranslationStatus] = field(default_factory=list)
    #: former slug -> the course's slug (see FORMER_SLUG_KEY)
    aliases: dict[str, str] = field(default_factory=dict)

    def rel(self, path: Path) -> str:
        return self.problems.rel(path)


@dataclass
class _Files:
    """The files of one item in one language: which are missing, which are stale."""

    t: _Translations
    missing: list[str] = field(default_factory=list)
    stale: list[tuple[str, str]] = field(default_factory=list)

    def note(self, source: Path, target: Path, recorded: str | None) -> None:
        current = source_hash(source)
        if recorded is None:
            self.stale.append((self.t.rel(target), f'it records no source_hash (the original\'s is now {current})'))
        elif recorded != current:
            self.stale.append((self.t.rel(target), f'{self.t.rel(source)} changed since it was translated '
                                                   f'(source_hash {recorded}, now {current})'))

    def status(self, item: str, language: str) -> TranslationStatus:
        status = 'missing' if self.missing else 'stale' if self.stale else 'complete'
        return TranslationStatus(item, language, status, tuple(self.missing), tuple(self.stale))


def _merged_yaml(source: Path, target: Path, language: str, t: _Translations) -> tuple[Any, str | None, Any]:
    """The translation's data merged onto its original's, the hash it records and its own data; (None, None, None)
    if it does not parse (the problem is recorded)."""
    original = load_yaml_file(source, Problems(t.root))  # the original loaded cleanly already
    data = load_yaml_file(target, t.problems)
    if data is None or original is None:
        return None, None, None
    return *overlay(original, data, target, t.problems, language), data


def _check_folders(base: Path, original_languages: dict[str, str], expected: set[str], t: _Translations,
                   what: str) -> None:
    """Every file under ``base/translations/`` sits in a known language folder and mirrors an original file.

    ``original_languages`` maps each original file (relative to ``base``) to its language; ``expected`` holds the
    files a translation may have (relative to ``base``)."""
    folder = base / FOLDER
    if not folder.is_dir():
        return
    for lang_dir in sorted(p for p in folder.iterdir() if not p.name.startswith('.')):
        if not lang_dir.is_dir() or lang_dir.name not in CONTENT_LANGUAGES:
            t.problems.add(lang_dir, 1, f'{lang_dir.name!r} is not a content language folder '
                                        f'(one of {", ".join(CONTENT_LANGUAGES)})')
            continue
        for path in sorted(p for p in lang_dir.rglob('*') if p.is_file() and not p.name.startswith('.')):
            rel = path.relative_to(lang_dir).as_posix()
            if rel not in expected:
                t.problems.add(path, 1, f'no original {what}{rel} for this translation to translate')
            elif original_languages.get(rel) == lang_dir.name:
                t.problems.add(path, 1, f'the original is already in {lang_dir.name!r}: a translation is in '
                                        'another language')


# --------------------------------------------------------------------------------------------------------------
# Frameworks and scenarios: one file each

def _single_file(source: Path, language: str, t: _Translations):
    """The merged data of ``<source dir>/translations/<language>/<source name>`` and its _Files, or None data."""
    files = _Files(t)
    target = source.parent / FOLDER / language / source.name
    if not target.is_file():
        files.missing.append(t.rel(target))
        return None, target, files
    merged, recorded, _data = _merged_yaml(source, target, language, t)
    files.note(source, target, recorded)
    return merged, target, files


def _translate_single_files(kind: str, base: Path, prefix: str, items: dict, t: _Translations, accept) -> None:
    """Frameworks and scenarios: one file per item, ``<base>/<id>.yaml``, translated as
    ``<base>/translations/<lang>/<id>.yaml``; ``accept(merged, target)`` validates a translation (None if refused)."""
    for item_id, original in items.items():
        source = base / f'{item_id}.yaml'
        item = f'{kind}:{item_id}'
        for language in CONTENT_LANGUAGES:
            if language == original.language:
                t.statuses.append(TranslationStatus(item, language, 'original'))
                continue
            merged, target, files = _single_file(source, language, t)
            if merged is not None:
                translated = accept(merged, target)
                if translated is not None:
                    t.localized[kind, item_id, language] = translated
            t.statuses.append(files.status(item, language))
    _check_folders(base, {f'{k}.yaml': v.language for k, v in items.items()},
                   {p.name for p in base.glob('*.yaml')}, t, prefix)


def _translate_frameworks(base: Path, frameworks: dict[str, Framework], t: _Translations) -> None:
    _translate_single_files('framework', base, 'scenarios/frameworks/', frameworks, t,
                            lambda merged, target: validate(Framework, merged, target, t.problems))


def _translate_scenarios(base: Path, scenarios: dict[str, Scenario], t: _Translations) -> None:
    def accept(merged, target):
        translated = validate(Scenario, merged, target, t.problems)
        ok = translated is not None and check_scenario(translated, merged, target, t.problems, t.frameworks)
        return translated if ok else None

    _translate_single_files('scenario', base, 'scenarios/', scenarios, t, accept)


# --------------------------------------------------------------------------------------------------------------
# Courses: course.yaml, each lesson and each quiz

def _bank_ids(course: Course) -> list[str]:
    return list(dict.fromkeys(q.bank for q in course.quizzes.values() if q.bank))


def _course_files(course: Course) -> list[str]:
    return (['course.yaml'] + [f'lessons/{lesson.id}.md' for lesson in course.lessons]
            + [f'quizzes/{quiz_id}.yaml' for quiz_id in course.quizzes]
            + [f'banks/{bank_id}.yaml' for bank_id in _bank_ids(course)])


def _translate_lesson(course: Course, lesson: Lesson, folder: Path, tdir: Path, language: str,
                      files: _Files) -> Lesson | None:
    t = files.t
    source, target = folder / 'lessons' / f'{lesson.id}.md', tdir / 'lessons' / f'{lesson.id}.md'
    if not target.is_file():
        files.missing.append(t.rel(target))
        return lesson.model_copy(update={'language': course.language})
    parsed, original = load_front_matter(target, t.problems), load_front_matter(source, Problems(t.root))
    if parsed is None or original is None:
        return None
    meta, recorded = overlay(original[0], parsed[0], target, t.problems, language)
    files.note(source, target, recorded)
    return lesson_from(target, meta, parsed[1], lesson.module_id, {r.id for r in course.references},
                       t.frameworks, t.problems, lesson_id=lesson.id)


def _translate_bank(course: Course, bank_id: str, folder: Path, tdir: Path, language: str,
                    files: _Files) -> tuple | None:
    """A bank's questions in ``language`` (checked like the original's, assessment rules included), or None when
    the translation is broken; the original's questions when it is not written yet."""
    t = files.t
    source, target = folder / 'banks' / f'{bank_id}.yaml', tdir / 'banks' / f'{bank_id}.yaml'
    original = next(q.questions for q in course.quizzes.values() if q.bank == bank_id)
    if not target.is_file():
        files.missing.append(t.rel(target))
        return original
    merged, recorded, _data = _merged_yaml(source, target, language, t)
    files.note(source, target, recorded)
    questions = bank_from_data(target, merged, t.problems) if merged is not None else None
    if questions is not None:
        check_questions(bank_id, questions, merged, target, t.problems)
    return questions


def _translate_quiz(course: Course, quiz: Quiz, folder: Path, tdir: Path, language: str,
                    files: _Files, banks: dict) -> Quiz | None:
    """A quiz in ``language``; a quiz drawing from a bank takes the bank's translated questions (its text is shown
    in the original, marked, while the bank is not translated yet)."""
    t = files.t
    source, target = folder / 'quizzes' / f'{quiz.id}.yaml', tdir / 'quizzes' / f'{quiz.id}.yaml'
    if not target.is_file():
        files.missing.append(t.rel(target))
        return quiz.model_copy(update={'language': course.language})
    merged, recorded, _data = _merged_yaml(source, target, language, t)
    files.note(source, target, recorded)
    translated = quiz_from_data(target, merged, t.problems, quiz_id=quiz.id) if merged is not None else None
    if translated is None:
        return None
    if not quiz.bank:
        check_questions(quiz.id, translated.questions, merged, target, t.problems)
        return translated
    questions = banks.get(quiz.bank)
    if questions is None:
        return None
    return translated.model_copy(update={'questions': questions,
                                         'language': course.language if questions is quiz.questions else None})


def _translated_course(course: Course, info: CourseFile, lessons: list, quizzes: dict) -> Course:
    modules = tuple(m.model_copy(update={'title': mf.title, 'summary': mf.summary})
                    for m, mf in zip(course.modules, info.modules, strict=True))
    return course.model_copy(update=dict(
        title=info.title, summary=info.summary, language=info.language, modules=modules,
        references=tuple(Reference(id=r.id, title=r.title, publisher=r.publisher, year=r.year, url=r.url)
                         for r in info.references),
        objectives=tuple(Objective(id=o.id, text=o.text) for o in info.objectives),
        lessons=tuple(lessons), quizzes=MappingProxyType(quizzes), checked=info.checked,
        checked_against=info.checked_against, summary_html=markdown.render(info.summary)))


def _former_slug(course: Course, data: Any, target: Path, t: _Translations) -> None:
    """``former_slug:`` names the slug the translation had as a course of its own: it resolves to this course."""
    former = data.get(FORMER_SLUG_KEY) if isinstance(data, dict) else None
    if former is None:
        return
    if not isinstance(former, str) or not ID_RE.match(former):
        t.problems.add(target, data.line_of(FORMER_SLUG_KEY), f'{FORMER_SLUG_KEY} must be a slug (a-z, 0-9, -)')
    elif (t.root / 'courses' / former).exists() or former in t.aliases:
        t.problems.add(target, data.line_of(FORMER_SLUG_KEY), f'{FORMER_SLUG_KEY} {former!r} is already taken')
    else:
        t.aliases[former] = course.slug


def _translate_course(course: Course, folder: Path, language: str, t: _Translations) -> _Files:
    """Every translation file of the course is checked, written or not; the translated course is served once its
    course.yaml is translated."""
    files = _Files(t)
    tdir = folder / FOLDER / language
    source, target = folder / 'course.yaml', tdir / 'course.yaml'
    info = None
    if not target.is_file():
        files.missing.append(t.rel(target))
    else:
        merged, recorded, data = _merged_yaml(source, target, language, t)
        files.note(source, target, recorded)
        info = validate(CourseFile, merged, target, t.problems) if merged is not None else None
        _former_slug(course, data, target, t)
    lessons = [_translate_lesson(course, lesson, folder, tdir, language, files) for lesson in course.lessons]
    banks = {bank_id: _translate_bank(course, bank_id, folder, tdir, language, files) for bank_id in _bank_ids(course)}
    quizzes = {quiz_id: _translate_quiz(course, quiz, folder, tdir, language, files, banks)
               for quiz_id, quiz in course.quizzes.items()}
    if info is not None and None not in lessons and None not in quizzes.values():
        t.localized['course', course.slug, language] = _translated_course(course, info, lessons, quizzes)
    return files


def _translate_courses(base: Path, courses: dict[str, Course], t: _Translations) -> None:
    for slug, course in courses.items():
        folder = base / slug
        for language in CONTENT_LANGUAGES:
            item = f'course:{slug}'
            if language == course.language:
                t.statuses.append(TranslationStatus(item, language, 'original'))
                continue
            t.statuses.append(_translate_course(course, folder, language, t).status(item, language))
        _check_folders(folder, dict.fromkeys(_course_files(course), course.language), set(_course_files(course)),
                       t, f'courses/{slug}/')


def load_translations(root: Path, problems: Problems, frameworks: dict, courses: dict,
                      scenarios: dict) -> tuple[dict, tuple[TranslationStatus, ...], dict[str, str]]:
    """Every translation of the (valid) originals: ({(kind, id, language): translated object}, statuses,
    {former course slug: course slug})."""
    t = _Translations(Path(root), problems, frameworks)
    _translate_frameworks(Path(root) / 'scenarios' / 'frameworks', frameworks, t)
    _translate_scenarios(Path(root) / 'scenarios', scenarios, t)
    _translate_courses(Path(root) / 'courses', courses, t)
    return t.localized, tuple(t.statuses), t.aliases
