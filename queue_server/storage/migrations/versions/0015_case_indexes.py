"""case indexes: the open cases' index carries the case id and finished_at (the deadline
sweep's id reads and open-set fingerprint from the index alone);
a person's cases by (hall, id_hash) for the phone case page and 取件 by ID card

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 20:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

OPEN = sa.text('finished_at IS NULL')


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_open', sqlite_where=OPEN, postgresql_where=OPEN)
        batch_op.create_index('ix_cases_open', ['hall_id', 'warn_on', 'id', 'finished_at'],
                              unique=False,
                              sqlite_where=OPEN, postgresql_where=OPEN)
        batch_op.create_index('ix_cases_person', ['hall_id', 'id_hash'], unique=False)


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_person')
        batch_op.drop_index('ix_cases_open', sqlite_where=OPEN, postgresql_where=OPEN)
        batch_op.create_index('ix_cases_open', ['hall_id', 'warn_on'], unique=False,
                              sqlite_where=OPEN, postgresql_where=OPEN)
