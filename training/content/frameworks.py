"""Risk-assessment frameworks (``scenarios/frameworks/*.yaml``): data, not code."""
from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from markupsafe import Markup
from pydantic import model_validator

from training.content import markdown
from training.content.base import Model, Problems, Slug, StrId, line_at, validated_files
from training.content.freshness import CheckedMonth

FactorGroup = Literal['common', 'genocide', 'crimes_against_humanity', 'war_crimes', 'category']


class Indicator(Model):
    id: StrId
    text: str


class Factor(Model):
    id: StrId
    title: str
    group: FactorGroup
    #: True only where the indicator list was checked against the publication itself (see the file header).
    verified: bool = False
    description: str = ''
    indicators: tuple[Indicator, ...]

    @model_validator(mode='after')
    def _indicator_ids(self):
        for ind in self.indicators:
            if not ind.id.startswith(f'{self.id}.'):
                raise ValueError(f'indicator {ind.id!r} must be numbered "{self.id}.<n>" under factor {self.id!r}')
        return self

    @cached_property
    def description_html(self) -> Markup:
        return markdown.render(self.description)

    def indicator(self, indicator_id: str) -> Indicator | None:
        return next((i for i in self.indicators if i.id == indicator_id), None)


class Framework(Model):
    id: Slug
    title: str
    short_title: str
    year: int
    publisher: str
    document: str | None = None
    url: str | None = None
    language: str = 'en'
    #: When the encoding was last checked against its sources, and against which.
    checked: CheckedMonth | None = None
    checked_against: tuple[str, ...] = ()
    summary: str
    note: str = ''
    factors: tuple[Factor, ...]

    @cached_property
    def summary_html(self) -> Markup:
        return markdown.render(self.summary)

    @cached_property
    def note_html(self) -> Markup:
        return markdown.render(self.note)

    @cached_property
    def factor_map(self) -> dict[str, Factor]:
        return {f.id: f for f in self.factors}

    @cached_property
    def indicator_map(self) -> dict[str, Indicator]:
        return {i.id: i for f in self.factors for i in f.indicators}

    def factor(self, factor_id: str) -> Factor | None:
        return self.factor_map.get(factor_id)

    @property
    def indicator_count(self) -> int:
        return len(self.indicator_map)


def load_frameworks(directory: Path, problems: Problems) -> dict[str, Framework]:
    frameworks: dict[str, Framework] = {}
    for path, data, fw in validated_files(directory, Framework, problems):
        if fw.id != path.stem:
            problems.add(path, line_at(data, ('id',)), f'id {fw.id!r} must equal the file name {path.stem!r}')
            continue
        seen: set[str] = set()
        for i, factor in enumerate(fw.factors):
            if factor.id in seen:
                problems.add(path, line_at(data, ('factors', i, 'id')), f'duplicate factor id {factor.id!r}')
            seen.add(factor.id)
            ind_seen: set[str] = set()
            for j, ind in enumerate(factor.indicators):
                if ind.id in ind_seen:
                    problems.add(path, line_at(data, ('factors', i, 'indicators', j, 'id')),
                                 f'duplicate indicator id {ind.id!r}')
                ind_seen.add(ind.id)
        frameworks[fw.id] = fw
    return frameworks
