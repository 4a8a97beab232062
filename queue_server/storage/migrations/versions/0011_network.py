"""network: hall level and parent, the matter catalogue (事项目录), the matters of each service

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 02:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'hall_places',
        sa.Column('hall_id', sa.Integer(), nullable=False),
        sa.Column('level', sa.String(length=12), nullable=True),
        sa.Column('parent_id', sa.Integer(), nullable=True),
        sa.Column('catalogue_inherits', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['hall_id'], ['halls.id'],
                                name=op.f('fk_hall_places_hall_id_halls')),
        sa.ForeignKeyConstraint(['parent_id'], ['halls.id'],
                                name=op.f('fk_hall_places_parent_id_halls')),
        sa.PrimaryKeyConstraint('hall_id', name=op.f('pk_hall_places')),
    )
    op.create_table(
        'matters',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('hall_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('department', sa.String(length=200), nullable=False),
        sa.Column('levels', sa.JSON(), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('statutory_days', sa.Integer(), nullable=True),
        sa.Column('promised_days', sa.Integer(), nullable=True),
        sa.Column('materials', sa.JSON(), nullable=False),
        sa.Column('requires_id', sa.Boolean(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], name=op.f('fk_matters_hall_id_halls')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_matters')),
        sa.UniqueConstraint('hall_id', 'code', name='uq_matters_hall_code'),
    )
    op.create_table(
        'matter_drops',
        sa.Column('hall_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(['hall_id'], ['halls.id'],
                                name=op.f('fk_matter_drops_hall_id_halls')),
        sa.PrimaryKeyConstraint('hall_id', 'code', name=op.f('pk_matter_drops')),
    )
    op.create_table(
        'service_matters',
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('matter_code', sa.String(length=40), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['service_id'], ['services.id'],
                                name=op.f('fk_service_matters_service_id_services')),
        sa.PrimaryKeyConstraint('service_id', 'matter_code', name=op.f('pk_service_matters')),
    )


def downgrade():
    op.drop_table('service_matters')
    op.drop_table('matter_drops')
    op.drop_table('matters')
    op.drop_table('hall_places')
