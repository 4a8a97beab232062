"""One cache with a time to live, for every brief in-process cache of the server.

The server keeps a few answers for seconds to keep queries off the hot path: the hall directory,
the hall tree, the principals of bearer tokens, the open windows and handling times of a wait
estimate, and when each device was last heard from. Each is a ``TtlCache``: an entry is served
for ``ttl_s`` seconds after it was stored, then loaded again. A cache stays per process: another
process sees a change within the TTL (the documented bound of each use).

A full cache (``max_entries``) is emptied before it grows further: the caches are keyed by
halls, services or tokens, and being emptied at worst costs a query per key. ``clock`` is
``time.monotonic`` unless a test passes a fake one.
"""

import threading
import time
from typing import Callable, Generic, Hashable, TypeVar

V = TypeVar("V")
MISSING = object()
DEFAULT_MAX_ENTRIES = 10_000


class TtlCache(Generic[V]):
    """A dictionary whose entries expire ``ttl_s`` seconds after they were stored."""

    def __init__(self, ttl_s: float, max_entries: int = DEFAULT_MAX_ENTRIES,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if max_entries < 1:
            raise ValueError("a cache holds at least one entry")
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._clock = clock
        self._entries: dict[Hashable, tuple[V, float]] = {}
        self._lock = threading.Lock()
        self._loading: set = set()  # keys being reloaded now

    def get(self, key: Hashable, load: Callable[[], V]) -> V:
        """The fresh value of ``key``, or ``load()``'s (stored) when there is none.

        An expired entry is reloaded by one caller at a time: the callers arriving meanwhile
        get the expired value (one reload old) instead of each starting a reload of their own.
        With a city's 745 halls every request past the directory's TTL started its own
        3,000-row load: 20 % of the server's time under bench_city.py."""
        entry = self._entries.get(key)
        if entry is not None and self._clock() - entry[1] < self.ttl_s:
            return entry[0]
        if entry is not None:
            with self._lock:
                if key in self._loading:
                    return entry[0]
                self._loading.add(key)
            try:
                value = load()
                self.put(key, value)
                return value
            finally:
                with self._lock:
                    self._loading.discard(key)
        value = load()
        self.put(key, value)
        return value

    def peek(self, key: Hashable, default=None, stale_ok: bool = False):
        """The value of ``key`` without loading it: ``default`` when absent or expired
        (an expired one is still returned with ``stale_ok``)."""
        entry = self._entries.get(key)
        if entry is None:
            return default
        value, stored_at = entry
        if not stale_ok and self._clock() - stored_at >= self.ttl_s:
            return default
        return value

    def put(self, key: Hashable, value: V) -> None:
        if key not in self._entries and len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[key] = (value, self._clock())

    def forget(self, key: Hashable = MISSING) -> None:
        """Drop one key, or every entry when no key is given."""
        if key is MISSING:
            self._entries.clear()
        else:
            self._entries.pop(key, None)

    def __len__(self) -> int:
        return len(self._entries)


def ttl_cache(ctx, name: str, ttl_s: float, **options) -> TtlCache:
    """The context's cache called ``name``, made on first use (``ctx.caches`` holds it, so it
    lives as long as the app and a test's fresh context starts empty)."""
    cache = ctx.caches.get(name)
    if cache is None:
        cache = ctx.caches[name] = TtlCache(ttl_s, **options)
    return cache


class _Flight:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.value = None
        self.error: BaseException | None = None
        self.passengers = 1  # its leader, and the callers who boarded after


class SingleFlight(Generic[V]):
    """Callers asking at once for the same key share one load, which starts after each of them
    arrived: never an answer older than the question, and a burst of a thousand callers costs
    a couple of loads, not a thousand.

    A caller joins the flight still waiting to take off; the flight takes off when the one
    before it for the key has landed. Used for the hall screens' snapshot: after a server
    process dies, hundreds of screens of a hall reconnect within a second (issue 15), and each
    has joined its room before it asks, so a shared read made after that misses no change."""

    def __init__(self, wait_s: float = 30.0) -> None:
        self._lock = threading.Lock()
        self._boarding: dict[Hashable, _Flight] = {}
        self._runways: dict[Hashable, threading.Lock] = {}
        self._wait_s = wait_s

    def boarding(self, key: Hashable) -> int:
        """The callers waiting for the key's next flight to take off."""
        with self._lock:
            flight = self._boarding.get(key)
            return flight.passengers if flight is not None else 0

    def get(self, key: Hashable, load: Callable[[], V]) -> V:
        with self._lock:
            flight = self._boarding.get(key)
            leads = flight is None
            if leads:
                flight = self._boarding[key] = _Flight()
            else:
                flight.passengers += 1
            runway = self._runways.setdefault(key, threading.Lock())
        if not leads:
            if not flight.done.wait(self._wait_s):
                return load()  # a stuck flight: this caller reads for itself
            if flight.error is not None:
                raise flight.error
            return flight.value
        with runway:
            with self._lock:
                del self._boarding[key]  # later callers board the next flight
            try:
                flight.value = load()
                return flight.value
            except BaseException as error:
                flight.error = error
                raise
            finally:
                flight.done.set()


def single_flight(ctx, name: str) -> SingleFlight:
    """The context's single flight called ``name``, made on first use (as ``ttl_cache``)."""
    flight = ctx.caches.get(name)
    if flight is None:
        flight = ctx.caches[name] = SingleFlight()
    return flight
