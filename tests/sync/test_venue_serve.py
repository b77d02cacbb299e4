"""``make venue``: its own secret key, loopback unless asked, the address and QR code (issue 17, step 2)."""
from __future__ import annotations

from training.venue import serve


def test_the_venue_keeps_its_own_secret_key_readable_by_its_owner_only(tmp_path):
    first = serve.secret_key(tmp_path)
    assert len(first) >= 40
    assert serve.secret_key(tmp_path) == first  # made once, then read back
    assert (tmp_path / serve.SECRET_FILE).stat().st_mode & 0o077 == 0


def test_the_venue_serves_this_laptop_only_unless_the_local_network_is_asked_for():
    assert serve.bind_host(lan=False, env={}) == '127.0.0.1'
    assert serve.bind_host(lan=True, env={}) == serve.LAN
    assert serve.bind_host(lan=False, env={'VENUE_HOST': serve.LAN}) == serve.LAN


def test_the_environment_has_no_debug_and_cookies_fit_plain_http_on_the_local_network(tmp_path):
    env = serve.environment(instance=tmp_path, env={'FLASK_DEBUG': '1'})
    assert 'FLASK_DEBUG' not in env
    assert env['SECRET_KEY'] == serve.secret_key(tmp_path)
    assert env['DATABASE_URL'] == f'sqlite:///{tmp_path / "venue.sqlite"}'
    assert env['TRAINING_SESSION_COOKIE_SECURE'] == 'false'


def test_the_banner_shows_the_address_and_on_the_local_network_a_qr_code():
    text = serve.banner('http://192.168.1.20:8000/', lan=True)
    assert 'http://192.168.1.20:8000/' in text and '█' in text
    assert '█' not in serve.banner('http://127.0.0.1:8000/', lan=False)
