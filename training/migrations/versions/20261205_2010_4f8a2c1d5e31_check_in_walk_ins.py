"""check_in_walk_ins: walk-ins kept for the session's trainers to confirm

Revision ID: 4f8a2c1d5e31
Revises: 3e7f1b9c4d20
Create Date: 2026-12-05 20:10:00

"""
from alembic import op
import sqlalchemy as sa

import training.db


revision = '4f8a2c1d5e31'
down_revision = '3e7f1b9c4d20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'check_in_walk_ins',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('full_name', sa.String(length=200), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('country', sa.String(length=2), nullable=True),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.Column('created_at', training.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['session_id'], ['training_sessions.id'],
                                name=op.f('fk_check_in_walk_ins_session_id_training_sessions'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_check_in_walk_ins')),
    )
    with op.batch_alter_table('check_in_walk_ins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_check_in_walk_ins_session_id'), ['session_id'], unique=False)


def downgrade():
    with op.batch_alter_table('check_in_walk_ins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_check_in_walk_ins_session_id'))
    op.drop_table('check_in_walk_ins')
