"""The course loader: every shipped file loads; broken files are reported as ``path:line: message``."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from training.content.base import ContentErrors
from training.content.cli import content as content_cli
from training.content.registry import load_content

ROOT = Path(__file__).resolve().parents[2]
COURSE = 'understanding-atrocity-crimes'


@pytest.fixture(scope='module')
def registry():
    return load_content(ROOT)


def _copy_course(tree: Path, slug: str) -> None:
    shutil.copytree(ROOT / 'courses' / slug, tree / 'courses' / slug)


@pytest.fixture
def tree(tmp_path):
    """A private copy of the shipped course the tests break, and of the frameworks its lessons cite.

    One course, not all of them: every case loads the copy, and each course takes about half a second of YAML.
    """
    _copy_course(tmp_path, COURSE)
    shutil.copytree(ROOT / 'scenarios' / 'frameworks', tmp_path / 'scenarios' / 'frameworks')
    return tmp_path


def _problems(root) -> list[str]:
    with pytest.raises(ContentErrors) as exc:
        load_content(root)
    return [str(p) for p in exc.value.problems]


def _edit(path: Path, old: str, new: str, count: int = 1) -> int:
    """Replace ``old`` by ``new`` and return the (1-based) line where the first replacement happened."""
    text = path.read_text(encoding='utf-8')
    assert old in text, f'{old!r} not in {path}'
    line = text[:text.index(old)].count('\n') + 1
    path.write_text(text.replace(old, new, count), encoding='utf-8')
    return line


def test_every_shipped_course_loads(registry):
    assert len(registry.courses) >= 3
    french = registry.course('prevention-responsibility-to-protect', 'fr')
    assert french.language == 'fr' and french.slug == 'prevention-responsibility-to-protect'
    counts = registry.counts()
    assert counts['lessons'] >= 24 and counts['questions'] >= 75
    for course in [*registry.courses.values(), french]:
        assert len(course.modules) >= 3 and len(course.lessons) >= 8 and course.question_count >= 25
        assert course.references
        assert course.pre_test.kind == 'pre-test' and course.post_test.kind == 'post-test'
        # parallel forms: both tests draw from one bank, on the same objectives, never repeating an item
        assert course.parallel_forms and course.objectives
        assert course.pre_test.shares == course.post_test.shares
        assert {o.id for o in course.objectives} == set(course.pre_test.shares)


def test_objects_are_frozen_and_html_cached(registry):
    course = registry.course(COURSE)
    lesson = course.lessons[0]
    with pytest.raises(ValidationError, match='frozen'):
        lesson.title = 'changed'  # type: ignore[misc]
    with pytest.raises(TypeError):
        course.quizzes['x'] = None  # type: ignore[index]
    assert lesson.html is course.lesson(lesson.id).html  # rendered once at load
    assert '<h2>' in lesson.html or '<p>' in lesson.html
    assert '<script' not in ''.join(str(x.html) for c in registry.courses.values() for x in c.lessons)


def test_lesson_navigation_and_counts(registry):
    course = registry.course(COURSE)
    first, second = course.lessons[0], course.lessons[1]
    assert course.neighbours(first.id) == (None, second)
    assert course.neighbours(course.lessons[-1].id)[1] is None
    # a bank's questions count once, however many quizzes draw from it
    pools = {q.bank or q.id: len(q.questions) for q in course.quizzes.values()}
    assert course.question_count == sum(pools.values()) < sum(len(q.questions) for q in course.quizzes.values())
    assert course.minutes == sum(lesson.minutes for lesson in course.lessons)


def test_content_check_on_shipped_content_succeeds():
    result = CliRunner().invoke(content_cli, ['check', str(ROOT)])
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    m = re.match(r'(\d+) courses, (\d+) lessons, (\d+) questions, \d+ scenarios, \d+ frameworks: OK$', last)
    assert m, last
    assert int(m[1]) >= 3 and int(m[2]) >= 24 and int(m[3]) >= 75


def test_content_check_reports_a_broken_quiz_and_lesson(tree):
    quiz = tree / 'courses' / COURSE / 'quizzes' / 'genocide-check.yaml'
    text = quiz.read_text(encoding='utf-8')
    # 1. a missing required key: the first question loses its prompt
    prompt_line = _edit(quiz, '    prompt: When was the Convention', '    text_: When was the Convention')
    # 2. an option list without a correct answer: q2 loses its "correct: true"
    q2_start = text.index('  - id: q2')
    q2_options_line = text[:text.index('    options:', q2_start)].count('\n') + 1
    q2_text = quiz.read_text(encoding='utf-8')
    at = q2_text.index('        correct: true', q2_text.index('  - id: q2'))
    quiz.write_text(q2_text[:at] + q2_text[at:].replace('        correct: true\n', '', 1), encoding='utf-8')
    # 3. an unknown factor id in a lesson's tags
    lesson = tree / 'courses' / COURSE / 'lessons' / 'genocide-convention.md'
    factor_line = _edit(lesson, '"foa-2014:10"', '"foa-2014:99"')

    result = CliRunner().invoke(content_cli, ['check', str(tree)])
    assert result.exit_code == 1
    out = result.output
    rel = f'courses/{COURSE}/quizzes/genocide-check.yaml'
    assert f'{rel}:{prompt_line - 3}: missing required key \'prompt\'' in out  # the question's own line
    assert f'{rel}:{prompt_line}: unknown key \'text_\'' in out
    assert f'{rel}:{q2_options_line}: question \'q2\': no option is marked "correct: true"' in out
    assert (f'courses/{COURSE}/lessons/genocide-convention.md:{factor_line}: '
            'unknown factor id \'99\' in framework \'foa-2014\'') in out
    assert '4 problem(s) found.' in out
    for line in out.strip().splitlines()[:-1]:
        assert re.match(r'^courses/[^:]+:\d+: .+', line), line


def test_app_refuses_to_start_on_invalid_content(tree):
    _edit(tree / 'courses' / COURSE / 'course.yaml', 'level: introductory', 'level: expert')
    from tests.helpers.app import app_config
    from training import create_app
    with pytest.raises(ContentErrors) as exc:
        create_app(app_config(CONTENT_DIR=str(tree)))
    assert f'courses/{COURSE}/course.yaml:' in str(exc.value) and 'level' in str(exc.value)


@pytest.mark.parametrize(('file', 'old', 'new', 'message'), [
    ('course.yaml', 'pre_test: pre-test', 'pre_test: no-such-quiz', "no quiz file quizzes/no-such-quiz.yaml"),
    ('course.yaml', '      - lesson: genocide-convention', '      - lesson: missing-lesson',
     'no lesson file lessons/missing-lesson.md'),
    ('course.yaml', '      - lesson: war-crimes', '      - lesson: genocide-convention',
     "lesson 'genocide-convention' is already used"),
    ('course.yaml', 'id: process-and-denial', 'id: genocide-in-law', "duplicate module id 'genocide-in-law'"),
    ('course.yaml', 'pass_quizzes: [genocide-check', 'pass_quizzes: [nowhere', "pass_quizzes names 'nowhere'"),
    ('course.yaml', 'language: en', 'language: de', "language: Input should be 'en', 'fr', 'es' or 'ar'"),
    ('course.yaml', 'estimated_hours: 4', 'estimated_hours: lots', 'estimated_hours'),
    ('quizzes/genocide-check.yaml', 'pass_mark: 70', 'pass_mark: 170', 'pass_mark'),
    ('quizzes/genocide-check.yaml', '  - id: q2', '  - id: q1', "duplicate question id 'q1'"),
    ('quizzes/genocide-check.yaml', '      - id: b\n', '      - id: a\n', "duplicate option id 'a'"),
    ('quizzes/post-test.yaml', 'bank: tests', 'bank: nowhere', 'no bank file banks/nowhere.yaml'),
    ('quizzes/post-test.yaml', 'bank: tests', 'items_from: pre-test', 'items_from is not supported'),
    ('quizzes/post-test.yaml', 'draw: 10', 'draw: 30', 'draw 30 is more than the 20 questions available'),
    ('banks/tests.yaml', 'objective: history', 'objective: nowhere', "unknown objective 'nowhere'"),
    ('lessons/genocide-convention.md', 'references: [genocide-convention',
     'references: [nowhere', "unknown reference 'nowhere'"),
    ('lessons/genocide-convention.md', '"foa-2014:9"', '"foa-2099:9"', "unknown framework 'foa-2099'"),
    ('lessons/genocide-convention.md', 'minutes: 15\n', '', "missing required key 'minutes'"),
    ('course.yaml', 'url: https://undocs.org/A/RES/96(I)', 'url: javascript:alert(1)', 'references.1.url'),
])
def test_problems_name_file_line_and_key(tree, file, old, new, message):
    path = tree / 'courses' / COURSE / file
    line = _edit(path, old, new)
    problems = _problems(tree)
    matching = [p for p in problems if message in p]
    assert matching, problems
    assert matching[0].startswith(f'courses/{COURSE}/{file}:')
    if 'missing required key' not in message:
        assert f':{line}:' in matching[0], (line, matching)


def test_a_test_kind_quiz_cannot_sit_in_a_module(tree):
    _edit(tree / 'courses' / COURSE / 'quizzes' / 'genocide-check.yaml', 'kind: practice', 'kind: pre-test')
    line = (tree / 'courses' / COURSE / 'course.yaml').read_text().split('- quiz: genocide-check')[0].count('\n') + 1
    assert (f"courses/{COURSE}/course.yaml:{line}: quiz 'genocide-check' in a module must be of kind practice, "
            'not pre-test') in _problems(tree)


def test_true_false_needs_two_options_and_one_answer(tree):
    quiz = tree / 'courses' / COURSE / 'quizzes' / 'genocide-check.yaml'
    text = quiz.read_text(encoding='utf-8')
    start = text.index('    type: true_false')
    tail = text[start:].replace('        text: "True"\n', '        text: "True"\n        correct: true\n', 1)
    fixed = text[:start] + tail
    quiz.write_text(fixed, encoding='utf-8')
    assert any('a true_false question needs exactly one correct option, not 2' in p for p in _problems(tree))


def test_a_translated_sibling_course_is_no_longer_a_course_of_its_own(tree):
    """Translations live in translations/<lang>/ beside the original (docs/content-format.md)."""
    path = tree / 'courses' / COURSE / 'course.yaml'
    line = _edit(path, 'language: en', 'language: en\ntranslation_of: nowhere') + 1
    assert f"courses/{COURSE}/course.yaml:{line}: unknown key 'translation_of'" in _problems(tree)


def test_orphan_lesson_and_bad_slug(tree):
    (tree / 'courses' / COURSE / 'lessons' / 'stray.md').write_text('---\ntitle: x\nminutes: 1\n---\nText\n')
    _edit(tree / 'courses' / COURSE / 'course.yaml', f'slug: {COURSE}', 'slug: other-slug')
    problems = _problems(tree)
    assert f"courses/{COURSE}/lessons/stray.md:1: lesson 'stray' is not placed in any module of course.yaml" \
        in problems
    assert f"courses/{COURSE}/course.yaml:1: slug 'other-slug' must equal the folder name '{COURSE}'" in problems


def test_yaml_syntax_error_has_a_line(tree):
    quiz = tree / 'courses' / COURSE / 'quizzes' / 'cases-check.yaml'
    quiz.write_text('title: [unclosed\nkind: practice\n', encoding='utf-8')
    problems = _problems(tree)
    assert any(p.startswith(f'courses/{COURSE}/quizzes/cases-check.yaml:') and 'invalid YAML' in p
               for p in problems)


def test_lesson_markdown_is_sanitised(tree):
    lesson = tree / 'courses' / COURSE / 'lessons' / 'denial.md'
    text = lesson.read_text(encoding='utf-8')
    lesson.write_text(text + '\n<script>alert(1)</script>\n\n[x](javascript:alert(1))\n', encoding='utf-8')
    registry = load_content(tree)
    html = str(registry.course(COURSE).lesson('denial').html)
    assert '<script' not in html
    assert 'href="javascript' not in html and '&lt;script&gt;' in html


def test_the_flask_entry_point_checks_without_the_app(tree):
    """``flask content check DIR`` is a plugin command: it works when the content is broken and the app would not
    start (no SECRET_KEY, no database needed)."""
    import os
    import subprocess
    import sys
    _edit(tree / 'courses' / COURSE / 'quizzes' / 'genocide-check.yaml', 'pass_mark: 70', 'pass_mark: lots')
    flask = str(Path(sys.executable).with_name('flask'))
    env = {k: v for k, v in os.environ.items() if 'SECRET_KEY' not in k and not k.startswith('FLASK_')}
    result = subprocess.run([flask, 'content', 'check', str(tree)], capture_output=True, text=True, env=env,
                            timeout=120, check=False)
    assert result.returncode == 1, result.stderr
    assert re.search(rf'^courses/{COURSE}/quizzes/genocide-check.yaml:\d+: pass_mark: ', result.stdout, re.M)
    ok = subprocess.run([flask, 'content', 'check', str(ROOT)], capture_output=True, text=True, env=env,
                        timeout=120, check=False)
    assert ok.returncode == 0 and ok.stdout.strip().endswith(': OK')


def test_quiz_and_lesson_problems_are_reported_even_when_course_yaml_is_broken(tree):
    _edit(tree / 'courses' / COURSE / 'course.yaml', 'level: introductory', 'level: expert')
    _edit(tree / 'courses' / COURSE / 'quizzes' / 'cases-check.yaml', 'pass_mark: 70', 'pass_mark: many')
    _edit(tree / 'courses' / COURSE / 'lessons' / 'denial.md', 'title:', 'titel:')
    problems = _problems(tree)
    assert any(p.startswith(f'courses/{COURSE}/course.yaml:') and 'level' in p for p in problems)
    assert any(p.startswith(f'courses/{COURSE}/quizzes/cases-check.yaml:') and 'pass_mark' in p for p in problems)
    assert any(p.startswith(f'courses/{COURSE}/lessons/denial.md:') and "unknown key 'titel'" in p
               for p in problems)


def test_a_broken_pre_test_is_not_reported_twice(tree):
    _edit(tree / 'courses' / COURSE / 'quizzes' / 'pre-test.yaml', 'pass_mark: 70', 'pass_mark: many')
    problems = _problems(tree)
    assert len(problems) == 1 and 'pre-test.yaml' in problems[0], problems


def test_content_check_warns_when_a_course_was_checked_more_than_two_years_ago(tree):
    _edit(tree / 'courses' / COURSE / 'course.yaml', 'checked: 2026-12', 'checked: 2019-03')
    result = CliRunner().invoke(content_cli, ['check', str(tree)])
    assert result.exit_code == 0, result.output       # a warning, not an error: the site still starts
    # editing the original also makes its shipped translations stale: that warning is another test's subject
    warnings = [line for line in result.output.splitlines() if 'warning' in line and 'stale translation' not in line]
    assert warnings == [f'courses/{COURSE}/course.yaml: warning: facts last checked 2019-03, more than two years '
                        'ago; check them against the sources and update "checked"']


def test_freshness_is_counted_in_months():
    import datetime as dt

    from training.content.freshness import months_since
    assert months_since('2026-12', dt.date(2028, 12, 31)) == 24      # exactly two years: not yet stale
    assert months_since('2026-12', dt.date(2029, 1, 1)) == 25


def test_every_shipped_course_and_framework_says_when_it_was_checked(registry):
    for item in (*registry.courses.values(), *registry.frameworks.values()):
        assert item.checked and item.checked_against, item


@pytest.mark.parametrize(('old', 'new', 'message'), [
    ('checked: 2026-12', 'checked: December 2026', 'checked: String should match pattern'),
    ('checked: 2026-12', 'checked: 2026-12\nreviewed_by: someone', "unknown key 'reviewed_by'"),
])
def test_checked_must_be_a_month(tree, old, new, message):
    _edit(tree / 'courses' / COURSE / 'course.yaml', old, new)
    assert any(message in p for p in _problems(tree)), _problems(tree)


def test_a_lesson_citing_a_reference_the_course_does_not_list_is_an_error(tree):
    line = _edit(tree / 'courses' / COURSE / 'lessons' / 'war-crimes.md', 'references: [',
                 'references: [no-such-source, ')
    problems = _problems(tree)
    assert f"courses/{COURSE}/lessons/war-crimes.md:{line}: unknown reference 'no-such-source': " \
           'add it to course.yaml references' in problems


def test_framework_factors_say_whether_they_were_verified(tree):
    path = tree / 'scenarios' / 'frameworks' / 'foa-2014.yaml'
    _edit(path, '    verified: false\n', '    verified: perhaps\n')
    assert any('factors.0.verified' in p for p in _problems(tree))
