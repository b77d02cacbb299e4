"""Server throughput under the production server: gunicorn (2 workers, gunicorn.conf.py), wrk at 16 connections.

For each database the same gunicorn serves, in one run: the hello-world route (/_bench/hello, the framework's own
ceiling with this app's middleware), the sign-in page (for reference), the catalogue, a lesson and a quiz submission
(a POST with the session cookie and the CSRF token in the X-CSRFToken header). Each figure is also given as a ratio
to hello-world from the same run, which is what to compare across machines.
"""
from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from bench.common import gunicorn, worker_rss_mb, wrk
from bench.pages import PAGES, TRAINEE, USER_AGENT, Client, Found, discover

LESSON_RATIO_BUDGET = 0.5
P95_BUDGET_MS = 50.0
RSS_BUDGET_MB = 120.0
CONNECTIONS = 16


@dataclass
class Target:
    name: str
    path: str | None
    method: str = 'GET'
    body: str = ''
    cookie: str = ''
    csrf_token: str = ''
    reason: str = ''
    budget_ratio: float | None = None  # ratio to the signed-in hello-world the page must reach
    budget_p95: bool = True


def quiz_submission(found: Found) -> Target:
    """The quiz page's form, answered with the first choice of every question, as a POST target."""
    if not found.ok:
        return Target('quiz submission', None, reason=found.reason)
    if not found.form:
        return Target('quiz submission', None, reason=f'no submission form on {found.path}')
    action = urllib.parse.urljoin(found.path, found.form['action'] or found.path)
    data = found.form['data']
    token = next((v for k, v in data if k == 'csrf_token'), '')
    return Target('quiz submission', action, method='POST', body=urllib.parse.urlencode(data), cookie=found.cookie,
                  csrf_token=token)


def targets_for(base: str, app) -> tuple[list[Target], dict[str, Found]]:
    specs = {s.name: s for s in PAGES}
    found = {name: discover(base, app, specs[name]) for name in ('catalogue', 'lesson', 'quiz')}

    def page(name: str, **kw) -> Target:
        f = found[name]
        return Target(name, f.path, cookie=f.cookie, reason=f.reason, **kw)

    trainee = Client(base)
    try:
        trainee.sign_in(*TRAINEE)
        signed_in = Target('hello-world, signed in', '/_bench/hello-user', cookie=trainee.cookie_header(),
                           budget_p95=False)
    except Exception as exc:  # noqa: BLE001
        signed_in = Target('hello-world, signed in', None, reason=f'sign-in failed: {exc}', budget_p95=False)
    targets = [
        Target('hello-world', '/_bench/hello', budget_p95=False),
        signed_in,
        Target('sign-in page', '/login', budget_p95=False),
        page('catalogue'),
        page('lesson', budget_ratio=LESSON_RATIO_BUDGET),
        quiz_submission(found['quiz']),
    ]
    return targets, found


def check_once(base: str, target: Target) -> tuple[int, str]:
    """One request as wrk will send it: (status, Location path) — redirects are not followed."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    headers = {'User-Agent': USER_AGENT, 'Cookie': target.cookie}
    if target.csrf_token:
        headers['X-CSRFToken'] = target.csrf_token
    if target.body:
        headers['Content-Type'] = 'application/x-www-form-urlencoded'
    req = urllib.request.Request(base + target.path, data=target.body.encode() if target.method == 'POST' else None,  # noqa: S310
                                 method=target.method, headers=headers)
    try:
        with urllib.request.build_opener(NoRedirect).open(req, timeout=30) as r:
            return r.status, ''
    except urllib.error.HTTPError as exc:
        return exc.code, urllib.parse.urlsplit(exc.headers.get('Location', '') if exc.headers else '').path


def rejection(target: Target, status: int, location: str) -> str | None:
    """Why a request is not a fair sample of the target (an error, or a POST sent back to its own form)."""
    if status >= 400:
        return f'{target.method} {target.path} answered {status}'
    if target.method == 'POST' and 300 <= status < 400 and location == urllib.parse.urlsplit(target.path).path:
        return f'POST {target.path} was sent back to the form ({status}): the submission was not accepted'
    return None


def measure(label: str, database_url: str, app, *, seconds: float = 6, warmup: float = 1,
            rounds: int = 2) -> tuple[list, list[str]]:
    """Rows (figure, value, budget, ok) for one database, and notes (why a page is not available).

    The targets are run in ``rounds`` interleaved rounds of ``seconds / rounds`` each, and each keeps its best round
    (highest rps, with that round's latencies): other work on the machine then disturbs the ratios less. The pages
    that only read are measured before the quiz submission, whose attempts pile up in the database.
    """
    rows: list[tuple[str, str, str, bool | None]] = []
    notes: list[str] = []
    with gunicorn(database_url) as (base, proc):
        targets, _found = targets_for(base, app)
        live = []
        for t in targets:
            if t.path is None:
                continue
            checks = [check_once(base, t) for _ in range(2 if t.method == 'POST' else 1)]  # a POST: twice
            reasons = [x for x in (rejection(t, *c) for c in checks) if x]
            if reasons:
                t.reason = reasons[0]
                continue
            live.append((t, checks[0][0]))
        results: dict[str, dict] = {}
        # Reads first, then writes: a quiz flood (hundreds of attempts) must not slow the pages read after it.
        reads = [x for x in live if x[0].method == 'GET']
        writes = [x for x in live if x[0].method != 'GET']
        for group, _round in [(g, r) for g in (reads, writes) for r in range(max(1, rounds))]:
            for t, status in group:
                if _round == 0 and warmup:
                    wrk(base + t.path, seconds=warmup, connections=CONNECTIONS, method=t.method, body=t.body,
                        cookie=t.cookie, csrf_token=t.csrf_token)
                r = wrk(base + t.path, seconds=seconds / max(1, rounds), connections=CONNECTIONS, method=t.method,
                        body=t.body, cookie=t.cookie, csrf_token=t.csrf_token)
                r.update(status=status, path=t.path)
                if t.name not in results or r['rps'] > results[t.name]['rps']:
                    results[t.name] = r
        rss = worker_rss_mb(proc.pid)
    hello = results.get('hello-world')
    signed_in = results.get('hello-world, signed in')
    for t in targets:
        r = results.get(t.name)
        name = f'{label}: {t.name}'
        if r is None:
            rows.append((f'{name} throughput', 'not available', _ratio_budget(t), False))
            if t.budget_p95:
                rows.append((f'{name} p50/p95/p99', 'not available', f'p95 < {P95_BUDGET_MS:.0f} ms', False))
            notes.append(f'{name}: not available: {t.reason}')
            continue
        trouble = r['errors'] + r['non2xx']
        value = f'{r["rps"]:.0f} rps'
        ratio = r['rps'] / hello['rps'] if hello and hello['rps'] else None
        floor = r['rps'] / signed_in['rps'] if signed_in and signed_in['rps'] else None
        if t.name != 'hello-world' and ratio is not None:
            value += f' = {ratio:.0%} of hello'
        if t.name not in ('hello-world', 'hello-world, signed in', 'sign-in page') and floor is not None:
            value += f', {floor:.0%} of signed-in hello'
        if trouble:
            value += f' ({trouble} errors)'
        ok = None
        if t.budget_ratio is not None:
            ok = floor is not None and floor >= t.budget_ratio and not trouble
        rows.append((f'{name} throughput', value, _ratio_budget(t), ok))
        latency = f'{r["p50"]:.1f} / {r["p95"]:.1f} / {r["p99"]:.1f} ms'
        rows.append((f'{name} p50/p95/p99', latency, f'p95 < {P95_BUDGET_MS:.0f} ms' if t.budget_p95 else '',
                     (r['p95'] < P95_BUDGET_MS and not trouble) if t.budget_p95 else None))
        notes.append(f'{name}: {t.method} {r["path"]} (first answer {r["status"]}), {r["requests"]} requests '
                     f'in {r["duration_us"] / 1e6:.1f} s (best round), {r["errors"]} socket errors, '
                     f'{r["non2xx"]} status >= 400')
    if rss:
        rows.append((f'{label}: worker RSS after the run (max of {len(rss)})', f'{max(rss):.0f} MB',
                     f'< {RSS_BUDGET_MB:.0f} MB', max(rss) < RSS_BUDGET_MB))
    else:
        rows.append((f'{label}: worker RSS after the run', 'not read', f'< {RSS_BUDGET_MB:.0f} MB', False))
    return rows, notes


def _ratio_budget(t: Target) -> str:
    return f'≥ {t.budget_ratio:.0%} of signed-in hello' if t.budget_ratio is not None else ''
