"""Content files that say too little, and the course navigation and tag lookups that live on the content objects."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from training.content.cli import content as content_cli
from training.content.registry import load_content
from training.courses.scoring import feedback_shown
from training.vocab import QuizKind

ROOT = Path(__file__).resolve().parents[2]
COURSE = 'understanding-atrocity-crimes'


@pytest.fixture
def tree(tmp_path):
    shutil.copytree(ROOT / 'courses', tmp_path / 'courses')
    shutil.copytree(ROOT / 'scenarios' / 'frameworks', tmp_path / 'scenarios' / 'frameworks')
    return tmp_path


def _check(root) -> tuple[int, list[str]]:
    result = CliRunner().invoke(content_cli, ['check', str(root)])
    return result.exit_code, result.output.strip().splitlines()


@pytest.mark.parametrize('text', ['', '\n\n', '# nothing yet\n'])
def test_content_check_refuses_an_empty_course_yaml(tree, text):
    (tree / 'courses' / COURSE / 'course.yaml').write_text(text, encoding='utf-8')
    code, lines = _check(tree)
    assert code == 1
    assert f'courses/{COURSE}/course.yaml:1: the file is empty: it needs the keys described in ' \
           'docs/content-format.md' in lines


def test_content_check_refuses_a_partial_course_yaml(tree):
    (tree / 'courses' / COURSE / 'course.yaml').write_text(
        f'slug: {COURSE}\ntitle: Half a course\nlanguage: en\n', encoding='utf-8')
    code, lines = _check(tree)
    assert code == 1
    missing = [line for line in lines if line.startswith(f'courses/{COURSE}/course.yaml:1: ')]
    for key in ('summary', 'level', 'estimated_hours', 'pre_test', 'post_test', 'completion', 'modules'):
        assert any(key in line for line in missing), (key, lines)


def test_an_empty_quiz_file_is_reported(tree):
    (tree / 'courses' / COURSE / 'quizzes' / 'genocide-check.yaml').write_text('', encoding='utf-8')
    code, lines = _check(tree)
    assert code == 1
    assert any(line.startswith(f'courses/{COURSE}/quizzes/genocide-check.yaml:1: the file is empty')
               for line in lines)


def test_course_steps_run_from_pre_test_to_post_test():
    course = load_content(ROOT).courses[COURSE]
    steps = course.steps
    assert steps[0] == ('quiz', course.pre_test_id) and steps[-1] == ('quiz', course.post_test_id)
    assert [s for s in steps if s[0] == 'lesson'] == [('lesson', i) for i in course.lesson_ids]
    assert course.step_after(*steps[0]) == steps[1]
    assert course.step_after(*steps[-1]) is None and course.step_after('lesson', 'no-such-lesson') is None
    first = course.lessons[0]
    assert course.position(first.id) == 1
    assert all(r.id in first.references for r in course.references_of(first))


def test_factor_tags_resolve_on_the_registry():
    registry = load_content(ROOT)
    tagged = next(lesson for c in registry.courses.values() for lesson in c.lessons if lesson.factors)
    found = registry.factors((*tagged.factors, 'no-such-framework:1', 'foa-2014:no-such-factor'))
    assert [f'{fw.id}:{factor.id}' for fw, factor in found] == list(tagged.factors)


@pytest.mark.parametrize(('kind', 'passed', 'shown'), [
    (QuizKind.practice, False, 'full'), (QuizKind.practice, True, 'full'),
    (QuizKind.pre_test, True, 'none'), (QuizKind.pre_test, False, 'none'),
    (QuizKind.post_test, True, 'full'), (QuizKind.post_test, False, 'chosen'),
    (None, True, 'none'),
])
def test_how_much_feedback_a_trainee_sees(kind, passed, shown):
    assert feedback_shown(kind, passed) == shown
