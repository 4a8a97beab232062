"""Column types shared by the tables."""

from datetime import datetime, timezone

from sqlalchemy import Double
from sqlalchemy.types import TypeDecorator


class Timestamp(TypeDecorator):
    """An aware UTC datetime stored as epoch seconds.

    Epoch seconds keep report arithmetic (``called_at - issued_at``) the same plain subtraction
    in SQLite and PostgreSQL, and sort and index cheaply.
    """

    impl = Double
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, (int, float)):
            return float(value)
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a Timestamp column")
        return value.timestamp()

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return datetime.fromtimestamp(value, tz=timezone.utc)
