"""The French R2P course, a course of its own until 2026-12, becomes the French translation of the original: its
records move to the original's slug, and nobody loses an attempt or a certificate."""
from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from tests.helpers.app import app_config
from training import create_app
from training.extensions import db

OLD, NEW = 'prevention-responsabilite-de-proteger', 'prevention-responsibility-to-protect'
BEFORE = '5935ae4fc966'


def _user(conn, n: int) -> int:
    conn.execute(sa.text("INSERT INTO users (id, email, name, password_hash, is_active, created_at, "
                         "session_version) VALUES (:id, :email, :name, 'x', true, :at, 1)"),
                 {'id': n, 'email': f'u{n}@example.org', 'name': f'User {n}',
                  'at': datetime(2026, 1, 1, tzinfo=UTC)})
    return n


def _enrol(conn, eid: int, user: int, slug: str, day: int, lessons=(), attempts=(), cert: str | None = None):
    at = datetime(2026, 3, day, tzinfo=UTC)
    conn.execute(sa.text('INSERT INTO course_enrolments (id, user_id, course_slug, course_version, enrolled_at, '
                         'last_activity_at) VALUES (:id, :u, :s, 1, :at, :at)'),
                 {'id': eid, 'u': user, 's': slug, 'at': at})
    for lesson in lessons:
        conn.execute(sa.text('INSERT INTO course_lesson_progress (enrolment_id, lesson_id, completed_at) '
                             'VALUES (:e, :l, :at)'), {'e': eid, 'l': lesson, 'at': at})
    for quiz_id, score in attempts:
        conn.execute(sa.text("INSERT INTO course_quiz_attempts (uid, enrolment_id, quiz_id, kind, answers, "
                             "correct_count, question_count, score, pass_mark, passed, submitted_at) VALUES (:uid, :e, "
                             ":q, 'practice', '{}', 1, 1, :s, 70, true, :at)"),
                     {'uid': f'{eid}-{quiz_id}', 'e': eid, 'q': quiz_id, 's': score, 'at': at})
    if cert:
        conn.execute(sa.text("INSERT INTO course_certificates (code, enrolment_id, user_id, course_slug, "
                             "course_version, holder_name, hours, issuer, issued_at) VALUES (:c, :e, :u, :s, 1, "
                             "'Holder', 4, 'Office', :at)"), {'c': cert, 'e': eid, 'u': user, 's': slug, 'at': at})


def _rows(conn, sql: str, **params):
    return conn.execute(sa.text(sql), params).all()


def test_the_french_course_records_move_to_the_original_slug():
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(app_config(SQLALCHEMY_DATABASE_URI=f'sqlite:///{Path(tmp) / "m.sqlite"}'))
        with app.app_context():
            upgrade(revision=BEFORE)
            with db.engine.begin() as conn:
                alone, both, certified = _user(conn, 1), _user(conn, 2), _user(conn, 3)
                _enrol(conn, 10, alone, OLD, 1, lessons=['three-pillars'], attempts=[('m1-check', 80)], cert='FR-1')
                _enrol(conn, 20, both, NEW, 1, lessons=['three-pillars'])
                _enrol(conn, 21, both, OLD, 5, lessons=['three-pillars', 'structural-prevention'],
                       attempts=[('m2-check', 90)], cert='FR-2')
                _enrol(conn, 30, certified, NEW, 1, cert='EN-3')
                _enrol(conn, 31, certified, OLD, 2, cert='FR-3')
            upgrade()
            with db.engine.connect() as conn:
                # alone: the enrolment, its attempt and its certificate under the original's slug, in French
                assert _rows(conn, 'SELECT course_slug, language FROM course_enrolments WHERE id = 10') == \
                    [(NEW, 'fr')]
                assert _rows(conn, 'SELECT language FROM course_quiz_attempts WHERE enrolment_id = 10') == [('fr',)]
                assert _rows(conn, "SELECT course_slug FROM course_certificates WHERE code = 'FR-1'") == [(NEW,)]
                # both: one enrolment keeps the union of the lessons, every attempt and the certificate
                assert _rows(conn, 'SELECT id FROM course_enrolments WHERE user_id = 2') == [(20,)]
                assert sorted(_rows(conn, 'SELECT lesson_id FROM course_lesson_progress WHERE enrolment_id = 20')) \
                    == [('structural-prevention',), ('three-pillars',)]
                assert _rows(conn, 'SELECT quiz_id FROM course_quiz_attempts WHERE enrolment_id = 20') == \
                    [('m2-check',)]
                assert _rows(conn, "SELECT enrolment_id, course_slug FROM course_certificates WHERE code = 'FR-2'") \
                    == [(20, NEW)]
                assert _rows(conn, 'SELECT language FROM course_enrolments WHERE id = 20') == [('fr',)]
                # both certified: both certificates kept; the French one under the former slug
                assert sorted(_rows(conn, 'SELECT code, course_slug FROM course_certificates WHERE user_id = 3')) \
                    == [('EN-3', NEW), ('FR-3', OLD)]
            db.engine.dispose()


def test_the_former_slug_still_finds_the_course_in_french(app, client):
    registry = app.extensions['content']
    assert registry.course(OLD).slug == NEW
    assert registry.course(OLD, 'fr').title.startswith('La prévention')
    response = client.get(f'/courses/{OLD}')
    assert response.status_code == 308 and response.headers['Location'].endswith(f'/courses/{NEW}')
    html = client.get(f'/courses/{NEW}', headers={'Accept-Language': 'fr'}).get_data(as_text=True)
    assert 'La prévention et la responsabilité de protéger' in html
