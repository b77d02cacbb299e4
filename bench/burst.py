"""A workshop's burst, over real HTTP against gunicorn: 200 trainees submitting a quiz within one second, and the
40 teams of a live run submitting a stage within two seconds.

Set-up (in process, on the benchmark database that holds the demo data): 200 trainee accounts enrolled in a course,
a live run of the demo session with 40 teams and its first stage open. Then, under gunicorn: each trainee signs in
and opens the quiz in its own browser (cookie jar), each team's browser joins with its team code and opens the stage;
each keeps the form it was given. The burst: every browser sends its one submission at its own moment, spread
evenly over the window, each on its own connection; the time from sending to the answer is what the person waits.
Afterwards the database is counted: exactly one attempt per trainee and one submission per team, none lost, none
doubled. Budget: p95 < 200 ms.
"""
from __future__ import annotations

import http.client
import statistics
import threading
import time
import urllib.parse

from bench.pages import Client, parse_page

TRAINEES = 200
TEAMS = 40
QUIZ_WINDOW_S = 1.0
STAGE_WINDOW_S = 2.0
P95_BUDGET_MS = 200.0
PASSWORD = 'bench-burst-password'  # noqa: S105 - throwaway accounts in a throwaway database
COURSE = 'assessing-risk-framework'
QUIZ = 'm1-check'
#: the benchmark servers' settings for the burst: joins and sign-ins from one address are not throttled
ENV = {'TRAINING_LIVE_JOIN_LIMIT': '100000 per minute'}


def prepare(app) -> dict:
    """Accounts, enrolments, a live run with its teams and first stage open. Returns the ids and codes."""
    import sqlalchemy as sa
    from werkzeug.security import generate_password_hash

    from training.auth import services as auth_services
    from training.auth.models import Role, User
    from training.content import registry
    from training.courses import services as courses
    from training.extensions import db
    from training.scenarios import live
    from training.workshops.models import TrainingSession
    with app.app_context():
        course = registry().course(COURSE)
        fast = generate_password_hash(PASSWORD, 'pbkdf2:sha256:1000')  # sign-in is not what is measured
        emails = []
        for i in range(TRAINEES):
            email = f'burst{i}@example.org'
            user = db.session.scalar(sa.select(User).where(User.email == email)) or auth_services.create_user(
                email=email, name=f'Burst trainee {i}', password=PASSWORD, roles=[Role.trainee])
            user.password_hash = fast
            enrolment = courses.enrol(user, course)
            if enrolment.pre_test_skipped_at is None:
                courses.skip_pre_test(enrolment)
            emails.append(email)
        session = db.session.scalar(sa.select(TrainingSession).order_by(TrainingSession.id.desc()).limit(1))
        sc = registry().scenarios[sorted(registry().scenarios)[0]]
        run = live.start_live_run(session, sc, by=None)
        teams = [live.create_team(run, f'Burst team {i}') for i in range(TEAMS)]
        live.open_stage(run, sc, sc.start)
        db.session.commit()
        out = {'emails': emails, 'teams': [(t.id, t.code) for t in teams], 'run_id': run.id, 'stage': sc.start}
        db.engine.dispose()
    return out


def _form_request(client: Client, path: str) -> tuple[str, str, str]:
    """(action path, url-encoded body, Cookie header) of the page's submission form, first choice everywhere."""
    page = client.get(path, follow=False)
    if page.status != 200:
        raise RuntimeError(f'{path} answered {page.status}')
    forms, _links = parse_page(page.body)
    form = next(f for f in forms if f.method == 'post' and (not f.action or urllib.parse.urlsplit(
        urllib.parse.urljoin(path, f.action)).path == urllib.parse.urlsplit(path).path))
    form.buttons = [b for b in form.buttons if 'draft' not in b[0]]  # submit the answer, not "Save draft"
    return urllib.parse.urlsplit(urllib.parse.urljoin(path, form.action or path)).path, \
        urllib.parse.urlencode(form.data()), client.cookie_header()


def browsers(base: str, setup: dict) -> tuple[list, list]:
    """Each trainee signed in with the quiz open, each team joined with its stage open: their prepared POSTs."""
    quiz = []
    for email in setup['emails']:
        client = Client(base)
        client.sign_in(email, PASSWORD)
        quiz.append(_form_request(client, f'/courses/{COURSE}/quizzes/{QUIZ}'))
    stage = []
    for team_id, code in setup['teams']:
        client = Client(base)
        page = client.get('/live')
        forms, _ = parse_page(page.body)
        form = next(f for f in forms if f.method == 'post' and any(n == 'code' for n, *_ in f.fields))
        data = [(n, v) for n, v in form.data() if n not in ('code', 'team_name')] + [('code', code)]
        joined = client.request('POST', '/live', data, follow=False)
        if joined.status != 302:
            raise RuntimeError(f'team {team_id} could not join (status {joined.status})')
        stage.append(_form_request(client, f'/live/teams/{team_id}'))
    return quiz, stage


def burst(base: str, requests: list[tuple[str, str, str]], window: float) -> list[tuple[float, int]]:
    """Send each POST at its moment (spread evenly over ``window`` seconds) on its own connection; returns
    (milliseconds from sending to the answer, status) for each."""
    if not base.startswith('http://127.0.0.1:'):
        raise ValueError('the burst targets loopback only')
    host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
    results: list = [None] * len(requests)
    start = time.perf_counter() + 0.5

    def one(i: int, path: str, body: str, cookie: str) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=30)
        conn.connect()
        time.sleep(max(0.0, start + window * i / len(requests) - time.perf_counter()))
        sent = time.perf_counter()
        conn.request('POST', path, body=body, headers={
            'Content-Type': 'application/x-www-form-urlencoded', 'Cookie': cookie, 'User-Agent': 'training-bench/1'})
        response = conn.getresponse()
        response.read()
        results[i] = ((time.perf_counter() - sent) * 1000, response.status)
        conn.close()

    threads = [threading.Thread(target=one, args=(i, *r)) for i, r in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return [r if r is not None else (float('inf'), 0) for r in results]


def count(app, setup: dict) -> tuple[int, int, int, int]:
    """(quiz attempts, trainees with exactly one, stage submissions, teams with exactly one) after the burst."""
    import sqlalchemy as sa

    from training.auth.models import User
    from training.courses.models import Enrolment, QuizAttempt
    from training.extensions import db
    from training.scenarios.models import LiveTeam, ScenarioAttempt, StageSubmission
    with app.app_context():
        per_trainee = db.session.execute(
            sa.select(sa.func.count(QuizAttempt.id)).select_from(User)
            .join(Enrolment, Enrolment.user_id == User.id)
            .outerjoin(QuizAttempt, sa.and_(QuizAttempt.enrolment_id == Enrolment.id, QuizAttempt.quiz_id == QUIZ))
            .where(User.email.in_(setup['emails']), Enrolment.course_slug == COURSE).group_by(User.id)).scalars().all()
        per_team = db.session.execute(
            sa.select(sa.func.count(StageSubmission.id)).select_from(LiveTeam)
            .join(ScenarioAttempt, ScenarioAttempt.team_id == LiveTeam.id)
            .outerjoin(StageSubmission, sa.and_(StageSubmission.attempt_id == ScenarioAttempt.id,
                                                StageSubmission.stage_id == setup['stage']))
            .where(LiveTeam.run_id == setup['run_id']).group_by(LiveTeam.id)).scalars().all()
        db.engine.dispose()
    return sum(per_trainee), sum(1 for n in per_trainee if n == 1), sum(per_team), sum(1 for n in per_team if n == 1)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * len(ordered))) - 1)]


def rows_for(label: str, quiz: list, stage: list, counts: tuple[int, int, int, int]) -> list:
    """Table rows: p50/p95/max per burst, and whether every submission was recorded exactly once."""
    rows = []
    attempts, trainees_once, submissions, teams_once = counts
    for name, results in (('quiz burst (200 trainees within 1 s)', quiz),
                          ('stage burst (40 teams within 2 s)', stage)):
        ms = [r[0] for r in results]
        bad = sum(1 for r in results if r[1] != 302)
        value = (f'{statistics.median(ms):.0f} / {p95(ms):.0f} / {max(ms):.0f} ms'
                 + (f' ({bad} not 302)' if bad else ''))
        rows.append((f'{label}: {name} p50/p95/max', value, f'p95 < {P95_BUDGET_MS:.0f} ms',
                     p95(ms) < P95_BUDGET_MS and not bad))
    rows.append((f'{label}: quiz burst recorded', f'{attempts} attempts, {trainees_once} of {TRAINEES} trainees once',
                 'each once', attempts == TRAINEES and trainees_once == TRAINEES))
    rows.append((f'{label}: stage burst recorded', f'{submissions} submissions, {teams_once} of {TEAMS} teams once',
                 'each once', submissions == TEAMS and teams_once == TEAMS))
    return rows


def measure(label: str, database_url: str, app) -> tuple[list, list[str]]:
    from bench.common import gunicorn
    setup = prepare(app)
    with gunicorn(database_url, **ENV) as (base, _proc):
        t = time.perf_counter()
        quiz_requests, stage_requests = browsers(base, setup)
        ready = time.perf_counter() - t
        quiz = burst(base, quiz_requests, QUIZ_WINDOW_S)
        time.sleep(0.5)
        stage = burst(base, stage_requests, STAGE_WINDOW_S)
    notes = [f'{label}: burst browsers ready in {ready:.0f} s (sign-in, quiz page, team join, stage page)']
    return rows_for(label, quiz, stage, count(app, setup)), notes
