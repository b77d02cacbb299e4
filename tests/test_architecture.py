"""The layout rules of the developers' guide, checked on the code itself (standard library ``ast`` only).

- every module of ``training/`` imports;
- no import cycle between modules (imports at module level; an import inside a function is allowed only to break a
  genuine cycle, and then says so in a comment with the word "cycle", or to load on first use what most workers
  never need -- the package's own lazy ``training.create_app``, and the PDF and spreadsheet libraries (issue 18:
  worker memory) -- and then says "first use");
- the engines and the shared text rules load no Flask, no database layer and no templates (checked in a fresh
  interpreter: this one has the whole app loaded);
- a core module (``training/*.py``, outside the domain packages) never imports a view module;
- no view module imports another view module, and none runs queries (``sa.select`` / ``select(``);
- no file in ``training/`` over 400 lines (migrations excluded), no function over 60 lines.
"""
from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / 'training'
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 60

def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix('').parts
    return '.'.join(parts[:-1] if parts[-1] == '__init__' else parts)


@cache
def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob('*.py')):
        if 'migrations' in path.relative_to(PACKAGE).parts:
            continue
        found[_module_name(path)] = path
    return found


@cache
def tree(name: str) -> ast.Module:
    return ast.parse(modules()[name].read_text(encoding='utf-8'))


def _resolve(importer: str, node: ast.ImportFrom | ast.Import) -> list[str]:
    """The training modules an import statement loads (``from a.b import c`` is ``a.b.c`` when that is a module)."""
    known = modules()
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name in known]
    base = node.module or ''
    if node.level:
        package = importer if modules()[importer].name == '__init__.py' else importer.rpartition('.')[0]
        for _ in range(node.level - 1):
            package = package.rpartition('.')[0]
        base = f'{package}.{base}' if base else package
    targets = [f'{base}.{a.name}' for a in node.names if f'{base}.{a.name}' in known]
    if len(targets) < len(node.names) and base in known:
        targets.append(base)
    return targets


def _function_level(module: ast.Module) -> set[int]:
    """ids of the import nodes that sit inside a function."""
    inner = set()
    for fn in ast.walk(module):
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            inner.update(id(n) for n in ast.walk(fn) if isinstance(n, ast.Import | ast.ImportFrom))
    return inner


@cache
def graph(*, inside_functions: bool = False) -> dict[str, set[str]]:
    """Module-level imports between training modules (``if TYPE_CHECKING:`` blocks excluded); with
    ``inside_functions``, the imports inside functions too."""
    edges: dict[str, set[str]] = {}
    for name in modules():
        module = tree(name)
        inner = set() if inside_functions else _function_level(module)
        typing_only = {id(n) for block in ast.walk(module) if isinstance(block, ast.If)
                       and 'TYPE_CHECKING' in ast.unparse(block.test) for n in ast.walk(block)}
        edges[name] = {target for node in ast.walk(module) if isinstance(node, ast.Import | ast.ImportFrom)
                       and id(node) not in inner and id(node) not in typing_only
                       for target in _resolve(name, node) if target != name}
    return edges


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def _is_view(name: str) -> bool:
    return name.rpartition('.')[2].endswith('views')


def _is_core(name: str) -> bool:
    path = modules()[name]
    return path.parent == PACKAGE


@pytest.mark.parametrize('name', sorted(modules()))
def test_every_module_imports(name):
    importlib.import_module(name)


def test_no_import_cycle():
    assert _cycles(graph()) == []


def test_the_cycle_check_finds_a_cycle():
    assert _cycles({'a': {'b'}, 'b': {'c'}, 'c': {'a'}, 'd': {'a'}}) == [['a', 'b', 'c']]


def test_core_modules_never_import_a_view():
    wrong = {name: sorted(t for t in targets if _is_view(t))
             for name, targets in graph(inside_functions=True).items() if _is_core(name)}
    assert {k: v for k, v in wrong.items() if v} == {}


def test_no_view_imports_another_view():
    wrong = {name: sorted(t for t in targets if _is_view(t))
             for name, targets in graph(inside_functions=True).items()
             if _is_view(name)}
    assert {k: v for k, v in wrong.items() if v} == {}


def test_no_queries_in_views():
    wrong = []
    for name, path in modules().items():
        if not _is_view(name):
            continue
        for node in ast.walk(tree(name)):
            if isinstance(node, ast.Call) and ast.unparse(node.func).split('.')[-1] == 'select':
                wrong.append(f'{path.relative_to(ROOT)}:{node.lineno}')
    assert wrong == []


def test_function_level_imports_say_which_cycle_they_break():
    wrong = []
    for name, path in modules().items():
        lines = path.read_text(encoding='utf-8').splitlines()
        module = tree(name)
        inner = _function_level(module)
        for node in ast.walk(module):
            if isinstance(node, ast.Import | ast.ImportFrom) and id(node) in inner:
                around = ' '.join(lines[max(0, node.lineno - 3):node.end_lineno])
                if 'cycle' not in around and 'first use' not in around:
                    wrong.append(f'{path.relative_to(ROOT)}:{node.lineno}')
    assert wrong == []


#: Pure modules: rules with no web, no database and no app (DESIGN: "engines pure")
PURE = ('training.workshops.matching', 'training.courses.scoring', 'training.scenarios.engine',
        'training.reports.definitions', 'training.text', 'training.errors', 'training.quiz_kinds',
        *sorted(n for n in modules() if n.startswith('training.workshops.sheets')))
#: Top-level packages a pure module must not load
WEB_AND_DATABASE = ('flask', 'flask_babel', 'flask_login', 'flask_wtf', 'flask_sqlalchemy', 'flask_migrate',
                    'flask_limiter', 'flask_compress', 'werkzeug', 'jinja2', 'wtforms', 'sqlalchemy', 'alembic')


def test_the_engines_load_without_flask_or_the_database():
    code = ('import importlib, json, sys\n'
            f'for name in {list(PURE)!r}: importlib.import_module(name)\n'
            'print(json.dumps(sorted({m.partition(".")[0] for m in sys.modules})))')
    out = subprocess.run([sys.executable, '-c', code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    loaded = set(json.loads(out))
    assert 'training' in loaded and sorted(loaded & set(WEB_AND_DATABASE)) == []


def test_the_purity_check_sees_flask():
    code = 'import sys, training.factory; print(sorted(m for m in sys.modules if m == "flask"))'
    out = subprocess.run([sys.executable, '-c', code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['flask']"


def test_files_stay_small():
    wrong = {}
    for path in modules().values():
        n = len(path.read_text(encoding='utf-8').splitlines())
        if n > MAX_FILE_LINES:
            wrong[str(path.relative_to(ROOT))] = n
    assert wrong == {}


def test_functions_stay_short():
    wrong = {}
    for name, path in modules().items():
        for node in ast.walk(tree(name)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    wrong[f'{path.relative_to(ROOT)}:{node.lineno} {node.name}'] = n
    assert wrong == {}
