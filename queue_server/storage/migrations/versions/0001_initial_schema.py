"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-27 02:55:23.374159
"""

from alembic import op
import sqlalchemy as sa
import queue_server.storage.types


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('halls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('timezone', sa.String(length=60), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_halls')),
    sa.UniqueConstraint('code', name=op.f('uq_halls_code'))
    )
    op.create_table('blacklist',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=True),
    sa.Column('id_hash', sa.String(length=64), nullable=False),
    sa.Column('id_masked', sa.String(length=18), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('until', queue_server.storage.types.Timestamp(), nullable=True),
    sa.Column('created_at', queue_server.storage.types.Timestamp(), nullable=False),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], name=op.f('fk_blacklist_hall_id_halls')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blacklist'))
    )
    with op.batch_alter_table('blacklist', schema=None) as batch_op:
        batch_op.create_index('ix_blacklist_id_hash', ['id_hash'], unique=False)

    op.create_table('services',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=2), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('department', sa.String(length=200), nullable=False),
    sa.Column('hours', sa.JSON(), nullable=False),
    sa.Column('daily_quota', sa.Integer(), nullable=True),
    sa.Column('requires_id', sa.Boolean(), nullable=False),
    sa.Column('max_wait_min', sa.Integer(), nullable=True),
    sa.Column('max_service_min', sa.Integer(), nullable=True),
    sa.Column('warn_waiting', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], name=op.f('fk_services_hall_id_halls')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_services')),
    sa.UniqueConstraint('hall_id', 'code', name='uq_services_hall_code')
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=True),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', queue_server.storage.types.Timestamp(), nullable=False),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], name=op.f('fk_users_hall_id_halls')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('windows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('pause_reason', sa.String(length=200), nullable=True),
    sa.Column('state_changed_at', queue_server.storage.types.Timestamp(), nullable=True),
    sa.Column('current_ticket_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], name=op.f('fk_windows_hall_id_halls')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_windows')),
    sa.UniqueConstraint('hall_id', 'number', name='uq_windows_hall_number')
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', queue_server.storage.types.Timestamp(), nullable=False),
    sa.Column('expires_at', queue_server.storage.types.Timestamp(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    op.create_table('daily_counters',
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_daily_counters_service_id_services')),
    sa.PrimaryKeyConstraint('service_id', 'local_date', name=op.f('pk_daily_counters'))
    )
    op.create_table('devices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('window_id', sa.Integer(), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', queue_server.storage.types.Timestamp(), nullable=False),
    sa.Column('revoked_at', queue_server.storage.types.Timestamp(), nullable=True),
    sa.Column('last_seen_at', queue_server.storage.types.Timestamp(), nullable=True),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], name=op.f('fk_devices_hall_id_halls')),
    sa.ForeignKeyConstraint(['window_id'], ['windows.id'], name=op.f('fk_devices_window_id_windows')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_devices')),
    sa.UniqueConstraint('hall_id', 'name', name='uq_devices_hall_name'),
    sa.UniqueConstraint('token_hash', name=op.f('uq_devices_token_hash'))
    )
    op.create_table('user_windows',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('window_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_windows_user_id_users')),
    sa.ForeignKeyConstraint(['window_id'], ['windows.id'], name=op.f('fk_user_windows_window_id_windows')),
    sa.PrimaryKeyConstraint('user_id', 'window_id', name=op.f('pk_user_windows'))
    )
    op.create_table('window_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('window_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('at', queue_server.storage.types.Timestamp(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], name=op.f('fk_window_events_hall_id_halls')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_window_events_user_id_users')),
    sa.ForeignKeyConstraint(['window_id'], ['windows.id'], name=op.f('fk_window_events_window_id_windows')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_window_events'))
    )
    with op.batch_alter_table('window_events', schema=None) as batch_op:
        batch_op.create_index('ix_window_events_window_at', ['window_id', 'at'], unique=False)

    op.create_table('window_services',
    sa.Column('window_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_window_services_service_id_services')),
    sa.ForeignKeyConstraint(['window_id'], ['windows.id'], name=op.f('fk_window_services_window_id_windows')),
    sa.PrimaryKeyConstraint('window_id', 'service_id', name=op.f('pk_window_services'))
    )
    op.create_table('tickets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('original_service_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=12), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('priority', sa.Boolean(), nullable=False),
    sa.Column('issued_at', queue_server.storage.types.Timestamp(), nullable=False),
    sa.Column('queued_at', queue_server.storage.types.Timestamp(), nullable=False),
    sa.Column('called_at', queue_server.storage.types.Timestamp(), nullable=True),
    sa.Column('first_called_at', queue_server.storage.types.Timestamp(), nullable=True),
    sa.Column('finished_at', queue_server.storage.types.Timestamp(), nullable=True),
    sa.Column('window_id', sa.Integer(), nullable=True),
    sa.Column('target_window_id', sa.Integer(), nullable=True),
    sa.Column('staff_user_id', sa.Integer(), nullable=True),
    sa.Column('recall_count', sa.Integer(), nullable=False),
    sa.Column('id_hash', sa.String(length=64), nullable=True),
    sa.Column('id_masked', sa.String(length=18), nullable=True),
    sa.Column('track_token', sa.String(length=32), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_tickets_device_id_devices')),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], name=op.f('fk_tickets_hall_id_halls')),
    sa.ForeignKeyConstraint(['original_service_id'], ['services.id'], name=op.f('fk_tickets_original_service_id_services')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_tickets_service_id_services')),
    sa.ForeignKeyConstraint(['staff_user_id'], ['users.id'], name=op.f('fk_tickets_staff_user_id_users')),
    sa.ForeignKeyConstraint(['target_window_id'], ['windows.id'], name=op.f('fk_tickets_target_window_id_windows')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_tickets_user_id_users')),
    sa.ForeignKeyConstraint(['window_id'], ['windows.id'], name=op.f('fk_tickets_window_id_windows')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tickets')),
    sa.UniqueConstraint('original_service_id', 'local_date', 'seq', name='uq_tickets_number'),
    sa.UniqueConstraint('track_token', name=op.f('uq_tickets_track_token'))
    )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index('ix_tickets_hall_issued', ['hall_id', 'issued_at'], unique=False)
        batch_op.create_index('ix_tickets_queue', ['service_id', 'status', 'local_date', 'priority', 'queued_at', 'id'], unique=False)
        batch_op.create_index('ix_tickets_target', ['target_window_id', 'status'], unique=False)
        batch_op.create_index('uq_tickets_person_active', ['service_id', 'id_hash'], unique=True, sqlite_where=sa.text("status IN ('waiting', 'called') AND id_hash IS NOT NULL"), postgresql_where=sa.text("status IN ('waiting', 'called') AND id_hash IS NOT NULL"))

    op.create_table('alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('window_id', sa.Integer(), nullable=True),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('raised_at', queue_server.storage.types.Timestamp(), nullable=False),
    sa.Column('cleared_at', queue_server.storage.types.Timestamp(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], name=op.f('fk_alerts_hall_id_halls')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_alerts_service_id_services')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_alerts_ticket_id_tickets')),
    sa.ForeignKeyConstraint(['window_id'], ['windows.id'], name=op.f('fk_alerts_window_id_windows')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alerts'))
    )
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.create_index('ix_alerts_hall_open', ['hall_id', 'cleared_at'], unique=False)

    op.create_table('evaluations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('window_id', sa.Integer(), nullable=True),
    sa.Column('staff_user_id', sa.Integer(), nullable=True),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('grade', sa.String(length=20), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('created_at', queue_server.storage.types.Timestamp(), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_evaluations_device_id_devices')),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], name=op.f('fk_evaluations_hall_id_halls')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_evaluations_service_id_services')),
    sa.ForeignKeyConstraint(['staff_user_id'], ['users.id'], name=op.f('fk_evaluations_staff_user_id_users')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_evaluations_ticket_id_tickets')),
    sa.ForeignKeyConstraint(['window_id'], ['windows.id'], name=op.f('fk_evaluations_window_id_windows')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluations')),
    sa.UniqueConstraint('ticket_id', name=op.f('uq_evaluations_ticket_id'))
    )
    op.create_table('idempotency_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('principal', sa.String(length=40), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('created_at', queue_server.storage.types.Timestamp(), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_idempotency_keys_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_keys')),
    sa.UniqueConstraint('principal', 'key', name='uq_idempotency_principal_key')
    )
    op.create_table('ticket_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('at', queue_server.storage.types.Timestamp(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('window_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_ticket_events_device_id_devices')),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], name=op.f('fk_ticket_events_hall_id_halls')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_ticket_events_service_id_services')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_events_ticket_id_tickets')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_ticket_events_user_id_users')),
    sa.ForeignKeyConstraint(['window_id'], ['windows.id'], name=op.f('fk_ticket_events_window_id_windows')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_events'))
    )
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_events_hall_at', ['hall_id', 'at'], unique=False)
        batch_op.create_index('ix_ticket_events_ticket', ['ticket_id'], unique=False)

    # windows.current_ticket_id and tickets.window_id refer to each other: add this key last.
    with op.batch_alter_table('windows', schema=None) as batch_op:
        batch_op.create_foreign_key(
            op.f('fk_windows_current_ticket_id_tickets'), 'tickets', ['current_ticket_id'], ['id']
        )


def downgrade():
    with op.batch_alter_table('windows', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_windows_current_ticket_id_tickets'), type_='foreignkey')
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_events_ticket')
        batch_op.drop_index('ix_ticket_events_hall_at')

    op.drop_table('ticket_events')
    op.drop_table('idempotency_keys')
    op.drop_table('evaluations')
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_index('ix_alerts_hall_open')

    op.drop_table('alerts')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('uq_tickets_person_active', sqlite_where=sa.text("status IN ('waiting', 'called') AND id_hash IS NOT NULL"), postgresql_where=sa.text("status IN ('waiting', 'called') AND id_hash IS NOT NULL"))
        batch_op.drop_index('ix_tickets_target')
        batch_op.drop_index('ix_tickets_queue')
        batch_op.drop_index('ix_tickets_hall_issued')

    op.drop_table('tickets')
    op.drop_table('window_services')
    with op.batch_alter_table('window_events', schema=None) as batch_op:
        batch_op.drop_index('ix_window_events_window_at')

    op.drop_table('window_events')
    op.drop_table('user_windows')
    op.drop_table('devices')
    op.drop_table('daily_counters')
    op.drop_table('api_tokens')
    op.drop_table('windows')
    op.drop_table('users')
    op.drop_table('services')
    with op.batch_alter_table('blacklist', schema=None) as batch_op:
        batch_op.drop_index('ix_blacklist_id_hash')

    op.drop_table('blacklist')
    op.drop_table('halls')
