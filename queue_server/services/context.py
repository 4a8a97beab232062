"""The context every use case runs in: database, settings, clock, publisher and caches."""

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from queue_server.settings import Settings
from queue_server.storage.db import Database


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Event:
    """Something that happened, to be pushed to screens after the transaction commits."""

    name: str
    hall: str
    payload: dict
    window: int | None = None


class Context:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        clock: Callable[[], datetime] = utc_now,
        publish: Callable[[list[Event]], None] | None = None,
    ):
        from queue_server.services.directory import HallDirectory

        self.db = db
        self.settings = settings
        self.clock = clock
        self._publish = publish
        self.halls = HallDirectory(self)
        self._id_hash_key: bytes | None = None
        self.caches: dict[str, object] = {}
        # Disconnects the sockets a revoked token or principal authorised (set by the app).
        self.revoke_sockets: Callable[[list[str]], None] = lambda rooms: None
        self._on_close: list[Callable[[], None]] = []

    def on_close(self, hook: Callable[[], None]) -> None:
        """Run ``hook`` when the context closes (before the database does)."""
        self._on_close.append(hook)

    def stop_pushes(self) -> None:
        """Drop pending pushes: no timer left behind reads a database that is gone."""
        for hook in self._on_close:
            hook()

    def close(self) -> None:
        """The end of this context: pending pushes dropped, then every connection closed."""
        self.stop_pushes()
        self.db.dispose()

    @property
    def id_hash_key(self) -> bytes:
        """The HMAC key for ID numbers, read on first use (``keyfiles``): apart from the
        session key and from the database."""
        if self._id_hash_key is None:
            from queue_server.keyfiles import id_hash_key

            self._id_hash_key = id_hash_key(self.settings)
        return self._id_hash_key

    def set_publisher(self, publish: Callable[[list[Event]], None]) -> None:
        self._publish = publish

    def publish(self, events: list[Event]) -> None:
        if self._publish is not None and events:
            self._publish(events)
