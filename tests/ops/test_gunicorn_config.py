"""The production server's settings (gunicorn.conf.py) as the environment sets them."""
from __future__ import annotations

import runpy
from pathlib import Path

import pytest

CONF = str(Path(__file__).resolve().parents[2] / 'gunicorn.conf.py')


@pytest.mark.parametrize(('value', 'expected'), [(None, False), ('1', True), ('0', False), ('off', False)])
def test_the_workers_share_one_socket_unless_each_is_given_its_own(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv('GUNICORN_REUSE_PORT', raising=False)
    else:
        monkeypatch.setenv('GUNICORN_REUSE_PORT', value)
    assert runpy.run_path(CONF)['reuse_port'] is expected


@pytest.mark.parametrize(('value', 'expected'), [(None, 'training.serving.LeastConnectionsWorker'),
                                                 ('gthread', 'gthread')])
def test_the_worker_takes_turns_by_connections_unless_another_is_chosen(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv('GUNICORN_WORKER_CLASS', raising=False)
    else:
        monkeypatch.setenv('GUNICORN_WORKER_CLASS', value)
    settings = runpy.run_path(CONF)
    assert settings['worker_class'] == expected
    assert callable(settings['pre_fork']) and callable(settings['child_exit'])
