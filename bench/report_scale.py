"""Time of the programme report on the synthetic 1,000,000-attendance database, on SQLite and PostgreSQL.

Two figures per database: the page as programme staff open it (the default period, the last three calendar years,
~1,670 sessions and ~150,000 participations; every query behind the page plus rendering, through the Flask test
client) and the same page for all years (10,000 sessions, 1,000,000 attendance rows). Median of 5 runs after a
warm-up. Budget: 250 ms.

Usage: python -m bench.report_scale   (builds the databases with bench/synthetic.py first if needed)
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BUDGET_MS = 250.0
RUNS = 5
PG_NAME = 'training_bench_scale'


def _median_ms(fn) -> float:
    fn()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(database_url: str) -> dict[str, float]:
    from bench import synthetic
    from training import create_app
    from training.reports import queries
    from training.reports.definitions import ReportFilter
    from training.reports.views import default_period

    synthetic.build(database_url, quiet=False)
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
        out['page_default'] = _median_ms(lambda: page(''))
        out['page_all'] = _median_ms(lambda: page('?from=&to='))
        with app.test_request_context():
            out['queries_default'] = _median_ms(lambda: queries.build_report(ReportFilter(start, end)))
            out['queries_all'] = _median_ms(lambda: queries.build_report(ReportFilter()))
        from training.extensions import db
        db.engine.dispose()
    return out


def run() -> list[tuple[str, str, str, bool]]:
    from bench.common import postgres_url
    rows = []
    targets = [('SQLite', None)]
    pg = postgres_url(PG_NAME)
    if pg:
        targets.append(('PostgreSQL', pg))
    for name, url in targets:
        from bench import synthetic
        url = url or f'sqlite:///{synthetic.OUT / "scale.sqlite"}'
        figures = measure(url)
        for key, label in (('page_default', 'programme report page, last 3 years'),
                           ('page_all', 'programme report page, all years'),
                           ('queries_default', 'report queries only, last 3 years'),
                           ('queries_all', 'report queries only, all years')):
            value = figures[key]
            rows.append((f'{label}, 1M attendances, {name}', f'{value:.0f} ms', f'< {BUDGET_MS:.0f} ms',
                         value < BUDGET_MS))
    return rows


if __name__ == '__main__':
    for figure, value, budget, ok in run():
        print(f'  {figure:<66} {value:>10}  {budget:<10} {"pass" if ok else "FAIL"}', flush=True)
