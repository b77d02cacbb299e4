"""Reading content files with line numbers, and turning validation errors into ``path:line: message``."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f'{self.path}:{self.line}: {self.message}'


class ContentErrors(Exception):
    """Raised when content does not validate; str() lists every problem, one per line."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__('\n'.join(str(p) for p in self.problems))


@dataclass
class Problems:
    """Collects problems while loading, so authors see all of them at once."""

    root: Path
    items: list[Problem] = field(default_factory=list)

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def add(self, path: Path, line: int | None, message: str) -> None:
        self.items.append(Problem(self.rel(path), line or 1, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise ContentErrors(self.items)


class LineDict(dict):
    """A mapping that remembers the line of itself and of each key (1-based)."""

    line: int = 1
    key_lines: dict

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    line: int = 1
    item_lines: list


class _Loader(getattr(yaml, 'CSafeLoader', yaml.SafeLoader)):
    """Safe YAML, parsed by libyaml when PyYAML has it (ten times faster than the pure-Python parser; the line
    marks are the same), with the line of each mapping, key and list item kept."""

    line_offset = 0


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1 + loader.line_offset
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise yaml.MarkedYAMLError('while constructing a mapping', node.start_mark,
                                       f'duplicate key {key!r}', key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1 + loader.line_offset
    return mapping


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    seq = LineList(loader.construct_object(child, deep=True) for child in node.value)
    seq.line = node.start_mark.line + 1 + loader.line_offset
    seq.item_lines = [child.start_mark.line + 1 + loader.line_offset for child in node.value]
    return seq


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def parse_yaml(text: str, path: Path, problems: Problems, *, line_offset: int = 0) -> Any:
    """Safe YAML (no Python tags) with line numbers; returns None and records a problem on a syntax error."""
    loader = _Loader(text)
    loader.line_offset = line_offset
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else line_offset + 1
        problems.add(path, line, f'invalid YAML: {exc.problem or exc.context}')
    except yaml.YAMLError as exc:
        problems.add(path, line_offset + 1, f'invalid YAML: {exc}')
    finally:
        loader.dispose()
    return None


def read_text(path: Path, problems: Problems) -> str | None:
    try:
        return path.read_text(encoding='utf-8')
    except UnicodeDecodeError as exc:
        problems.add(path, 1, f'not UTF-8 text ({exc.reason} at byte {exc.start})')
    except OSError as exc:
        problems.add(path, 1, f'cannot read file: {exc.strerror}')
    return None


def load_yaml_file(path: Path, problems: Problems) -> Any:
    """The parsed file, or None with a problem recorded (unreadable, invalid YAML, or empty)."""
    text = read_text(path, problems)
    if text is None:
        return None
    before = len(problems.items)
    data = parse_yaml(text, path, problems)
    if data is None and len(problems.items) == before:
        problems.add(path, 1, 'the file is empty: it needs the keys described in docs/content-format.md')
    return data


def validated_files(directory: Path, model: type[BaseModel], problems: Problems):
    """Yield ``(path, data, object)`` for each ``*.yaml`` file directly in ``directory`` that parses and validates
    as ``model``, in name order; the others are recorded on ``problems`` and skipped."""
    directory = Path(directory)
    if not directory.is_dir():
        return
    for path in sorted(directory.glob('*.yaml')):
        data = load_yaml_file(path, problems)
        if data is None:
            continue
        obj = validate(model, data, path, problems)
        if obj is not None:
            yield path, data, obj


def load_front_matter(path: Path, problems: Problems) -> tuple[Any, str, int] | None:
    """Split a Markdown file into (front matter, body, line where the body starts)."""
    text = read_text(path, problems)
    if text is None:
        return None
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != '---':
        problems.add(path, 1, 'missing front matter: the file must start with a line "---"')
        return None
    for i in range(1, len(lines)):
        if lines[i].strip() == '---':
            meta = parse_yaml(''.join(lines[1:i]), path, problems, line_offset=1)
            if meta is None and problems:
                return None
            return meta or LineDict(), ''.join(lines[i + 1:]), i + 2
    problems.add(path, 1, 'front matter is not closed by a line "---"')
    return None


def line_at(data: Any, loc: tuple) -> int:
    """The line of the deepest element of ``loc`` that exists in ``data``."""
    line = getattr(data, 'line', 1)
    current = data
    for part in loc:
        if isinstance(current, LineDict) and part in current:
            line = current.line_of(part)
            current = current[part]
        elif isinstance(current, LineList) and isinstance(part, int) and 0 <= part < len(current):
            line = current.item_lines[part]
            current = current[part]
        else:
            break
    return line


def _describe(error: dict) -> str:
    loc = '.'.join(str(p) for p in error['loc'])
    kind = error['type']
    if kind == 'missing':
        return f'missing required key {error["loc"][-1]!r}' if error['loc'] else 'missing required key'
    if kind == 'extra_forbidden':
        return f'unknown key {error["loc"][-1]!r}'
    msg = error['msg']
    if msg.startswith('Value error, '):
        msg = msg[len('Value error, '):]
    return f'{loc}: {msg}' if loc else msg


def validate(model: type[BaseModel], data: Any, path: Path, problems: Problems, **context) -> Any:
    """Validate ``data`` into ``model``; record every error with its line and return None on failure."""
    if data is None:
        data = {}
    try:
        return model.model_validate(data, context=context or None)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error['loc'])
            # a missing key has no line of its own: report its parent mapping's line
            line = line_at(data, loc[:-1] if error['type'] == 'missing' else loc)
            problems.add(path, line, _describe(error))
    return None


def _require_str_id(value):
    if isinstance(value, bool) or isinstance(value, int | float):
        raise ValueError(f'ids must be quoted strings, e.g. "1.10" (got {value!r}; unquoted numbers lose digits)')
    return value


#: A framework factor or indicator id: a quoted string such as "9" or "1.10".
StrId = Annotated[str, BeforeValidator(_require_str_id)]
#: A slug-like id: lowercase letters, digits and hyphens.
Slug = Annotated[str, BeforeValidator(_require_str_id)]


class Model(BaseModel):
    """Base for content models: immutable, no unknown keys."""

    model_config = ConfigDict(frozen=True, extra='forbid', str_strip_whitespace=False)
