"""tickets by window and finish time: the window's latest finished ticket (the rating on
offer at its evaluator, read for every call-next; the latest finished for a rating) is an
index seek instead of a pass over the hall's tickets of the day (with 12,000 tickets issued,
that read was half of a call-next's time)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 22:50:00
"""

from alembic import op


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    # Plain CREATE INDEX: a batch operation on SQLite would rebuild ``tickets`` and drop the
    # queue-length triggers of 0017.
    op.create_index('ix_tickets_window_finished', 'tickets', ['window_id', 'finished_at'],
                    unique=False)


def downgrade():
    op.drop_index('ix_tickets_window_finished', table_name='tickets')
