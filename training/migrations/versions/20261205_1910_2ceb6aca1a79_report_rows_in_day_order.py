"""report rows in day order: primary key (day, attendance_id), on SQLite a table without rowid, so that a period's
rows are one contiguous range (issue 18)

Revision ID: 2ceb6aca1a79
Revises: 79bd0359c7ac
Create Date: 2026-12-05 17:20:00

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '2ceb6aca1a79'
down_revision = '79bd0359c7ac'
branch_labels = None
depends_on = None

KINDS = range(8)


def _columns():
    return [
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('country', sa.String(length=2), nullable=False),
        sa.Column('course', sa.String(length=100), nullable=False),
        sa.Column('mode', sa.String(length=32), nullable=False),
        sa.Column('sex', sa.String(length=32), nullable=False),
        sa.Column('org', sa.String(length=32), nullable=False),
        sa.Column('pre', sa.Float(), nullable=True),
        sa.Column('post', sa.Float(), nullable=True),
        *[sa.Column(f'p{k}', sa.Integer(), nullable=True) for k in KINDS],
        *[sa.Column(f'y{k}', sa.Integer(), nullable=True) for k in KINDS],
        *[sa.Column(f'n{k}', sa.Integer(), nullable=True) for k in KINDS],
    ]


def _fill():
    """Filled from the source rows by the later migration that gives the tables their present shape (a0c3e5f71b29):
    the reporting SQL of training.reports.rebuild is written for that shape."""


def upgrade():
    op.drop_table('report_rows')
    op.create_table(
        'report_rows',
        sa.Column('day', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('attendance_id', sa.Integer(), autoincrement=False, nullable=False),
        *_columns(),
        sa.PrimaryKeyConstraint('day', 'attendance_id', name=op.f('pk_report_rows')),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table('report_rows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_rows_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_rows_session_id'), ['session_id'], unique=False)
        batch_op.create_index('ix_report_rows_scored', ['day', 'course', 'person_id', 'pre', 'post', 'country',
                                                        'mode'], unique=False,
                              sqlite_where=sa.text('pre IS NOT NULL AND post IS NOT NULL'),
                              postgresql_where=sa.text('pre IS NOT NULL AND post IS NOT NULL'))
    _fill()


def downgrade():
    op.drop_table('report_rows')
    op.create_table(
        'report_rows',
        sa.Column('attendance_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('day', sa.Integer(), nullable=False),
        *_columns(),
        sa.PrimaryKeyConstraint('attendance_id', name=op.f('pk_report_rows')),
    )
    with op.batch_alter_table('report_rows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_rows_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_rows_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_rows_session_id'), ['session_id'], unique=False)
    _fill()
