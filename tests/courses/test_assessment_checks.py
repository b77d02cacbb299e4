"""Assessment checks of ``content check``: no key given away by position or length, no post-test repeating its
pre-test, and banks large enough for parallel forms; each reported as ``path:line: message``."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from training.content import assessment
from training.content.base import ContentErrors
from training.content.courses import Option, Question
from training.content.registry import load_content

ROOT = Path(__file__).resolve().parents[2]
COURSE = 'understanding-atrocity-crimes'


def _q(qid, texts, key=0, qtype='single'):
    return Question(id=qid, type=qtype, prompt='?', options=tuple(
        Option(id=f'o{i}', text=t, correct=i == key, feedback='') for i, t in enumerate(texts)))


def test_key_position_rule_counts_keys_in_quizzes_of_five_or_more():
    first = [_q(f'q{n}', ['a', 'b', 'c', 'd'], key=0) for n in range(5)]
    assert 'first option' in assessment.position_problem(first)
    assert assessment.position_problem(first[:4]) is None  # too short to judge
    spread = [_q(f'q{n}', ['a', 'b', 'c', 'd'], key=n % 4) for n in range(5)]
    assert assessment.position_problem(spread) is None  # at most 2 of 5 (40 %) in one place


def test_length_rule_ignores_true_false_and_allows_forty_percent():
    long_key = [_q(f'q{n}', ['a much longer keyed option', 'short', 'brief'], key=0) for n in range(2)]
    fair = [_q(f'f{n}', ['key', 'a much longer distractor', 'brief'], key=0) for n in range(3)]
    true_false = [_q(f't{n}', ['True', 'False'], key=1, qtype='true_false') for n in range(5)]
    assert assessment.length_problem(long_key + fair + true_false) is None  # 2 of 5 judged
    message, longest = assessment.length_problem(long_key * 2 + fair + true_false)
    assert longest == ['q0', 'q1', 'q0', 'q1'] and '4 of 7' in message
    tie = [_q('t', ['same length', 'same length'], key=0)]
    assert assessment.length_problem(tie) is None  # strictly the longest only


@pytest.fixture
def tree(tmp_path):
    shutil.copytree(ROOT / 'courses' / COURSE, tmp_path / 'courses' / COURSE)
    shutil.copytree(ROOT / 'scenarios' / 'frameworks', tmp_path / 'scenarios' / 'frameworks')
    return tmp_path


def _problems(root) -> list[str]:
    with pytest.raises(ContentErrors) as exc:
        load_content(root)
    return [str(p) for p in exc.value.problems]


def _line(text: str, needle: str, start: int = 0) -> int:
    return text[:text.index(needle, start)].count('\n') + 1


def test_keys_moved_to_the_first_place_are_reported_at_the_quiz(tree):
    path = tree / 'courses' / COURSE / 'quizzes' / 'genocide-check.yaml'
    # every question of the practice quiz: put the keyed option first
    data = yaml.safe_load(path.read_text(encoding='utf-8'))
    for question in data['questions']:
        question['options'].sort(key=lambda o: not o.get('correct', False))
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding='utf-8')
    problems = _problems(tree)
    questions_line = _line(path.read_text(encoding='utf-8'), 'questions:')
    assert any(p.startswith(f'courses/{COURSE}/quizzes/genocide-check.yaml:{questions_line}: ')
               and 'are the first option' in p for p in problems), problems


def test_keys_that_are_the_longest_option_are_reported_at_the_first_such_question(tree):
    path = tree / 'courses' / COURSE / 'banks' / 'tests.yaml'
    # make every keyed option of the bank very long
    data = yaml.safe_load(path.read_text(encoding='utf-8'))
    for question in data['questions']:
        for option in question['options']:
            if option.get('correct'):
                option['text'] = option['text'] + ' - this is, in every respect, the most complete answer here'
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding='utf-8')
    problems = [p for p in _problems(tree) if 'the keyed option is the longest' in p]
    assert len(problems) == 1
    new = path.read_text(encoding='utf-8')
    first_options = _line(new, 'options:', new.index('- id: q1\n'))
    assert problems[0].startswith(f'courses/{COURSE}/banks/tests.yaml:{first_options}: quiz ')


def test_a_post_test_repeating_its_pre_test_is_an_error_unless_both_draw_from_one_bank(tree):
    quizzes = tree / 'courses' / COURSE / 'quizzes'
    bank = (tree / 'courses' / COURSE / 'banks' / 'tests.yaml').read_text(encoding='utf-8')
    questions = bank[bank.index('questions:'):]
    (quizzes / 'pre-test.yaml').write_text('title: Pre\nkind: pre-test\npass_mark: 70\n' + questions,
                                           encoding='utf-8')
    (quizzes / 'post-test.yaml').write_text('title: Post\nkind: post-test\npass_mark: 70\n' + questions,
                                            encoding='utf-8')
    (tree / 'courses' / COURSE / 'banks' / 'tests.yaml').unlink()
    problems = _problems(tree)
    assert [p for p in problems if 'the post-test repeats 20 item(s) of the pre-test' in p
            and p.startswith(f'courses/{COURSE}/quizzes/post-test.yaml:4: ')], problems


def test_parallel_forms_need_a_bank_twice_the_draw_per_objective(tree):
    quizzes = tree / 'courses' / COURSE / 'quizzes'
    for name in ('pre-test.yaml', 'post-test.yaml'):
        path = quizzes / name
        path.write_text(path.read_text(encoding='utf-8').replace('draw: 10', 'draw: 14'), encoding='utf-8')
    problems = _problems(tree)
    assert any("objective 'genocide-law': the pre-test and post-test draw 8 questions together but the bank has 6"
               in p for p in problems), problems


def test_the_best_decision_may_be_the_longest_option_in_at_most_half_the_stages(tmp_path):
    shutil.copytree(ROOT / 'scenarios' / 'frameworks', tmp_path / 'scenarios' / 'frameworks')
    data = yaml.safe_load((ROOT / 'scenarios' / 'transition-in-marenia.yaml').read_text(encoding='utf-8'))
    for stage in data['stages']:
        for option in stage['decision']['options']:
            if option['score'] == 10:
                option['text'] = option['text'] + ' ' + 'and more ' * 60
    path = tmp_path / 'scenarios' / 'transition-in-marenia.yaml'
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding='utf-8')
    problems = _problems(tmp_path)
    text = path.read_text(encoding='utf-8')
    first_options = _line(text, 'options:', text.index('decision:'))
    assert problems == [f'scenarios/transition-in-marenia.yaml:{first_options}: the best option is the longest in '
                        '5 of 5 decision points (at most half): make other options as long in stages s1, s2, '
                        's3a, s3b, s4']


def test_a_translated_bank_is_checked_for_length_cues_too(tree):
    folder = tree / 'courses' / COURSE
    tdir = folder / 'translations' / 'fr'
    (tdir / 'banks').mkdir(parents=True, exist_ok=True)
    shutil.copy(folder / 'course.yaml', tdir / 'course.yaml')
    data = yaml.safe_load((folder / 'banks' / 'tests.yaml').read_text(encoding='utf-8'))
    for question in data['questions']:
        for option in question['options']:
            if option.get('correct'):
                option['text'] += ' (la réponse la plus complète, et de loin la plus longue de toutes)'
    target = tdir / 'banks' / 'tests.yaml'
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding='utf-8')
    problems = _problems(tree)
    assert [p for p in problems if p.startswith(f'courses/{COURSE}/translations/fr/banks/tests.yaml:')
            and 'the keyed option is the longest' in p], problems
