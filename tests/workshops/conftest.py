"""Workshops test helpers: sign-in sheets (the session and person factories are in tests/conftest.py)."""
from __future__ import annotations


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
