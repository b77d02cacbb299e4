"""Whole scenarios: playing one through from its start (the expert path, property tests) and checking the graph
its decisions draw (unknown targets, unreachable nodes, dead ends, cycles). Pure Python, like the engine."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from training.scenarios.engine import (
    StageAnswer,
    StageResult,
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
    stages = {s.id: s for s in scenario.stages}
    endings = {e.id for e in scenario.endings}
    issues: list[GraphIssue] = []
    edges: dict[str, set[str]] = {}
    for stage in scenario.stages:
        targets: set[str] = set()
        for option in stage.decision.options:
            for target in option_targets(option):
                if target in stages or target in endings:
                    targets.add(target)
                else:
                    issues.append(GraphIssue('unknown_target', stage.id, target, option.id))
        edges[stage.id] = targets
    # reachability from start
    seen: set[str] = set()
    todo = [scenario.start] if scenario.start in stages else []
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        todo.extend(edges.get(node, ()))
    for node in [*stages, *endings]:
        if node not in seen:
            issues.append(GraphIssue('unreachable', node))
    # stages from which no ending can be reached
    can_end = set(endings)
    changed = True
    while changed:
        changed = False
        for node, targets in edges.items():
            if node not in can_end and targets & can_end:
                can_end.add(node)
                changed = True
    for node in stages:
        if node not in can_end:
            issues.append(GraphIssue('dead_end', node))
    # cycles (depth-first, colouring)
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

    for node in stages:
        if node not in colour:
            visit(node)
    return issues
