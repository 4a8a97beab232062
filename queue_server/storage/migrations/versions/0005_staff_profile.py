"""staff profile: staff numbers (工号) and staff photos for the window evaluator

Revision ID: 0005_staff_profile
Revises: 0004
Create Date: 2026-11-28 09:00:00
"""

from alembic import op
import sqlalchemy as sa
import queue_server.storage.types


revision = '0005_staff_profile'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staff_no', sa.String(length=20), nullable=True))
        batch_op.create_index('uq_users_hall_staff_no', ['hall_id', 'staff_no'], unique=True)

    op.create_table('user_photos',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('content_type', sa.String(length=20), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('updated_at', queue_server.storage.types.Timestamp(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_photos_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_user_photos')),
    sa.UniqueConstraint('key', name=op.f('uq_user_photos_key'))
    )


def downgrade():
    op.drop_table('user_photos')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('uq_users_hall_staff_no')
        batch_op.drop_column('staff_no')
