"""citizen pages: English hall and department names, the citizen's call-back phone on a
follow-up case

Revision ID: 0007
Revises: 0005_staff_profile
Create Date: 2026-12-03 08:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('halls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_en', sa.String(length=200), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.add_column(sa.Column('department_en', sa.String(length=200), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('followup_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('citizen_phone', sa.String(length=11), nullable=True))


def downgrade():
    with op.batch_alter_table('followup_cases', schema=None) as batch_op:
        batch_op.drop_column('citizen_phone')
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.drop_column('department_en')
    with op.batch_alter_table('halls', schema=None) as batch_op:
        batch_op.drop_column('name_en')
