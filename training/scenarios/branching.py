"""Whole scenarios: playing one through from its start (the expert path, property tests) and checking the graph
its decisions draw (unknown targets, unreachable nodes, dead ends, cycles). Pure Python, like the engine."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from training.scenarios.engine import (
    StageAnswer,
    StageResult,
    decision_targets,
    expert_answer,
    next_target,
    option_targets,
    running_percent,
    score_stage,
)


@dataclass(frozen=True)
class PlayResult:
    path: tuple[str, ...]
    results: tuple[StageResult, ...]
    ending: str | None

    @property
    def percent(self) -> float:
        return running_percent(self.results)


def play(scenario, answer_for: Callable[[object, Sequence[StageResult]], StageAnswer],
         max_stages: int = 200) -> PlayResult:
    """Play a whole scenario, asking ``answer_for(stage, results_so_far)`` at each stage."""
    stages = {s.id: s for s in scenario.stages}
    endings = {e.id for e in scenario.endings}
    current, path, results = scenario.start, [], []
    while current in stages and len(path) < max_stages:
        stage = stages[current]
        answer = answer_for(stage, tuple(results))
        results.append(score_stage(stage, answer))
        path.append(current)
        current = next_target(stage, answer.option, running_percent(results))
    return PlayResult(path=tuple(path), results=tuple(results), ending=current if current in endings else None)


def expert_play(scenario) -> PlayResult:
    return play(scenario, lambda stage, _results: expert_answer(stage))


@dataclass(frozen=True)
class GraphIssue:
    """A structural problem: ``kind`` is unknown_target | unreachable | dead_end | cycle."""

    kind: str
    node: str
    detail: str = ''
    option: str | None = None


def graph_issues(scenario) -> list[GraphIssue]:
    """Unknown targets, unreachable stages or endings, stages from which no ending can be reached, cycles."""
    stages = {s.id for s in scenario.stages}
    endings = {e.id for e in scenario.endings}
    issues = _unknown_targets(scenario, stages | endings)
    edges = {stage.id: set(decision_targets(stage)) & (stages | endings) for stage in scenario.stages}
    seen = _reachable(scenario.start, edges) if scenario.start in stages else set()
    issues += [GraphIssue('unreachable', node) for node in _node_ids(scenario) if node not in seen]
    can_end = _can_end(edges, endings)
    issues += [GraphIssue('dead_end', stage.id) for stage in scenario.stages if stage.id not in can_end]
    return issues + _cycles(scenario, edges, stages)


def _node_ids(scenario) -> list[str]:
    """Every stage id, then every ending id, in file order."""
    return [*(s.id for s in scenario.stages), *(e.id for e in scenario.endings)]


def _unknown_targets(scenario, known: set[str]) -> list[GraphIssue]:
    return [GraphIssue('unknown_target', stage.id, target, option.id)
            for stage in scenario.stages for option in stage.decision.options
            for target in option_targets(option) if target not in known]


def _reachable(start: str, edges: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(edges.get(node, ()))
    return seen


def _can_end(edges: dict[str, set[str]], endings: set[str]) -> set[str]:
    """The nodes from which an ending can be reached (the endings included)."""
    can_end = set(endings)
    changed = True
    while changed:
        changed = False
        for node, targets in edges.items():
            if node not in can_end and targets & can_end:
                can_end.add(node)
                changed = True
    return can_end


def _cycles(scenario, edges: dict[str, set[str]], stages: set[str]) -> list[GraphIssue]:
    """Edges that lead back to a stage on the current path (depth-first, colouring)."""
    issues: list[GraphIssue] = []
    colour: dict[str, int] = {}

    def visit(node: str) -> None:
        colour[node] = 1
        for target in sorted(edges.get(node, ())):
            if target not in stages:
                continue
            if colour.get(target) == 1:
                issues.append(GraphIssue('cycle', node, target))
            elif target not in colour:
                visit(target)
        colour[node] = 2

    for stage in scenario.stages:
        if stage.id not in colour:
            visit(stage.id)
    return issues
