"""`make run` on a fresh machine: its set-up commands work with no SECRET_KEY in the environment.

Regression: the recipe ran `flask db upgrade` outside debug mode, so the app refused to start for lack of a
secret key and `make run` stopped before serving.
"""
from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run_recipe_commands() -> list[list[str]]:
    out = subprocess.run(['make', '-n', '--always-make', 'run', 'PORT=5999'], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    commands = []
    for line in out.splitlines():
        if not line.startswith('.venv/bin/flask '):
            continue
        words = shlex.split(line)
        if words and words[0].endswith('/flask') and 'run' not in words:
            commands.append([str(Path(sys.executable).with_name('flask')), *words[1:]])
    return commands


def test_make_run_sets_up_without_a_secret_key(tmp_path):
    commands = _run_recipe_commands()
    assert [c for c in commands if 'upgrade' in c] and [c for c in commands if 'load' in c]
    env = {k: v for k, v in os.environ.items() if 'SECRET_KEY' not in k and 'DATABASE_URL' not in k
           and not k.startswith('FLASK_')}
    env['DATABASE_URL'] = f'sqlite:///{tmp_path / "run.sqlite"}'
    outputs = []
    for command in commands:
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f'{shlex.join(command)} failed:\n{result.stderr[-2000:]}'
        outputs.append(result.stdout)
    assert 'trainee@example.org' in ''.join(outputs)
