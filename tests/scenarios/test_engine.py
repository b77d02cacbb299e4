"""The scenario engine: pure scoring, branching and feedback (no app, no database)."""
from __future__ import annotations

from types import SimpleNamespace as NS

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from training.scenarios import branching, engine
from training.scenarios.engine import LEVELS, FactorAnswer, StageAnswer

IND = ['1.1', '1.2', '1.3', '1.4', '1.5', '1.10']
EV = ['e1', 'e2', 'e3', 'e4']


def key(level='high', indicators=('1.1', '1.3'), evidence=('e1', 'e2'), factor='1', acceptable=()):
    return NS(factor=factor, level=level, indicators=tuple(indicators), evidence=tuple(evidence), rationale='x',
              acceptable=tuple(acceptable))


def option(id, score, next, branches=()):
    return NS(id=id, score=score, next=next, branches=tuple(NS(min_score=m, next=n) for m, n in branches))


def stage(id='s1', keys=None, options=None):
    return NS(id=id, assess=tuple(keys or [key()]),
              decision=NS(options=tuple(options or [option('a', 10, 'end'), option('b', 3, 'end')])))


def scenario(stages, endings=('end',), start='s1'):
    return NS(start=start, stages=tuple(stages), endings=tuple(NS(id=e) for e in endings))


# ------------------------------------------------------------------------------------------- unit tests

def test_expert_answer_scores_full_marks():
    s = stage(keys=[key(), key(factor='2', level='low', indicators=(), evidence=('e3',))])
    result = engine.score_stage(s, engine.expert_answer(s))
    assert result.points == result.max_points == 30
    assert result.percent == 100
    assert [f.verdict for f in result.factors] == ['right', 'right']
    assert result.decision.notes[0].code == 'decision_best'


def test_level_partial_credit_by_distance():
    k = key(level='high')
    points = [engine.AssessStep.score(k, FactorAnswer('1', lvl, {'1.1', '1.3'}, {'e1', 'e2'})).level_points
              for lvl in LEVELS]
    assert points == [1.0, 2.5, 5.0, 2.5]


def test_indicators_by_precision_and_recall():
    k = key(indicators=('1.1', '1.3'))
    r = engine.AssessStep.score(k, FactorAnswer('1', 'high', {'1.1', '1.2'}, {'e1', 'e2'}))
    assert (r.precision, r.recall) == (0.5, 0.5)
    assert r.indicator_points == pytest.approx(1.5)
    assert r.indicators_missed == ('1.3',) and r.indicators_extra == ('1.2',)
    codes = [n.code for n in r.notes]
    assert 'indicator_missed' in codes and 'indicator_extra' in codes


def test_empty_key_and_empty_answer_is_right():
    r = engine.AssessStep.score(key(indicators=()), FactorAnswer('1', 'high', set(), {'e1', 'e2'}))
    assert r.indicator_points == engine.INDICATOR_POINTS
    r = engine.AssessStep.score(key(indicators=()), FactorAnswer('1', 'high', {'1.1'}, {'e1', 'e2'}))
    assert r.indicator_points == 0


def test_acceptable_indicators_neither_earn_nor_cost():
    """A key with no indicators used to give 0 to any ticked indicator, even a defensible one."""
    empty = key(indicators=(), acceptable=('1.4',))
    assert engine.AssessStep.score(empty, FactorAnswer('1', 'high', {'1.4'}, {'e1', 'e2'})).indicator_points \
        == engine.INDICATOR_POINTS
    r = engine.AssessStep.score(empty, FactorAnswer('1', 'high', {'1.4', '1.5'}, {'e1', 'e2'}))
    assert r.indicator_points == 0 and r.indicators_extra == ('1.5',)      # other indicators still cost
    k = key(indicators=('1.1',), acceptable=('1.2',))
    with_acceptable = engine.AssessStep.score(k, FactorAnswer('1', 'high', {'1.1', '1.2'}, {'e1', 'e2'}))
    assert with_acceptable.indicator_points == engine.INDICATOR_POINTS and not with_acceptable.indicators_extra
    without = engine.AssessStep.score(k, FactorAnswer('1', 'high', {'1.2'}, {'e1', 'e2'}))
    assert without.indicator_points == 0 and without.indicators_missed == ('1.1',)   # it does not replace the key


def test_evidence_recall_weighs_more_than_precision():
    k = key(evidence=('e1', 'e2'))
    all_cited = engine.AssessStep.score(k, FactorAnswer('1', 'high', {'1.1', '1.3'}, set(EV)))
    half_cited = engine.AssessStep.score(k, FactorAnswer('1', 'high', {'1.1', '1.3'}, {'e1'}))
    assert all_cited.evidence_points > half_cited.evidence_points > 0
    assert all_cited.evidence_extra == ('e3', 'e4')


def test_missing_assessment_and_decision_score_zero_with_notes():
    s = stage()
    result = engine.score_stage(s, StageAnswer())
    assert result.factors[0].verdict == 'missing'
    assert result.factors[0].level_points == 0
    assert result.decision.points == 0 and result.decision.notes[0].code == 'decision_missing'


def test_feedback_explains_level_difference():
    r = engine.AssessStep.score(key(level='moderate'), FactorAnswer('1', 'very_high'))
    note = r.notes[0]
    assert note.code == 'level_over' and note.params == {'level': 'very_high', 'expert': 'moderate', 'steps': 2}
    r = engine.AssessStep.score(key(level='high'), FactorAnswer('1', 'low'))
    assert r.notes[0].code == 'level_under' and r.verdict == 'under' and r.level_diff == -2


def test_unknown_level_refused():
    with pytest.raises(ValueError):
        FactorAnswer('1', 'extreme')


def test_next_target_branches_on_running_score():
    s = stage(options=[option('a', 10, 's2', branches=[(70, 's3')]), option('b', 2, 's2')])
    assert engine.next_target(s, 'a', 70) == 's3'
    assert engine.next_target(s, 'a', 69.99) == 's2'
    assert engine.next_target(s, 'b', 100) == 's2'
    with pytest.raises(KeyError):
        engine.next_target(s, 'zz', 50)


def test_decision_targets_every_option_and_branch_once():
    s = stage(options=[option('a', 10, 's2', branches=[(70, 's3')]), option('b', 2, 's2'), option('c', 0, 'end')])
    assert engine.decision_targets(s) == ('s3', 's2', 'end')


def test_room_target_follows_the_majority_at_the_mean_score():
    s = stage(options=[option('a', 10, 's2', branches=[(70, 's3')]), option('b', 2, 's4')])
    assert engine.room_target(s, {'a': 2, 'b': 1}, [80, 70]) == 's3'
    assert engine.room_target(s, {'a': 2, 'b': 1}, [80, 50]) == 's2'
    assert engine.room_target(s, {'a': 1, 'b': 1}, [100]) == 's3'  # a tie goes to the better option
    assert engine.room_target(s, {'b': 3}, [100]) == 's4'
    assert engine.room_target(s, {}, []) == 's2'  # nobody answered: the first option's target


def test_one_percent_and_verdict_rule():
    assert engine.percent(1, 3) == 33.33
    assert engine.percent(0, 0) == 100.0 and engine.percent(0, 0, empty=0.0) == 0.0
    assert [engine.verdict(d) for d in (None, 0, 2, -1)] == ['missing', 'right', 'over', 'under']


def test_play_follows_choices_to_an_ending():
    s1 = stage('s1', options=[option('a', 10, 's2', branches=[(90, 's3')]), option('b', 0, 's2')])
    s2 = stage('s2', options=[option('a', 10, 'end-good'), option('b', 0, 'end-bad')])
    s3 = stage('s3', options=[option('a', 10, 'end-good'), option('b', 0, 'end-bad')])
    sc = scenario([s1, s2, s3], endings=('end-good', 'end-bad'))
    expert = branching.expert_play(sc)
    assert expert.path == ('s1', 's3') and expert.ending == 'end-good' and expert.percent == 100
    weak = branching.play(sc, lambda st, _r: StageAnswer(option='b'))
    assert weak.path == ('s1', 's2') and weak.ending == 'end-bad' and weak.percent == 0


def test_step_type_registry():
    assert set(engine.STEP_TYPES) == {'assess', 'decision'}
    with pytest.raises(KeyError):
        engine.step_type('essay')


def test_graph_issues():
    s1 = stage('s1', options=[option('a', 10, 's2'), option('b', 0, 'nowhere')])
    s2 = stage('s2', options=[option('a', 10, 's1'), option('b', 0, 's1')])
    s4 = stage('s4', options=[option('a', 10, 'end'), option('b', 0, 'end')])
    issues = branching.graph_issues(scenario([s1, s2, s4], endings=('end', 'end-unused')))
    kinds = {(i.kind, i.node) for i in issues}
    assert ('unknown_target', 's1') in kinds
    assert ('unreachable', 's4') in kinds and ('unreachable', 'end-unused') in kinds and ('unreachable', 'end') in kinds
    assert ('dead_end', 's1') in kinds and ('dead_end', 's2') in kinds
    assert any(i.kind == 'cycle' for i in issues)


def test_sound_graph_has_no_issues():
    s1 = stage('s1', options=[option('a', 10, 's2', branches=[(50, 'end')]), option('b', 0, 's2')])
    s2 = stage('s2', options=[option('a', 10, 'end'), option('b', 0, 'end')])
    assert branching.graph_issues(scenario([s1, s2])) == []


def test_ids_sorted_numerically():
    r = engine.AssessStep.score(key(indicators=('1.10', '1.2', '1.1')), FactorAnswer('1', 'high'))
    assert r.indicators_missed == ('1.1', '1.2', '1.10')


def test_shipped_scenarios_expert_path_full_marks():
    from pathlib import Path

    from training.content.registry import load_content
    registry = load_content(Path(__file__).resolve().parents[2])
    assert len(registry.scenarios) >= 3
    for sc in registry.scenarios.values():
        result = branching.expert_play(sc)
        assert result.ending is not None and result.percent == 100, sc.slug
        assert len(result.path) >= 4 or sc.shortest_length >= 3


# ------------------------------------------------------------------------------------------- properties

levels = st.sampled_from(LEVELS)
subsets = st.frozensets(st.sampled_from(IND))
ev_subsets = st.frozensets(st.sampled_from(EV))


@st.composite
def keys(draw):
    return key(level=draw(levels), indicators=tuple(draw(subsets)), evidence=tuple(draw(ev_subsets)))


@st.composite
def answers(draw):
    return FactorAnswer('1', draw(st.one_of(st.none(), levels)), draw(subsets), draw(ev_subsets),
                        draw(st.text(max_size=20)))


@settings(max_examples=300, deadline=None)
@given(keys(), answers())
def test_factor_score_within_bounds(k, a):
    r = engine.AssessStep.score(k, a)
    assert 0 <= r.level_points <= engine.LEVEL_POINTS
    assert 0 <= r.indicator_points <= engine.INDICATOR_POINTS
    assert 0 <= r.evidence_points <= engine.EVIDENCE_POINTS
    assert 0 <= r.points <= r.max_points
    assert 0 <= r.precision <= 1 and 0 <= r.recall <= 1
    assert r.notes


@settings(max_examples=200, deadline=None)
@given(keys())
def test_expert_answer_is_full_marks(k):
    r = engine.AssessStep.score(k, engine.AssessStep.expert(k))
    assert r.points == r.max_points
    assert r.verdict == 'right'
    assert not (r.indicators_missed or r.indicators_extra or r.evidence_missed or r.evidence_extra)


@settings(max_examples=200, deadline=None)
@given(keys(), answers())
def test_full_marks_only_for_the_expert_answer(k, a):
    r = engine.AssessStep.score(k, a)
    if r.points == r.max_points:
        assert a.level == k.level and a.indicators == set(k.indicators) and a.evidence == set(k.evidence)


@settings(max_examples=200, deadline=None)
@given(levels, levels, levels)
def test_level_credit_monotonic_in_distance(expert, a, b):
    da, db = abs(engine.level_distance(a, expert)), abs(engine.level_distance(b, expert))
    if da < db:
        assert engine.level_credit(a, expert) > engine.level_credit(b, expert)
    elif da == db:
        assert engine.level_credit(a, expert) == engine.level_credit(b, expert)


@settings(max_examples=200, deadline=None)
@given(keys(), answers(), st.sampled_from(IND))
def test_adding_a_key_indicator_never_lowers_the_score(k, a, ind):
    if ind not in k.indicators:
        return
    before = engine.AssessStep.score(k, a).indicator_points
    after = engine.AssessStep.score(k, FactorAnswer('1', a.level, a.indicators | {ind}, a.evidence)).indicator_points
    assert after >= before - 1e-9


@settings(max_examples=200, deadline=None)
@given(keys(), answers(), st.sampled_from(IND))
def test_adding_a_wrong_indicator_never_raises_the_score(k, a, ind):
    if ind in k.indicators:
        return
    before = engine.AssessStep.score(k, a).indicator_points
    after = engine.AssessStep.score(k, FactorAnswer('1', a.level, a.indicators | {ind}, a.evidence)).indicator_points
    assert after <= before + 1e-9


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(keys(), answers()), min_size=1, max_size=4),
       st.sampled_from(['a', 'b', None]))
def test_stage_percent_within_bounds(pairs, opt):
    keys_ = [key(factor=str(i + 1), level=k.level, indicators=k.indicators, evidence=k.evidence)
             for i, (k, _a) in enumerate(pairs)]
    s = stage(keys=keys_)
    answer = StageAnswer({str(i + 1): FactorAnswer(str(i + 1), a.level, a.indicators, a.evidence)
                          for i, (_k, a) in enumerate(pairs)}, opt)
    r = engine.score_stage(s, answer)
    assert 0 <= r.percent <= 100
    assert 0 <= engine.running_percent([r, r]) <= 100


@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=0, max_value=100), st.floats(min_value=0, max_value=100))
def test_branching_monotonic_in_score(low, high):
    low, high = min(low, high), max(low, high)
    s = stage(options=[option('a', 10, 'base', branches=[(80, 'top'), (50, 'mid')]), option('b', 0, 'base')])
    order = {'base': 0, 'mid': 1, 'top': 2}
    assert order[engine.next_target(s, 'a', low)] <= order[engine.next_target(s, 'a', high)]


def test_engine_is_pure_python():
    """No Flask, database or web import in the engine: it runs anywhere, tested without an app."""
    import ast
    from pathlib import Path
    tree = ast.parse(Path(engine.__file__).read_text(encoding='utf-8'))
    imported = {alias.name.split('.')[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {(node.module or '').split('.')[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {'__future__', 'collections', 'dataclasses', 'typing'}, imported


def _shipped():
    from pathlib import Path

    from training.content.registry import load_content_cached
    return load_content_cached(Path(__file__).resolve().parents[2])


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_play_of_a_shipped_scenario_reaches_an_ending(data):
    """Whatever a trainee answers, the story ends at one of its endings, within bounds, without looping."""
    registry = _shipped()
    sc = registry.scenario(data.draw(st.sampled_from(sorted(registry.scenarios))))
    fw = registry.framework(sc.framework)

    def answer(stage, _results):
        assessments = {}
        for key in stage.assess:
            factor = fw.factor(key.factor)
            assessments[key.factor] = FactorAnswer(
                key.factor, data.draw(st.one_of(st.none(), levels)),
                data.draw(st.frozensets(st.sampled_from([i.id for i in factor.indicators]))),
                data.draw(st.frozensets(st.sampled_from(sorted(sc.evidence_map)), max_size=4)))
        return StageAnswer(assessments, data.draw(st.sampled_from([o.id for o in stage.decision.options])))

    result = branching.play(sc, answer)
    assert result.ending in sc.ending_map
    assert len(result.path) == len(set(result.path)) <= len(sc.stages)
    assert 0 <= result.percent <= 100
