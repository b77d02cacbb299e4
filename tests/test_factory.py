"""App factory, configuration, health check, error pages."""
from __future__ import annotations

import pytest

from tests.helpers.app import app_config
from training import create_app
from training.auth import services as auth_services
from training.config import normalise_database_url
from training.db import sqlite_in_memory
from training.extensions import db


def test_refuses_to_start_without_secret_key_outside_debug(monkeypatch):
    monkeypatch.delenv('SECRET_KEY', raising=False)
    monkeypatch.delenv('TRAINING_SECRET_KEY', raising=False)
    with pytest.raises(RuntimeError, match='SECRET_KEY'):
        create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://'})


def test_secret_key_from_environment(monkeypatch):
    monkeypatch.setenv('SECRET_KEY', 'from-the-environment')
    app = create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://'})
    assert app.config['SECRET_KEY'] == 'from-the-environment'
    assert app.config['SESSION_COOKIE_SECURE'] is True


def test_training_prefixed_database_url(monkeypatch):
    monkeypatch.setenv('TRAINING_DATABASE_URL', 'postgres://u@db.example/training')
    monkeypatch.setenv('SECRET_KEY', 'x')
    app = create_app()
    assert app.config['SQLALCHEMY_DATABASE_URI'] == 'postgresql+psycopg://u@db.example/training'


@pytest.mark.parametrize(('given', 'expected'), [
    ('postgres://a@h/d', 'postgresql+psycopg://a@h/d'),
    ('postgresql://a@h/d', 'postgresql+psycopg://a@h/d'),
    ('postgresql+psycopg://a@h/d', 'postgresql+psycopg://a@h/d'),
    ('sqlite:///x.sqlite', 'sqlite:///x.sqlite'),
])
def test_normalise_database_url(given, expected):
    assert normalise_database_url(given) == expected


def test_healthz_ok(client):
    response = client.get('/healthz')
    assert response.status_code == 200
    assert response.get_json() == {'status': 'ok', 'database': 'ok'}


def test_healthz_reports_unreachable_database():
    # Port 1 on loopback: nothing listens, the connection is refused at once.
    app = create_app(app_config(SQLALCHEMY_DATABASE_URI='postgresql+psycopg://nobody@127.0.0.1:1/none',
                                SQLALCHEMY_ENGINE_OPTIONS={'connect_args': {'connect_timeout': 2}}))
    response = app.test_client().get('/healthz')
    assert response.status_code == 503
    assert response.get_json() == {'status': 'error', 'database': 'error'}


def test_404_page_in_site_layout(client):
    response = client.get('/no/such/page')
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert 'Page not found' in html
    assert 'id="main"' in html


def test_404_as_json_when_asked(client):
    response = client.get('/no/such/page', headers={'Accept': 'application/json'})
    assert response.status_code == 404
    assert response.get_json()['error'] == 'Page not found'


def test_500_page_rolls_back_and_renders(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get('/boom')
    def boom():
        raise RuntimeError('boom')
    boom.access = 'public'
    response = app.test_client().get('/boom')
    assert response.status_code == 500
    assert 'Something went wrong' in response.get_data(as_text=True)


def test_hashed_static_assets_are_cached_for_a_year(client):
    html = client.get('/').get_data(as_text=True)
    import re
    href = re.search(r'href="(/static/v/[0-9a-f]{12}/css/site\.css)"', html).group(1)
    response = client.get(href)
    assert response.status_code == 200
    assert response.cache_control.max_age == 365 * 24 * 3600
    assert response.cache_control.immutable
    assert client.get(href.replace('/v/', '/v/0').replace('/css', 'x/css')).status_code == 404


def test_asset_links_follow_the_mount_point(client):
    """The stylesheet's address, remembered per mount point (issue 18): a site served under a prefix links it there,
    the same site at the root links it at the root, whichever came first."""
    import re
    link = re.compile(r'href="([^"]*/static/v/[0-9a-f]{12}/css/site\.css)"')
    mounted = link.search(client.get('/', base_url='http://localhost/training').get_data(as_text=True)).group(1)
    root = link.search(client.get('/').get_data(as_text=True)).group(1)
    assert mounted == '/training' + root and root.startswith('/static/v/')
    assert client.get(root).status_code == 200


def test_header_and_footer_links_follow_the_mount_point(client):
    """The header's and footer's links, worked out once per mount point (issue 18), as url_for gives them: under a
    prefix there, at the root at the root, whichever came first."""
    import re
    links = re.compile(r'(?:href|action)="(/[^"]*)"')
    mounted = [h for h in links.findall(client.get('/', base_url='http://localhost/training').get_data(as_text=True))
               if '/static/' not in h]
    root = [h for h in links.findall(client.get('/').get_data(as_text=True)) if '/static/' not in h]
    for path in ('/login', '/register', '/language', '/certificates'):
        assert any(h.startswith(path) for h in root), (path, root)
    fixed = ('/', '/login', '/register', '/language', '/manifest.webmanifest')
    header_footer = [h for h in root if h.split('?')[0] in fixed]
    assert header_footer and all(f'/training{h}' in mounted for h in header_footer)


def test_responses_are_compressed(client):
    response = client.get('/login', headers={'Accept-Encoding': 'gzip'})
    assert response.headers.get('Content-Encoding') == 'gzip'


@pytest.mark.parametrize('encoding', ['gzip', 'br', 'zstd', 'deflate'])
def test_static_files_are_compressed_for_a_client_that_takes_one_encoding(client, app, encoding):
    """Static files are streamed, and flask-compress leaves gzip out of its streaming choices by default: a client
    that took only gzip got the stylesheet uncompressed (14 KB instead of 4)."""
    import gzip
    import zlib

    from training.assets import asset_url
    with app.test_request_context():
        url = asset_url('css/site.css')
    response = client.get(url, headers={'Accept-Encoding': encoding})
    assert response.status_code == 200 and response.headers.get('Content-Encoding') == encoding
    with open(app.static_folder + '/css/site.css', 'rb') as f:
        original = f.read()
    assert len(response.data) < len(original) / 2
    if encoding == 'gzip':
        assert gzip.decompress(response.data) == original
    elif encoding == 'deflate':
        assert zlib.decompress(response.data) == original


def test_scripts_are_compressed(app):
    """The live pages' script went uncompressed under gunicorn: .js is served as text/javascript, which was not in
    the compressed types (the benchmark's header check found it)."""
    from flask import Response
    script = (app.static_folder + '/js/live-refresh.js')
    with open(script, 'rb') as f, app.test_request_context(headers={'Accept-Encoding': 'gzip'}):
        response = app.process_response(Response(f.read(), mimetype='text/javascript'))
    assert response.headers.get('Content-Encoding') == 'gzip'


def test_signed_in_user_and_roles_load_in_one_statement(app, db, create_user):
    """Every signed-in request loads the user; the roles come in the same query (was two)."""
    import sqlalchemy as sa

    from training.auth.models import Role
    from training.extensions import login_manager
    session_id = create_user(roles=(Role.trainer, Role.staff)).get_id()  # the value kept in the session cookie
    db.session.expunge_all()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    sa.event.listen(db.engine, 'before_cursor_execute', listener)
    try:
        loaded = login_manager._user_callback(session_id)
        assert loaded.has_role(Role.staff) and loaded.has_role(Role.trainer)
    finally:
        sa.event.remove(db.engine, 'before_cursor_execute', listener)
    assert len(statements) == 1, statements



def test_test_clients_do_not_share_the_signed_in_user(app, create_user):
    """Harness regression: the app context kept open by the ``app`` fixture made every client look signed in
    as whoever signed in last (Flask-Login caches the user on ``g``)."""
    from tests.helpers.auth import PASSWORD
    from training.auth.models import Role
    user = create_user(roles=(Role.staff,))
    signed_in, other = app.test_client(), app.test_client()
    assert signed_in.post('/login', data={'email': user.email, 'password': PASSWORD}).status_code == 302
    assert signed_in.get('/my-learning').status_code == 200
    response = other.get('/my-learning')
    assert response.status_code == 302 and '/login' in response.headers['Location']


@pytest.mark.parametrize(('url', 'in_memory'), [('sqlite://', True), ('sqlite:///', True),
                                                ('sqlite:///:memory:', True), ('sqlite:////tmp/t.sqlite', False),
                                                ('sqlite:///instance/t.sqlite', False),
                                                ('postgresql+psycopg://localhost/training', False)])
def test_sqlite_in_memory(url, in_memory):
    assert sqlite_in_memory(url) is in_memory


def test_a_sqlite_database_without_a_file_gets_no_writers_lock_file(make_app, tmp_path, monkeypatch):
    """``sqlite:///`` is in memory (one shared connection): no queue, no ``-writer`` file where the app was started."""
    monkeypatch.chdir(tmp_path)
    app = make_app(SQLALCHEMY_DATABASE_URI='sqlite:///')
    with app.app_context():
        auth_services.create_user(email='memory@example.org', name='In memory', password='a long enough password')
        db.session.commit()
    assert list(tmp_path.iterdir()) == []
