"""``flask content check [DIR]``: the same validation the app runs at start-up, for authors.

Registered as a Flask plugin command (entry point ``flask.commands``), so it runs without loading the app:
it must work precisely when the content is broken and the app would refuse to start.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from training.content.base import ContentErrors
from training.content.freshness import stale_warnings
from training.content.registry import load_content
from training.courses import guessing

ROOT = Path(__file__).resolve().parents[2]


@click.group(help='Check course, scenario and framework files.')
def content():
    pass


@content.command('check')
@click.argument('directory', required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option('--assessment', is_flag=True,
              help='Also print, for every quiz that counts toward completion, how often blind guessing passes '
                   f'({guessing.ATTEMPTS} simulated attempts per quiz); fail if a strategy reaches '
                   f'{guessing.LIMIT:.0%}.')
@click.option('--attempts', type=click.IntRange(100, 1_000_000), default=guessing.ATTEMPTS, show_default=True,
              help='Simulated attempts per quiz for --assessment.')
def check(directory: Path | None, assessment: bool, attempts: int):
    """Validate every file under DIRECTORY (default: the project root); print problems as path:line: message."""
    root = (directory or ROOT).resolve()
    if not (root / 'courses').is_dir() and not (root / 'scenarios').is_dir():
        click.echo(f'{root}: no courses/ or scenarios/ folder here', err=True)
        sys.exit(1)
    try:
        registry = load_content(root)
    except ContentErrors as exc:
        for problem in exc.problems:
            click.echo(str(problem))
        click.echo(f'{len(exc.problems)} problem(s) found.', err=True)
        sys.exit(1)
    for warning in stale_warnings(registry):
        click.echo(warning)
    click.echo(f'{registry.summary()}: OK')
    if assessment:
        rows = guessing.guess_table(registry, attempts=attempts)
        for line in guessing.format_table(rows, attempts):
            click.echo(line)
        failing = [r for r in rows if r.worst >= guessing.LIMIT]
        if failing:
            click.echo(f'{len(failing)} quiz(zes) can be passed by guessing in {guessing.LIMIT:.0%} of attempts '
                       'or more (marked !): add questions, or make distractors as plausible and as long as the '
                       'keys.', err=True)
            sys.exit(1)
