"""presence: kiosk agents connected to any server process, and each kiosk's printer status

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 05:40:00
"""

from alembic import op
import sqlalchemy as sa
import queue_server.storage.types


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'kiosk_agents',
        sa.Column('sid', sa.String(length=64), nullable=False),
        sa.Column('device_id', sa.Integer(), nullable=False),
        sa.Column('process', sa.String(length=80), nullable=False),
        sa.Column('seen_at', queue_server.storage.types.Timestamp(), nullable=False),
        sa.ForeignKeyConstraint(['device_id'], ['devices.id'],
                                name=op.f('fk_kiosk_agents_device_id_devices')),
        sa.PrimaryKeyConstraint('sid', name=op.f('pk_kiosk_agents')),
    )
    op.create_index(op.f('ix_kiosk_agents_device_id'), 'kiosk_agents', ['device_id'],
                    unique=False)
    op.create_index(op.f('ix_kiosk_agents_process'), 'kiosk_agents', ['process'], unique=False)
    op.create_table(
        'kiosk_printers',
        sa.Column('device_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('detail', sa.String(length=200), nullable=False),
        sa.Column('changed_at', queue_server.storage.types.Timestamp(), nullable=False),
        sa.ForeignKeyConstraint(['device_id'], ['devices.id'],
                                name=op.f('fk_kiosk_printers_device_id_devices')),
        sa.PrimaryKeyConstraint('device_id', name=op.f('pk_kiosk_printers')),
    )


def downgrade():
    op.drop_table('kiosk_printers')
    op.drop_index(op.f('ix_kiosk_agents_process'), table_name='kiosk_agents')
    op.drop_index(op.f('ix_kiosk_agents_device_id'), table_name='kiosk_agents')
    op.drop_table('kiosk_agents')
