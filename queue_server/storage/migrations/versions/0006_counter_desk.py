"""counter desk: 过号顺延 per service (no_show_requeue, no_show_requeue_max) and a ticket's
requeued_count

Revision ID: 0006
Revises: 0005_staff_profile
Create Date: 2026-12-03 08:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005_staff_profile'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.add_column(sa.Column('no_show_requeue', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('no_show_requeue_max', sa.Integer(), nullable=False,
                                      server_default='1'))
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requeued_count', sa.Integer(), nullable=False,
                                      server_default='0'))


def downgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_column('requeued_count')
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.drop_column('no_show_requeue_max')
        batch_op.drop_column('no_show_requeue')
