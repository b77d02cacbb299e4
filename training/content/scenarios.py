"""Scenario loader: ``scenarios/<slug>.yaml`` validated into frozen objects and checked against its framework.

Problems are recorded as ``path:line: message``: schema errors (pydantic), duplicate ids, factor or indicator
ids unknown to the named framework, evidence cited before it appears, unknown ``next`` targets, unreachable
stages or endings, dead ends and cycles, and an expert path that does not score full marks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from markupsafe import Markup
from pydantic import Field, field_validator

from training.content import assessment, markdown
from training.content.base import Model, Problems, Slug, StrId, line_at, validated_files
from training.content.frameworks import Framework
from training.content.translations import CONTENT_LANGUAGES
from training.scenarios import branching, engine

Level = Literal['low', 'moderate', 'high', 'very_high']
EvidenceKind = Literal['news_report', 'ngo_report', 'diplomatic_cable', 'statistics', 'testimony',
                       'social_media_post', 'official_statement', 'un_report', 'media_monitoring']
Outcome = Literal['averted', 'contained', 'escalated']
NonEmpty = Annotated[str, Field(min_length=1)]


class Reference(Model):
    title: NonEmpty
    publisher: str = ''
    year: int | None = None
    url: str | None = None


class Evidence(Model):
    id: Slug
    kind: EvidenceKind
    source: NonEmpty
    title: NonEmpty
    text: NonEmpty

    @cached_property
    def text_html(self) -> Markup:
        return markdown.render(self.text, heading_offset=3)


class Assessment(Model):
    """The expert key for one factor at one stage."""

    factor: StrId
    level: Level
    indicators: tuple[StrId, ...] = ()
    #: Defensible indicators outside the key: ticking them neither earns nor costs indicator credit.
    acceptable: tuple[StrId, ...] = ()
    evidence: tuple[Slug, ...] = ()
    rationale: NonEmpty

    @cached_property
    def rationale_html(self) -> Markup:
        return markdown.render(self.rationale, heading_offset=3)


class Branch(Model):
    min_score: Annotated[float, Field(ge=0, le=100)]
    next: Slug


class Option(Model):
    id: Slug
    text: NonEmpty
    feedback: NonEmpty
    score: Annotated[int, Field(ge=0, le=10)]
    next: Slug
    branches: tuple[Branch, ...] = ()
    #: keeps its place when the options are shuffled
    pin: bool = False

    @cached_property
    def feedback_html(self) -> Markup:
        return markdown.render(self.feedback, heading_offset=3)


class Decision(Model):
    prompt: NonEmpty
    options: Annotated[tuple[Option, ...], Field(min_length=2)]

    def option(self, option_id: str | None) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


class Stage(Model):
    id: Slug
    title: NonEmpty
    date: NonEmpty
    narrative: NonEmpty
    evidence: tuple[Evidence, ...] = ()
    assess: Annotated[tuple[Assessment, ...], Field(min_length=1)]
    decision: Decision

    @cached_property
    def narrative_html(self) -> Markup:
        return markdown.render(self.narrative, heading_offset=2)

    def key(self, factor_id: str) -> Assessment | None:
        return next((a for a in self.assess if a.factor == factor_id), None)


class Ending(Model):
    id: Slug
    title: NonEmpty
    outcome: Outcome
    narrative: NonEmpty

    @cached_property
    def narrative_html(self) -> Markup:
        return markdown.render(self.narrative, heading_offset=2)


class Scenario(Model):
    slug: Slug
    title: NonEmpty
    framework: Slug
    language: str = 'en'
    country: NonEmpty
    summary: NonEmpty
    estimated_minutes: Annotated[int, Field(ge=1, le=600)]
    brief: NonEmpty
    references: tuple[Reference, ...] = ()
    start: Slug
    stages: Annotated[tuple[Stage, ...], Field(min_length=1)]
    endings: Annotated[tuple[Ending, ...], Field(min_length=1)]

    @field_validator('language')
    @classmethod
    def _language(cls, value: str) -> str:
        if value not in CONTENT_LANGUAGES:
            raise ValueError(f'language must be one of {", ".join(CONTENT_LANGUAGES)}')
        return value

    @cached_property
    def brief_html(self) -> Markup:
        return markdown.render(self.brief, heading_offset=1)

    @cached_property
    def stage_map(self) -> dict[str, Stage]:
        return {s.id: s for s in self.stages}

    @cached_property
    def ending_map(self) -> dict[str, Ending]:
        return {e.id: e for e in self.endings}

    @cached_property
    def evidence_map(self) -> dict[str, Evidence]:
        return {e.id: e for s in self.stages for e in s.evidence}

    def stage(self, stage_id: str | None) -> Stage | None:
        return self.stage_map.get(stage_id) if stage_id else None

    def ending(self, ending_id: str | None) -> Ending | None:
        return self.ending_map.get(ending_id) if ending_id else None

    @cached_property
    def factor_ids(self) -> tuple[str, ...]:
        """Every factor assessed somewhere in the scenario, in first-seen order."""
        return tuple(dict.fromkeys(a.factor for s in self.stages for a in s.assess))

    @cached_property
    def expert_path(self) -> tuple[str, ...]:
        return branching.expert_play(self).path

    @cached_property
    def shortest_length(self) -> int:
        """The fewest stages a play can take (for "stage n of about m")."""
        best: dict[str, int] = {}

        def length(node: str) -> int:
            if node in self.ending_map or node not in self.stage_map:
                return 0
            if node not in best:
                best[node] = 10_000  # guard against cycles (rejected by the loader anyway)
                best[node] = 1 + min(length(t) for t in engine.decision_targets(self.stage_map[node]))
            return best[node]
        return length(self.start)


def _duplicates(ids: list[tuple[str, tuple]]) -> list[tuple[str, tuple]]:
    seen: set[str] = set()
    out = []
    for value, loc in ids:
        if value in seen:
            out.append((value, loc))
        seen.add(value)
    return out


@dataclass
class _ScenarioCheck:
    """What the scenario checks share: the scenario, its raw data (for line numbers) and its framework."""

    sc: Scenario
    data: Any
    path: Path
    problems: Problems
    framework: Framework | None

    def add(self, loc: tuple, message: str) -> None:
        self.problems.add(self.path, line_at(self.data, loc), message)


def _check_identity(c: _ScenarioCheck, frameworks: dict[str, Framework]) -> None:
    """The slug is the file name; the framework is known."""
    if c.sc.slug != c.path.stem:
        c.add(('slug',), f'slug {c.sc.slug!r} must equal the file name {c.path.stem!r}')
    if c.framework is None:
        c.add(('framework',),
              f'unknown framework {c.sc.framework!r} (known: {", ".join(sorted(frameworks)) or "none"})')


def _check_unique_ids(c: _ScenarioCheck) -> None:
    """Stages and endings share one namespace (both are targets of ``next``); evidence ids are unique across the
    scenario; the start is a stage."""
    sc = c.sc
    node_ids = [(s.id, ('stages', i, 'id')) for i, s in enumerate(sc.stages)]
    node_ids += [(e.id, ('endings', i, 'id')) for i, e in enumerate(sc.endings)]
    for value, loc in _duplicates(node_ids):
        c.add(loc, f'duplicate stage or ending id {value!r}')
    ev_ids = [(e.id, ('stages', i, 'evidence', j, 'id')) for i, s in enumerate(sc.stages)
              for j, e in enumerate(s.evidence)]
    for value, loc in _duplicates(ev_ids):
        c.add(loc, f'duplicate evidence id {value!r} (evidence ids are unique across the scenario)')
    if sc.start not in sc.stage_map:
        c.add(('start',), f'start {sc.start!r} is not a stage id')


def visible_evidence(sc: Scenario) -> dict[str, set[str]]:
    """Per stage, the evidence a team has seen there: its own and that of every stage that can come before it."""
    preds: dict[str, set[str]] = {s.id: set() for s in sc.stages}
    for s in sc.stages:
        for t in engine.decision_targets(s):
            if t in preds:
                preds[t].add(s.id)
    visible: dict[str, set[str]] = {}
    for s in sc.stages:
        seen: set[str] = set()
        todo = list(preds[s.id])
        while todo:
            n = todo.pop()
            if n not in seen:
                seen.add(n)
                todo.extend(preds[n])
        visible[s.id] = {e.id for e in s.evidence}.union(*({e.id for e in sc.stage_map[a].evidence} for a in seen))
    return visible


def _check_options(c: _ScenarioCheck, i: int, s) -> None:
    """Option ids unique within the decision; one option scores full marks (the expert path takes it)."""
    opt_ids = [(o.id, ('stages', i, 'decision', 'options', n, 'id')) for n, o in enumerate(s.decision.options)]
    for value, loc in _duplicates(opt_ids):
        c.add(loc, f'duplicate option id {value!r} in stage {s.id!r}')
    if not any(o.score == engine.MAX_OPTION_SCORE for o in s.decision.options):
        c.add(('stages', i, 'decision', 'options'),
              f'stage {s.id!r}: no option scores {engine.MAX_OPTION_SCORE}; the expert path needs one')


def _check_indicators(c: _ScenarioCheck, loc: tuple, a, factor) -> None:
    """Each indicator of the key, and each acceptable one, belongs to the assessed factor; an acceptable indicator
    is not also in the key."""
    framework = c.framework
    for field_name, ids in (('indicators', a.indicators), ('acceptable', a.acceptable)):
        for n, ind in enumerate(ids):
            if factor is not None and factor.indicator(ind) is None:
                other = framework.indicator_map.get(ind) if framework else None
                why = (f'it belongs to factor {ind.split(".")[0]!r}' if other else
                       f'no such indicator in framework {framework.id!r}')
                c.add((*loc, field_name, n), f'indicator {ind!r} is not an indicator of factor {a.factor!r} ({why})')
    for n, ind in enumerate(a.acceptable):
        if ind in a.indicators:
            c.add((*loc, 'acceptable', n), f'indicator {ind!r} is in the key; list it once, under indicators')


def _check_cited_evidence(c: _ScenarioCheck, loc: tuple, stage_id: str, a, visible: set[str]) -> None:
    """The key cites only evidence seen by then, in its list and in the rationale's ``[evidence-id]``."""
    sc = c.sc
    for n, ev in enumerate(a.evidence):
        if ev not in visible:
            where = 'it appears only in a later or parallel stage' if ev in sc.evidence_map else 'no such evidence id'
            c.add((*loc, 'evidence', n), f'evidence {ev!r} is not in stage {stage_id!r} or earlier ({where})')
    for ev in dict.fromkeys(re.findall(r'\[([a-z0-9][a-z0-9-]*)\]', a.rationale)):
        if ev not in visible and ev in sc.evidence_map:
            c.add((*loc, 'rationale'), f'rationale cites [{ev}], which is not in stage {stage_id!r} or earlier')
        elif ev not in sc.evidence_map:
            c.add((*loc, 'rationale'), f'rationale cites [{ev}], which is not an evidence id')


def _check_assessments(c: _ScenarioCheck, i: int, s, visible: set[str]) -> None:
    """Each factor once per stage, in the framework, with its indicators and the evidence seen so far."""
    seen_factors: set[str] = set()
    for k, a in enumerate(s.assess):
        loc = ('stages', i, 'assess', k)
        if a.factor in seen_factors:
            c.add((*loc, 'factor'), f'factor {a.factor!r} is assessed twice in stage {s.id!r}')
        seen_factors.add(a.factor)
        factor = c.framework.factor(a.factor) if c.framework else None
        if c.framework and factor is None:
            c.add((*loc, 'factor'), f'factor {a.factor!r} is not in framework {c.framework.id!r}')
        _check_indicators(c, loc, a, factor)
        _check_cited_evidence(c, loc, s.id, a, visible)


def _graph_issue(c: _ScenarioCheck, issue) -> tuple[tuple, str]:
    """Where a branching problem sits in the file, and what to say."""
    sc = c.sc
    i = {s.id: n for n, s in enumerate(sc.stages)}.get(issue.node)
    if issue.kind == 'unknown_target':
        s = sc.stage_map[issue.node]
        o_i = next(n for n, o in enumerate(s.decision.options) if o.id == issue.option)
        b_i = next((n for n, b in enumerate(s.decision.options[o_i].branches) if b.next == issue.detail), None)
        loc = (('stages', i, 'decision', 'options', o_i, 'branches', b_i, 'next') if b_i is not None
               else ('stages', i, 'decision', 'options', o_i, 'next'))
        return loc, (f'option {issue.option!r} of stage {issue.node!r} leads nowhere: '
                     f'{issue.detail!r} is not a stage or ending id')
    if issue.kind == 'unreachable':
        loc = ('stages', i, 'id') if i is not None else (
            'endings', next(n for n, e in enumerate(sc.endings) if e.id == issue.node), 'id')
        what = 'stage' if i is not None else 'ending'
        return loc, f'{what} {issue.node!r} is unreachable from the start stage {sc.start!r}'
    if issue.kind == 'dead_end':
        return ('stages', i, 'id'), f'stage {issue.node!r} is a dead end: no ending can be reached from it'
    return ('stages', i, 'id'), f'stage {issue.node!r} leads back to {issue.detail!r}: stages must not loop'


def _check_expert_path(c: _ScenarioCheck) -> None:
    """Following the best option everywhere reaches an ending with full marks."""
    result = branching.expert_play(c.sc)
    if result.ending is None or result.percent < 100:
        c.add(('start',), f'the expert path ({" -> ".join(result.path)}) scores {result.percent:g}%, not full marks')


def check_scenario(sc: Scenario, data: Any, path: Path, problems: Problems, frameworks: dict[str, Framework]) -> bool:
    """Cross-reference checks, in named steps; records problems and returns True when the scenario is sound."""
    before = len(problems.items)
    c = _ScenarioCheck(sc, data, path, problems, frameworks.get(sc.framework))
    _check_identity(c, frameworks)
    _check_unique_ids(c)
    visible = visible_evidence(sc)
    for i, s in enumerate(sc.stages):
        _check_options(c, i, s)
        _check_assessments(c, i, s, visible[s.id])
    for issue in branching.graph_issues(sc):
        c.add(*_graph_issue(c, issue))
    if len(problems.items) == before:
        _check_expert_path(c)
        assessment.check_scenario_decisions(sc, data, path, problems)
    return len(problems.items) == before


def load_scenarios(base: Path, problems: Problems, frameworks: dict[str, Framework]) -> dict[str, Scenario]:
    """Load every scenario under ``base``; record each problem on ``problems``."""
    scenarios: dict[str, Scenario] = {}
    for path, data, sc in validated_files(base, Scenario, problems):
        if sc.slug in scenarios:
            problems.add(path, line_at(data, ('slug',)), f'duplicate scenario slug {sc.slug!r}')
            continue
        if check_scenario(sc, data, path, problems, frameworks):
            scenarios[sc.slug] = sc
    return scenarios
