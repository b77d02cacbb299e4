"""Bytes on the wire and load time of key pages in Debian's Chromium (Playwright + CDP), cold cache.

Bytes are Chromium's own count (Network.loadingFinished encodedDataLength: compressed bodies plus headers) for
the document and every sub-resource it loads. Each page is measured in a fresh browser context after the
browser cache is cleared, so nothing is reused from an earlier page.
"""
from __future__ import annotations

import time
from urllib.parse import urlsplit

CHROMIUM = '/usr/bin/chromium'
LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
               '--no-first-run', '--disable-sync', '--disable-quic']

#: 400 kbit/s down and up, 400 ms round-trip latency
SLOW = {'offline': False, 'latency': 400, 'downloadThroughput': 400_000 / 8, 'uploadThroughput': 400_000 / 8}


def _sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(base + '/login')
    page.fill('input[name=email]', email)
    page.fill('input[name=password]', password)
    page.click('button[type=submit].primary')
    page.wait_for_load_state('load')


def measure_pages(base: str, pages: list[dict]) -> dict:
    """pages: [{'name':..., 'path':..., 'login': (email, password) | None, 'locale': 'ar' | None,
    'upload': file path | None}] -- an ``upload`` page is the answer to sending that file with the form at
    ``path`` (an import preview).

    Returns {name: {'bytes', 'requests', 'seconds', 'slow_seconds'} or {'error': ...}}: the cold weight, and the
    load time under the 400 kbit/s + 400 ms emulation. One page failing does not stop the others.
    """
    from playwright.sync_api import sync_playwright
    weights: dict[str, dict] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        try:
            for spec in pages:
                try:
                    result = _measure_one(browser, base, spec, False)
                    result['slow_seconds'] = _measure_one(browser, base, spec, True)['seconds']
                except Exception as exc:  # noqa: BLE001 - reported as the page's figure
                    weights[spec['name']] = {'error': str(exc).splitlines()[0][:200]}
                    continue
                weights[spec['name']] = result
        finally:
            browser.close()
    return weights


def _measure_one(browser, base: str, spec: dict, emulate: bool) -> dict:
    context = browser.new_context(locale=spec.get('locale') or 'en-GB')
    try:
        page = context.new_page()
        if spec.get('login'):
            _sign_in(page, base, *spec['login'])
        if spec.get('upload'):
            page.goto(base + spec['path'])
            page.set_input_files('input[type=file]', spec['upload'])
        cdp = context.new_cdp_session(page)
        cdp.send('Network.enable')
        cdp.send('Network.clearBrowserCache')
        cdp.send('Network.setCacheDisabled', {'cacheDisabled': False})
        if emulate:
            cdp.send('Network.emulateNetworkConditions', SLOW)
        total = {'bytes': 0, 'requests': 0}
        responses: dict[str, dict] = {}
        sizes: dict[str, int] = {}

        def received(event, responses=responses):
            r = event.get('response', {})
            headers = {k.lower(): v for k, v in (r.get('headers') or {}).items()}
            responses[event['requestId']] = {'url': r.get('url', ''), 'mime': r.get('mimeType', ''),
                                             'encoding': headers.get('content-encoding', ''),
                                             'cache': headers.get('cache-control', '')}

        def finished(event, total=total, sizes=sizes):
            total['bytes'] += event.get('encodedDataLength', 0)
            total['requests'] += 1
            sizes[event['requestId']] = event.get('encodedDataLength', 0)

        cdp.on('Network.responseReceived', received)
        cdp.on('Network.loadingFinished', finished)
        start = time.perf_counter()
        if spec.get('upload'):
            with page.expect_navigation(wait_until='load', timeout=30_000) as sent:
                page.locator('form:has(input[type=file]) button[type=submit]').first.click()
            response = sent.value
        else:
            response = page.goto(base + spec['path'], wait_until='load', timeout=30_000)
        elapsed = time.perf_counter() - start
        page.wait_for_timeout(300)  # let late loadingFinished events arrive
        if response is None or response.status != 200:
            raise RuntimeError(f'{spec["path"]} answered {response.status if response else "nothing"}')
        if urlsplit(page.url).path != urlsplit(base + spec['path']).path:
            raise RuntimeError(f'{spec["path"]} led to {urlsplit(page.url).path}')
        resources = [dict(info, bytes=sizes.get(rid, 0)) for rid, info in responses.items()]
        return dict(total, seconds=elapsed, resources=resources)
    finally:
        context.close()


TEXT_TYPES = ('text/html', 'text/css', 'application/javascript', 'text/javascript', 'application/json',
              'image/svg+xml')


def header_problems(resources: list[dict], *, min_size: int = 1000) -> dict[str, list[str]]:
    """Text responses sent uncompressed (over ``min_size`` bytes on the wire), and static files (under /static/)
    without content-hashed long-lived caching (``immutable`` and a max-age of at least a day)."""
    uncompressed, uncached = [], []
    for r in resources:
        path = urlsplit(r['url']).path
        if r['mime'] in TEXT_TYPES and not r['encoding'] and r['bytes'] > min_size:
            uncompressed.append(path)
        if path.startswith('/static/'):
            directives = {d.strip().split('=')[0]: d.strip().partition('=')[2] for d in r['cache'].split(',') if d}
            max_age = int(directives.get('max-age') or 0) if (directives.get('max-age') or '0').isdigit() else 0
            if not path.startswith('/static/v/') or 'immutable' not in directives or max_age < 86400:
                uncached.append(path)
    return {'uncompressed': sorted(set(uncompressed)), 'uncached': sorted(set(uncached))}
