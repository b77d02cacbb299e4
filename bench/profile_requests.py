"""Where a request's time goes, in process: statements per request, time per request, and a pyinstrument profile.

    .venv/bin/python -m bench.profile_requests DATABASE_URL [hello|hello-user|catalogue|lesson|quiz-submit ...]
        [--n 200] [--profile] [--sql]

The database must hold the demo data (``flask db upgrade && flask demo load``). Each named request is sent ``--n``
times through the Flask test client as the demo trainee (best of 3 rounds); ``--profile`` prints pyinstrument's
call tree for the last round (``pip install pyinstrument``: a developer's tool, not a dependency).
"""
from __future__ import annotations

import re
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TRAINEE = ('trainee@example.org', 'demo-trainee-pass')
COURSE = 'assessing-risk-framework'
FORM = 'application/x-www-form-urlencoded'


def _app(url: str):
    """The app exactly as gunicorn serves it in the benchmark (bench/wsgi.py, the same environment)."""
    import os

    from bench.common import env_for
    os.environ.update(env_for(url))
    from bench.wsgi import app
    return app


def _token(html: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    return found.group(1) if found else ''


def _quiz_form(html: str) -> list[tuple[str, str]]:
    """The quiz's answers: the first choice of every question (as bench/pages.py sends them)."""
    data, seen = [], set()
    for tag in re.findall(r'<input[^>]*type="(?:radio|checkbox)"[^>]*>', html):
        name, value = re.search(r'name="([^"]+)"', tag).group(1), re.search(r'value="([^"]*)"', tag).group(1)
        if name not in seen:
            seen.add(name)
            data.append((name, value))
    return data


def requests_for(client, names: list[str]) -> dict:
    """{name: a function sending that request once}."""
    page = client.get('/login')
    client.post('/login', data={'email': TRAINEE[0], 'password': TRAINEE[1], 'csrf_token': _token(page.text)})
    course = client.get(f'/courses/{COURSE}')
    for action in ('enrol', 'pre-test/skip'):
        client.post(f'/courses/{COURSE}/{action}', data={'csrf_token': _token(course.text)})
    lesson = f'/courses/{COURSE}/lessons/purpose-of-the-framework'
    quiz_url = f'/courses/{COURSE}/quizzes/m1-check'
    quiz_page = client.get(quiz_url).text
    body = [('csrf_token', _token(quiz_page)), *_quiz_form(quiz_page)]
    encoded = urllib.parse.urlencode(body)
    table = {'hello': lambda: client.get('/_bench/hello'), 'hello-user': lambda: client.get('/_bench/hello-user'),
             'catalogue': lambda: client.get('/courses/'), 'lesson': lambda: client.get(lesson),
             'quiz-submit': lambda: client.post(quiz_url, data=encoded, content_type=FORM,
                                                  headers={'X-CSRFToken': body[0][1]})}
    return {n: table[n] for n in names}


def main(argv: list[str]) -> None:
    import sqlalchemy as sa

    from training.extensions import db
    url = argv[0]
    n = int(argv[argv.index('--n') + 1]) if '--n' in argv else 200
    names = [a for a in argv[1:] if not a.startswith('--') and not a.isdigit()] or ['hello', 'hello-user', 'lesson']
    app = _app(url)
    statements = []
    with app.app_context():  # only to reach the engine: each request pushes its own context, as in production
        sa.event.listen(db.engine, 'before_cursor_execute', lambda *a: statements.append(a[2]))
    client = app.test_client()
    sends = requests_for(client, names)
    client.environ_base['HTTP_ACCEPT_ENCODING'] = 'gzip'  # as wrk sends it
    if True:
        for name, send in sends.items():
            status = send().status_code
            statements.clear()
            send()
            count = len(statements)
            if '--sql' in argv:
                print('\n'.join('    ' + ' '.join(q.split())[:150] for q in statements))
            best = min(_timed(send, n) for _ in range(3))
            cpu = min(_timed(send, n, clock=time.process_time) for _ in range(3))
            print(f'{name:<12} {status}  {count:>2} statements  {best * 1000:.2f} ms wall  {cpu * 1000:.2f} ms CPU')
            if '--profile' in argv:
                from pyinstrument import Profiler
                with Profiler(interval=0.0002) as profiler:
                    _timed(send, n)
                print(profiler.output_text(unicode=False, color=False, show_all=False))


def _timed(send, n: int, clock=time.perf_counter) -> float:
    started = clock()
    for _ in range(n):
        send()
    return (clock() - started) / n


if __name__ == '__main__':
    main(sys.argv[1:])
