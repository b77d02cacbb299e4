"""a trainee's attempts at a quiz indexed in the order the quiz page lists the latest: (enrolment, quiz, submitted
at, id), so that the page reads them from the index instead of sorting every attempt (8.5 ms a page for a trainee
with 6,000 attempts on SQLite, in a sort of its own)

Revision ID: b7e2d94a1c03
Revises: a0c3e5f71b29
Create Date: 2026-12-06 07:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b7e2d94a1c03'
down_revision = 'a0c3e5f71b29'
branch_labels = None
depends_on = None

NAME = 'ix_course_quiz_attempts_enrolment_quiz'
TABLE = 'course_quiz_attempts'


def upgrade():
    op.drop_index(NAME, table_name=TABLE)
    op.create_index(NAME, TABLE, ['enrolment_id', 'quiz_id', 'submitted_at', 'id'], unique=False)


def downgrade():
    op.drop_index(NAME, table_name=TABLE)
    op.create_index(NAME, TABLE, ['enrolment_id', 'quiz_id'], unique=False)
