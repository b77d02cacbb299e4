"""Backup and restore: a backup taken while writes run restores into an empty database with the same report summary
and the same row count in every table; restore refuses a non-empty database, another revision and a cut file.

Each test uses databases of its own, migrated with ``flask db upgrade``: temporary SQLite files, or (with
TRAINING_TEST_DATABASE_URL) new PostgreSQL databases on the same server.
"""
from __future__ import annotations

import gzip
import json
import threading
from contextlib import contextmanager
from datetime import date

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from tests.helpers.app import app_config, new_database
from training import create_app
from training.backup import snapshot
from training.backup.fileformat import BackupError
from training.extensions import db


@contextmanager
def _app(url: str, *, migrate: bool = True):
    app = create_app(app_config(SQLALCHEMY_DATABASE_URI=url))
    with app.app_context():
        if migrate:
            upgrade()
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def _state(app) -> tuple[dict, dict]:
    """(report summary, rows per table)"""
    db.session.remove()
    result = app.test_cli_runner().invoke(args=['report', 'summary', '--format', 'json'])
    assert result.exit_code == 0, result.output
    counts = {t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t)) for t in db.metadata.sorted_tables}
    return json.loads(result.output), counts


class Writer(threading.Thread):
    """Adds one participant (attendance + day mark, one transaction) per permit, for a bounded number of persons."""

    def __init__(self, app, session_id: int, person_ids: list[int]):
        super().__init__(daemon=True)
        self.app, self.session_id, self.person_ids = app, session_id, person_ids
        self.permits = threading.Semaphore(0)
        self.done = 0
        self.progress = threading.Condition()
        self.error: BaseException | None = None

    def allow(self, n: int) -> None:
        for _ in range(n):
            self.permits.release()

    def wait_for(self, n: int) -> None:
        with self.progress:
            assert self.progress.wait_for(lambda: self.done >= n or self.error, timeout=60)
        assert self.error is None, self.error

    def run(self):
        from training.workshops.models import Attendance, AttendanceDay, AttendanceRole
        try:
            with self.app.app_context():
                for person_id in self.person_ids:
                    self.permits.acquire()
                    attendance = Attendance(session_id=self.session_id, person_id=person_id, days_attended=1,
                                            role=AttendanceRole.participant)
                    attendance.day_marks = [AttendanceDay(day=date(2011, 3, 1))]
                    db.session.add(attendance)
                    db.session.commit()
                    with self.progress:
                        self.done += 1
                        self.progress.notify_all()
                db.session.remove()
        except BaseException as exc:  # reported by wait_for
            self.error = exc
            with self.progress:
                self.progress.notify_all()


def _programme(app) -> tuple[int, list[int]]:
    """The demonstration data, plus a held session and 40 persons not yet on its roster (for the writer)."""
    from training import demo
    from training.workshops import services
    from training.workshops.models import SessionStatus
    demo.load()
    session = services.create_session(code='BK-1', title='Backup workshop', country='NG', start_date=date(2011, 3, 1),
                                      end_date=date(2011, 3, 1), status=SessionStatus.held)
    persons = [services.create_person(full_name=f'Writer person {i}', country='NG') for i in range(40)]
    db.session.commit()
    return session.id, [p.id for p in persons]


def test_backup_while_writing_restores_the_snapshot_exactly(tmp_path):
    backup = tmp_path / 'site.jsonl.gz'
    with new_database(tmp_path, 'bk_src') as src_url, new_database(tmp_path, 'bk_dst') as dst_url:
        with _app(src_url) as src:
            writer = Writer(src, *_programme(src))
            writer.start()
            writer.allow(10)
            writer.wait_for(10)
            expected = _state(src)

            def write_meanwhile():  # the snapshot is fixed: these 20 rows commit while the backup runs
                writer.allow(20)
                writer.wait_for(30)

            result = snapshot.create(db.engine, db.metadata, backup, on_snapshot=write_meanwhile)
            writer.allow(10)
            writer.wait_for(40)
            writer.join(timeout=60)
            after = _state(src)
        assert result['tables'] == expected[1]
        assert after[1]['attendances'] == expected[1]['attendances'] + 30
        assert after[0]['persons_trained'] == expected[0]['persons_trained'] + 30

        with _app(dst_url) as dst:
            restored = dst.test_cli_runner().invoke(args=['backup', 'restore', str(backup)])
            assert restored.exit_code == 0, restored.output
            assert _state(dst) == expected
            assert all(expected[1][name] for name in ('users', 'persons', 'attendances', 'attendance_days',
                                                      'course_certificates', 'scenario_attempts'))
            # ids continue after the restored ones (PostgreSQL sequences reset)
            from training.workshops import services
            person = services.create_person(full_name='After restore', country='KE')
            db.session.commit()
            assert person.id == expected[1]['persons'] + 1

            again = dst.test_cli_runner().invoke(args=['backup', 'restore', str(backup)])
            assert again.exit_code == 1 and 'not empty' in again.output


def test_restore_refuses_another_revision_and_a_cut_file(tmp_path):
    backup = tmp_path / 'small.jsonl.gz'
    with new_database(tmp_path, 'bk_small') as src_url, new_database(tmp_path, 'bk_plain') as plain_url:
        with _app(src_url) as src:
            src.test_cli_runner().invoke(args=['demo', 'load'])
            created = src.test_cli_runner().invoke(args=['backup', 'create', str(backup)])
            assert created.exit_code == 0 and 'Backup written' in created.output
            assert src.test_cli_runner().invoke(args=['backup', 'create', str(backup)]).exit_code == 1  # exists
            verified = src.test_cli_runner().invoke(args=['backup', 'verify', str(backup)])
            assert verified.exit_code == 0 and 'a complete backup' in verified.output
        with _app(plain_url, migrate=False) as plain:
            db.create_all()  # tables, but no migration history
            refused = plain.test_cli_runner().invoke(args=['backup', 'restore', str(backup)])
            assert refused.exit_code == 1 and 'database revision' in refused.output and 'not migrated' in refused.output
            db.drop_all()
            upgrade()
            lines = gzip.decompress(backup.read_bytes()).splitlines(keepends=True)
            cut = tmp_path / 'cut.jsonl.gz'
            cut.write_bytes(gzip.compress(b''.join(lines[:-1])))
            with pytest.raises(BackupError, match='incomplete'):
                snapshot.restore(db.engine, db.metadata, cut)
            assert _state(plain)[1]['users'] == 0  # nothing was written
            assert 'complete backup' not in plain.test_cli_runner().invoke(args=['backup', 'verify', str(cut)]).output
            assert plain.test_cli_runner().invoke(args=['backup', 'restore', str(backup)]).exit_code == 0
