"""bookings: appointments (预约取号) per service, day and slot; places taken per slot and day;
the booked flag of a ticket checked in from a booking

Revision ID: 0014
Revises: 0013 (relinked to 0013 at merge)
Create Date: 2026-12-04 11:55:00
"""

from alembic import op
import sqlalchemy as sa
import queue_server.storage.types


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

ACTIVE = "state IN ('booked', 'checked_in')"


def upgrade():
    op.create_table(
        'bookings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('hall_id', sa.Integer(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('local_date', sa.Date(), nullable=False),
        sa.Column('slot_start', sa.String(length=5), nullable=False),
        sa.Column('code', sa.String(length=12), nullable=False),
        sa.Column('id_hash', sa.String(length=64), nullable=True),
        sa.Column('id_check', sa.String(length=64), nullable=False),
        sa.Column('phone_masked', sa.String(length=16), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=True),
        sa.Column('created_at', queue_server.storage.types.Timestamp(), nullable=False),
        sa.Column('changed_at', queue_server.storage.types.Timestamp(), nullable=False),
        sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], name=op.f('fk_bookings_hall_id_halls')),
        sa.ForeignKeyConstraint(['service_id'], ['services.id'],
                                name=op.f('fk_bookings_service_id_services')),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'],
                                name=op.f('fk_bookings_ticket_id_tickets')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bookings')),
        sa.UniqueConstraint('code', name=op.f('uq_bookings_code')),
    )
    op.create_index('ix_bookings_slot', 'bookings', ['service_id', 'local_date', 'slot_start'])
    op.create_index('ix_bookings_person', 'bookings', ['id_hash', 'local_date'])
    op.create_index('uq_bookings_person_active', 'bookings',
                    ['service_id', 'id_hash', 'local_date'], unique=True,
                    sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE))
    op.create_table(
        'booking_places',
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('local_date', sa.Date(), nullable=False),
        sa.Column('slot_start', sa.String(length=5), nullable=False),
        sa.Column('taken', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['service_id'], ['services.id'],
                                name=op.f('fk_booking_places_service_id_services')),
        sa.PrimaryKeyConstraint('service_id', 'local_date', 'slot_start',
                                name=op.f('pk_booking_places')),
    )
    op.add_column('tickets', sa.Column('booked', sa.Boolean(), nullable=False,
                                       server_default=sa.false()))


def downgrade():
    op.drop_column('tickets', 'booked')
    op.drop_table('booking_places')
    op.drop_index('uq_bookings_person_active', table_name='bookings')
    op.drop_index('ix_bookings_person', table_name='bookings')
    op.drop_index('ix_bookings_slot', table_name='bookings')
    op.drop_table('bookings')
