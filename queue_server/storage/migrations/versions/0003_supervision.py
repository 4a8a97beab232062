"""supervision: alert subjects, acknowledgements, one open alert per cause

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 03:40:00
"""

from alembic import op
import sqlalchemy as sa
import queue_server.storage.types


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject', sa.String(length=80), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('device_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('acknowledged_at', queue_server.storage.types.Timestamp(),
                                      nullable=True))
        batch_op.add_column(sa.Column('acknowledged_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('ack_note', sa.String(length=500), nullable=True))
        batch_op.create_foreign_key(op.f('fk_alerts_device_id_devices'), 'devices',
                                    ['device_id'], ['id'])
        batch_op.create_foreign_key(op.f('fk_alerts_acknowledged_by_users'), 'users',
                                    ['acknowledged_by'], ['id'])
        batch_op.create_index('ix_alerts_hall_raised', ['hall_id', 'raised_at'], unique=False)
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_events_transfers', ['hall_id', 'at'], unique=False,
                              sqlite_where=sa.text("kind = 'transferred'"),
                              postgresql_where=sa.text("kind = 'transferred'"))
    # Alerts raised before this migration have no subject: give each its own, so the new
    # unique index on open alerts holds for them.
    op.execute("UPDATE alerts SET subject = 'legacy:' || CAST(id AS VARCHAR(20))")
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.create_index('uq_alerts_open_subject', ['hall_id', 'kind', 'subject'],
                              unique=True, sqlite_where=sa.text('cleared_at IS NULL'),
                              postgresql_where=sa.text('cleared_at IS NULL'))


def downgrade():
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_events_transfers')
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_index('uq_alerts_open_subject')
        batch_op.drop_index('ix_alerts_hall_raised')
        batch_op.drop_constraint(op.f('fk_alerts_acknowledged_by_users'), type_='foreignkey')
        batch_op.drop_constraint(op.f('fk_alerts_device_id_devices'), type_='foreignkey')
        batch_op.drop_column('ack_note')
        batch_op.drop_column('acknowledged_by')
        batch_op.drop_column('acknowledged_at')
        batch_op.drop_column('device_id')
        batch_op.drop_column('subject')
