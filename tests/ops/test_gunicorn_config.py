"""The production server's settings (gunicorn.conf.py) as the environment sets them."""
from __future__ import annotations

import runpy
from pathlib import Path

import pytest

CONF = str(Path(__file__).resolve().parents[2] / 'gunicorn.conf.py')


@pytest.mark.parametrize(('value', 'expected'), [(None, True), ('1', True), ('0', False), ('off', False)])
def test_each_worker_listens_on_its_own_socket_unless_turned_off(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv('GUNICORN_REUSE_PORT', raising=False)
    else:
        monkeypatch.setenv('GUNICORN_REUSE_PORT', value)
    assert runpy.run_path(CONF)['reuse_port'] is expected
