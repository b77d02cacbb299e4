"""Content translations as files: checked like the originals, reported complete, missing or stale per language."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from training.content.base import ContentErrors
from training.content.cli import content as content_cli
from training.content.registry import load_content
from training.content.translations import source_hash

ROOT = Path(__file__).resolve().parents[2]
COURSE = 'understanding-atrocity-crimes'
SCENARIO = 'grazing-law-in-brenmora'


@pytest.fixture
def tree(tmp_path):
    """One course, one scenario and the frameworks, copied without their shipped translations so the tests can
    add their own."""
    untranslated = shutil.ignore_patterns('translations')
    shutil.copytree(ROOT / 'courses' / COURSE, tmp_path / 'courses' / COURSE, ignore=untranslated)
    shutil.copytree(ROOT / 'scenarios' / 'frameworks', tmp_path / 'scenarios' / 'frameworks', ignore=untranslated)
    shutil.copy(ROOT / 'scenarios' / f'{SCENARIO}.yaml', tmp_path / 'scenarios' / f'{SCENARIO}.yaml')
    return tmp_path


def _run(*args) -> tuple[int, str]:
    result = CliRunner().invoke(content_cli, [str(a) for a in args])
    return result.exit_code, result.output


def _translate(source: Path, target: Path, replace: dict[str, str] | None = None, stamp: bool = True) -> Path:
    """A 'translation' of ``source``: its copy with some text replaced, stamped with the original's hash."""
    text = source.read_text(encoding='utf-8')
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new, 1)
    language = target.parts[target.parts.index('translations') + 1]
    text = text.replace('\nlanguage: en\n', f'\nlanguage: {language}\n', 1)
    if stamp:
        if source.suffix == '.md':
            text = text.replace('---\n', f'---\nsource_hash: {source_hash(source)}\n', 1)
        else:
            text = f'source_hash: {source_hash(source)}\n{text}'
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding='utf-8')
    return target


def _translate_course(tree: Path, language: str = 'fr') -> Path:
    folder = tree / 'courses' / COURSE
    tdir = folder / 'translations' / language
    for source in [folder / 'course.yaml', *sorted(folder.glob('lessons/*.md')), *sorted(folder.glob('quizzes/*')),
                   *sorted(folder.glob('banks/*'))]:
        _translate(source, tdir / source.relative_to(folder))
    return tdir


def _statuses(root: Path) -> dict[tuple[str, str], str]:
    code, out = _run('translations', root, '--format', 'json')
    assert code == 0, out
    return {(row['item'], row['language']): row['status'] for row in json.loads(out)}


def _problems(root: Path) -> list[str]:
    with pytest.raises(ContentErrors) as exc:
        load_content(root)
    return [str(p) for p in exc.value.problems]


def test_every_item_is_listed_in_every_language_with_its_status(tree):
    statuses = _statuses(tree)
    assert statuses[f'course:{COURSE}', 'en'] == 'original'
    assert statuses[f'course:{COURSE}', 'fr'] == 'missing'
    assert statuses[f'scenario:{SCENARIO}', 'ar'] == 'missing'
    assert statuses['framework:foa-2014', 'es'] == 'missing'
    assert {lang for _item, lang in statuses} == {'en', 'fr', 'es', 'ar'}


def test_a_translated_scenario_is_complete_then_stale_when_its_original_changes(tree):
    source = tree / 'scenarios' / f'{SCENARIO}.yaml'
    target = _translate(source, tree / 'scenarios' / 'translations' / 'es' / f'{SCENARIO}.yaml',
                        {'title: ': 'title: ES '})
    assert _statuses(tree)[f'scenario:{SCENARIO}', 'es'] == 'complete'
    registry = load_content(tree)
    assert registry.scenario(SCENARIO, 'es').title.startswith('ES ')
    assert registry.scenario(SCENARIO, 'es').language == 'es'
    assert registry.scenario(SCENARIO, 'fr').language == 'en'  # no French: the original
    assert registry.languages_of('scenario', SCENARIO) == ('en', 'es')

    source.write_text(source.read_text(encoding='utf-8') + '\n# an edit to the original\n', encoding='utf-8')
    assert _statuses(tree)[f'scenario:{SCENARIO}', 'es'] == 'stale'
    code, out = _run('check', tree)
    assert code == 0, out
    rel = f'scenarios/translations/es/{SCENARIO}.yaml'
    assert f'{rel}:1: warning: stale translation: scenarios/{SCENARIO}.yaml changed since it was translated' in out
    assert 'translations es: 0 of 4 complete; stale: scenario:' in out

    code, out = _run('translations', tree, '--stamp', target)
    assert code == 0, out
    assert f'source_hash {source_hash(source)}' in out
    assert target.read_text(encoding='utf-8').count('source_hash:') == 1
    assert _statuses(tree)[f'scenario:{SCENARIO}', 'es'] == 'complete'


def test_a_partly_translated_course_is_served_with_the_rest_in_the_original(tree):
    folder = tree / 'courses' / COURSE
    tdir = folder / 'translations' / 'fr'
    _translate(folder / 'course.yaml', tdir / 'course.yaml', {'title: Understanding': 'title: Comprendre'})
    _translate(folder / 'lessons' / 'genocide-convention.md', tdir / 'lessons' / 'genocide-convention.md',
               {'## Where the word came from': "## D'où vient le mot"})
    _translate(folder / 'quizzes' / 'genocide-check.yaml', tdir / 'quizzes' / 'genocide-check.yaml',
               {'prompt: When was the Convention': 'prompt: Quand la Convention'})
    registry = load_content(tree)
    course = registry.course(COURSE, 'fr')
    assert course.title.startswith('Comprendre') and course.language == 'fr'
    assert registry.course(COURSE).title.startswith('Understanding')
    lesson = course.lesson('genocide-convention')
    assert "D'où vient le mot" in lesson.html and lesson.language is None
    assert course.lesson('rwanda-1994').language == 'en'
    quiz = course.quiz('genocide-check')
    assert quiz.questions[0].prompt.startswith('Quand') and quiz.language is None
    assert quiz.questions[0].correct_ids == registry.course(COURSE).quiz('genocide-check').questions[0].correct_ids
    assert course.quiz('pre-test').language == 'en'
    assert _statuses(tree)[f'course:{COURSE}', 'fr'] == 'missing'
    code, out = _run('translations', tree, '--language', 'fr')
    assert f'course:{COURSE}' in out and 'missing  (' in out


def test_a_fully_translated_course_is_complete(tree):
    _translate_course(tree)
    assert _statuses(tree)[f'course:{COURSE}', 'fr'] == 'complete'
    course = load_content(tree).course(COURSE, 'fr')
    assert all(lesson.language is None for lesson in course.lessons)
    assert course.post_test.questions == course.pre_test.questions  # parallel forms of one (translated) bank


@pytest.mark.parametrize('old, new, message', [
    ('      - id: b\n        text: On 9 December 1948', '      - id: z\n        text: On 9 December 1948',
     "questions[q1].options[b].id: 'z' differs from the original ('b')"),
    ('        text: On 9 December 1948, by the UN General Assembly\n        correct: true',
     '        text: On 9 December 1948, by the UN General Assembly\n        correct: false',
     'questions[q1].options[b].correct: False differs from the original (True)'),
    ('pass_mark: 70', 'pass_mark: 50', 'pass_mark: 50 differs from the original (70)'),
    ('title: Check your understanding', 'titel: Check your understanding', "unknown key 'titel'"),
])
def test_a_translation_cannot_change_ids_or_answers(tree, old, new, message):
    folder = tree / 'courses' / COURSE
    target = _translate(folder / 'quizzes' / 'genocide-check.yaml',
                        folder / 'translations' / 'fr' / 'quizzes' / 'genocide-check.yaml')
    _translate(folder / 'course.yaml', folder / 'translations' / 'fr' / 'course.yaml')
    text = target.read_text(encoding='utf-8')
    line = text[:text.index(old)].count('\n') + 1
    target.write_text(text.replace(old, new, 1), encoding='utf-8')
    problems = _problems(tree)
    rel = f'courses/{COURSE}/translations/fr/quizzes/genocide-check.yaml'
    found = [p for p in problems if p.startswith(f'{rel}:') and message in p]
    assert found, problems
    assert int(found[0].split(':')[1]) >= line


def test_a_translation_keeps_every_option(tree):
    folder = tree / 'courses' / COURSE
    target = _translate(folder / 'quizzes' / 'genocide-check.yaml',
                        folder / 'translations' / 'fr' / 'quizzes' / 'genocide-check.yaml')
    text = target.read_text(encoding='utf-8')
    start = text.index('      - id: d\n        text: In 1998')
    end = text.index('      - id: ', start + 1)
    line = text[:text.index('    options:')].count('\n') + 1
    target.write_text(text[:start] + text[end:], encoding='utf-8')
    problems = _problems(tree)
    assert (f'courses/{COURSE}/translations/fr/quizzes/genocide-check.yaml:{line}: questions[q1].options: the '
            'original has 4 item(s), the translation 3: translate each item, in the same order, with no missing '
            'or extra items') in problems


def test_a_text_left_out_or_empty_is_reported(tree):
    folder = tree / 'courses' / COURSE
    target = _translate(folder / 'lessons' / 'genocide-convention.md',
                        folder / 'translations' / 'fr' / 'lessons' / 'genocide-convention.md',
                        {'title: The 1948 Genocide Convention\n': ''})
    _translate(folder / 'course.yaml', folder / 'translations' / 'fr' / 'course.yaml', {'title: ': 'title: "" #'})
    problems = _problems(tree)
    rel = f'courses/{COURSE}/translations/fr'
    assert f"{rel}/lessons/genocide-convention.md:2: title: not translated (the original has 'title' here)" \
        in problems
    assert any(p.startswith(f'{rel}/course.yaml:') and 'title: the translation is empty' in p for p in problems)
    assert target.is_file()


def test_stray_files_and_folders_are_reported(tree):
    folder = tree / 'courses' / COURSE
    _translate(folder / 'lessons' / 'rwanda-1994.md', folder / 'translations' / 'fr' / 'lessons' / 'rwanda.md')
    _translate(folder / 'lessons' / 'rwanda-1994.md', folder / 'translations' / 'en' / 'lessons' / 'rwanda-1994.md')
    _translate(tree / 'scenarios' / f'{SCENARIO}.yaml', tree / 'scenarios' / 'translations' / 'de' / 'x.yaml')
    problems = _problems(tree)
    assert (f'courses/{COURSE}/translations/fr/lessons/rwanda.md:1: no original courses/{COURSE}/lessons/rwanda.md '
            'for this translation to translate') in problems
    assert (f'courses/{COURSE}/translations/en/lessons/rwanda-1994.md:1: the original is already in \'en\': a '
            'translation is in another language') in problems
    assert "scenarios/translations/de:1: 'de' is not a content language folder (one of en, fr, es, ar)" in problems


def test_a_translated_scenario_is_checked_like_an_original(tree):
    source = tree / 'scenarios' / f'{SCENARIO}.yaml'
    target = tree / 'scenarios' / 'translations' / 'fr' / f'{SCENARIO}.yaml'
    _translate(source, target)
    translated = target.read_text(encoding='utf-8')
    at = translated.index('rationale: |\n') + len('rationale: |\n')
    indent = len(translated[at:]) - len(translated[at:].lstrip(' '))
    target.write_text(translated[:at] + ' ' * indent + 'Voir [no-such-evidence].\n' + translated[at:],
                      encoding='utf-8')
    problems = _problems(tree)
    assert any(p.startswith(f'scenarios/translations/fr/{SCENARIO}.yaml:') and
               'rationale cites [no-such-evidence], which is not an evidence id' in p for p in problems), problems


def test_stamp_writes_the_hash_into_a_lesson_front_matter(tree):
    folder = tree / 'courses' / COURSE
    target = _translate(folder / 'lessons' / 'rwanda-1994.md',
                        folder / 'translations' / 'ar' / 'lessons' / 'rwanda-1994.md', stamp=False)
    code, out = _run('translations', tree, '--stamp', folder / 'translations' / 'ar')
    assert code == 0, out
    lines = target.read_text(encoding='utf-8').splitlines()
    assert lines[0] == '---' and lines[1] == f'source_hash: {source_hash(folder / "lessons" / "rwanda-1994.md")}'
    code, out = _run('translations', tree, '--stamp', folder / 'lessons' / 'rwanda-1994.md')
    assert code != 0 and 'not a translation file' in out
