"""security: no masked ID numbers, ID-hash purge index, card-only services, key check, login
lockout, card-read references, audit log

Revision ID: 0010
Revises: 0005_staff_profile
Create Date: 2026-12-03 08:00:00
"""

from alembic import op
import sqlalchemy as sa
import queue_server.storage.types


revision = '0010'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_column('id_masked')
        batch_op.create_index('ix_tickets_id_hash_issued', ['hall_id', 'issued_at'], unique=False,
                              sqlite_where=sa.text('id_hash IS NOT NULL'),
                              postgresql_where=sa.text('id_hash IS NOT NULL'))
    with op.batch_alter_table('blacklist', schema=None) as batch_op:
        batch_op.add_column(sa.Column('id_last4', sa.String(length=4), nullable=False,
                                      server_default=''))
    op.execute("UPDATE blacklist SET id_last4 = substr(id_masked, 15, 4)")
    with op.batch_alter_table('blacklist', schema=None) as batch_op:
        batch_op.alter_column('id_last4', server_default=None)
        batch_op.drop_column('id_masked')
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.add_column(sa.Column('id_card_only', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    _create_tables()


def _create_tables():
    op.create_table('key_checks',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('created_at', queue_server.storage.types.Timestamp(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_key_checks'))
    )
    op.create_table('login_failures',
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('first_at', queue_server.storage.types.Timestamp(), nullable=False),
    sa.Column('locked_until', queue_server.storage.types.Timestamp(), nullable=True),
    sa.PrimaryKeyConstraint('username', name=op.f('pk_login_failures'))
    )
    op.create_table('card_reads',
    sa.Column('ref_hash', sa.String(length=64), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('id_hash', sa.String(length=64), nullable=False),
    sa.Column('id_last4', sa.String(length=4), nullable=False),
    sa.Column('expires_at', queue_server.storage.types.Timestamp(), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_card_reads_device_id_devices')),
    sa.PrimaryKeyConstraint('ref_hash', name=op.f('pk_card_reads'))
    )
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', queue_server.storage.types.Timestamp(), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('target', sa.String(length=200), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=True),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_at', ['at'], unique=False)


def downgrade():
    op.drop_table('audit_log')
    op.drop_table('card_reads')
    op.drop_table('login_failures')
    op.drop_table('key_checks')
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.drop_column('id_card_only')
    with op.batch_alter_table('blacklist', schema=None) as batch_op:
        batch_op.add_column(sa.Column('id_masked', sa.String(length=18), nullable=False,
                                      server_default='**************'))
    op.execute("UPDATE blacklist SET id_masked = '**************' || id_last4")
    with op.batch_alter_table('blacklist', schema=None) as batch_op:
        batch_op.drop_column('id_last4')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_id_hash_issued',
                            sqlite_where=sa.text('id_hash IS NOT NULL'),
                            postgresql_where=sa.text('id_hash IS NOT NULL'))
        batch_op.add_column(sa.Column('id_masked', sa.String(length=18), nullable=True))
