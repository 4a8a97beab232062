"""counter sign-in sessions, bad-review follow-up cases and the rectification ledger

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 04:00:00
"""

from alembic import op
import sqlalchemy as sa
import queue_server.storage.types


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('window_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('window_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('started_at', queue_server.storage.types.Timestamp(), nullable=False),
    sa.Column('ended_at', queue_server.storage.types.Timestamp(), nullable=True),
    sa.Column('ended_by', sa.Integer(), nullable=True),
    sa.Column('end_reason', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['ended_by'], ['users.id'], name=op.f('fk_window_sessions_ended_by_users')),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], name=op.f('fk_window_sessions_hall_id_halls')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_window_sessions_user_id_users')),
    sa.ForeignKeyConstraint(['window_id'], ['windows.id'], name=op.f('fk_window_sessions_window_id_windows')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_window_sessions'))
    )
    with op.batch_alter_table('window_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_window_sessions_hall_started', ['hall_id', 'started_at'], unique=False)
        batch_op.create_index('uq_window_sessions_open_user', ['user_id'], unique=True,
                              sqlite_where=sa.text('ended_at IS NULL'),
                              postgresql_where=sa.text('ended_at IS NULL'))
        batch_op.create_index('uq_window_sessions_open_window', ['window_id'], unique=True,
                              sqlite_where=sa.text('ended_at IS NULL'),
                              postgresql_where=sa.text('ended_at IS NULL'))

    op.create_table('followup_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('window_id', sa.Integer(), nullable=True),
    sa.Column('staff_user_id', sa.Integer(), nullable=True),
    sa.Column('grade', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('opened_at', queue_server.storage.types.Timestamp(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('callback_at', queue_server.storage.types.Timestamp(), nullable=True),
    sa.Column('callback_by', sa.Integer(), nullable=True),
    sa.Column('callback_note', sa.Text(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('outcome_note', sa.Text(), nullable=True),
    sa.Column('closed_at', queue_server.storage.types.Timestamp(), nullable=True),
    sa.Column('closed_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['callback_by'], ['users.id'], name=op.f('fk_followup_cases_callback_by_users')),
    sa.ForeignKeyConstraint(['closed_by'], ['users.id'], name=op.f('fk_followup_cases_closed_by_users')),
    sa.ForeignKeyConstraint(['evaluation_id'], ['evaluations.id'], name=op.f('fk_followup_cases_evaluation_id_evaluations')),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], name=op.f('fk_followup_cases_hall_id_halls')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_followup_cases_service_id_services')),
    sa.ForeignKeyConstraint(['staff_user_id'], ['users.id'], name=op.f('fk_followup_cases_staff_user_id_users')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_followup_cases_ticket_id_tickets')),
    sa.ForeignKeyConstraint(['window_id'], ['windows.id'], name=op.f('fk_followup_cases_window_id_windows')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_followup_cases')),
    sa.UniqueConstraint('evaluation_id', name=op.f('uq_followup_cases_evaluation_id'))
    )
    with op.batch_alter_table('followup_cases', schema=None) as batch_op:
        batch_op.create_index('ix_followup_cases_hall_status', ['hall_id', 'status', 'deadline'], unique=False)

    op.create_table('rectification_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('measure', sa.Text(), nullable=False),
    sa.Column('responsible', sa.String(length=100), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('created_at', queue_server.storage.types.Timestamp(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['followup_cases.id'], name=op.f('fk_rectification_entries_case_id_followup_cases')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_rectification_entries_created_by_users')),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], name=op.f('fk_rectification_entries_hall_id_halls')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification_entries')),
    sa.UniqueConstraint('case_id', name=op.f('uq_rectification_entries_case_id'))
    )


def downgrade():
    op.drop_table('rectification_entries')
    with op.batch_alter_table('followup_cases', schema=None) as batch_op:
        batch_op.drop_index('ix_followup_cases_hall_status')
    op.drop_table('followup_cases')
    with op.batch_alter_table('window_sessions', schema=None) as batch_op:
        batch_op.drop_index('uq_window_sessions_open_window')
        batch_op.drop_index('uq_window_sessions_open_user')
        batch_op.drop_index('ix_window_sessions_hall_started')
    op.drop_table('window_sessions')
