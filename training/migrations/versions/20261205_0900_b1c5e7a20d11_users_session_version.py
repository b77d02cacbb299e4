"""users.session_version: raised to sign out every browser of an account

Revision ID: b1c5e7a20d11
Revises: a7f3c91e2b54
Create Date: 2026-12-05 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b1c5e7a20d11'
down_revision = 'a7f3c91e2b54'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
