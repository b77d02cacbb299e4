"""Every page's frame (templates/_frame.html) is rendered once per language, roles and page; nothing personal is kept
in it (issue 18). And the template environment shares its globals with every template."""
from __future__ import annotations

import re

from tests.helpers.auth import PASSWORD
from training.auth.models import Role

NAUGHTY = 'Zoë "<b>O\'Neil</b>" & <script>alert(1)</script>'


def _html(response) -> str:
    return response.get_data(as_text=True)


def _tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrf_token" value="([^"]*)"', html))


def test_two_people_with_the_same_roles_share_the_frame_and_see_only_their_own_name_and_token(app, create_user):
    first = create_user(email='first@example.org', name=NAUGHTY)
    second = create_user(email='second@example.org', name='Second Person')
    pages = {}
    app.extensions.pop('page_frames', None)  # the app may have served other tests
    for user in (first, second):
        client = app.test_client()
        assert client.post('/login', data={'email': user.email, 'password': PASSWORD}).status_code == 302
        pages[user.name] = _html(client.get('/courses/'))
    mine, theirs = pages[NAUGHTY], pages['Second Person']
    assert 'Zoë &#34;&lt;b&gt;O&#39;Neil&lt;/b&gt;&#34; &amp; &lt;script&gt;alert(1)&lt;/script&gt;' in mine
    assert '<script>alert(1)' not in mine and 'Second Person' not in mine
    assert 'Second Person' in theirs and 'Zo' not in theirs
    assert len(_tokens(mine)) == len(_tokens(theirs)) == 1 and _tokens(mine) != _tokens(theirs)
    frames = app.extensions['page_frames']
    assert len([k for k in frames if k[2] == 'courses.catalogue']) == 1  # one frame served both


def test_the_frame_follows_language_roles_and_page(app, client, auth):
    anonymous = _html(client.get('/courses/'))
    assert 'Sign in' in anonymous and 'Sign out' not in anonymous
    arabic = _html(client.get('/courses/', headers={'Accept-Language': 'ar'}))
    assert '<html lang="ar" dir="rtl">' in arabic and '<html lang="en">' in anonymous
    auth.login_as(Role.staff)
    staff = _html(client.get('/courses/'))
    assert 'Sign out' in staff and '/reports' in staff  # the staff menu
    assert 'aria-current="page"' in staff.split('<main')[0]  # the catalogue marked in the menu
    assert 'offline.js' not in staff and 'offline.js' in _html(client.get('/my-learning'))  # page scripts


def test_the_pages_own_parts_go_into_their_places(app, client, auth):
    """Title (with "Error:" after a failed submission), the page's head, flashed messages, content and scripts."""
    page = _html(client.get('/login'))
    assert re.search(r'<title>[^<]+ · Atrocity Prevention Training</title>', page)
    token = _tokens(page).pop()
    failed = _html(client.post('/login', data={'email': 'nobody@example.org', 'password': 'x', 'csrf_token': token}))
    assert re.search(r'<title>Error: [^<]+ · Atrocity Prevention Training</title>', failed)
    assert failed.index('site.js') > failed.index('</footer>')
    head = failed.split('</head>')[0]
    assert 'site.css' in head and '<main' not in head
    missing = _html(client.get('/no-such-page'))  # an error page keeps the frame
    assert '<main id="main"' in missing and '</footer>' in missing
    flashed = _html(client.get('/my-learning', follow_redirects=True))  # "sign in first", on the sign-in page
    main = flashed.split('<main id="main" class="wrap" tabindex="-1">')[1]
    assert main.lstrip().startswith('<div class="flashes" role="status">'), main[:200]
    assert _html(client.get('/login')).count('class="flashes"') == 0  # shown once


def test_the_next_address_is_the_requests_own_and_escaped(client):
    html = _html(client.get('/courses/?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E'))
    value = re.search(r'name="next" value="([^"]*)"', html).group(1)
    assert value.startswith('/courses/?q=') and '<' not in value
    assert re.search(r'name="next" value="/login"', _html(client.get('/login')))


def test_every_template_reads_the_environments_own_globals(app):
    """A global added after a template was loaded is seen by it; templates get no copy of their own."""
    env = app.jinja_env
    template = env.from_string('{{ added_later }}')
    assert template.globals is env.globals
    env.globals['added_later'] = 'seen'
    try:
        assert template.render() == 'seen'
    finally:
        del env.globals['added_later']
    assert env.from_string('{{ x }}', globals={'x': 1}).render() == '1' and 'x' not in env.globals
