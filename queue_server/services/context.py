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
        self.id_hash_key = ("hallq-id:" + settings.secret_key).encode()
        self.caches: dict[str, object] = {}

    def set_publisher(self, publish: Callable[[list[Event]], None]) -> None:
        self._publish = publish

    def publish(self, events: list[Event]) -> None:
        if self._publish is not None and events:
            self._publish(events)
