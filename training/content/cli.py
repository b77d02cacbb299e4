"""``flask content check [DIR]``: the same validation the app runs at start-up, for authors.

Registered as a Flask plugin command (entry point ``flask.commands``), so it runs without loading the app:
it must work precisely when the content is broken and the app would refuse to start.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from training.content.base import ContentErrors
from training.content.freshness import stale_warnings
from training.content.registry import Registry, load_content
from training.content.translation_stamp import stamp_paths, translation_report
from training.courses import guessing

ROOT = Path(__file__).resolve().parents[2]


@click.group(help='Check course, scenario and framework files.')
def content():
    pass


@content.command('check')
@click.argument('directory', required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option('--assessment', is_flag=True,
              help='Also print, for every quiz that counts toward completion and in every language it is read in, '
                   f'how often blind guessing passes ({guessing.ATTEMPTS} simulated attempts per quiz); fail if a '
                   f'strategy reaches {guessing.LIMIT:.0%}.')
@click.option('--attempts', type=click.IntRange(100, 1_000_000), default=guessing.ATTEMPTS, show_default=True,
              help='Simulated attempts per quiz for --assessment.')
def check(directory: Path | None, assessment: bool, attempts: int):
    """Validate every file under DIRECTORY (default: the project root); print problems as path:line: message.

    Translations are checked like the originals; stale ones are warned about, and what is missing is reported
    per language."""
    registry = _load(directory)
    for warning in stale_warnings(registry):
        click.echo(warning)
    for line in translation_report(registry):
        click.echo(line)
    click.echo(f'{registry.summary()}: OK')
    if assessment:
        _assessment(registry, attempts)


def _assessment(registry: Registry, attempts: int) -> None:
    rows = guessing.guess_table(registry, attempts=attempts)
    for line in guessing.format_table(rows, attempts):
        click.echo(line)
    failing = [r for r in rows if r.worst >= guessing.LIMIT]
    if failing:
        click.echo(f'{len(failing)} quiz(zes) can be passed by guessing in {guessing.LIMIT:.0%} of attempts or more '
                   '(marked !): add questions, or make distractors as plausible and as long as the keys.', err=True)
        sys.exit(1)


def _load(directory: Path | None) -> Registry:
    """The registry of DIRECTORY, or exit 1 after printing every problem as path:line: message."""
    root = (directory or ROOT).resolve()
    if not (root / 'courses').is_dir() and not (root / 'scenarios').is_dir():
        click.echo(f'{root}: no courses/ or scenarios/ folder here', err=True)
        sys.exit(1)
    try:
        return load_content(root)
    except ContentErrors as exc:
        for problem in exc.problems:
            click.echo(str(problem))
        click.echo(f'{len(exc.problems)} problem(s) found.', err=True)
        sys.exit(1)


@content.command('translations')
@click.argument('directory', required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option('--format', 'fmt', type=click.Choice(['table', 'json']), default='table', show_default=True)
@click.option('--language', help='Only this language (e.g. fr).')
@click.option('--stamp', 'stamp', multiple=True, type=click.Path(exists=True, path_type=Path),
              help='Record the current source hash in this translation file (or every translation file under this '
                   'folder): run it once the translation matches its original. Repeatable.')
def translations(directory: Path | None, fmt: str, language: str | None, stamp: tuple[Path, ...]):
    """Each course, scenario and framework per language: original, complete, missing or stale."""
    root = (directory or ROOT).resolve()
    if stamp:
        try:
            for line in stamp_paths(root, stamp):
                click.echo(line)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from exc
        return
    registry = _load(directory)
    statuses = [s for s in registry.translation_statuses if language in (None, s.language)]
    if fmt == 'json':
        click.echo(json.dumps([s.as_dict() for s in statuses], ensure_ascii=False, indent=1))
        return
    width = max((len(s.item) for s in statuses), default=4)
    click.echo(f'{"item":<{width}}  language  status')
    for s in statuses:
        detail = (f'  ({len(s.missing)} file(s) to translate)' if s.missing else
                  f'  ({len(s.stale)} file(s) to update)' if s.stale else '')
        click.echo(f'{s.item:<{width}}  {s.language:<8}  {s.status}{detail}')
