"""The scenario engine: scoring with partial credit, branching and feedback. Pure Python.

No Flask, no database: it works on any objects shaped like the content models of
``training.content.scenarios`` (duck typing), so it is unit- and property-tested without an app.

A stage asks for two kinds of step, each a *step type* in :data:`STEP_TYPES` (a registry keyed by the
stage attribute it reads, in the spirit of CTFd's challenge classes but without any I/O):

- ``assess``: one entry per framework factor; risk level on a 4-point ordinal scale, indicators present,
  evidence cited. Scored against the expert key with partial credit.
- ``decision``: the preventive option chosen; scored by the option's own score (0-10).

Feedback is returned as :class:`Note` objects (a code and its parameters), never as sentences: the web layer
turns them into translated text, so this module stays free of any translation machinery.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

#: The 4-point ordinal risk scale, lowest first.
LEVELS: tuple[str, ...] = ('low', 'moderate', 'high', 'very_high')
#: Credit for the level by distance on the scale (0 steps away = full credit). Strictly decreasing.
LEVEL_CREDIT: tuple[float, ...] = (1.0, 0.5, 0.2, 0.0)
#: Points per assessed factor: level, indicators, evidence.
LEVEL_POINTS = 5.0
INDICATOR_POINTS = 3.0
EVIDENCE_POINTS = 2.0
FACTOR_POINTS = LEVEL_POINTS + INDICATOR_POINTS + EVIDENCE_POINTS
#: Points for the decision (an option's score is 0..10).
DECISION_POINTS = 10.0
MAX_OPTION_SCORE = 10
#: The points of each part of an answer, as the exercise page explains them.
SCORING: dict[str, float] = {'factor': FACTOR_POINTS, 'level': LEVEL_POINTS, 'indicators': INDICATOR_POINTS,
                             'evidence': EVIDENCE_POINTS, 'decision': DECISION_POINTS}
#: Evidence is scored by an F-beta measure that weighs recall above precision (citing the key's evidence
#: matters more than citing a little extra).
EVIDENCE_BETA = 2.0


# ---------------------------------------------------------------------------------------------- answers

@dataclass(frozen=True)
class FactorAnswer:
    """A trainee's (or team's) assessment of one factor at one stage."""

    factor: str
    level: str | None = None
    indicators: frozenset[str] = frozenset()
    evidence: frozenset[str] = frozenset()
    justification: str = ''

    def __post_init__(self):
        object.__setattr__(self, 'indicators', frozenset(self.indicators))
        object.__setattr__(self, 'evidence', frozenset(self.evidence))
        if self.level is not None and self.level not in LEVELS:
            raise ValueError(f'unknown level {self.level!r}')


@dataclass(frozen=True)
class StageAnswer:
    """Everything submitted for one stage: an assessment per factor and the option chosen."""

    assessments: Mapping[str, FactorAnswer] = field(default_factory=dict)
    option: str | None = None


# ---------------------------------------------------------------------------------------------- results

@dataclass(frozen=True)
class Note:
    """One explained difference from the expert key (or a confirmation). ``code`` selects the sentence."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class FactorResult:
    factor: str
    level: str | None
    expert_level: str
    #: signed distance on the scale: positive = rated higher than the key, None = no level given
    level_diff: int | None
    level_points: float
    indicator_points: float
    evidence_points: float
    precision: float
    recall: float
    indicators_missed: tuple[str, ...]
    indicators_extra: tuple[str, ...]
    evidence_missed: tuple[str, ...]
    evidence_extra: tuple[str, ...]
    notes: tuple[Note, ...]
    max_points: float = FACTOR_POINTS

    @property
    def points(self) -> float:
        return round(self.level_points + self.indicator_points + self.evidence_points, 4)

    @property
    def verdict(self) -> str:
        return verdict(self.level_diff)


@dataclass(frozen=True)
class DecisionResult:
    option: str | None
    option_score: int
    best_options: tuple[str, ...]
    points: float
    notes: tuple[Note, ...]
    max_points: float = DECISION_POINTS


@dataclass(frozen=True)
class StageResult:
    stage: str
    factors: tuple[FactorResult, ...]
    decision: DecisionResult

    @property
    def points(self) -> float:
        return round(sum(f.points for f in self.factors) + self.decision.points, 4)

    @property
    def max_points(self) -> float:
        return sum(f.max_points for f in self.factors) + self.decision.max_points

    @property
    def percent(self) -> float:
        return percent(self.points, self.max_points)


# ---------------------------------------------------------------------------------------------- measures

def percent(points: float, max_points: float, *, empty: float = 100.0) -> float:
    """Points as a percentage of the maximum, to two decimals: the one rule for every score shown or compared.
    ``empty`` is the answer when there is nothing to score: full marks for a stage or a play (nothing to get
    wrong), none for an attempt that has not answered anything yet (``empty=0``)."""
    return round(100.0 * points / max_points, 2) if max_points else empty


def verdict(level_diff: int | None) -> str:
    """right | over | under | missing: how a level compares with the key, from its signed distance."""
    if level_diff is None:
        return 'missing'
    return 'right' if level_diff == 0 else ('over' if level_diff > 0 else 'under')


def level_distance(a: str, b: str) -> int:
    """Signed distance from ``b`` to ``a`` on the ordinal scale."""
    return LEVELS.index(a) - LEVELS.index(b)


def level_credit(level: str | None, expert: str) -> float:
    if level is None:
        return 0.0
    return LEVEL_CREDIT[abs(level_distance(level, expert))]


def precision_recall(chosen: Iterable[str], key: Iterable[str]) -> tuple[float, float]:
    """Precision and recall of a selection against the key. Empty against empty is perfect."""
    chosen, key = set(chosen), set(key)
    hits = len(chosen & key)
    precision = hits / len(chosen) if chosen else 1.0
    recall = hits / len(key) if key else 1.0
    return precision, recall


def f_beta(precision: float, recall: float, beta: float = 1.0) -> float:
    if precision <= 0 and recall <= 0:
        return 0.0
    b2 = beta * beta
    denominator = b2 * precision + recall
    return (1 + b2) * precision * recall / denominator if denominator else 0.0


def selection_credit(chosen: Iterable[str], key: Iterable[str], beta: float = 1.0) -> float:
    chosen, key = set(chosen), set(key)
    if not chosen and not key:
        return 1.0
    if not key:
        return 0.0
    return f_beta(*precision_recall(chosen, key), beta=beta)


def sorted_ids(ids: Iterable[str]) -> tuple[str, ...]:
    """Framework ids sorted numerically where they look like numbers ("1.2" < "1.10")."""
    def key(value: str):
        parts = value.split('.')
        return tuple((0, int(p), '') if p.isdigit() else (1, 0, p) for p in parts)
    return tuple(sorted(set(ids), key=key))


# ---------------------------------------------------------------------------------------------- step types

class AssessStep:
    """Scores one factor assessment against the expert key."""

    kind = 'assess'

    @staticmethod
    def score(key, answer: FactorAnswer | None) -> FactorResult:
        answer = answer or FactorAnswer(factor=key.factor)
        notes: list[Note] = []
        if answer.level is None:
            diff = None
            notes.append(Note('level_missing', {'expert': key.level}))
        else:
            diff = level_distance(answer.level, key.level)
            if diff == 0:
                notes.append(Note('level_right', {'level': key.level}))
            else:
                notes.append(Note('level_over' if diff > 0 else 'level_under',
                                  {'level': answer.level, 'expert': key.level, 'steps': abs(diff)}))
        key_ind, key_ev = set(key.indicators), set(key.evidence)
        chosen = answer.indicators - (set(key.acceptable) - key_ind)   # acceptable ones neither earn nor cost
        missed = sorted_ids(key_ind - chosen)
        extra = sorted_ids(chosen - key_ind)
        ev_missed = sorted_ids(key_ev - answer.evidence)
        ev_extra = sorted_ids(answer.evidence - key_ev)
        if not missed and not extra:
            notes.append(Note('indicators_right', {'count': len(key_ind)}))
        for ind in missed:
            notes.append(Note('indicator_missed', {'indicator': ind}))
        for ind in extra:
            notes.append(Note('indicator_extra', {'indicator': ind}))
        if ev_missed:
            notes.append(Note('evidence_missed', {'evidence': ev_missed}))
        if ev_extra:
            notes.append(Note('evidence_extra', {'evidence': ev_extra}))
        if not ev_missed and not ev_extra:
            notes.append(Note('evidence_right', {'count': len(key_ev)}))
        precision, recall = precision_recall(chosen, key_ind)
        return FactorResult(
            factor=key.factor, level=answer.level, expert_level=key.level, level_diff=diff,
            level_points=round(LEVEL_POINTS * level_credit(answer.level, key.level), 4),
            indicator_points=round(INDICATOR_POINTS * selection_credit(chosen, key_ind), 4),
            evidence_points=round(EVIDENCE_POINTS * selection_credit(answer.evidence, key_ev, EVIDENCE_BETA), 4),
            precision=round(precision, 4), recall=round(recall, 4),
            indicators_missed=missed, indicators_extra=extra, evidence_missed=ev_missed, evidence_extra=ev_extra,
            notes=tuple(notes))

    @staticmethod
    def expert(key) -> FactorAnswer:
        return FactorAnswer(factor=key.factor, level=key.level, indicators=frozenset(key.indicators),
                            evidence=frozenset(key.evidence))


class DecisionStep:
    """Scores the option chosen at a stage's decision."""

    kind = 'decision'

    @staticmethod
    def score(decision, option_id: str | None) -> DecisionResult:
        options = {o.id: o for o in decision.options}
        top = max((o.score for o in decision.options), default=0)
        best = tuple(o.id for o in decision.options if o.score == top)
        option = options.get(option_id) if option_id else None
        if option is None:
            return DecisionResult(option=None, option_score=0, best_options=best, points=0.0,
                                  notes=(Note('decision_missing', {'best': best}),))
        points = round(DECISION_POINTS * option.score / MAX_OPTION_SCORE, 4)
        code = 'decision_best' if option.score == top else 'decision_other'
        return DecisionResult(option=option.id, option_score=option.score, best_options=best, points=points,
                              notes=(Note(code, {'score': option.score, 'best': best}),))

    @staticmethod
    def expert(decision) -> str | None:
        best = max(decision.options, key=lambda o: o.score, default=None)
        return best.id if best else None


#: Step types by the stage attribute they read.
STEP_TYPES: dict[str, type] = {'assess': AssessStep, 'decision': DecisionStep}


def step_type(kind: str):
    try:
        return STEP_TYPES[kind]
    except KeyError:
        raise KeyError(f'unknown step type {kind!r}') from None


# ---------------------------------------------------------------------------------------------- stages

def score_stage(stage, answer: StageAnswer) -> StageResult:
    assess = step_type('assess')
    factors = tuple(assess.score(key, answer.assessments.get(key.factor)) for key in stage.assess)
    decision = step_type('decision').score(stage.decision, answer.option)
    return StageResult(stage=stage.id, factors=factors, decision=decision)


def expert_answer(stage) -> StageAnswer:
    assess = step_type('assess')
    return StageAnswer(assessments={k.factor: assess.expert(k) for k in stage.assess},
                       option=step_type('decision').expert(stage.decision))


def running_percent(results: Iterable[StageResult]) -> float:
    results = list(results)
    return percent(sum(r.points for r in results), sum(r.max_points for r in results))


def next_target(stage, option_id: str, score_so_far: float) -> str:
    """Where the option leads: the first branch whose ``min_score`` the running percent reaches, else ``next``."""
    option = next((o for o in stage.decision.options if o.id == option_id), None)
    if option is None:
        raise KeyError(f'stage {stage.id!r} has no option {option_id!r}')
    for branch in option.branches:
        if score_so_far >= branch.min_score:
            return branch.next
    return option.next


def option_targets(option) -> tuple[str, ...]:
    return (*(b.next for b in option.branches), option.next)


def decision_targets(stage) -> tuple[str, ...]:
    """Every stage or ending the stage's decision may lead to (any option, any branch), in order, once each."""
    return tuple(dict.fromkeys(t for o in stage.decision.options for t in option_targets(o)))


def room_target(stage, counts: Mapping[str, int], percents: Sequence[float]) -> str:
    """Where a room of teams goes after ``stage``: the option most teams chose (ties go to the better option),
    scored at the teams' mean running percent. Without any choice, the first option's target."""
    if not any(counts.values()):
        return stage.decision.options[0].next
    option = max(stage.decision.options, key=lambda o: (counts.get(o.id, 0), o.score))
    return next_target(stage, option.id, sum(percents) / len(percents) if percents else 0.0)
