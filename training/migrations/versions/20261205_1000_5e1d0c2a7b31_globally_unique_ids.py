"""globally unique ids on the records that travel between a venue and the centre

Every existing row gets a random UUID 4 (the database generates them: one UPDATE per table, fast on a million
rows); the column is then NOT NULL and unique, with the database's "new UUID" expression as its default so that
bulk writers (COPY, raw INSERT) get one too.

Revision ID: 5e1d0c2a7b31
Revises: b1c5e7a20d11
Create Date: 2026-12-05 10:00:00

"""
from alembic import op
import sqlalchemy as sa

from training.db import POSTGRESQL_NEW_UID, SQLITE_NEW_UID


# revision identifiers, used by Alembic.
revision = '5e1d0c2a7b31'
down_revision = 'b1c5e7a20d11'
branch_labels = None
depends_on = None

TABLES = ('training_sessions', 'persons', 'attendances', 'attendance_days', 'scenario_live_runs',
          'scenario_live_teams', 'scenario_stage_submissions', 'course_quiz_attempts')


def upgrade():
    expression = POSTGRESQL_NEW_UID if op.get_bind().dialect.name == 'postgresql' else SQLITE_NEW_UID
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('uid', sa.String(length=36), nullable=True))
        op.execute(f'UPDATE {table} SET uid = {expression} WHERE uid IS NULL')  # noqa: S608 - constant names
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('uid', existing_type=sa.String(length=36), nullable=False,
                                  server_default=sa.text(expression))
            batch_op.create_unique_constraint(batch_op.f(f'uq_{table}_uid'), ['uid'])


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'uq_{table}_uid'), type_='unique')
            batch_op.drop_column('uid')
