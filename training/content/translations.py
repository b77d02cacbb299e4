"""Content translations as files: ``translations/<lang>/`` beside each original, mirroring its file names.

A translation file is a copy of the original with the text translated and one key added, ``source_hash``: the
content hash of the original file it was translated from. Only text is translated (the keys in ``TEXT_KEYS``);
every other key (ids, answers, scores, links between items) is taken from the original and, when the translator
kept it, must equal the original's. Lists of items must keep the original's length and order.

``overlay(original, translation)`` merges the two, recording each difference as ``path:line: message`` on the
translation file; the merged data is then validated by the same models and checks as an original.
See docs/content-format.md ("Translations").
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from training.content.base import LineDict, LineList, Problems

#: Languages content may be written or translated in (the interface languages, or about to be).
CONTENT_LANGUAGES = ('en', 'fr', 'es', 'ar')

#: Keys whose values are text a translator translates; every other key is keyed data copied from the original.
TEXT_KEYS = frozenset({
    'title', 'short_title', 'summary', 'brief', 'narrative', 'text', 'feedback', 'prompt', 'rationale',
    'explanation', 'description', 'note', 'source', 'date', 'country', 'publisher', 'document', 'url',
    'checked', 'checked_against',
})

HASH_KEY = 'source_hash'
#: On a course translation's course.yaml: the slug it had when it was a course of its own (old links, records)
FORMER_SLUG_KEY = 'former_slug'
HASH_RE = re.compile(r'^[0-9a-f]{12}$')
FOLDER = 'translations'


def source_hash(path: Path) -> str:
    """The content hash recorded in a translation: the first 12 hex digits of the SHA-256 of the original file
    (line endings normalised, so a checkout on Windows does not make every translation stale)."""
    data = Path(path).read_bytes().replace(b'\r\n', b'\n')
    return hashlib.sha256(data).hexdigest()[:12]


@dataclass
class Overlay:
    """One translation file being merged onto its original."""

    path: Path
    problems: Problems

    def add(self, line: int, message: str) -> None:
        self.problems.add(self.path, line, message)


def _has_text(key: Any, value: Any) -> bool:
    """Whether ``value`` (under ``key``) holds any text a translator must translate."""
    if key in TEXT_KEYS:
        return value not in (None, '', [], ())
    if isinstance(value, dict):
        return any(_has_text(k, v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_text(None, v) for v in value)
    return False


def _where(where: str, key: Any) -> str:
    return f'{where}.{key}' if where else str(key)


def _label(where: str, item: Any, index: int) -> str:
    """``options[b]`` for an item with an id (or a factor), else ``branches[2]`` (1-based)."""
    if isinstance(item, dict):
        for key in ('id', 'factor'):
            if isinstance(item.get(key), str | int):
                return f'{where}[{item[key]}]'
    return f'{where}[{index + 1}]'


def _overlay_list(o: Overlay, orig: list, tr: Any, where: str, line: int) -> list:
    if not isinstance(tr, list):
        o.add(line, f'{where}: must be a list, as in the original')
        return orig
    if not any(isinstance(item, dict) for item in orig):
        if list(tr) != list(orig):
            o.add(line, f'{where}: {list(tr)!r} differs from the original ({list(orig)!r}); only text is '
                        'translated: copy this list unchanged or leave it out')
        return orig
    if len(tr) != len(orig):
        o.add(line, f'{where}: the original has {len(orig)} item(s), the translation {len(tr)}: translate each '
                    'item, in the same order, with no missing or extra items')
        return orig
    merged = LineList()
    merged.line = getattr(tr, 'line', line)
    merged.item_lines = []
    for i, (orig_item, tr_item) in enumerate(zip(orig, tr, strict=True)):
        item_line = tr.item_lines[i] if isinstance(tr, LineList) else line
        merged.append(_overlay_value(o, None, orig_item, tr_item, _label(where, orig_item, i), item_line))
        merged.item_lines.append(item_line)
    return merged


def _overlay_dict(o: Overlay, orig: dict, tr: Any, where: str, line: int) -> dict:
    if not isinstance(tr, dict):
        o.add(line, f'{where or "the file"}: must be a mapping, as in the original')
        return orig
    tr_line = getattr(tr, 'line', line)
    for key in tr:
        if key not in orig:
            o.add(_line_of(tr, key), f'{_where(where, key)}: unknown key {key!r}: the original has no such key')
    merged = LineDict()
    merged.line = tr_line
    merged.key_lines = {}
    for key, value in orig.items():
        if key in tr:
            key_line = _line_of(tr, key)
            merged[key] = _overlay_value(o, key, value, tr[key], _where(where, key), key_line)
            merged.key_lines[key] = key_line
        else:
            if _has_text(key, value):
                o.add(tr_line, f'{_where(where, key)}: not translated (the original has {key!r} here)')
            merged[key] = value
            merged.key_lines[key] = tr_line
    return merged


def _line_of(data: Any, key: Any) -> int:
    return data.line_of(key) if isinstance(data, LineDict) else getattr(data, 'line', 1)


def _overlay_value(o: Overlay, key: Any, orig: Any, tr: Any, where: str, line: int) -> Any:
    if key in TEXT_KEYS:
        if isinstance(orig, str) and orig.strip() and not (isinstance(tr, str) and tr.strip()):
            o.add(line, f'{where}: the translation is empty')
            return orig
        return tr
    if isinstance(orig, dict):
        return _overlay_dict(o, orig, tr, where, line)
    if isinstance(orig, list):
        return _overlay_list(o, orig, tr, where, line)
    if tr != orig or type(tr) is not type(orig):
        o.add(line, f'{where}: {tr!r} differs from the original ({orig!r}); ids, answers, scores and links '
                    'between items are not translated: copy the value unchanged or leave the key out')
    return orig


def overlay(original: Any, translation: Any, path: Path, problems: Problems, language: str) -> tuple[Any, str | None]:
    """Merge a translation file's data onto its original's; returns (merged data, the recorded source hash).

    ``language`` is the folder's language: a ``language:`` key, if the translation has one, must say the same.
    """
    o = Overlay(path, problems)
    if not isinstance(translation, dict):
        o.add(getattr(translation, 'line', 1), 'a translation file is a mapping: a copy of the original with its '
                                               'text translated, plus "source_hash:"')
        return original, None
    recorded = _take_hash(o, translation)
    tr = LineDict({k: v for k, v in translation.items() if k not in (HASH_KEY, FORMER_SLUG_KEY, 'language')})
    tr.line = translation.line
    tr.key_lines = translation.key_lines
    if 'language' in translation and translation['language'] != language:
        o.add(translation.line_of('language'), f'language {translation["language"]!r} must be {language!r}, '
                                               f'the language of the folder translations/{language}/')
    merged = _overlay_dict(o, original, tr, '', translation.line)
    if isinstance(merged, dict) and 'language' in original:
        merged['language'] = language
    return merged, recorded


def _take_hash(o: Overlay, data: dict) -> str | None:
    value = data.get(HASH_KEY)
    if value is None:
        return None
    if not isinstance(value, str) or not HASH_RE.match(value):
        o.add(data.line_of(HASH_KEY), f'{HASH_KEY} must be 12 hexadecimal digits, as written by '
                                      '"flask content translations --stamp PATH"')
        return None
    return value


# --------------------------------------------------------------------------------------------------------------
# Stamping: recording the current source hash in a translation file

_HASH_LINE = re.compile(r'^source_hash:.*$', re.MULTILINE)


def stamp_text(text: str, value: str, markdown: bool) -> str:
    """``text`` with its ``source_hash:`` line set to ``value`` (added at the top, or first in the front matter)."""
    line = f'{HASH_KEY}: {value}'
    if markdown:
        head, sep, body = text.partition('\n---')
        if text.startswith('---') and sep:
            if _HASH_LINE.search(head):
                return _HASH_LINE.sub(line, head, count=1) + sep + body
            return head.replace('---\n', f'---\n{line}\n', 1) + sep + body
        return f'---\n{line}\n---\n{text}'
    if _HASH_LINE.search(text):
        return _HASH_LINE.sub(line, text, count=1)
    return f'{line}\n{text}'
