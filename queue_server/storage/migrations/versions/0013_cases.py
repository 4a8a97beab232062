"""cases: 五件 cases (办件), their history (case_events) and per-hall, per-year numbering

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 11:51:53.535953
"""

from alembic import op
import sqlalchemy as sa
import queue_server.storage.types


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_counters',
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], name=op.f('fk_case_counters_hall_id_halls')),
    sa.PrimaryKeyConstraint('hall_id', 'year', name=op.f('pk_case_counters'))
    )
    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('matter_code', sa.String(length=40), nullable=False),
    sa.Column('matter_name', sa.String(length=200), nullable=False),
    sa.Column('department', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('id_hash', sa.String(length=64), nullable=True),
    sa.Column('name_masked', sa.String(length=40), nullable=True),
    sa.Column('phone_masked', sa.String(length=20), nullable=True),
    sa.Column('accepted_at', queue_server.storage.types.Timestamp(), nullable=False),
    sa.Column('accepted_on', sa.Date(), nullable=False),
    sa.Column('promised_on', sa.Date(), nullable=True),
    sa.Column('statutory_on', sa.Date(), nullable=True),
    sa.Column('warn_on', sa.Date(), nullable=True),
    sa.Column('finished_at', queue_server.storage.types.Timestamp(), nullable=True),
    sa.Column('window_id', sa.Integer(), nullable=True),
    sa.Column('staff_user_id', sa.Integer(), nullable=True),
    sa.Column('lead_department', sa.String(length=100), nullable=True),
    sa.Column('co_departments', sa.JSON(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('promised_days', sa.Integer(), nullable=True),
    sa.Column('statutory_days', sa.Integer(), nullable=True),
    sa.Column('working_days', sa.Integer(), nullable=True),
    sa.Column('on_time', sa.Boolean(), nullable=True),
    sa.Column('suffix_hashes', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], name=op.f('fk_cases_hall_id_halls')),
    sa.ForeignKeyConstraint(['staff_user_id'], ['users.id'], name=op.f('fk_cases_staff_user_id_users')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_cases_ticket_id_tickets')),
    sa.ForeignKeyConstraint(['window_id'], ['windows.id'], name=op.f('fk_cases_window_id_windows')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('hall_id', 'year', 'seq', name='uq_cases_hall_year_seq')
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_hall_accepted', ['hall_id', 'accepted_on'], unique=False)
        batch_op.create_index('ix_cases_hall_department', ['hall_id', 'department', 'state'], unique=False)
        batch_op.create_index('ix_cases_open', ['hall_id', 'warn_on'], unique=False, sqlite_where=sa.text('finished_at IS NULL'), postgresql_where=sa.text('finished_at IS NULL'))
        batch_op.create_index(batch_op.f('ix_cases_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('case_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('at', queue_server.storage.types.Timestamp(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_events_case_id_cases')),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_case_events_device_id_devices')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_case_events_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_events'))
    )
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_events_case_id'), ['case_id'], unique=False)



def downgrade():
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_events_case_id'))

    op.drop_table('case_events')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_ticket_id'))
        batch_op.drop_index('ix_cases_open', sqlite_where=sa.text('finished_at IS NULL'), postgresql_where=sa.text('finished_at IS NULL'))
        batch_op.drop_index('ix_cases_hall_department')
        batch_op.drop_index('ix_cases_hall_accepted')

    op.drop_table('cases')
    op.drop_table('case_counters')
