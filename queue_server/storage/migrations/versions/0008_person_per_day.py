"""one active ticket per person per service and day: the day joins the partial unique index

Before, a real-name ticket still waiting at closing time blocked its citizen the next day.

Revision ID: 0008
Revises: 0005_staff_profile
Create Date: 2026-12-03 08:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_ACTIVE = "status IN ('waiting', 'called') AND id_hash IS NOT NULL"


def _index(batch_op, columns):
    batch_op.create_index('uq_tickets_person_active', columns, unique=True,
                          sqlite_where=sa.text(_ACTIVE), postgresql_where=sa.text(_ACTIVE))


def upgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('uq_tickets_person_active')
        _index(batch_op, ['service_id', 'id_hash', 'local_date'])


def downgrade():
    # Expired tickets were never active; an earlier day's waiting ticket blocks the index again,
    # so expire those first (what the server's sweep does).
    op.execute("UPDATE tickets SET status = 'expired' WHERE status IN ('waiting', 'called') "
               "AND id_hash IS NOT NULL AND local_date < (SELECT MAX(local_date) FROM tickets)")
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('uq_tickets_person_active')
        _index(batch_op, ['service_id', 'id_hash'])
