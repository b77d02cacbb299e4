"""one course in every language: the language a course and a quiz were studied in; the French R2P course, until
now a course of its own, becomes the French translation of the original

The French course ``prevention-responsabilite-de-proteger`` is now
``courses/prevention-responsibility-to-protect/translations/fr/``, with the same lesson and question ids. Its records
move to the original's slug, marked ``language = 'fr'``: enrolments, attempts, certificates and the training
sessions that followed it. A trainee enrolled in both keeps one enrolment: the French one's lessons, attempts, quiz
draws and certificate are merged into the English one. If both already hold a certificate, the French enrolment
stays under the former slug (which the content registry still resolves to the course), so no certificate is lost.

Revision ID: c0ffee16a1f8
Revises: 5935ae4fc966
Create Date: 2026-12-05 18:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c0ffee16a1f8'
down_revision = '5935ae4fc966'
branch_labels = None
depends_on = None

OLD = 'prevention-responsabilite-de-proteger'
NEW = 'prevention-responsibility-to-protect'


def _merge(conn, fr_id: int, en_id: int) -> None:
    """Move the French enrolment's progress into the English one, then drop it."""
    q = sa.text
    done = {r[0] for r in conn.execute(q('SELECT lesson_id FROM course_lesson_progress WHERE enrolment_id = :e'),
                                       {'e': en_id})}
    for pid, lesson_id in conn.execute(q('SELECT id, lesson_id FROM course_lesson_progress WHERE enrolment_id = :e'),
                                       {'e': fr_id}).all():
        if lesson_id not in done:
            conn.execute(q('UPDATE course_lesson_progress SET enrolment_id = :e WHERE id = :id'), {'e': en_id, 'id': pid})
    conn.execute(q('UPDATE course_quiz_attempts SET enrolment_id = :en WHERE enrolment_id = :fr'),
                 {'en': en_id, 'fr': fr_id})
    drawn = {r[0] for r in conn.execute(q('SELECT quiz_id FROM course_quiz_draws WHERE enrolment_id = :e'),
                                        {'e': en_id})}
    for did, quiz_id in conn.execute(q('SELECT id, quiz_id FROM course_quiz_draws WHERE enrolment_id = :e'),
                                     {'e': fr_id}).all():
        if quiz_id not in drawn:
            conn.execute(q('UPDATE course_quiz_draws SET enrolment_id = :e WHERE id = :id'), {'e': en_id, 'id': did})
    conn.execute(q('UPDATE course_certificates SET enrolment_id = :en, course_slug = :new WHERE enrolment_id = :fr'),
                 {'en': en_id, 'fr': fr_id, 'new': NEW})
    fr = conn.execute(q('SELECT enrolled_at, completed_at, pre_test_skipped_at, last_activity_at, last_lesson_id '
                        'FROM course_enrolments WHERE id = :e'), {'e': fr_id}).one()
    en = conn.execute(q('SELECT enrolled_at, completed_at, pre_test_skipped_at, last_activity_at '
                        'FROM course_enrolments WHERE id = :e'), {'e': en_id}).one()

    def first(a, b):
        return min(x for x in (a, b) if x is not None) if (a or b) else None
    french_last = fr[3] is not None and (en[3] is None or fr[3] > en[3])
    conn.execute(q('UPDATE course_enrolments SET enrolled_at = :enrolled, completed_at = :completed, '
                   'pre_test_skipped_at = :skipped, last_activity_at = :last, language = :lang'
                   + (', last_lesson_id = :lesson' if french_last else '') + ' WHERE id = :e'),
                 {'enrolled': first(fr[0], en[0]), 'completed': first(fr[1], en[1]), 'skipped': first(fr[2], en[2]),
                  'last': max(x for x in (fr[3], en[3]) if x is not None) if (fr[3] or en[3]) else None,
                  'lang': 'fr' if french_last else 'en', 'lesson': fr[4], 'e': en_id})
    conn.execute(q('DELETE FROM course_lesson_progress WHERE enrolment_id = :e'), {'e': fr_id})
    conn.execute(q('DELETE FROM course_quiz_draws WHERE enrolment_id = :e'), {'e': fr_id})
    conn.execute(q('DELETE FROM course_enrolments WHERE id = :e'), {'e': fr_id})


def _move_french_course(conn) -> None:
    q = sa.text
    conn.execute(q("UPDATE course_quiz_attempts SET language = 'fr' WHERE enrolment_id IN "
                   '(SELECT id FROM course_enrolments WHERE course_slug = :old)'), {'old': OLD})
    conn.execute(q("UPDATE course_enrolments SET language = 'fr' WHERE course_slug = :old"), {'old': OLD})
    pairs = conn.execute(q(
        'SELECT f.id, e.id FROM course_enrolments f JOIN course_enrolments e '
        'ON e.user_id = f.user_id AND e.course_slug = :new WHERE f.course_slug = :old'),
        {'old': OLD, 'new': NEW}).all()
    for fr_id, en_id in pairs:
        both_certified = conn.execute(q('SELECT COUNT(*) FROM course_certificates WHERE enrolment_id IN (:a, :b)'),
                                      {'a': fr_id, 'b': en_id}).scalar() == 2
        if not both_certified:
            _merge(conn, fr_id, en_id)
    conn.execute(q('UPDATE course_certificates SET course_slug = :new WHERE course_slug = :old AND enrolment_id IN '
                   '(SELECT f.id FROM course_enrolments f WHERE f.course_slug = :old AND NOT EXISTS '
                   '(SELECT 1 FROM course_enrolments e WHERE e.user_id = f.user_id AND e.course_slug = :new))'),
                 {'old': OLD, 'new': NEW})
    conn.execute(q('UPDATE course_enrolments SET course_slug = :new WHERE course_slug = :old AND NOT EXISTS '
                   '(SELECT 1 FROM course_enrolments e WHERE e.user_id = course_enrolments.user_id '
                   'AND e.course_slug = :new)'), {'old': OLD, 'new': NEW})
    conn.execute(q('UPDATE training_sessions SET course_slug = :new WHERE course_slug = :old'), {'old': OLD, 'new': NEW})


def upgrade():
    with op.batch_alter_table('course_enrolments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))
    with op.batch_alter_table('course_quiz_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))
    _move_french_course(op.get_bind())


def downgrade():
    # The French records stay under the original's slug (marked by nothing once the columns are gone): the merge
    # of two enrolments cannot be undone.
    with op.batch_alter_table('course_quiz_attempts', schema=None) as batch_op:
        batch_op.drop_column('language')
    with op.batch_alter_table('course_enrolments', schema=None) as batch_op:
        batch_op.drop_column('language')
