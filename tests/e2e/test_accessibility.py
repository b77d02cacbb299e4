"""The accessibility guard: axe-core (a pinned copy, `make axe`) over every page state of the audit
(../shared/reviews/accessibility-audit.md): each role; empty, filled and error states; every interface language
(``LANGUAGES`` in the app's config, so a new language is covered by adding it there); desktop and phone widths
(English and French; the later languages at the phone width). The Arabic pages are also checked right to left.
Fails on any violation of a WCAG 2.1 A/AA rule, and on the three best-practice rules the audit listed; and on any
horizontal scroll of the page at 320 and 640 CSS px (WCAG 1.4.10 Reflow: 400 % and 200 % zoom of 1280 px).

One browser, one context per role and language, one page per context: each state is loaded once per language and
checked at every width by resizing the same page. Each (role, language) pair is a test of its own, so that the test
workers of ``pytest -n`` share the walk.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.e2e.conftest import LiveServer
from tests.helpers.app import app_config, new_database
from tests.helpers.services import missing
from training.config import LANGUAGES

AXE_DIR = Path(__file__).parent / 'vendor'
WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']
#: Best-practice rules the audit found and that are fixed: kept fixed.
EXTRA_RULES = ['heading-order', 'landmark-unique', 'empty-table-header']
#: name -> viewport; the phone is the audit's 390 px.
WIDTHS = {'desktop': (1366, 900), 'phone': (390, 844)}
REFLOW_WIDTHS = (320, 640)

TRAINEE = ('trainee@example.org', 'demo-trainee-pass')
CSV = ('Full name,Sex,Organisation,Country,Email\n'
       'Awa Ndiaye,F,Ligue des droits,SN,awa@example.org\n'
       'Kofi Mensah,M,Ghana Police Service,GH,\n'
       'Marie Dupont,F,,FR,marie@example.org\n')


@dataclass(frozen=True)
class State:
    """One page state: a path, then optionally form fields to fill and a submit button to press."""
    name: str
    path: str
    fill: dict = field(default_factory=dict)
    submit: str | None = None  # CSS selector of the button that makes the state (an error state, a result)
    files: dict = field(default_factory=dict)


#: the states that are a refusal page; every other state must be the page it names, not a 403 or 404
REFUSALS = frozenset({'403', '404', 'reset password: invalid link'})


def _public(ids) -> list[State]:
    return [
        State('home', '/'), State('catalogue', '/courses/'), State('exercises', '/exercises'),
        State('frameworks', '/frameworks'), State('join live', '/live'), State('check in', '/check-in'),
        State('certificate lookup', '/certificates/'),
        State('course', f'/courses/{ids["course"]}'), State('exercise', f'/exercises/{ids["scenario"]}'),
        State('framework', '/frameworks/foa-2014'), State('offline', '/offline'),
    ]


def _states(ids) -> dict[str, list[State]]:
    public = _public(ids)
    # The public pages differ between signed-in roles only by the navigation: two of them suffice there.
    nav = public[:2]
    account = [State('profile', '/account'), State('change password', '/account/password')]
    trainer_pages = [
        State('sessions', '/manage/sessions'), State('live runs', '/manage/live'),
        State('duplicates', '/manage/persons/duplicates'),
        State('item analysis', f'/manage/exercises/{ids["scenario"]}/analysis'),
        State('new session', '/manage/sessions/new'), State('session', f'/manage/sessions/{ids["held"]}'),
        State('planned session', f'/manage/sessions/{ids["planned"]}'),
        State('live dashboard (finished)', f'/manage/live/{ids["run_done"]}'),
        State('live dashboard (open stage)', f'/manage/live/{ids["run_open"]}'),
        State('live presenter (open stage)', f'/manage/live/{ids["run_open"]}/present'),
        State('live presenter (finished)', f'/manage/live/{ids["run_done"]}/present'),
        State('person', f'/manage/persons/{ids["person"]}'),
        State('edit session', f'/manage/sessions/{ids["planned"]}/edit'),
        State('add person', f'/manage/sessions/{ids["held"]}/roster/add'),
        State('add person: search', f'/manage/sessions/{ids["held"]}/roster/add?q=Kamara'),
        State('add person: errors', f'/manage/sessions/{ids["held"]}/roster/add?q=Zzqxw',
              submit='main form[method=post] button[type=submit]'),
        State('import', f'/manage/sessions/{ids["planned"]}/import'),
        State('import: errors', f'/manage/sessions/{ids["planned"]}/import', submit='main button.primary'),
        State('import: preview', f'/manage/sessions/{ids["planned"]}/import', submit='main button.primary',
              files={'input[type=file]': CSV}),
        State('check-in window', f'/manage/sessions/{ids["held"]}/check-in'),
        State('day register', f'/manage/sessions/{ids["held"]}/days/{ids["day"]}'),
        State('attendance', f'/manage/sessions/{ids["held"]}/roster/{ids["attendance"]}'),
        State('new session: errors', '/manage/sessions/new', submit='main button.primary'),
        State('team answers', f'/manage/live/{ids["run_done"]}/teams/{ids["team_done"]}'),
        State('live debrief', f'/manage/live/{ids["run_done"]}/debrief'),
        State('courses (results)', '/manage/courses'), State('course results', f'/manage/courses/{ids["course"]}'),
        State('quiz item analysis', f'/manage/courses/{ids["course"]}/quizzes/{ids["practice"]}/analysis'),
        State('paper', f'/manage/sessions/{ids["held"]}/paper'),
        State('paper test entry', f'/manage/sessions/{ids["held"]}/paper/test-entry?quiz={ids["practice"]}'),
        State('venue', f'/manage/sessions/{ids["held"]}/venue'),
        State('paper team grid', f'/manage/live/{ids["run_open"]}/teams/{ids["team_open"]}/paper'),
    ]
    return {
        'anon': public + [
            State('sign in', '/login'), State('create account', '/register'),
            State('sign in: wrong password', '/login', fill={'#email': 'nobody@example.org', '#password': 'wrong'},
                  submit='main button.primary, main input[type=submit]'),
            State('create account: errors', '/register', submit='main button.primary, main input[type=submit]'),
            State('reset password', f'/reset/{ids["reset"]}'),
            State('reset password: errors', f'/reset/{ids["reset"]}',
                  submit='main button.primary, main input[type=submit]'),
            State('reset password: invalid link', '/reset/not-a-valid-token'),
            State('404', '/this-page-does-not-exist'),
            State('check in: bad code', '/check-in', fill={'#code': 'ZZZZZZ'},
                  submit='main button.primary, main button[type=submit]'),
            State('check in: person', f'/check-in/{ids["check_in"]}'),
            State('check in: search', f'/check-in/{ids["check_in"]}?q=a'),
            State('check in: walk-in errors', f'/check-in/{ids["check_in"]}',
                  submit='main form[method=post]:last-of-type button.primary'),
            State('join live: errors', '/live', submit='main button.primary'),
            State('certificate', f'/certificates/{ids["certificate"]}'),
        ],
        'liveteam': [
            State('live team: stage form', f'/live/teams/{ids["team_open"]}'),
            State('live team: errors', f'/live/teams/{ids["team_open"]}', submit='form.stage-form button.primary'),
            State('live team: waiting', f'/live/teams/{ids["team_waiting"]}'),
        ],
        'trainee': public + account + [
            State('my learning', '/my-learning'), State('403', '/manage/sessions'),
            State('debrief', f'/attempts/{ids["attempt_done"]}/debrief'),
            State('stage feedback', f'/attempts/{ids["attempt_done"]}/stages/{ids["stage_done"]}'),
            State('pre-test', f'/courses/{ids["course"]}/quizzes/pre-test'),
            State('lesson', f'/courses/{ids["course"]}/lessons/{ids["lesson"]}'),
            State('lesson with a table', f'/courses/{ids["course"]}/lessons/comparing-atrocity-crimes'),
            State('practice quiz', f'/courses/{ids["course"]}/quizzes/{ids["practice"]}'),
            State('practice quiz: errors', f'/courses/{ids["course"]}/quizzes/{ids["practice"]}',
                  submit='form.quiz [type=submit]'),
            State('quiz result', f'/courses/{ids["course"]}/quizzes/{ids["practice"]}',
                  fill={f'#q-{q}-0': True for q in ids['practice_questions']}, submit='form.quiz [type=submit]'),
            State('play', f'/attempts/{ids["attempt_open"]}'),
            State('play: errors', f'/attempts/{ids["attempt_open"]}', submit='form.stage-form button.primary'),
            State('change password: errors', '/account/password', submit='main button.primary, main [type=submit]'),
        ],
        'graduate': [
            State('home', '/'), State('my learning', '/my-learning'),
            State('course', f'/courses/{ids["graduate_course"]}'),
            State('certificate', f'/certificates/{ids["certificate"]}'),
            State('pre-test', f'/courses/{ids["graduate_course"]}/quizzes/pre-test'),
        ],
        'trainer': nav + account + trainer_pages + [State('my learning', '/my-learning')],
        'staff': nav + account + [
            State('my learning', '/my-learning'), State('sessions', '/manage/sessions'),
            State('programme report', '/reports/programme'),
            State('programme report 2009-2013', '/reports/programme?from=2009-01-01&to=2013-12-31'),
            State('session', f'/manage/sessions/{ids["held"]}'),
        ],
        'admin': nav + account + [
            State('users', '/manage/users'), State('certificates', '/manage/certificates'),
            State('user', f'/manage/users/{ids["trainee_id"]}'),
            State('graduate', f'/manage/users/{ids["graduate_id"]}'),
            State('certificate (admin)', f'/manage/certificates/{ids["certificate"]}'),
            State('programme report', '/reports/programme'), State('live runs', '/manage/live'),
            State('session', f'/manage/sessions/{ids["held"]}'),
            State('live debrief', f'/manage/live/{ids["run_done"]}/debrief'),
        ],
    }


#: role -> (email, password) of a demo account, or None (anonymous; the live team joins by code)
ACCOUNTS = {'anon': None, 'liveteam': None, 'trainee': TRAINEE,
            'graduate': ('graduate@example.org', 'demo-graduate-pass'),
            'trainer': ('trainer@example.org', 'demo-trainer-pass'),
            'staff': ('staff@example.org', 'demo-staff-pass'), 'admin': ('admin@example.org', 'demo-admin-pass')}


def _axe_source() -> str:
    found = sorted(AXE_DIR.glob('axe-*.min.js'))
    if not found:
        missing('axe-core', 'run `make axe`')
    return found[-1].read_text()


def _build_site(app) -> dict:
    """The demo data, then the states the demo lacks: an open live run with a team at a stage and one waiting,
    a scenario attempt in progress, an open check-in window, a password reset link."""
    from training import demo
    from training.auth import services as auth_services
    from training.auth.models import User
    from training.content import registry
    from training.courses.demo import GRADUATE
    from training.extensions import db
    from training.scenarios import attempts, live
    from training.scenarios.models import LiveRun, ScenarioAttempt
    from training.workshops import checkin
    from training.workshops.models import Attendance, Person, SessionStatus, TrainingSession

    with app.app_context():
        demo.load()
        content = registry()
        users = {u.email: u for u in db.session.scalars(sa.select(User))}
        held = db.session.scalar(sa.select(TrainingSession).join(Attendance).where(
            TrainingSession.status == SessionStatus.held).order_by(TrainingSession.id).limit(1))
        planned = db.session.scalar(sa.select(TrainingSession).where(
            TrainingSession.status == SessionStatus.planned).order_by(TrainingSession.id).limit(1))
        run_done = db.session.scalar(sa.select(LiveRun).order_by(LiveRun.id).limit(1))
        sc = content.scenario(run_done.scenario_slug)
        run_open = live.start_live_run(run_done.session, sc, by=users['trainer@example.org'])
        team_open = live.create_team(run_open, 'Audit team')
        live.open_stage(run_open, sc, sc.start)
        run_wait = live.start_live_run(run_done.session, sc, by=users['trainer@example.org'])
        team_waiting = live.create_team(run_wait, 'Waiting team')
        trainee = users[TRAINEE[0]]
        done = db.session.scalar(sa.select(ScenarioAttempt).where(
            ScenarioAttempt.user_id == trainee.id, ScenarioAttempt.completed_at.is_not(None)).limit(1))
        attempt_open, _new = attempts.start_attempt(trainee, content.scenario('transition-in-marenia'))
        window = checkin.open_check_in(held, held.start_date, minutes=12 * 60, by=None)
        reset = auth_services.issue_reset_token(users[GRADUATE[0]], by=None, hours=24)
        course = content.course('understanding-atrocity-crimes')
        practice = next(q for q in course.quizzes.values() if q.kind == 'practice')
        ids = {
            'course': course.slug, 'scenario': sc.slug, 'graduate_course': 'prevention-responsibility-to-protect',
            'held': held.id, 'planned': planned.id, 'day': held.start_date.isoformat(),
            'attendance': db.session.scalar(sa.select(Attendance.id).where(Attendance.session_id == held.id)
                                            .limit(1)),
            'person': db.session.scalar(sa.select(Person.id).order_by(Person.id).limit(1)),
            'run_done': run_done.id, 'team_done': run_done.teams[0].id,
            'run_open': run_open.id, 'team_open': team_open.id, 'team_open_code': team_open.code,
            'team_waiting': team_waiting.id, 'team_waiting_code': team_waiting.code,
            'attempt_done': done.id, 'stage_done': done.submissions[0].stage_id,
            'attempt_open': attempt_open.id, 'check_in': window.token, 'reset': reset,
            'lesson': course.lessons[0].id, 'practice': practice.id,
            'practice_questions': [q.id for q in practice.questions],
            'certificate': 'Dm7q-Kc4x-Rw9t',
            'trainee_id': trainee.id, 'graduate_id': users[GRADUATE[0]].id,
        }
        db.session.commit()
    return ids


@pytest.fixture(scope='session')
def site(tmp_path_factory):
    """The demo site served on a database of its own, built once per test process (each pytest-xdist worker walks
    some of the (role, language) pairs) and left alone by the other tests, which empty the test database."""
    from training import create_app
    from training.extensions import db
    with new_database(tmp_path_factory.mktemp('a11y'), 'a11y') as url:
        app = create_app(app_config(WTF_CSRF_ENABLED=True, SQLALCHEMY_DATABASE_URI=url))
        with app.app_context():
            db.create_all()
        ids = _build_site(app)
        server = LiveServer(app)
        server.start()
        yield app, server, ids
        server.stop()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


RESULTS: dict = {'states': 0, 'axe_runs': 0, 'reflow_checks': 0, 'seconds': 0.0}

AXE_RUN = """async ([tags, extra]) => {
  const rules = Object.fromEntries(extra.map(r => [r, {enabled: true}]));
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, rules, resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}));
}"""
OVERFLOW = '() => document.documentElement.scrollWidth - document.documentElement.clientWidth'


def _enter(page, state: State) -> int:
    """Open the state; the HTTP status of the page shown."""
    response = page.goto(state.path)
    for selector, value in state.fill.items():
        if value is True:
            page.locator(selector).check()
        else:
            page.locator(selector).fill(value)
    for selector, text in state.files.items():
        page.locator(selector).set_input_files({'name': 'sheet.csv', 'mimeType': 'text/csv',
                                                'buffer': text.encode()})
    if state.submit:
        with page.expect_navigation() as navigation:
            page.locator(state.submit).first.click()
        response = navigation.value
    return response.status


#: Languages added after English and French are checked at the phone width and the narrowest reflow width only
#: (where longer words and the other direction break layouts), which keeps the walk's time bounded.
FULL_LANGUAGES = ('en', 'fr')


def _check(page, where: str, problems: list, lang: str = 'en') -> None:
    """axe at each width, then the reflow widths, on the page as it is."""
    full = lang in FULL_LANGUAGES
    for width_name, (w, h) in WIDTHS.items():
        if not full and width_name != 'phone':
            continue
        page.set_viewport_size({'width': w, 'height': h})
        for v in page.evaluate(AXE_RUN, [WCAG_TAGS, EXTRA_RULES]):
            problems.append(f'{where} [{width_name}] {v["id"]} ({v["impact"]}): {", ".join(v["nodes"][:3])}')
        RESULTS['axe_runs'] += 1
    for w in REFLOW_WIDTHS if full else REFLOW_WIDTHS[:1]:
        page.set_viewport_size({'width': w, 'height': 800})
        overflow = page.evaluate(OVERFLOW)
        RESULTS['reflow_checks'] += 1
        if overflow > 0:
            problems.append(f'{where} [{w} px] the page scrolls sideways by {overflow} px')


def _set_language(page, lang: str) -> None:
    page.goto('/')
    page.locator(f'button[name="lang"][value="{lang}"]').click()
    page.wait_for_load_state()


def _sign_in(page, email: str, password: str) -> None:
    """Sign in whatever the account's language (the admin's is French)."""
    page.goto('/login')
    page.locator('#email').fill(email)
    page.locator('#password').fill(password)
    with page.expect_navigation():
        page.locator('main form button[type=submit], main form input[type=submit]').first.click()
    assert '/login' not in page.url, f'{email} could not sign in'


def _join_team(page, code: str) -> None:
    page.goto('/live')
    page.locator('#code').fill(code)
    with page.expect_navigation():
        page.locator('main button.primary').click()


@pytest.mark.parametrize('lang', LANGUAGES)
@pytest.mark.parametrize('role', list(ACCOUNTS))
def test_every_page_state_passes_axe_and_reflows(role, lang, browser, site):
    """One role in one language: the walk is split so that parallel test workers share it evenly."""
    app, server, ids = site
    assert lang in app.config['LANGUAGES']
    axe_js = _axe_source()
    started = time.perf_counter()
    context = browser.new_context(base_url=server.url, locale='en-GB', bypass_csp=True)
    context.set_default_timeout(15_000)
    context.add_init_script(script=axe_js)  # compiled once per renderer, not injected into each page
    page = context.new_page()
    errors: list[str] = []
    page.on('pageerror', lambda exc: errors.append(str(exc)))
    if ACCOUNTS[role]:
        _sign_in(page, *ACCOUNTS[role])
    if role == 'liveteam':
        _join_team(page, ids['team_open_code'])
        _join_team(page, ids['team_waiting_code'])
    problems: list[str] = []
    states = _states(ids)[role]
    try:
        _set_language(page, lang)
        for state in states:
            status = _enter(page, state)
            where = f'{role} · {state.name} · {lang} · {page.url.removeprefix(server.url)}'
            # a state is the page it names: a refusal (403, 404) only where the state is that refusal
            if status >= 500 or (status in (403, 404) and state.name not in REFUSALS):
                problems.append(f'{where}: HTTP {status}')
            html_lang = page.evaluate('() => document.documentElement.lang')
            if html_lang != lang:
                problems.append(f'{where}: <html lang="{html_lang}">')
            _check(page, where, problems, lang)
            RESULTS['states'] += 1
        _set_language(page, app.config['LANGUAGES'][0])  # leave the account as it was
    finally:
        context.close()
        RESULTS['seconds'] += time.perf_counter() - started
        report = os.environ.get('A11Y_REPORT')
        if report:
            Path(report).write_text(json.dumps({**RESULTS, f'problems_{role}_{lang}': problems}, indent=1))
    assert not errors, f'JavaScript errors: {errors}'
    assert not problems, f'{len(problems)} accessibility problems:\n' + '\n'.join(problems)



# -------------------------------------------------------------------------------------------------------------
# Right to left: the Arabic interface (issue 16, "Done when")

RTL_WIDTHS = (390, 1366)
#: (account, page name, path): the pages the issue names, each seen by an account that may open it
RTL_PAGES = (
    ('trainee', 'catalogue', lambda ids: '/courses/'),
    ('trainee', 'lesson', lambda ids: f'/courses/{ids["course"]}/lessons/{ids["lesson"]}'),
    ('trainee', 'quiz', lambda ids: f'/courses/{ids["course"]}/quizzes/{ids["practice"]}'),
    ('trainee', 'scenario stage', lambda ids: f'/attempts/{ids["attempt_open"]}'),
    ('trainer', 'live presenter', lambda ids: f'/manage/live/{ids["run_open"]}/present'),
    ('staff', 'programme report', lambda ids: '/reports/programme?from=2009-01-01&to=2013-12-31'),
)
#: Elements outside the viewport's width, ignoring what scrolls inside its own region or is hidden on purpose
OUTSIDE = """() => {
  const width = document.documentElement.clientWidth, out = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.table-scroll, .visually-hidden, .skip-link, pre, svg title')) continue;
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    const name = el.tagName.toLowerCase() + (typeof el.className === 'string' && el.className
      ? '.' + el.className : '');
    if (r.left < -1 || r.right > width + 1) out.push(`${name} ${Math.round(r.left)}..${Math.round(r.right)}`);
  }
  return out.slice(0, 5);
}"""
#: The main navigation's first link, its second, and the navigation's own box
NAV = """() => {
  const nav = document.querySelector('nav.site-nav'), links = nav.querySelectorAll('ul:first-child > li > a');
  const box = nav.getBoundingClientRect(), first = links[0].getBoundingClientRect();
  const second = links[1] ? links[1].getBoundingClientRect() : null;
  return {dir: document.documentElement.dir, navRight: box.right, navLeft: box.left, firstRight: first.right,
          firstLeft: first.left, secondRight: second ? second.right : null, secondTop: second ? second.top : null,
          firstTop: first.top, padding: parseFloat(getComputedStyle(nav).paddingInlineStart)};
}"""


def test_arabic_pages_are_right_to_left(browser, site, tmp_path):
    """Screenshots of the named pages in Arabic at 390 and 1366 px; each is dir="rtl", its main navigation starts at
    the right edge, and nothing sticks out sideways."""
    app, server, ids = site
    shots = Path(os.environ.get('RTL_SCREENSHOTS') or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for account in dict.fromkeys(role for role, _name, _path in RTL_PAGES):
        context = browser.new_context(base_url=server.url, locale='ar', bypass_csp=True)
        context.set_default_timeout(15_000)
        page = context.new_page()
        try:
            _sign_in(page, *ACCOUNTS[account])
            _set_language(page, 'ar')
            for _role, name, path in (p for p in RTL_PAGES if p[0] == account):
                page.goto(path(ids))
                for width in RTL_WIDTHS:
                    page.set_viewport_size({'width': width, 'height': 900})
                    where = f'{name} [{width} px]'
                    nav = page.evaluate(NAV)
                    if nav['dir'] != 'rtl':
                        problems.append(f'{where}: <html dir="{nav["dir"]}">')
                    if nav['firstRight'] < nav['navRight'] - nav['padding'] - 2:
                        problems.append(f'{where}: the navigation starts at x={nav["firstRight"]:.0f}, not at the '
                                        f'right edge ({nav["navRight"] - nav["padding"]:.0f})')
                    if nav['secondRight'] is not None and nav['secondTop'] == nav['firstTop'] \
                            and nav['secondRight'] >= nav['firstLeft']:
                        problems.append(f'{where}: the second link is not to the left of the first')
                    overflow = page.evaluate(OVERFLOW)
                    if overflow > 0:
                        problems.append(f'{where}: the page scrolls sideways by {overflow} px')
                    problems += [f'{where}: sticks out: {o}' for o in page.evaluate(OUTSIDE)]
                    page.screenshot(path=str(shots / f'ar-{name.replace(" ", "-")}-{width}.png'), full_page=True)
            _set_language(page, app.config['LANGUAGES'][0])
        finally:
            context.close()
    assert len(list(shots.glob('ar-*.png'))) == len(RTL_PAGES) * len(RTL_WIDTHS)
    assert not problems, '\n'.join(problems)
