"""Workshops: sign-in sheets as a trainer uploads them (CSV bytes), with a French header and four good rows."""
from __future__ import annotations

import csv
import io


def sheet_bytes(rows: list[list[str]], *, delimiter: str = ',', bom: bool = False) -> bytes:
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
