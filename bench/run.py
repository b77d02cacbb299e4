"""`make bench`: the whole benchmark suite, one table of (figure, value, budget, pass/fail), bench/RESULTS.md.

    .venv/bin/python -m bench.run [--seconds 6] [--skip-pg] [--skip-browser] [--skip-scale] [--strict]

Steps: fresh SQLite and PostgreSQL databases with the demo data; content load time; page weight and load time in
Chromium; throughput under gunicorn on each database; the optional scale modules (bench/report_scale.py,
bench/import_scale.py, bench/synthetic.py) when they exist. A page that does not exist on this branch is reported as
"not available" (a failed budget), never a crash. See bench/README.md for how to read the figures.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import traceback
from contextlib import contextmanager

from bench.common import OUT, ROOT, Table, drop_postgres, postgres_url, postgres_version, prepare_database

RESULTS = ROOT / 'bench' / 'RESULTS.md'
#: One database per run, so that two runs on one host (two checkouts) do not share it; dropped at the end.
PG_DB = f'training_bench_{os.getpid()}'
#: The quick ones first
OPTIONAL_MODULES = ('bench.import_scale', 'bench.report_scale', 'bench.venue_sync', 'bench.synthetic')
CONTENT_LOAD_BUDGET_S = 1.0
TOTAL_BUDGET_S = 600.0  # `make bench` must finish in 10 minutes
SLOW_LOAD_BUDGET_S = 1.5

Row = tuple[str, str, str, 'bool | None']


# ---------------------------------------------------------------------------------------------------------------
# Pure helpers (unit-tested)


def kb(n: int) -> str:
    """Bytes as KB (1 KB = 1000 bytes, the stricter reading of the budgets)."""
    return f'{n / 1000:.1f} KB'


def weight_rows(weights: dict, found: dict) -> list[Row]:
    """Rows for each page: its weight cold on the wire against its budget, and its load time at 400 kbit/s with
    400 ms round trips (every page, < 1.5 s)."""
    rows: list[Row] = []
    slow_budget = f'< {SLOW_LOAD_BUDGET_S:.1f} s'
    for name, f in found.items():
        budget_kb = f.spec.budget_kb
        budget = f'≤ {budget_kb:.0f} KB'
        w = weights.get(name)
        problem = 'not available' if not f.ok else ('error' if w is None or 'error' in w else None)
        if problem:
            rows.append((f'weight: {name} (cold, on the wire)', problem, budget, False))
            rows.append((f'{name} fully loaded at 400 kbit/s, 400 ms RTT', problem, slow_budget, False))
            continue
        value = f'{kb(w["bytes"])} in {w["requests"]} requests'
        rows.append((f'weight: {name} (cold, on the wire)', value, budget, w['bytes'] <= budget_kb * 1000))
        slow = w.get('slow_seconds')
        rows.append((f'{name} fully loaded at 400 kbit/s, 400 ms RTT', 'error' if slow is None else f'{slow:.2f} s',
                     slow_budget, slow is not None and slow < SLOW_LOAD_BUDGET_S))
    return rows


def normalise_rows(rows) -> list[Row]:
    """Rows from an optional module: (figure, value, budget, ok) with anything printable as value and budget."""
    out: list[Row] = []
    for row in rows or []:
        figure, value, budget, ok = (list(row) + [None] * 4)[:4]
        out.append((str(figure), str(value), '' if budget is None else str(budget), None if ok is None else bool(ok)))
    return out


def verdict_counts(rows: list[Row]) -> tuple[int, int]:
    """(passed, failed) among rows that carry a budget."""
    passed = sum(1 for r in rows if r[3] is True)
    failed = sum(1 for r in rows if r[3] is False)
    return passed, failed


#: The server the throughput step measures (bench.common.gunicorn's default)
BENCH_WORKERS = 2
_TIME_VALUE = re.compile(r'^(\d+(?:\.\d+)?) (ms|s)$')
_RPS_VALUE = re.compile(r'^(\d+(?:\.\d+)?) rps')


def hello_request_ms(rows, workers: int = BENCH_WORKERS) -> float | None:
    """A worker's time for one hello-world request in this run: ``workers`` / the first hello-world server's requests
    a second (the framework's floor on this machine, now), in ms; None if the run measured none."""
    for figure, value, *_rest in rows:
        found = _RPS_VALUE.match(value) if figure.endswith(': hello-world throughput') else None
        if found and float(found.group(1)) > 0:
            return 1000 * workers / float(found.group(1))
    return None


def with_hello_ratios(rows, hello_ms: float | None) -> list:
    """Each single time figure also in hello-world requests of the same run ("137 ms = 342 hello-world requests"),
    which compares across machines as a time does not. Not for the load times at 400 kbit/s, which the simulated
    network sets, nor for figures that already give a ratio."""
    if not hello_ms:
        return list(rows)
    out = []
    for figure, value, *rest in rows:
        found = _TIME_VALUE.match(value)
        if found and '400 kbit/s' not in figure:
            ms = float(found.group(1)) * (1000 if found.group(2) == 's' else 1)
            value = f'{value} = {ms / hello_ms:,.0f} hello-world requests'
        out.append((figure, value, *rest))
    return out


def results_markdown(table: Table, machine: dict[str, str], notes: list[str], started: dt.datetime,
                     seconds: float) -> str:
    passed, failed = verdict_counts([(a, b, c, {'pass': True, 'FAIL': False}.get(d)) for a, b, c, d in table.rows])
    lines = [
        '# Benchmark results',
        '',
        f'Run by `make bench` on {started:%Y-%m-%d %H:%M} UTC, {seconds:.0f} s in all. '
        f'{passed} budgets passed, {failed} failed. How to read this: [README.md](README.md).',
        '',
        '## Machine',
        '',
        '| | |',
        '|---|---|',
        *[f'| {k} | {v} |' for k, v in machine.items()],
        '',
        '## Figures',
        '',
        table.markdown(),
        '',
    ]
    if notes:
        lines += ['## Notes', '', *[f'- {n}' for n in notes], '']
    return '\n'.join(lines)


# ---------------------------------------------------------------------------------------------------------------
# The machine


def _first_line(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return 'not installed'
    text = (out.stdout or out.stderr).strip()
    return text.splitlines()[0] if text else 'unknown'


def machine_facts() -> dict[str, str]:
    cpu = 'unknown'
    try:
        for line in open('/proc/cpuinfo', encoding='utf-8'):
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
        mem_kb = next(int(line.split()[1]) for line in open('/proc/meminfo', encoding='utf-8')
                      if line.startswith('MemTotal'))
        mem = f'{mem_kb / 1024 / 1024:.1f} GiB'
    except (OSError, StopIteration):
        mem = 'unknown'
    osname = platform.platform()
    try:
        osrel = dict(line.rstrip().split('=', 1) for line in open('/etc/os-release', encoding='utf-8') if '=' in line)
        osname = f'{osrel.get("PRETTY_NAME", "").strip(chr(34))} (Linux {platform.release()})'
    except OSError:
        pass
    import gunicorn
    return {
        'CPU': f'{cpu} × {os.cpu_count()}',
        'RAM': mem,
        'OS': osname,
        'Python': platform.python_version(),
        'SQLite': sqlite3.sqlite_version,
        'PostgreSQL': postgres_version(),
        'gunicorn': f'{gunicorn.__version__} (gunicorn.conf.py: 2 workers, gthread)',
        'wrk': _first_line(['wrk', '--version']).split(' Copyright')[0],
        'Chromium': _first_line(['/usr/bin/chromium', '--version']),
        'load average at start (1/5/15 min)': ' / '.join(f'{x:.2f}' for x in os.getloadavg()),
        'other work on the machine': 'shared with other jobs: see the load average; compare ratios, not rps',
    }


# ---------------------------------------------------------------------------------------------------------------
# The run


def _app_for(database_url: str):
    """The app (for its URL map and content registry) without serving it."""
    from training import create_app
    return create_app({'SQLALCHEMY_DATABASE_URI': database_url, 'SECRET_KEY': 'bench-only-secret'})


_T0 = time.perf_counter()


class LoadSampler(threading.Thread):
    """The 1-minute load average every 5 s while the suite runs (2 cores: above 2, other work competes)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self._stop_event = threading.Event()

    def run(self):
        while not self._stop_event.wait(5):
            self.samples.append(os.getloadavg()[0])

    def stop(self) -> str:
        self._stop_event.set()
        if not self.samples:
            return 'not sampled'
        return f'{sum(self.samples) / len(self.samples):.2f} / {max(self.samples):.2f}'


def _step(title: str) -> None:
    print(f'\n== {title}  [{time.perf_counter() - _T0:.0f} s]', flush=True)


def run(args) -> int:
    global _T0
    started = dt.datetime.now(dt.UTC)
    t0 = _T0 = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)
    table = Table()
    notes: list[str] = []

    def add(rows):
        for figure, value, budget, ok in rows:
            table.add(figure, value, budget, ok)

    _step('machine')
    machine = machine_facts()
    loads = LoadSampler()
    loads.start()
    for k, v in machine.items():
        print(f'  {k}: {v}')

    @contextmanager
    def guarded(figure: str):
        """One step failing (a crash, a server that does not start) becomes a failed row, not a lost run."""
        try:
            yield
        except Exception as exc:  # noqa: BLE001
            traceback.print_exc()
            message = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
            add([(figure, f'error: {type(exc).__name__}', '', False)])
            notes.append(f'{figure}: {message}')

    _step('content load at start-up')
    with guarded('content load at start-up'):
        from bench import content_load
        cl = content_load.measure()
        add([('content load at start-up (median of 5)', f'{cl["median_s"] * 1000:.0f} ms',
              f'< {CONTENT_LOAD_BUDGET_S * 1000:.0f} ms', cl['median_s'] < CONTENT_LOAD_BUDGET_S)])
        notes.append(f'content: {cl["summary"]}')

    _step('databases (migrate + demo data)')
    sqlite_path = OUT / 'bench.sqlite'
    for suffix in ('', '-wal', '-shm'):
        (OUT / f'bench.sqlite{suffix}').unlink(missing_ok=True)
    candidates = {'sqlite': f'sqlite:///{sqlite_path}'}
    if not args.skip_pg:
        pg = postgres_url(PG_DB, fresh=True)
        if pg:
            candidates['postgresql'] = pg
        else:
            add([('postgresql: database', 'not reachable', '', False)])
    databases = {}
    for label, url in candidates.items():
        t = time.perf_counter()
        with guarded(f'{label}: migrate + demo data'):
            prepare_database(url)
            databases[label] = url
            print(f'  {label}: ready in {time.perf_counter() - t:.1f} s')
            notes.append(f'{label}: fresh database, migrated, demo data loaded in {time.perf_counter() - t:.0f} s')

    try:
        if not args.skip_browser and 'sqlite' in databases:
            _step('page weight and load time (Chromium, cold cache)')
            t = time.perf_counter()
            with guarded('page weight'):
                add(page_weight_rows(databases['sqlite'], notes))
            notes.append(f'page weight step took {time.perf_counter() - t:.0f} s')

        for label, url in databases.items():
            _step(f'throughput under gunicorn ({label})')
            t = time.perf_counter()
            with guarded(f'{label}: throughput'):
                from bench import throughput
                rows, more = throughput.measure(label, url, _app_for(url), seconds=args.seconds)
                add(rows)
                notes.extend(more)
            notes.append(f'{label}: throughput step took {time.perf_counter() - t:.0f} s')
            if not args.skip_burst:
                _step(f'burst: 200 quiz and 40 stage submissions ({label})')
                t = time.perf_counter()
                with guarded(f'{label}: burst'):
                    from bench import burst
                    rows, more = burst.measure(label, url, _app_for(url))
                    add(rows)
                    notes.extend(more)
                notes.append(f'{label}: burst step took {time.perf_counter() - t:.0f} s')

        if 'postgresql' in databases and not args.skip_workers:
            _step('throughput with 1, 2 and 4 workers (postgresql)')
            t = time.perf_counter()
            with guarded('postgresql: workers'):
                from bench import scaling
                rows, more = scaling.measure(databases['postgresql'], _app_for(databases['postgresql']))
                add(rows)
                notes.extend(more)
            notes.append(f'postgresql: workers step took {time.perf_counter() - t:.0f} s')

        if not args.skip_scale:
            for name in OPTIONAL_MODULES:
                if not (ROOT / (name.replace('.', '/') + '.py')).exists():
                    notes.append(f'{name}: not on this branch')
                    continue
                _step(name)
                budget = max(60.0, TOTAL_BUDGET_S - 30 - (time.perf_counter() - t0))
                rows, note = run_optional(name, timeout=budget)
                add(rows)
                notes.append(note)
    finally:
        if 'postgresql' in candidates and not args.keep_pg:
            drop_postgres(PG_DB)

    seconds = time.perf_counter() - t0
    machine['load average at end (1/5/15 min)'] = ' / '.join(f'{x:.2f}' for x in os.getloadavg())
    machine['load average during the run (1 min, every 5 s: mean / max)'] = loads.stop()
    hello_ms = hello_request_ms(table.rows)
    table.rows = with_hello_ratios(table.rows, hello_ms)
    if hello_ms:
        notes.insert(0, f'a hello-world request: {hello_ms:.2f} ms of a worker ({BENCH_WORKERS} workers / the first '
                        'hello-world throughput in the table); a time "= N hello-world requests" is that time in this '
                        'unit, measured in the same run')
    _step(f'results ({seconds:.0f} s)')
    print(table.markdown())
    if notes:
        print('\nNotes:\n' + '\n'.join(f'  - {n}' for n in notes))
    if args.write:
        RESULTS.write_text(results_markdown(table, machine, notes, started, seconds), encoding='utf-8')
        print(f'\nwritten {RESULTS.relative_to(ROOT)}')
    _passed, failed = verdict_counts([(a, b, c, {'pass': True, 'FAIL': False}.get(d)) for a, b, c, d in table.rows])
    return 1 if (args.strict and failed) else 0


ROWS_MARKER = 'BENCH-ROWS-JSON:'
#: A module may also print each row as soon as it has it (kept if the module is stopped for time)
ROW_MARKER = 'BENCH-ROW-JSON:'
_RUN_OPTIONAL = f"""
import importlib, json, sys
module = importlib.import_module(sys.argv[1])
rows = module.run() if hasattr(module, 'run') else None
print({ROWS_MARKER!r} + json.dumps(rows, default=str), flush=True)
"""


def parse_optional_output(stdout: str):
    """The rows a module's run() returned, from the marker line its subprocess printed (None if absent)."""
    import json
    for line in reversed(stdout.splitlines()):
        if line.startswith(ROWS_MARKER):
            return json.loads(line[len(ROWS_MARKER):])
    return None


def partial_rows(stdout: str) -> list:
    """The rows a module printed one by one before it was stopped."""
    import json
    return [json.loads(line[len(ROW_MARKER):]) for line in stdout.splitlines() if line.startswith(ROW_MARKER)]


def error_line(stderr: str) -> str:
    """The exception line of a traceback (``pkg.SomeError: message``), else the last line."""
    lines = [ln.strip() for ln in stderr.strip().splitlines() if ln.strip()]
    for line in reversed(lines):
        head = line.split(':', 1)[0]
        if ':' in line and ' ' not in head and (head.endswith('Error') or head.endswith('Exception')):
            return line[:240]
    return (lines or ['no output'])[-1][:240]


def run_optional(name: str, *, timeout: float) -> tuple[list[Row], str]:
    """Run ``name.run()`` in its own process, bounded in time, so that a slow or failing module cannot stop the
    suite or push it past 10 minutes. Returns its rows and a note."""
    t = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get('PYTHONPATH')])))
    proc = subprocess.Popen([sys.executable, '-c', _RUN_OPTIONAL, name], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the module and anything it started (its own process group)
        stdout, _stderr = proc.communicate()
        print(stdout)
        done = normalise_rows(partial_rows(stdout))
        return done + [(name, f'timed out after {timeout:.0f} s', '', False)], \
            f'{name}: stopped after {timeout:.0f} s ({len(done)} rows measured before)'
    result = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    output = result.stdout
    print('\n'.join(ln for ln in output.splitlines() if not ln.startswith((ROWS_MARKER, ROW_MARKER))))
    seconds = time.perf_counter() - t
    if result.returncode != 0:
        err = error_line(result.stderr)
        print(result.stderr[-3000:], file=sys.stderr)
        return [(name, 'error', '', False)], f'{name}: failed after {seconds:.0f} s: {err}'
    rows = parse_optional_output(output)
    if rows is None:
        return [], f'{name}: no run() (helper module), {seconds:.0f} s'
    return normalise_rows(rows), f'{name}: {seconds:.0f} s'


def page_weight_rows(database_url: str, notes: list[str]) -> list[Row]:
    from bench.common import gunicorn
    from bench.page_weight import CHROMIUM, measure_pages
    from bench.pages import PAGES, discover

    app = _app_for(database_url)
    with gunicorn(database_url) as (base, _proc):
        found = {spec.name: discover(base, app, spec) for spec in PAGES}
        found.update(more_pages(app, found))
        for name, f in found.items():
            notes.append(f'page {name}: ' + (f'{f.path} ({f.endpoint}, found by {f.how})' if f.ok
                                             else f'not available: {f.reason}'))
        if not shutil.which(CHROMIUM):
            notes.append(f'page weight: {CHROMIUM} is not installed')
            return weight_rows({}, {n: f for n, f in found.items()})
        specs = [{'name': n, 'path': f.path, 'login': f.spec.user, 'locale': f.locale, 'upload': f.upload}
                 for n, f in found.items() if f.ok]
        weights = measure_pages(base, specs)
    for name, w in weights.items():
        if 'error' in w:
            notes.append(f'page {name}: browser error: {w["error"]}')
    resources = [r for w in weights.values() for r in w.get('resources', [])]
    return weight_rows(weights, found) + header_rows(resources, notes)


def more_pages(app, found: dict) -> dict:
    """Pages other issues added, found from the demo data: the lesson in Arabic (the interface language a browser
    asks for), the presenter view of the demo live run (its trainer), the import preview of a sheet (a trainer of
    the demo's first session; the page the upload leads to)."""
    from bench.demo_data import demo_ids
    from bench.pages import TRAINER, Found, PageSpec
    out = {}
    lesson = found.get('lesson')
    arabic = PageSpec('lesson, Arabic interface', lesson.spec.endpoints, user=lesson.spec.user,
                      budget_kb=lesson.spec.budget_kb) if lesson else None
    if lesson is not None and lesson.ok and 'ar' in app.config.get('LANGUAGES', ()):
        out[arabic.name] = Found(arabic, path=lesson.path, endpoint=lesson.endpoint,
                                 how='the lesson, Accept-Language ar', locale='ar')
    run_id, session_id = demo_ids(app)
    spec = PageSpec('presenter view', ('scenarios.live_present',), user=TRAINER)
    out[spec.name] = (Found(spec, path=f'/manage/live/{run_id}/present', endpoint=spec.endpoints[0], how='demo run')
                      if run_id else Found(spec, reason='no live run in the demo data'))
    spec = PageSpec('import preview', ('workshops.import_sheet',), user=TRAINER)
    if session_id:
        out[spec.name] = Found(spec, path=f'/manage/sessions/{session_id}/import', endpoint=spec.endpoints[0],
                               how='a 4-row sheet sent with the upload form',
                               upload=str(ROOT / 'bench' / 'preview-sheet.csv'))
    else:
        out[spec.name] = Found(spec, reason='no session trained by the demo trainer')
    return out


def header_rows(resources: list[dict], notes: list[str]) -> list[Row]:
    """Compression and static caching, checked on every response the measured pages loaded."""
    from bench.page_weight import header_problems
    if not resources:
        return [('text responses over 1 KB compressed', 'no pages loaded', 'all', False),
                ('static files: hashed URL, immutable, long max-age', 'no pages loaded', 'all', False)]
    problems = header_problems(resources)
    static = sum(1 for r in resources if '/static/' in r['url'])
    for kind, paths in problems.items():
        if paths:
            notes.append(f'{kind}: ' + ', '.join(paths))
    encodings = sorted({r['encoding'] for r in resources if r['encoding']})
    bad_text, bad_static = len(problems['uncompressed']), len(problems['uncached'])
    return [
        ('text responses over 1 KB compressed',
         f'{bad_text} of {len(resources)} not' if bad_text else f'all {len(resources)} ({", ".join(encodings)})',
         'all', not bad_text),
        ('static files: hashed URL, immutable, long max-age',
         f'{bad_static} of {static} not' if bad_static else f'all {static}', 'all', not bad_static),
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--seconds', type=float, default=float(os.environ.get('BENCH_SECONDS', '6')),
                        help='wrk duration per page (default 6)')
    parser.add_argument('--skip-pg', action='store_true', help='SQLite only')
    parser.add_argument('--skip-browser', action='store_true', help='no page weight (no Chromium)')
    parser.add_argument('--skip-scale', action='store_true', help='not the optional scale modules')
    parser.add_argument('--skip-burst', action='store_true', help='not the burst of quiz and stage submissions')
    parser.add_argument('--skip-workers', action='store_true', help='not the 1, 2, 4 workers runs')
    parser.add_argument('--keep-pg', action='store_true', help='keep the training_bench_<pid> database afterwards')
    parser.add_argument('--no-write', dest='write', action='store_false', help='do not write bench/RESULTS.md')
    parser.add_argument('--strict', action='store_true', help='exit 1 when a budget fails')
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return run(args)


if __name__ == '__main__':
    sys.exit(main())
