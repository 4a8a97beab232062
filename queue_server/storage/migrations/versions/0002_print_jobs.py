"""print jobs of kiosk-issued tickets

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 03:45:00.000000
"""

from alembic import op
import sqlalchemy as sa
import queue_server.storage.types


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('print_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('fault', sa.String(length=40), nullable=True),
    sa.Column('created_at', queue_server.storage.types.Timestamp(), nullable=False),
    sa.Column('finished_at', queue_server.storage.types.Timestamp(), nullable=True),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_print_jobs_device_id_devices')),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], name=op.f('fk_print_jobs_hall_id_halls')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_print_jobs_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_print_jobs')),
    sa.UniqueConstraint('ticket_id', name=op.f('uq_print_jobs_ticket_id'))
    )
    with op.batch_alter_table('print_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_print_jobs_device_status', ['device_id', 'status', 'id'], unique=False)
        batch_op.create_index('ix_print_jobs_hall_status', ['hall_id', 'status', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('print_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_print_jobs_hall_status')
        batch_op.drop_index('ix_print_jobs_device_status')

    op.drop_table('print_jobs')
