"""Counting the SQL statements a piece of work sends: the stable measure of the hot path.

Timings on a shared machine wander; the number of statements a request sends does not. The
counter listens to the engine's ``before_cursor_execute`` and keeps the statements sent from
the counting thread only (coalesced pushes of other threads are not the request's).
"""

import threading
from contextlib import contextmanager

from sqlalchemy import event


class Statements(list):
    """The statements sent, in order; ``len()`` is the count."""

    def summary(self) -> str:
        return "\n".join(" ".join(s.split())[:160] for s in self)


@contextmanager
def counting(engine):
    """``with counting(ctx.db.engine) as sent: …``; ``sent`` lists this thread's statements."""
    sent = Statements()
    me = threading.get_ident()

    def record(conn, cursor, statement, parameters, context, executemany):
        if threading.get_ident() == me:
            sent.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)
