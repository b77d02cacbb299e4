"""The read-only content registry: every course, scenario and framework, validated once at start-up."""
from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType

from training.content.base import Problems
from training.content.course_loader import load_courses
from training.content.courses import Course
from training.content.frameworks import Factor, Framework, load_frameworks
from training.content.scenarios import Scenario, load_scenarios
from training.content.translation_loader import TranslationStatus, load_translations
from training.content.translations import CONTENT_LANGUAGES


@dataclass(frozen=True)
class Registry:
    frameworks: Mapping[str, Framework] = field(default_factory=lambda: MappingProxyType({}))
    courses: Mapping[str, Course] = field(default_factory=lambda: MappingProxyType({}))
    scenarios: Mapping[str, Scenario] = field(default_factory=lambda: MappingProxyType({}))
    #: Translations, by (``'course'`` | ``'scenario'`` | ``'framework'``, id, language)
    localized: Mapping[tuple[str, str, str], object] = field(default_factory=lambda: MappingProxyType({}))
    #: Each item's status in each content language (original, complete, missing, stale)
    translation_statuses: tuple[TranslationStatus, ...] = ()
    #: Former course slugs (a translation that was a course of its own) -> the course's slug
    aliases: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    #: The registry of the originals, on a view in one language (see in_language)
    base: Registry | None = None

    def in_language(self, language: str | None) -> Registry:
        """The same registry with every item in ``language`` where it is translated, in its original elsewhere
        (ids, answers and scores are the same in every language)."""
        base = self.base or self
        return base._views.get(language, base)

    @cached_property
    def _views(self) -> dict[str, Registry]:
        def pick(kind: str, items: Mapping, language: str) -> MappingProxyType:
            return MappingProxyType({k: self.localized.get((kind, k, language), v) for k, v in items.items()})
        return {language: Registry(frameworks=pick('framework', self.frameworks, language),
                                   courses=pick('course', self.courses, language),
                                   scenarios=pick('scenario', self.scenarios, language),
                                   localized=self.localized, translation_statuses=self.translation_statuses,
                                   aliases=self.aliases, base=self)
                for language in CONTENT_LANGUAGES}

    def framework(self, framework_id: str, language: str | None = None) -> Framework | None:
        """The framework, in ``language`` when it is translated into it (else in its original)."""
        return self.localized.get(('framework', framework_id, language)) or self.frameworks.get(framework_id)

    def course(self, slug: str, language: str | None = None) -> Course | None:
        """The course, in ``language`` when it is translated into it (else in its original)."""
        slug = self.aliases.get(slug, slug)
        return self.localized.get(('course', slug, language)) or self.courses.get(slug)

    def scenario(self, slug: str, language: str | None = None) -> Scenario | None:
        """The scenario, in ``language`` when it is translated into it (else in its original)."""
        return self.localized.get(('scenario', slug, language)) or self.scenarios.get(slug)

    def languages_of(self, kind: str, item_id: str) -> tuple[str, ...]:
        """The languages an item can be read in: its original's first, then its translations'."""
        item = f'{kind}:{item_id}'
        found = [s for s in self.translation_statuses if s.item == item]
        originals = [s.language for s in found if s.status == 'original']
        return tuple(originals + [s.language for s in found
                                  if s.status != 'original' and (kind, item_id, s.language) in self.localized])

    def factors(self, tags) -> list[tuple[Framework, Factor]]:
        """Framework-qualified factor tags (``foa-2014:9``) as (framework, factor); unknown tags are left out."""
        found = []
        for tag in tags:
            fw_id, _sep, factor_id = tag.partition(':')
            framework = self.framework(fw_id)
            factor = framework.factor(factor_id) if framework else None
            if factor is not None:
                found.append((framework, factor))
        return found

    def counts(self) -> dict[str, int]:
        return {
            'courses': len(self.courses),
            'lessons': sum(len(c.lessons) for c in self.courses.values()),
            'questions': sum(c.question_count for c in self.courses.values()),
            'scenarios': len(self.scenarios),
            'frameworks': len(self.frameworks),
        }

    def summary(self) -> str:
        c = self.counts()
        return (f'{c["courses"]} courses, {c["lessons"]} lessons, {c["questions"]} questions, '
                f'{c["scenarios"]} scenarios, {c["frameworks"]} frameworks')


def load_content(root: Path) -> Registry:
    """Load and validate everything under ``root`` (which holds courses/ and scenarios/).

    Raises ContentErrors listing every problem as ``path:line: message``.
    """
    root = Path(root).resolve()
    problems = Problems(root)
    frameworks = load_frameworks(root / 'scenarios' / 'frameworks', problems)
    courses = load_courses(root / 'courses', problems, frameworks)
    scenarios = load_scenarios(root / 'scenarios', problems, frameworks)
    localized, statuses, aliases = load_translations(root, problems, frameworks, courses, scenarios)
    problems.raise_if_any()
    return Registry(frameworks=MappingProxyType(frameworks), courses=MappingProxyType(courses),
                    scenarios=MappingProxyType(scenarios), localized=MappingProxyType(localized),
                    translation_statuses=statuses, aliases=MappingProxyType(aliases))


def _fingerprint(root: Path) -> tuple:
    stats = []
    for sub in ('courses', 'scenarios'):
        base = root / sub
        if not base.is_dir():
            continue
        for dirpath, _dirnames, filenames in os.walk(base):
            for name in filenames:
                st = os.stat(os.path.join(dirpath, name))
                stats.append((dirpath, name, st.st_mtime_ns, st.st_size))
    return tuple(sorted(stats))


_cache: dict[Path, tuple[tuple, Registry]] = {}
_lock = threading.Lock()


def load_content_cached(root: Path) -> Registry:
    """load_content, reused while no file under root has changed (tests build many apps)."""
    root = Path(root).resolve()
    fp = _fingerprint(root)
    with _lock:
        hit = _cache.get(root)
        if hit and hit[0] == fp:
            return hit[1]
    registry = load_content(root)
    with _lock:
        _cache[root] = (fp, registry)
    return registry
