"""Time of the programme report on the synthetic 1,000,000-attendance database, on SQLite and PostgreSQL.

Figures per database: the page as programme staff open it (the default period, the last three calendar years,
~1,670 sessions and ~150,000 participations; every query behind the page plus rendering, through the Flask test
client), the same page for all years (10,000 sessions, 1,000,000 attendance rows), and a period starting and ending
inside a year (its partial years are read from the reporting rows by day). Median of 5 runs after a warm-up.
Budget: 250 ms. The same on the 10,000,000-attendance databases, budget 1 s, when they have been built (once:
``python -m bench.synthetic --size 10m`` and ``--size 10m --pg``; they are reused, never built by ``make bench``).

Usage: python -m bench.report_scale [--size 1m|10m]  (builds the 1m databases with bench/synthetic.py if needed)
"""
from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BUDGET_MS = {'1m': 250.0, '10m': 1000.0}
RUNS = 5
PG_NAME = 'training_bench_scale'
#: Only this database (SQLite or PostgreSQL), from --only
ONLY = sys.argv[sys.argv.index('--only') + 1] if '--only' in sys.argv else None
ROW_MARKER = 'BENCH-ROW-JSON:'  # bench.run.ROW_MARKER
#: A period that starts and ends inside a year
MID_YEAR = '?from=2019-05-17&to=2024-08-03'


def _median_ms(fn, runs: int = RUNS) -> float:
    fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(database_url: str, size: str = '1m') -> dict[str, float]:
    from bench import synthetic
    from training import create_app
    from training.reports import queries
    from training.reports.definitions import ReportFilter
    from training.reports.views import default_period

    synthetic.build(database_url, quiet=False, size=size)  # reused (a 10m one is complete): schema brought up to date
    app = create_app({'SQLALCHEMY_DATABASE_URI': database_url, 'SECRET_KEY': 'bench-only-secret',
                      'RATELIMIT_STORAGE_URI': 'memory://', 'TESTING': True, 'WTF_CSRF_ENABLED': False})
    out = {}
    with app.app_context():
        client = app.test_client()
        response = client.post('/login', data={'email': synthetic.STAFF_EMAIL, 'password': synthetic.STAFF_PASSWORD})
        if response.status_code != 302:
            raise RuntimeError('bench staff sign-in failed')

        def page(query: str):
            r = client.get('/reports/programme' + query)
            if r.status_code != 200:
                raise RuntimeError(f'report page answered {r.status_code}')

        start, end = default_period()
        runs = RUNS if size == '1m' else 3
        out['page_default'] = _median_ms(lambda: page(''), runs)
        out['page_all'] = _median_ms(lambda: page('?from=&to='), runs)
        out['page_mid'] = _median_ms(lambda: page(MID_YEAR), runs)
        with app.test_request_context():
            out['queries_default'] = _median_ms(lambda: queries.build_report(ReportFilter(start, end)), runs)
            out['queries_all'] = _median_ms(lambda: queries.build_report(ReportFilter()), runs)
        from training.extensions import db
        db.engine.dispose()
    return out


LABELS = (('page_default', 'programme report page, last 3 years'), ('page_all', 'programme report page, all years'),
          ('page_mid', 'programme report page, 2019-05-17 to 2024-08-03'),
          ('queries_default', 'report queries only, last 3 years'), ('queries_all', 'report queries only, all years'))


def _built(url: str, size: str) -> bool:
    """A 10m database is used only once complete (it is built by hand, once, never here)."""
    from bench import synthetic
    from training import create_app
    from training.extensions import db
    sessions, persons, _f, _p = synthetic.SIZES[size]
    if url.startswith('sqlite') and not (synthetic.OUT / synthetic.SIZES[size][2]).exists():
        return False
    app = create_app({'SQLALCHEMY_DATABASE_URI': url, 'SECRET_KEY': 'bench-only-secret'})
    with app.app_context():
        complete = synthetic._is_complete(db, sessions, persons)
        db.engine.dispose()
    return complete


def run(sizes=('1m', '10m')) -> list[tuple[str, str, str, bool]]:
    from bench import synthetic
    rows = []
    for size in sizes:
        budget = BUDGET_MS[size]
        for name, postgres in (('SQLite', False), ('PostgreSQL', True)):
            if ONLY and name != ONLY:
                continue
            url = synthetic.default_url(size, postgres=postgres)
            if url is None:
                continue
            label = f'{size.upper()} attendances, {name}'
            if size != '1m' and not _built(url, size):
                pg = ' --pg' if postgres else ''
                rows.append((f'programme report, {label}', 'not built', f'< {budget:.0f} ms', False))
                print(f'{label}: build it once with  python -m bench.synthetic --size {size}{pg}')
                continue
            figures = measure(url, size)
            for key, text in LABELS:
                value = figures[key]
                row = (f'{text}, {label}', f'{value:.0f} ms', f'< {budget:.0f} ms', value < budget)
                print(ROW_MARKER + json.dumps(row), flush=True)  # kept if the suite stops this module for time
                rows.append(row)
    return rows


if __name__ == '__main__':
    chosen = tuple(sys.argv[sys.argv.index('--size') + 1].split(',')) if '--size' in sys.argv else ('1m', '10m')
    for figure, value, budget, ok in run(chosen):
        print(f'  {figure:<66} {value:>10}  {budget:<10} {"pass" if ok else "FAIL"}', flush=True)
