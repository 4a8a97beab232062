"""case alert levels: each case carries the level and id of its open 限时办结 alert and the day
that level next changes, so the supervisor's sweep reads only the cases whose level changes today
(``ix_cases_alert_due``) and the closed cases whose alert is still open
(``ix_cases_alert_closed``), not every open case

The levels are filled from the open deadline alerts, and every open case is due again on its
warning day: the first passes after the upgrade read the due cases once (500 per pass) and
move each one's next day on, raising nothing that is already open.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 22:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

OPEN = sa.text('finished_at IS NULL')
CLOSED_WITH_ALERT = sa.text('finished_at IS NOT NULL AND alert_level IS NOT NULL')


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('alert_level', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('alert_due_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('alert_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_cases_alert_due', ['hall_id', 'alert_due_on'], unique=False,
                              sqlite_where=OPEN, postgresql_where=OPEN)
        batch_op.create_index('ix_cases_alert_closed', ['hall_id', 'id'], unique=False,
                              sqlite_where=CLOSED_WITH_ALERT,
                              postgresql_where=CLOSED_WITH_ALERT)
    op.execute("UPDATE cases SET alert_due_on = warn_on WHERE finished_at IS NULL")
    op.execute(
        "UPDATE cases SET alert_id = (SELECT max(a.id) FROM alerts a"
        " WHERE a.kind = 'case_deadline' AND a.cleared_at IS NULL"
        " AND a.hall_id = cases.hall_id AND a.subject = 'case:' || cases.id)"
        " WHERE EXISTS (SELECT 1 FROM alerts a WHERE a.kind = 'case_deadline'"
        " AND a.cleared_at IS NULL AND a.hall_id = cases.hall_id"
        " AND a.subject = 'case:' || cases.id)")
    op.execute("UPDATE cases SET alert_level = (SELECT a.level FROM alerts a"
               " WHERE a.id = cases.alert_id) WHERE alert_id IS NOT NULL")


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_alert_closed', sqlite_where=CLOSED_WITH_ALERT,
                            postgresql_where=CLOSED_WITH_ALERT)
        batch_op.drop_index('ix_cases_alert_due', sqlite_where=OPEN, postgresql_where=OPEN)
        batch_op.drop_column('alert_id')
        batch_op.drop_column('alert_due_on')
        batch_op.drop_column('alert_level')
