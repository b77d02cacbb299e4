"""certificate codes upper case

Certificate codes are looked up in any case (training/codes.py): stored codes take the one upper-case form.
Codes issued before came from a mixed-case alphabet (``Dm7q-Kc4x-Rw9t``); each becomes ``DM7Q-KC4X-RW9T``. Two
old codes that differ only in case (about one chance in 2**70 per pair) would collide: the second is then left as
it is and stays reachable by its exact spelling.

Revision ID: a7c0de5e1f01
Revises: d4e9f6301c32
Create Date: 2026-12-04 13:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c0de5e1f01'
down_revision = 'd4e9f6301c32'
branch_labels = None
depends_on = None

certificates = sa.table('course_certificates', sa.column('id', sa.Integer), sa.column('code', sa.String(32)))


def upgrade():
    conn = op.get_bind()
    rows = conn.execute(sa.select(certificates.c.id, certificates.c.code).order_by(certificates.c.id)).all()
    taken = {code for _id, code in rows}
    for id_, code in rows:
        upper = code.upper()
        if upper != code and upper not in taken:
            conn.execute(certificates.update().where(certificates.c.id == id_).values(code=upper))
            taken.discard(code)
            taken.add(upper)


def downgrade():
    # Nothing to undo: an upper-case code is a valid code for the earlier version too (its alphabet had the
    # capitals), and the original mixed-case spelling is not recoverable. The schema is unchanged.
    pass
