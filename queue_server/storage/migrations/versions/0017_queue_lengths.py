"""queue lengths: tickets waiting per service and day, kept by triggers on ``tickets`` in the
transaction that changes a ticket's status, service or day (every path: issue, call,
transfer, requeue, cancel, day-end expiry, purge), so the count of those ahead of a new
ticket reads one row instead of counting the queue (a queue of 12,000 made the count a fifth
of the cost of issuing a ticket)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 22:45:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = [
    """CREATE TRIGGER tr_tickets_waiting_insert AFTER INSERT ON tickets
    WHEN NEW.status = 'waiting'
    BEGIN
        INSERT OR IGNORE INTO queue_lengths (service_id, local_date, waiting)
            VALUES (NEW.service_id, NEW.local_date, 0);
        UPDATE queue_lengths SET waiting = waiting + 1
            WHERE service_id = NEW.service_id AND local_date = NEW.local_date;
    END""",
    """CREATE TRIGGER tr_tickets_waiting_update AFTER UPDATE OF status, service_id, local_date
    ON tickets
    WHEN (OLD.status = 'waiting' OR NEW.status = 'waiting')
        AND (OLD.status IS NOT NEW.status OR OLD.service_id IS NOT NEW.service_id
             OR OLD.local_date IS NOT NEW.local_date)
    BEGIN
        UPDATE queue_lengths SET waiting = waiting - 1
            WHERE OLD.status = 'waiting' AND service_id = OLD.service_id
            AND local_date = OLD.local_date;
        INSERT OR IGNORE INTO queue_lengths (service_id, local_date, waiting)
            SELECT NEW.service_id, NEW.local_date, 0 WHERE NEW.status = 'waiting';
        UPDATE queue_lengths SET waiting = waiting + 1
            WHERE NEW.status = 'waiting' AND service_id = NEW.service_id
            AND local_date = NEW.local_date;
    END""",
    """CREATE TRIGGER tr_tickets_waiting_delete AFTER DELETE ON tickets
    WHEN OLD.status = 'waiting'
    BEGIN
        UPDATE queue_lengths SET waiting = waiting - 1
            WHERE service_id = OLD.service_id AND local_date = OLD.local_date;
    END""",
]

POSTGRES_FUNCTION = """
CREATE FUNCTION hallq_queue_lengths() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status IS NOT DISTINCT FROM NEW.status
            AND OLD.service_id IS NOT DISTINCT FROM NEW.service_id
            AND OLD.local_date IS NOT DISTINCT FROM NEW.local_date THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'waiting' THEN
        UPDATE queue_lengths SET waiting = waiting - 1
            WHERE service_id = OLD.service_id AND local_date = OLD.local_date;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'waiting' THEN
        INSERT INTO queue_lengths (service_id, local_date, waiting)
            VALUES (NEW.service_id, NEW.local_date, 1)
            ON CONFLICT (service_id, local_date)
            DO UPDATE SET waiting = queue_lengths.waiting + 1;
    END IF;
    RETURN NULL;
END $$"""

POSTGRES_TRIGGER = """
CREATE TRIGGER tr_tickets_queue_lengths
    AFTER INSERT OR DELETE OR UPDATE OF status, service_id, local_date ON tickets
    FOR EACH ROW EXECUTE FUNCTION hallq_queue_lengths()"""


def upgrade():
    op.create_table(
        'queue_lengths',
        sa.Column('service_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('local_date', sa.Date(), nullable=False),
        sa.Column('waiting', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('service_id', 'local_date', name=op.f('pk_queue_lengths')),
    )
    op.execute("INSERT INTO queue_lengths (service_id, local_date, waiting)"
               " SELECT service_id, local_date, count(*) FROM tickets"
               " WHERE status = 'waiting' GROUP BY service_id, local_date")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        op.execute(POSTGRES_TRIGGER)
    else:
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER tr_tickets_queue_lengths ON tickets")
        op.execute("DROP FUNCTION hallq_queue_lengths()")
    else:
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER tr_tickets_waiting_{name}")
    op.drop_table('queue_lengths')
