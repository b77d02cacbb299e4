"""Scenario files: the shipped ones load; broken copies fail `flask content check DIR` with path:line."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from training.content.base import ContentErrors, Problems
from training.content.cli import content as content_cli
from training.content.frameworks import load_frameworks
from training.content.registry import load_content
from training.content.scenarios import Scenario, load_scenarios

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def copy(tmp_path):
    shutil.copytree(ROOT / 'scenarios', tmp_path / 'scenarios')
    return tmp_path


def edit(root: Path, name: str, old: str, new: str, count: int = 1) -> int:
    """Replace text in a scenario copy; return the line number of the (first) change."""
    path = root / 'scenarios' / name
    text = path.read_text(encoding='utf-8')
    assert old in text, old
    line = text[:text.index(old)].count('\n') + 1
    path.write_text(text.replace(old, new, count), encoding='utf-8')
    return line


def check(root: Path) -> tuple[int, str]:
    result = CliRunner().invoke(content_cli, ['check', str(root)])
    return result.exit_code, result.output


def test_shipped_scenarios_load_as_frozen_objects():
    problems = Problems(ROOT)
    frameworks = load_frameworks(ROOT / 'scenarios' / 'frameworks', problems)
    scenarios = load_scenarios(ROOT / 'scenarios', problems, frameworks)
    assert not problems, problems.items
    assert set(scenarios) == {'transition-in-marenia', 'election-in-tarvania', 'solvane-conflict',
                              'grazing-law-in-brenmora'}
    assert scenarios['transition-in-marenia'].framework == 'osapg-2009'
    for sc in scenarios.values():
        assert isinstance(sc, Scenario)
        assert len(sc.stages) >= 4 and len(sc.endings) >= 2
        with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen error type
            sc.title = 'changed'
        assert isinstance(sc.stages, tuple)


def test_content_check_passes_on_shipped_content():
    code, output = check(ROOT)
    assert code == 0, output
    assert '4 scenarios, 2 frameworks: OK' in output


def test_unknown_indicator(copy):
    line = edit(copy, 'transition-in-marenia.yaml', 'indicators: ["1.1", "1.2", "1.3", "1.5"]',
                'indicators: ["1.1", "1.2", "1.3", "1.99"]')
    code, output = check(copy)
    assert code == 1
    assert f"scenarios/transition-in-marenia.yaml:{line}: indicator '1.99' is not an indicator of factor '1'" in output


def test_indicator_of_another_factor(copy):
    line = edit(copy, 'transition-in-marenia.yaml', 'indicators: ["1.1", "1.2", "1.3", "1.5"]',
                'indicators: ["1.1", "1.2", "1.3", "2.1"]')
    code, output = check(copy)
    assert code == 1 and f'transition-in-marenia.yaml:{line}:' in output and "belongs to factor '2'" in output


def test_acceptable_indicators_are_checked_like_the_key(copy):
    line = edit(copy, 'election-in-tarvania.yaml', 'acceptable: ["12.5"]', 'acceptable: ["12.1", "9.3"]')
    code, output = check(copy)
    assert code == 1
    assert f"election-in-tarvania.yaml:{line}: indicator '12.1' is in the key; list it once, under indicators" in output
    assert f"election-in-tarvania.yaml:{line}: indicator '9.3' is not an indicator of factor '12'" in output


def test_unknown_factor(copy):
    line = edit(copy, 'solvane-conflict.yaml', 'factor: "1"', 'factor: "15"')
    code, output = check(copy)
    assert code == 1 and f"solvane-conflict.yaml:{line}: factor '15' is not in framework 'foa-2014'" in output


def test_unreachable_stage(copy):
    line_of_stage = (copy / 'scenarios' / 'solvane-conflict.yaml').read_text().splitlines().index(
        '  - id: s3-corridor') + 1
    edit(copy, 'solvane-conflict.yaml', 'next: s3-corridor', 'next: s3-siege')
    code, output = check(copy)
    assert code == 1
    assert f"scenarios/solvane-conflict.yaml:{line_of_stage}: stage 's3-corridor' is unreachable" in output


def test_decision_leading_nowhere(copy):
    line = edit(copy, 'transition-in-marenia.yaml', 'next: s2', 'next: s9')  # the first option written: 'c'
    code, output = check(copy)
    assert code == 1
    assert f"scenarios/transition-in-marenia.yaml:{line}: option 'c' of stage 's1' leads nowhere" in output


def test_dead_end_and_cycle(copy):
    text = (copy / 'scenarios' / 'transition-in-marenia.yaml').read_text()
    # every option of the last stage loops back to s1: no ending reachable from anywhere
    last = text.rindex('\nendings:')
    head, tail = text[:last], text[last:]
    import re
    head = re.sub(r'next: end-[a-z-]+', 'next: s1', head)
    (copy / 'scenarios' / 'transition-in-marenia.yaml').write_text(head + tail)
    code, output = check(copy)
    assert code == 1
    assert 'is a dead end: no ending can be reached from it' in output
    assert 'stages must not loop' in output
    assert re.search(r'transition-in-marenia\.yaml:\d+: ending .* is unreachable', output)


def test_evidence_cited_before_it_appears(copy):
    line = edit(copy, 'transition-in-marenia.yaml', 'evidence: [e1, e2, e3]', 'evidence: [e1, e2, e8]')
    code, output = check(copy)
    assert code == 1
    assert (f"transition-in-marenia.yaml:{line}: evidence 'e8' is not in stage 's1' or earlier "
            '(it appears only in a later or parallel stage)') in output


def test_duplicate_ids(copy):
    line = edit(copy, 'transition-in-marenia.yaml', '- id: e2\n', '- id: e1\n')
    code, output = check(copy)
    assert code == 1 and f"transition-in-marenia.yaml:{line}: duplicate evidence id 'e1'" in output


def test_expert_path_not_full_marks(copy):
    # make the only 10-point option at a stage an 8: the check names the stage without a full-marks option
    line = edit(copy, 'transition-in-marenia.yaml', 'score: 10\n          next: s2', 'score: 8\n          next: s2')
    code, output = check(copy)
    assert code == 1 and "no option scores 10" in output
    assert line > 1


def test_schema_error_has_line(copy):
    line = edit(copy, 'election-in-tarvania.yaml', 'level: high', 'level: extreme')
    code, output = check(copy)
    assert code == 1 and f'election-in-tarvania.yaml:{line}:' in output and 'level' in output


def test_load_content_raises_with_all_problems(copy):
    edit(copy, 'transition-in-marenia.yaml', 'next: s2', 'next: s9')
    with pytest.raises(ContentErrors) as exc:
        load_content(copy)
    assert 'leads nowhere' in str(exc.value)


def test_flask_content_check_command(copy):
    """The real command line, as authors run it."""
    edit(copy, 'transition-in-marenia.yaml', 'indicators: ["1.1", "1.2", "1.3", "1.5"]',
         'indicators: ["1.1", "1.77"]')
    flask = Path(sys.executable).with_name('flask')
    proc = subprocess.run([str(flask), '--app', 'app', 'content', 'check', str(copy)], cwd=ROOT,  # noqa: S603
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "scenarios/transition-in-marenia.yaml:" in proc.stdout and "'1.77'" in proc.stdout
