"""The corpus in figures: each sheet of this folder imported into its own session of an empty database (SQLite in
memory, or TRAINING_TEST_DATABASE_URL), the valid rows written when some are rejected, as
``flask attendance import --accept-valid`` does. Prints a Markdown table: rows, created, matched, merged in sheet,
skipped, rejected (a sheet that cannot be read at all says why).

    .venv/bin/python tests/data/sheets/corpus_table.py
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.helpers.app import build_app, dispose, empty_database  # noqa: E402
from tests.workshops.sheet_corpus import corpus  # noqa: E402

COLUMNS = ('sheet', 'rows', 'created', 'matched', 'merged in sheet', 'skipped', 'rejected')


def figures() -> list[tuple]:
    from training.extensions import db
    from training.workshops import imports, services
    from training.workshops.models import SessionStatus

    app = build_app()
    out = []
    try:
        with app.app_context():
            for n, sheet in enumerate(corpus(), 1):
                empty_database()
                days = sheet.days
                session = services.create_session(code=f'CORPUS-{n}', title=sheet.name, country='KE',
                                                  start_date=days[0], end_date=days[-1], status=SessionStatus.held)
                try:
                    plan = imports.import_sheet(session, sheet.name, sheet.data, write=True, accept_valid=True)
                except imports.ImportRefused as exc:
                    db.session.rollback()
                    reason = '; '.join(p.text() for p in exc.plan.problems)
                    out.append((sheet.name, f'not read: {reason}', '', '', '', '', ''))
                    continue
                db.session.commit()
                s = plan.summary()
                out.append((sheet.name, s['rows'], s['created'], s['matched'], s['merged_in_sheet'], s['skipped'],
                            len(plan.sheet.rejected_rows)))
    finally:
        dispose(app)
    return out


def main() -> None:
    print('| ' + ' | '.join(COLUMNS) + ' |')
    print('|' + '|'.join(['---'] + ['--:'] * (len(COLUMNS) - 1)) + '|')
    for row in figures():
        print('| ' + ' | '.join(str(v) for v in row) + ' |')


if __name__ == '__main__':
    main()
