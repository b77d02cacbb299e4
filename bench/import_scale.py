"""Time of a 10,000-row sign-in sheet import (read, check, match against 20,000 persons on record, write), on
SQLite and PostgreSQL. Budget: 3 s for preview + confirm.

The sheet is deterministic: semicolon CSV with a BOM and French headers; 2,000 rows match persons on record by
email, 1,000 by name and country, 7,000 are new persons. The figure covers what the trainer waits for: the preview
(parse + match) and the confirmed import (parse + match again + write + commit).

Usage: python -m bench.import_scale
"""
from __future__ import annotations

import csv
import io
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ROWS = 10_000
KNOWN = 20_000
BUDGET_S = 3.0
PG_NAME = 'training_bench_import'
COUNTRIES = ('KE', 'UG', 'TZ', 'RW', 'BI', 'CD', 'SN', 'ML', 'CI', 'GN')
SEX = ('F', 'H', 'femme', 'M', 'female', 'male')


def sheet_bytes() -> bytes:
    rng = random.Random(10_000)  # noqa: S311 - synthetic data
    out = io.StringIO()
    writer = csv.writer(out, delimiter=';')
    writer.writerow(['Nom complet', 'Sexe', 'Organisation', "Type d'organisation", 'Pays', 'Courriel'])
    for i in range(ROWS):
        if i < 2000:  # known by email (a different spelling of the name)
            name, email, country = f'P. Known {i}', f'KNOWN{i}@example.org', COUNTRIES[i % len(COUNTRIES)]
        elif i < 3000:  # known by name and country
            name, email, country = f'known  PERSON {i}', '', COUNTRIES[i % len(COUNTRIES)]
        else:
            name, email, country = f'New Participant {i}', (f'new{i}@example.org' if i % 2 else ''), \
                rng.choice(COUNTRIES)
        writer.writerow([name, rng.choice(SEX), 'Organisation', 'Société civile', country, email])
    return b'\xef\xbb\xbf' + out.getvalue().encode('utf-8')


def _prepare(db):
    import sqlalchemy as sa

    from training.workshops.matching import normalise_name
    from training.workshops.models import Person, SessionStatus, TrainingSession
    db.session.close()
    db.drop_all()
    db.create_all()
    rows = [{'full_name': f'Known Person {i}', 'name_key': normalise_name(f'Known Person {i}'), 'sex': 'female',
             'country': COUNTRIES[i % len(COUNTRIES)], 'email': f'known{i}@example.org' if i < 2000 else None,
             'consent_to_contact': False} for i in range(KNOWN)]
    from training.db import utcnow
    now = utcnow()
    for r in rows:
        r['created_at'] = now
    db.session.execute(sa.insert(Person.__table__), rows)
    session = TrainingSession(code='BENCH-IMPORT', title='Import bench', country='KE', start_date=date(2024, 3, 1),
                              end_date=date(2024, 3, 3), status=SessionStatus.held)
    db.session.add(session)
    db.session.commit()
    return session.id


def measure(database_url: str) -> dict:
    import sqlalchemy as sa

    from training import create_app
    from training.extensions import db
    from training.workshops.imports import import_sheet
    from training.workshops.models import Attendance, Person, TrainingSession

    data = sheet_bytes()
    app = create_app({'SQLALCHEMY_DATABASE_URI': database_url, 'SECRET_KEY': 'bench-only-secret'})
    with app.app_context():
        session_id = _prepare(db)
        session = db.session.get(TrainingSession, session_id)
        started = time.perf_counter()
        import_sheet(session, 'sheet.csv', data, write=False)
        db.session.rollback()
        preview = time.perf_counter() - started
        session = db.session.get(TrainingSession, session_id)
        started = time.perf_counter()
        summary = import_sheet(session, 'sheet.csv', data, write=True).summary()
        db.session.commit()
        confirm = time.perf_counter() - started
        persons = db.session.scalar(sa.select(sa.func.count(Person.id)))
        attendances = db.session.scalar(sa.select(sa.func.count(Attendance.id)))
        db.session.close()
        db.drop_all()
        db.engine.dispose()
    assert (summary['created'], summary['matched'], summary['rejected']) == (7000, 3000, []), summary
    assert (persons, attendances) == (KNOWN + 7000, ROWS)
    return {'preview': preview, 'confirm': confirm}


def run() -> list[tuple[str, str, str, bool]]:
    from bench.common import postgres_url
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        targets = [('SQLite', f'sqlite:///{Path(tmp) / "import.sqlite"}')]
        pg = postgres_url(PG_NAME)
        if pg:
            targets.append(('PostgreSQL', pg))
        for name, url in targets:
            figures = measure(url)
            total = figures['preview'] + figures['confirm']
            rows.append((f'sign-in sheet import, {ROWS:,} rows, preview + confirm, {name}', f'{total:.2f} s',
                         f'< {BUDGET_S:.0f} s', total < BUDGET_S))
            rows.append((f'  of which preview (parse + match), {name}', f'{figures["preview"]:.2f} s', '', True))
    return rows


if __name__ == '__main__':
    for figure, value, budget, ok in run():
        print(f'  {figure:<66} {value:>10}  {budget:<10} {"pass" if ok else "FAIL"}', flush=True)
