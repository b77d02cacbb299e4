"""Which pages to measure, and how to find a concrete URL for each on a running server.

The page list is written as endpoint names plus a way to fill their URL arguments from the content registry (first
course, its lessons and quizzes, first scenario and its stages). Pages built on other branches are discovered, not
guessed: if no endpoint of the page's kind exists, or none answers 200 with demo data, the page is reported as "not
available" with the reason, and the benchmark goes on. Strategies, in order, until one gives a page that answers 200:

1. the preferred endpoint names, then any GET endpoint of the page's blueprint whose name holds the page's keyword,
   with URL arguments filled from the registry by argument name;
2. a bounded crawl of the pages the user can reach from the navigation, following same-site links and taking the
   first whose endpoint is of the page's kind;
3. for pages that exist only once something is started (a scenario stage), submitting the "start" form of the
   page found for ``start_keywords`` and taking the page it leads to.
"""
from __future__ import annotations

import http.cookiejar
import itertools
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser

TRAINEE = ('trainee@example.org', 'demo-trainee-pass')
STAFF = ('staff@example.org', 'demo-staff-pass')
USER_AGENT = 'training-bench/1'


@dataclass(frozen=True)
class PageSpec:
    name: str
    endpoints: tuple[str, ...]
    user: tuple[str, str] | None = None
    blueprint: str | None = None  # fallback search: GET endpoints of this blueprint ...
    keywords: tuple[str, ...] = ()  # ... whose name holds one of these words
    start_keywords: tuple[str, ...] = ()  # strategy 3: page to start from (endpoint keyword, same blueprint)
    budget_kb: float = 20.0


TRAINER = ('trainer@example.org', 'demo-trainer-pass')
#: Every page: at most 20 KB cold on the wire (a lesson 12 KB) and loaded in under 1.5 s at 400 kbit/s, 400 ms RTT
LESSON_BUDGET_KB = 12.0

PAGES: tuple[PageSpec, ...] = (
    PageSpec('sign-in', ('auth.login',)),
    PageSpec('catalogue', ('courses.catalogue',), user=TRAINEE),
    PageSpec('lesson', ('courses.lesson', 'courses.show_lesson', 'courses.view_lesson', 'courses.read_lesson'),
             user=TRAINEE, blueprint='courses', keywords=('lesson',), budget_kb=LESSON_BUDGET_KB),
    PageSpec('quiz', ('courses.quiz', 'courses.take_quiz', 'courses.show_quiz', 'courses.view_quiz'),
             user=TRAINEE, blueprint='courses', keywords=('quiz', 'test')),
    PageSpec('scenario stage', ('scenarios.stage', 'scenarios.play', 'scenarios.play_stage', 'scenarios.show_stage',
                                'scenarios.attempt_stage'),
             user=TRAINEE, blueprint='scenarios', keywords=('stage', 'play'),
             start_keywords=('exercise', 'scenario', 'show', 'detail', 'overview', 'brief')),
    PageSpec('programme report', ('reports.programme',), user=STAFF),
)

#: Words in an endpoint name that say "not a page a trainee reads" (never picked by the fallback search).
EXCLUDED_WORDS = ('manage', 'admin', 'export', 'download', 'certificate', 'pdf', 'csv', 'xlsx', 'api', 'json',
                  'result', 'review', 'debrief', 'print', 'feedback', 'analysis', 'attempt')


@dataclass
class Found:
    """A page resolved to a concrete URL, or why it could not be."""
    spec: PageSpec
    path: str | None = None
    endpoint: str | None = None
    how: str = ''
    reason: str = ''
    form: dict | None = None  # for the quiz: the submission form found on the page (action, fields)
    cookie: str = ''  # Cookie header of the signed-in session used to find it
    locale: str | None = None  # the browser's language (Accept-Language), when not English
    upload: str | None = None  # a file sent with the page's upload form: the page measured is the answer

    @property
    def ok(self) -> bool:
        return self.path is not None


# ---------------------------------------------------------------------------------------------------------------
# HTML: forms and links


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str, str, bool]] = field(default_factory=list)  # (name, type, value, checked)
    buttons: list[tuple[str, str]] = field(default_factory=list)  # submit buttons with a name: (name, value)

    def data(self) -> list[tuple[str, str]]:
        """The values a person would send: hidden/text fields, the first choice of every radio group, the first
        checkbox of every group, the first option of every select, and the first named submit button."""
        out: list[tuple[str, str]] = []
        chosen: dict[str, str] = {}  # radio/checkbox group -> the checked choice, else the first
        for name, kind, value, checked in self.fields:
            if kind in ('radio', 'checkbox') and name and (checked or name not in chosen):
                chosen[name] = value or 'on'
        for name, kind, value, _checked in self.fields:
            if not name:
                continue
            if kind in ('radio', 'checkbox'):
                if name in chosen:
                    out.append((name, chosen.pop(name)))
            elif kind in ('submit', 'button', 'image', 'reset', 'file'):
                continue
            else:
                out.append((name, value or ('x' if kind in ('text', 'textarea') else value)))
        if self.buttons:
            out.append(self.buttons[0])
        return out


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_done = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or '') for k, v in attrs}
        if tag == 'a' and a.get('href'):
            self.links.append(a['href'])
        elif tag == 'form':
            self._form = Form(action=a.get('action', ''), method=a.get('method', 'get').lower())
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == 'input':
            kind = a.get('type', 'text').lower()
            if kind == 'submit' and a.get('name'):
                self._form.buttons.append((a['name'], a.get('value', '')))
            else:
                self._form.fields.append((a.get('name', ''), kind, a.get('value', ''), 'checked' in a))
        elif tag == 'button' and a.get('type', 'submit').lower() == 'submit' and a.get('name'):
            self._form.buttons.append((a['name'], a.get('value', '')))
        elif tag == 'select':
            self._select, self._select_done = a.get('name', ''), False
        elif tag == 'option' and self._select is not None and not self._select_done:
            self._form.fields.append((self._select, 'select', a.get('value', ''), True))
            self._select_done = True
        elif tag == 'textarea':
            self._form.fields.append((a.get('name', ''), 'textarea', 'x', False))

    def handle_endtag(self, tag):
        if tag == 'form':
            self._form = None
        elif tag == 'select':
            self._select = None


def parse_page(html: str) -> tuple[list[Form], list[str]]:
    parser = _PageParser()
    parser.feed(html)
    return parser.forms, parser.links


# ---------------------------------------------------------------------------------------------------------------
# A small HTTP client with cookies (loopback only)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102
        return None


@dataclass
class Response:
    status: int
    path: str  # final path (after redirects when followed)
    body: str
    location: str = ''


class Client:
    def __init__(self, base: str):
        if not base.startswith('http://127.0.0.1:'):
            raise ValueError('the benchmark client talks to loopback only')
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        cookies = urllib.request.HTTPCookieProcessor(self.jar)
        self.follow = urllib.request.build_opener(cookies)
        self.nofollow = urllib.request.build_opener(cookies, _NoRedirect)

    def request(self, method: str, path: str, data: list[tuple[str, str]] | None = None, *, follow: bool = True,
                headers: dict | None = None) -> Response:
        url = urllib.parse.urljoin(self.base + '/', path)
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(url, data=body, method=method,  # noqa: S310 - loopback (checked above)
                                     headers={'User-Agent': USER_AGENT, **(headers or {})})
        opener = self.follow if follow else self.nofollow
        try:
            with opener.open(req, timeout=30) as r:
                return Response(r.status, urllib.parse.urlsplit(r.url).path, r.read().decode(errors='replace'))
        except urllib.error.HTTPError as exc:
            location = exc.headers.get('Location', '') if exc.headers else ''
            return Response(exc.code, urllib.parse.urlsplit(url).path, exc.read().decode(errors='replace'),
                            location=location)

    def get(self, path: str, *, follow: bool = True) -> Response:
        return self.request('GET', path, follow=follow)

    def submit(self, form: Form, page_path: str) -> Response:
        action = urllib.parse.urljoin(page_path, form.action or page_path)
        return self.request(form.method.upper(), action, form.data())

    def sign_in(self, email: str, password: str) -> None:
        page = self.get('/login')
        forms, _ = parse_page(page.body)
        form = next((f for f in forms if any(n == 'password' for n, *_ in f.fields)), None)
        if form is None:
            raise RuntimeError('no sign-in form on /login')
        data = [(n, v) for n, v in form.data() if n not in ('email', 'password', 'remember')]
        data += [('email', email), ('password', password)]
        r = self.request('POST', '/login', data, follow=False)
        if r.status != 302:
            raise RuntimeError(f'sign-in as {email} failed (status {r.status})')

    def cookie_header(self) -> str:
        return '; '.join(f'{c.name}={c.value}' for c in self.jar)


# ---------------------------------------------------------------------------------------------------------------
# Values from the content registry


def _ident(item) -> str | None:
    if isinstance(item, str):
        return item
    for attr in ('id', 'slug', 'key', 'name'):
        value = getattr(item, attr, None)
        if isinstance(value, str | int) and not isinstance(value, bool):
            return str(value)
    return None


def _ids(collection) -> list[str]:
    if collection is None:
        return []
    if isinstance(collection, dict) or hasattr(collection, 'keys'):
        return [str(k) for k in collection.keys()]
    if isinstance(collection, str):
        return [collection]
    try:
        items = list(collection)
    except TypeError:
        one = _ident(collection)
        return [one] if one else []
    return [i for i in (_ident(x) for x in items) if i]


def _unique(values) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def registry_values(registry) -> dict[str, list[str]]:
    """Candidate values for URL arguments, first course / lesson / quiz / scenario / stage first."""
    courses = dict(getattr(registry, 'courses', {}) or {})
    # Prefer an English original (not a translation) so the measured lesson is the common case.
    ordered = sorted(courses.items(), key=lambda kv: (getattr(kv[1], 'translation_of', None) is not None,
                                                      getattr(kv[1], 'language', 'en') != 'en'))
    lessons: list[str] = []
    quizzes: list[str] = []
    for _slug, course in ordered[:1]:
        lessons += _ids(getattr(course, 'lessons', None))
        for module in getattr(course, 'modules', None) or []:
            for item in getattr(module, 'items', None) or []:
                quiz = getattr(item, 'quiz', None) or (item.get('quiz') if isinstance(item, dict) else None)
                if quiz is None and getattr(item, 'kind', None) == 'quiz':
                    quiz = getattr(item, 'id', None)
                if quiz:
                    quizzes += _ids(quiz)
        mapping = getattr(course, 'quizzes', None)
        if hasattr(mapping, 'items'):  # practice quizzes before the pre- and post-test
            quizzes += [str(k) for k, q in sorted(mapping.items(),
                                                  key=lambda kv: getattr(kv[1], 'kind', 'practice') != 'practice')]
        else:
            quizzes += _ids(mapping)
        for attr in ('pre_test_id', 'pre_test', 'post_test_id', 'post_test'):
            quizzes += _ids(getattr(course, attr, None))
    scenarios = dict(getattr(registry, 'scenarios', {}) or {})
    stages: list[str] = []
    for _slug, scenario in list(scenarios.items())[:1]:
        stages += _ids(getattr(scenario, 'start', None))
        stages += _ids(getattr(scenario, 'stages', None))
    return {'course': _unique([s for s, _ in ordered]), 'lesson': _unique(lessons)[:4],
            'quiz': _unique(quizzes)[:4], 'scenario': _unique(scenarios)[:2], 'stage': _unique(stages)[:3]}


def argument_values(arg: str, blueprint: str, values: dict[str, list[str]]) -> list[str]:
    """Registry values for one URL argument, chosen by its name."""
    a = arg.lower()
    for word, key in (('lesson', 'lesson'), ('quiz', 'quiz'), ('test', 'quiz'), ('stage', 'stage'),
                      ('node', 'stage'), ('scenario', 'scenario'), ('exercise', 'scenario'), ('course', 'course')):
        if word in a:
            return values.get(key, [])
    if a in ('lang', 'language', 'locale'):
        return ['en']
    if a in ('slug', 'id', 'item', 'item_id', 'page'):
        if blueprint == 'courses':
            return values.get('course', []) + values.get('lesson', []) + values.get('quiz', [])
        if blueprint == 'scenarios':
            return values.get('scenario', []) + values.get('stage', [])
    return []


# ---------------------------------------------------------------------------------------------------------------
# Discovery


def _excluded(endpoint: str) -> bool:
    return any(word in endpoint.split('.', 1)[-1] for word in EXCLUDED_WORDS)


def candidate_rules(url_map, spec: PageSpec) -> list:
    """GET rules for a page: preferred endpoint names first, then keyword matches in the page's blueprint."""
    rules = [r for r in url_map.iter_rules() if r.methods is None or 'GET' in r.methods]
    by_endpoint = {}
    for r in rules:
        by_endpoint.setdefault(r.endpoint, []).append(r)
    out = [r for name in spec.endpoints for r in by_endpoint.get(name, [])]
    if spec.blueprint and spec.keywords:
        for r in rules:
            bp, _, name = r.endpoint.partition('.')
            if (bp == spec.blueprint and r not in out and not _excluded(r.endpoint)
                    and any(k in name for k in spec.keywords)):
                out.append(r)
    return out


def build_paths(url_map, rule, values: dict[str, list[str]], limit: int = 12) -> list[str]:
    """Concrete paths for a rule, its arguments filled from registry values (no guessing of integer ids)."""
    blueprint = rule.endpoint.partition('.')[0]
    choices = []
    for arg in sorted(rule.arguments):
        converter = rule._converters.get(arg)
        if type(converter).__name__ in ('IntegerConverter', 'FloatConverter', 'UUIDConverter'):
            return []
        options = argument_values(arg, blueprint, values)
        if not options:
            return []
        choices.append([(arg, v) for v in options])
    adapter = url_map.bind('127.0.0.1')
    paths = []
    for combo in itertools.islice(itertools.product(*choices), limit):
        try:
            paths.append(adapter.build(rule.endpoint, dict(combo), method='GET'))
        except Exception:  # noqa: BLE001, S112 - a combination the rule does not accept
            continue
    return _unique(paths)


def endpoint_of(url_map, path: str) -> str | None:
    try:
        endpoint, _args = url_map.bind('127.0.0.1').match(urllib.parse.urlsplit(path).path, method='GET')
    except Exception:  # noqa: BLE001 - not a page of this app
        return None
    return endpoint


def _is_page(r: Response) -> bool:
    return r.status == 200 and '<html' in r.body[:500].lower()


def _matches(spec: PageSpec, endpoint: str | None) -> bool:
    if not endpoint:
        return False
    if endpoint in spec.endpoints:
        return True
    bp, _, name = endpoint.partition('.')
    return bool(spec.blueprint and bp == spec.blueprint and not _excluded(endpoint)
                and any(k in name for k in spec.keywords))


def crawl(client: Client, url_map, start: list[str], *, limit: int = 40):
    """Breadth-first over same-site GET links from ``start``, at most ``limit`` pages; yields (path, endpoint, body)."""
    queue = list(start)
    seen: set[str] = set()
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        r = client.get(path, follow=False)
        if not _is_page(r):
            continue
        endpoint = endpoint_of(url_map, path)
        yield path, endpoint, r.body
        _forms, links = parse_page(r.body)
        for href in links:
            parts = urllib.parse.urlsplit(urllib.parse.urljoin(path, href))
            if parts.scheme or parts.netloc or not parts.path.startswith('/'):
                continue
            link = parts.path + (('?' + parts.query) if parts.query else '')
            if link not in seen and endpoint_of(url_map, parts.path) and not parts.path.startswith('/static/'):
                queue.append(link)


def nav_starts(url_map) -> list[str]:
    """Where a crawl starts: the home page and each navigation page that exists."""
    from training.templating import MANAGE_NAVIGATION, NAVIGATION
    adapter = url_map.bind('127.0.0.1')
    starts = ['/']
    for endpoint, *_ in (*NAVIGATION, *MANAGE_NAVIGATION):
        try:
            starts.append(adapter.build(endpoint, {}))
        except Exception:  # noqa: BLE001, S112 - not on this branch yet
            continue
    return starts


def discover(base: str, app, spec: PageSpec) -> Found:
    """Resolve one page on the server at ``base`` (``app`` gives the URL map and the content registry)."""
    url_map = app.url_map
    client = Client(base)
    if spec.user:
        try:
            client.sign_in(*spec.user)
        except Exception as exc:  # noqa: BLE001
            return Found(spec, reason=f'sign-in failed: {exc}')
    values = registry_values(app.extensions.get('content'))
    found = _discover(client, url_map, spec, values)
    found.cookie = client.cookie_header()
    return found


def _discover(client: Client, url_map, spec: PageSpec, values) -> Found:
    rules = candidate_rules(url_map, spec)
    tried = []
    # 1. endpoint names + registry values
    for rule in rules:
        for path in build_paths(url_map, rule, values):
            r = client.get(path, follow=False)
            how = 'endpoint + registry'
            for _step in range(3):  # the page redirects to an enrol / start / skip form: send it, try again
                if r.status not in (301, 302, 303, 307):
                    break
                sent = _prerequisite(client, url_map, r.location)
                if not sent:
                    break
                how += f', after {sent}'
                r = client.get(path, follow=False)
            tried.append(f'{path} {r.status}')
            if _is_page(r):
                return Found(spec, path=path, endpoint=rule.endpoint, how=how,
                             form=_submission_form(r.body, url_map, path))
    if not rules and not spec.start_keywords:
        return Found(spec, reason=f'no endpoint {" / ".join(spec.endpoints)} on this branch')
    # 2. (pages that exist once something is started) start it and take the page it leads to
    if spec.start_keywords and spec.blueprint:
        start_spec = PageSpec(spec.name + ' (start)', (), blueprint=spec.blueprint, keywords=spec.start_keywords)
        for path, endpoint, body in crawl(client, url_map, nav_starts(url_map)):
            if not _matches(start_spec, endpoint):
                continue
            forms, _links = parse_page(body)
            for form in forms:
                if form.method != 'post':
                    continue
                action_endpoint = _post_endpoint(url_map, urllib.parse.urljoin(path, form.action or path))
                if not action_endpoint or not action_endpoint.startswith(spec.blueprint + '.') or not any(
                        w in action_endpoint.partition('.')[2] for w in START_WORDS):
                    continue
                r = client.submit(form, path)
                landed = endpoint_of(url_map, r.path)
                if r.status == 200 and _matches(spec, landed) and r.path != path:
                    check = client.get(r.path, follow=False)
                    if _is_page(check):
                        return Found(spec, path=r.path, endpoint=landed, how=f'start form on {path}',
                                     form=_submission_form(check.body, url_map, r.path))
    # 3. bounded crawl from the navigation
    for path, endpoint, body in crawl(client, url_map, nav_starts(url_map)):
        if _matches(spec, endpoint):
            return Found(spec, path=path, endpoint=endpoint, how='crawl', form=_submission_form(body, url_map, path))
    if not rules:
        return Found(spec, reason=f'no endpoint of kind {spec.keywords or spec.endpoints} on this branch')
    return Found(spec, reason='no candidate answered 200 with demo data (tried: ' + '; '.join(tried[:6]) + ')')


#: Actions that start something (a scenario attempt) whose page is then measured.
START_WORDS = ('start', 'begin', 'play', 'new')
#: Forms a page may send a new user to before it shows itself (enrol in the course, skip the pre-test, ...).
PREREQUISITE_WORDS = ('enrol', 'enroll', 'start', 'begin', 'join', 'skip')


def _prerequisite(client: Client, url_map, location: str) -> str | None:
    """Submit the enrol/start/skip form of the page a redirect leads to (never the sign-in page).

    Returns the endpoint of the form sent, or None."""
    if not location:
        return None
    page_path = urllib.parse.urlsplit(location).path
    if endpoint_of(url_map, page_path) in (None, 'auth.login'):
        return None
    page = client.get(page_path, follow=False)
    if not _is_page(page):
        return None
    forms, _ = parse_page(page.body)
    for form in forms:
        endpoint = _post_endpoint(url_map, urllib.parse.urljoin(page_path, form.action or page_path))
        if (form.method == 'post' and endpoint and not any(w in endpoint for w in ('manage', 'admin'))
                and any(w in endpoint.partition('.')[2] for w in PREREQUISITE_WORDS)):
            client.submit(form, page_path)
            return endpoint
    return None


def _post_endpoint(url_map, path: str) -> str | None:
    try:
        endpoint, _ = url_map.bind('127.0.0.1').match(urllib.parse.urlsplit(path).path, method='POST')
    except Exception:  # noqa: BLE001
        return None
    return endpoint


NOT_SUBMISSIONS = ('main.set_language', 'auth.logout', 'auth.login')


def _submission_form(body: str, url_map, page_path: str = '') -> dict | None:
    """The form that posts back to the page itself (a quiz's answers), as {action, endpoint, data}; else the
    first POST form that is not the language switcher, sign-out or an excluded action."""
    forms, _ = parse_page(body)
    page_endpoint = _post_endpoint(url_map, page_path) if page_path else None
    others = []
    for form in forms:
        if form.method != 'post':
            continue
        action = urllib.parse.urljoin(page_path or '/', form.action) if form.action else page_path
        endpoint = _post_endpoint(url_map, action) if action else None
        entry = {'action': form.action, 'endpoint': endpoint, 'data': form.data()}
        if not form.action or (page_endpoint and endpoint == page_endpoint
                               and urllib.parse.urlsplit(action).path == urllib.parse.urlsplit(page_path).path):
            return entry
        if endpoint not in NOT_SUBMISSIONS and endpoint and not _excluded(endpoint) \
                and not any(w in endpoint.partition('.')[2] for w in PREREQUISITE_WORDS + ('done', 'abandon')):
            others.append(entry)
    return others[0] if others else None
