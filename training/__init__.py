"""The atrocity-prevention training platform.

The package imports nothing itself, so that the pure engines (``training.workshops.matching``, ``.sheets``,
``training.courses.scoring``, ``training.scenarios.engine``, ``training.reports.definitions``) and the text rules
(``training.text``) load without Flask. The application factory is :func:`training.factory.create_app`;
``from training import create_app`` (``app.py``, the tests) reaches it through :func:`__getattr__`.
"""
from __future__ import annotations

_FACTORY = frozenset({'create_app', 'BLUEPRINTS'})


def __getattr__(name: str):
    if name in _FACTORY:
        # loaded on first use, not at the top: every ``import training.<module>`` runs this file first
        from training import factory
        return getattr(factory, name)
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
