"""Workshops fixtures: session and person factories."""
from __future__ import annotations

from datetime import date

import pytest


@pytest.fixture
def create_session(db):
    """Factory: create_session(code=..., **fields) -> TrainingSession (committed)."""
    from training.workshops import services
    from training.workshops.models import SessionMode, SessionStatus
    counter = iter(range(1, 10_000))

    def _create(**kwargs):
        n = next(counter)
        kwargs.setdefault('code', f'T-{n:03d}')
        kwargs.setdefault('title', f'Test workshop {n}')
        kwargs.setdefault('country', 'KE')
        kwargs.setdefault('start_date', date(2010, 3, 1))
        kwargs.setdefault('end_date', kwargs['start_date'])
        kwargs.setdefault('mode', SessionMode.in_person)
        kwargs.setdefault('status', SessionStatus.held)
        session = services.create_session(**kwargs)
        db.session.commit()
        return session

    return _create


@pytest.fixture
def create_person(db):
    from training.workshops import services
    from training.workshops.models import Sex
    counter = iter(range(1, 10_000))

    def _create(**kwargs):
        n = next(counter)
        kwargs.setdefault('full_name', f'Person {n}')
        kwargs.setdefault('sex', Sex.female)
        kwargs.setdefault('country', 'KE')
        person = services.create_person(**kwargs)
        db.session.commit()
        return person

    return _create


def sheet_bytes(rows: list[list[str]], *, delimiter: str = ',', bom: bool = False) -> bytes:
    import csv
    import io
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    data = out.getvalue().encode('utf-8')
    return (b'\xef\xbb\xbf' + data) if bom else data


HEADER = ['Nom complet', 'Sexe', 'Organisation', 'Type d\'organisation', 'Pays', 'Courriel']
GOOD_ROWS = [
    ['Amina Diallo', 'F', 'Ligue sénégalaise', 'Société civile', 'Sénégal', 'amina@example.org'],
    ['Peter Otieno', 'H', 'Kenya Police', 'police', 'KE', ''],
    ['Éloïse Mukamana', 'femme', 'CNDH', 'nhri', 'RW', 'eloise@example.org'],
    ['Koffi Yao', 'M', 'Armée', 'militaire', "Côte d'Ivoire", ''],
]
