"""For translators: stamping a translation with its original's current hash, and the per-language report that
``flask content check`` prints after the problems."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from training.content.translations import CONTENT_LANGUAGES, FOLDER, source_hash, stamp_text


def original_of(path: Path) -> Path:
    """The original a translation file translates: ``<base>/translations/<lang>/<rel>`` -> ``<base>/<rel>``."""
    parts = path.parts
    for i in range(len(parts) - 2, 0, -1):
        if parts[i] == FOLDER and parts[i + 1] in CONTENT_LANGUAGES:
            return Path(*parts[:i], *parts[i + 2:])
    raise ValueError(f'{path}: not a translation file (expected .../{FOLDER}/<language>/...)')


def _translation_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob('*') if p.is_file() and p.suffix in ('.yaml', '.md')
                  and not p.name.startswith('.'))


def stamp_paths(root: Path, paths: Iterable[Path]) -> list[str]:
    """Write the current source hash into each translation file (a folder: every file under it); one line each."""
    done = []
    for given in paths:
        for path in _translation_files(Path(given).resolve()):
            source = original_of(path)
            if not source.is_file():
                raise ValueError(f'{path}: its original {source} does not exist')
            value = source_hash(source)
            text = path.read_text(encoding='utf-8')
            path.write_text(stamp_text(text, value, markdown=path.suffix == '.md'), encoding='utf-8')
            done.append(f'{_rel(path, root)}: source_hash {value} (from {_rel(source, root)})')
    return done


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def translation_report(registry) -> list[str]:
    """A warning per stale translation file, then one line per language: what is complete, stale, missing."""
    lines = []
    for status in registry.translation_statuses:
        for path, why in status.stale:
            lines.append(f'{path}:1: warning: stale translation: {why}; update it, then run '
                         f'"flask content translations --stamp {path}"')
    languages = [lang for lang in CONTENT_LANGUAGES
                 if any(s.language == lang and s.status != 'original' for s in registry.translation_statuses)]
    for lang in languages:
        mine = [s for s in registry.translation_statuses if s.language == lang and s.status != 'original']
        complete = sum(1 for s in mine if s.status == 'complete')
        stale = [s.item for s in mine if s.status == 'stale']
        missing = [f'{s.item} ({len(s.missing)} file(s))' for s in mine if s.status == 'missing']
        line = f'translations {lang}: {complete} of {len(mine)} complete'
        if stale:
            line += f'; stale: {", ".join(stale)}'
        if missing:
            line += f'; missing: {", ".join(missing)}'
        lines.append(line)
    return lines
