"""One way to coalesce pushes: keys (halls, windows) marked while a push is pending are handed
together, once, to the push ``interval`` seconds after the first mark; an interval of 0 or less
pushes at once. The push then reads the state as it is, so however many changes a burst made,
every watcher gets one push carrying the latest state, never one per change.

Used for the screens' ``queue_changed`` (realtime.publisher), the counter pages' window state
(realtime.counter) and the network view's ``network_changed`` (realtime.network).
"""

import logging
import threading

log = logging.getLogger(__name__)


class Coalescer:
    def __init__(self, socketio, push, interval: float, name: str):
        self._socketio, self._push, self.interval, self._name = socketio, push, interval, name
        self._lock = threading.Lock()
        self._pending: set = set()
        self._scheduled = False
        self._closed = False
        self._running: set[int] = set()  # the threads inside a push now
        self._idle = threading.Condition(self._lock)

    def close(self, wait_s: float = 5.0) -> None:
        """Drop what is pending; later marks push nothing (the app is shutting down). A push
        already running is waited for (``wait_s`` at most): its reads would otherwise meet a
        database closed under them (on SQLite, a crash of the whole process)."""
        me = threading.get_ident()
        with self._lock:
            self._closed, self._pending = True, set()
            self._idle.wait_for(lambda: not (self._running - {me}), timeout=wait_s)

    def mark(self, keys) -> None:
        if not keys or self._closed:
            return
        if self.interval <= 0:
            self._run(set(keys))
            return
        with self._lock:
            self._pending |= set(keys)
            if self._scheduled:
                return
            self._scheduled = True
        self._socketio.start_background_task(self._later)

    def _later(self) -> None:
        self._socketio.sleep(self.interval)
        self.flush()

    def flush(self) -> None:
        """Push what is pending now (the scheduled push then finds nothing to do)."""
        with self._lock:
            keys, self._pending, self._scheduled = self._pending, set(), False
        if keys and not self._closed:
            self._run(keys)

    def _run(self, keys: set) -> None:
        me = threading.get_ident()
        with self._lock:
            if self._closed:
                return
            self._running.add(me)
        try:
            self._push(keys)
        except Exception:
            # A busy database (pool timeout) or a blip must not leave a quiet hall's watchers
            # on stale figures until its next change: its keys go round once more.
            log.exception("%s push failed; retried in %.1f s", self._name, self.interval)
            if self.interval > 0:
                self.mark(keys)
        finally:
            with self._lock:
                self._running.discard(me)
                self._idle.notify_all()
