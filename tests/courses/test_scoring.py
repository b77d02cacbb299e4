"""Pure rules: scoring, the completion rule, progress and knowledge gain (no app, no database)."""
from __future__ import annotations

from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from training.content.courses import Completion, Course, Lesson, Module, ModuleItem, Option, Question, Quiz
from training.courses.scoring import completion_status, knowledge_gain, progress_percent, score_quiz


def _q(qid, qtype, correct, options='abcd'):
    return Question(id=qid, type=qtype, prompt=f'Question {qid}?',
                    options=tuple(Option(id=o, text=o.upper(), correct=o in correct, feedback='') for o in options))


QUIZ = Quiz(id='check', title='Check', kind='practice', pass_mark=70, questions=(
    _q('q1', 'single', 'b'),
    _q('q2', 'multiple', 'ac'),
    _q('q3', 'true_false', 'a', options='ab'),
    _q('q4', 'single', 'd'),
))


def test_all_correct():
    result = score_quiz(QUIZ, {'q1': 'b', 'q2': ['a', 'c'], 'q3': ['a'], 'q4': 'd'})
    assert (result.correct_count, result.question_count, result.score, result.passed) == (4, 4, 100.0, True)


def test_multiple_choice_needs_exactly_the_correct_set():
    assert not score_quiz(QUIZ, {'q2': ['a']}).for_question('q2').correct
    assert not score_quiz(QUIZ, {'q2': ['a', 'b', 'c']}).for_question('q2').correct
    assert score_quiz(QUIZ, {'q2': ['c', 'a']}).for_question('q2').correct


def test_pass_mark_is_inclusive_and_unanswered_is_wrong():
    three = score_quiz(QUIZ, {'q1': 'b', 'q2': ['a', 'c'], 'q3': 'a'})
    assert three.score == 75.0 and three.passed
    two = score_quiz(QUIZ, {'q1': 'b', 'q2': ['a', 'c']})
    assert two.score == 50.0 and not two.passed
    assert score_quiz(QUIZ, {}).score == 0.0


def test_unknown_ids_and_extra_choices_are_ignored():
    # a forged form: several options for a single-choice question, unknown question and option ids
    result = score_quiz(QUIZ, {'q1': ['a', 'b'], 'q9': 'a', 'q4': ['zz'], 'q3': ['a', 'b']})
    assert not result.for_question('q1').correct  # only the first valid option of a single choice counts
    assert result.for_question('q4').chosen == frozenset()
    assert result.for_question('q3').chosen == frozenset({'a'})
    assert result.for_question('q9') is None


@pytest.mark.parametrize(('pass_mark', 'passed'), [(0, True), (50, True), (51, False), (100, False)])
def test_pass_mark_boundaries(pass_mark, passed):
    quiz = Quiz(id='x', title='x', kind='practice', pass_mark=pass_mark, questions=QUIZ.questions)
    assert score_quiz(quiz, {'q1': 'b', 'q2': ['a', 'c']}).passed is passed


def _course(lessons='all', pass_quizzes=('m1-check',), pass_post_test=True):
    lesson_objs = tuple(Lesson(id=f'l{i}', title=f'L{i}', minutes=10, module_id='m1', factors=(), references=(),
                               html=Markup('')) for i in range(1, 5))
    return Course(
        slug='c', title='C', summary='', language='en', level='introductory', estimated_hours=2, version=1,
        completion=Completion(lessons=lessons, pass_quizzes=pass_quizzes, pass_post_test=pass_post_test),
        modules=(Module(id='m1', title='M1', summary='',
                        items=tuple(ModuleItem(kind='lesson', id=x.id) for x in lesson_objs)),),
        references=(), lessons=lesson_objs, quizzes=MappingProxyType({}), pre_test_id='pre', post_test_id='post')


def test_completion_rule_all_conditions():
    course = _course()
    assert not completion_status(course, ['l1', 'l2', 'l3'], ['m1-check', 'post']).met
    assert not completion_status(course, ['l1', 'l2', 'l3', 'l4'], ['post']).met
    assert not completion_status(course, ['l1', 'l2', 'l3', 'l4'], ['m1-check']).met
    status = completion_status(course, ['l1', 'l2', 'l3', 'l4'], ['m1-check', 'post'])
    assert status.met and status.lessons_done == 4 and status.quizzes_missing == ()


def test_completion_rule_variants():
    assert completion_status(_course(lessons=2, pass_quizzes=(), pass_post_test=False), ['l1', 'l4'], []).met
    assert not completion_status(_course(lessons=3, pass_quizzes=(), pass_post_test=False), ['l1', 'l4'], []).met
    # a retired lesson (no longer in the files) neither helps nor blocks
    status = completion_status(_course(pass_quizzes=(), pass_post_test=False), ['l1', 'l2', 'l3', 'old'], [])
    assert status.lessons_done == 3 and not status.met


def test_progress_and_gain():
    course = _course()
    assert progress_percent(course, []) == 0
    assert progress_percent(course, ['l1', 'old']) == 25
    assert progress_percent(course, ['l1', 'l2', 'l3', 'l4']) == 100
    assert knowledge_gain(40.0, 90.0) == 50.0
    assert knowledge_gain(None, 90.0) is None and knowledge_gain(50.0, None) is None

_answer = st.one_of(st.none(), st.sampled_from('abcdz'), st.lists(st.sampled_from('abcdz'), max_size=5))


@given(st.dictionaries(st.sampled_from(['q1', 'q2', 'q3', 'q4', 'q9']), _answer))
def test_any_submission_scores_within_bounds(answers):
    result = score_quiz(QUIZ, answers)
    assert 0.0 <= result.score <= 100.0
    assert result.passed == (result.score >= QUIZ.pass_mark)
    assert result.correct_count == sum(r.correct for r in result.questions) <= result.question_count == 4
    for r in result.questions:
        question = next(q for q in QUIZ.questions if q.id == r.question_id)
        assert r.chosen <= {o.id for o in question.options}
        if question.type != 'multiple':
            assert len(r.chosen) <= 1


@given(st.permutations(['a', 'c']))
def test_option_order_does_not_matter(order):
    assert score_quiz(QUIZ, {'q2': list(order)}).for_question('q2').correct
