"""reporting data by month: report_cells count participations by month and previous month (a period is whole months
plus at most two partial ones), report_scored keeps score sums per scope and month, and report_rows link each
participation with both scores to the previous and next one (issue 18: the report within budget for any period)

The tables are derived from the attendance rows: they are made again and filled from them (the SQL of
``flask report rebuild``). A downgrade leaves the earlier tables empty: run ``flask report rebuild`` there.

Revision ID: a0c3e5f71b29
Revises: 32c7e7ffaf22
Create Date: 2026-12-05 21:00:00

"""
from alembic import op
import sqlalchemy as sa

from training.reports import rebuild


# revision identifiers, used by Alembic.
revision = 'a0c3e5f71b29'
down_revision = '32c7e7ffaf22'
branch_labels = None
depends_on = None

KINDS = range(8)
SCORED = 'pre IS NOT NULL AND post IS NOT NULL'
SCOPE = ('country', 'course', 'mode')


def _scope_columns():
    return [sa.Column('country', sa.String(length=2), nullable=False),
            sa.Column('course', sa.String(length=100), nullable=False),
            sa.Column('mode', sa.String(length=32), nullable=False)]


def _rows_table(link: str, with_month: bool):
    op.create_table(
        'report_rows',
        sa.Column('day', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('attendance_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        *([sa.Column('month', sa.Integer(), nullable=False)] if with_month else []),
        *_scope_columns(),
        sa.Column('sex', sa.String(length=32), nullable=False),
        sa.Column('org', sa.String(length=32), nullable=False),
        sa.Column('pre', sa.Float(), nullable=True),
        sa.Column('post', sa.Float(), nullable=True),
        *[sa.Column(f'p{k}', sa.Integer(), nullable=True) for k in KINDS],
        *[sa.Column(f'{link}{k}', sa.Integer(), nullable=True) for k in KINDS],
        *[sa.Column(f'n{k}', sa.Integer(), nullable=True) for k in KINDS],
        *([sa.Column('ps', sa.Integer(), nullable=True), sa.Column('ns', sa.Integer(), nullable=True)]
          if with_month else []),
        sa.PrimaryKeyConstraint('day', 'attendance_id', name=op.f('pk_report_rows')),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table('report_rows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_rows_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_rows_session_id'), ['session_id'], unique=False)
        batch_op.create_index('ix_report_rows_scored', ['day', 'course', 'person_id', 'pre', 'post', 'country',
                                                        'mode'], unique=False,
                              sqlite_where=sa.text(SCORED), postgresql_where=sa.text(SCORED))
        if with_month:
            for name, other in (('ps', 'ns'), ('ns', 'ps')):
                batch_op.create_index(f'ix_report_rows_{name}', [name, 'day', other, 'course', 'person_id', 'pre',
                                                                 'post', 'country', 'mode'], unique=False,
                                      sqlite_where=sa.text(f'{name} IS NOT NULL'),
                                      postgresql_where=sa.text(f'{name} IS NOT NULL'))


def _cells_table(bucket: str):
    op.create_table(
        'report_cells',
        sa.Column('kind', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('dim', sa.String(length=8), nullable=False),
        *_scope_columns(),
        sa.Column('value', sa.String(length=32), nullable=False),
        sa.Column(bucket, sa.Integer(), autoincrement=False, nullable=False),
        sa.Column(f'prev_{bucket}', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('kind', 'dim', *SCOPE, 'value', bucket, f'prev_{bucket}',
                                name=op.f('pk_report_cells')),
    )


def upgrade():
    op.drop_table('report_rows')
    op.drop_table('report_cells')
    _rows_table('m', with_month=True)
    _cells_table('month')
    op.create_table(
        'report_scored',
        sa.Column('kind', sa.Integer(), autoincrement=False, nullable=False),
        *_scope_columns(),
        sa.Column('month', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.Column('sum_pre', sa.Float(), nullable=False),
        sa.Column('sum_post', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('kind', *SCOPE, 'month', name=op.f('pk_report_scored')),
    )
    op.execute('DELETE FROM report_gain')
    rebuild.fill(op.get_bind())


def downgrade():
    op.drop_table('report_scored')
    op.drop_table('report_rows')
    op.drop_table('report_cells')
    _rows_table('y', with_month=False)
    _cells_table('year')
    op.execute('DELETE FROM report_gain')
