"""Many hall screens in one process: asyncio Socket.IO clients on ``/display``, each recording
when it last received a full redraw (``hall_snapshot``) and which calls it has seen.

Used by the process-kill test (tests/e2e/test_process_kill.py) and its benchmark
(bench/bench_failover.py). The clients run on one event loop in a background thread, so the
test drives them with plain blocking calls.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
import time
from dataclasses import dataclass, field

import aiohttp
import socketio

NAMESPACE = "/display"


@dataclass
class ScreenState:
    index: int
    hall: str = ""
    snapshots: list[float] = field(default_factory=list)  # time.monotonic() of each snapshot
    calls: set[str] = field(default_factory=set)
    call_times: dict = field(default_factory=dict)  # number -> time.monotonic() first seen
    disconnects: int = 0


class Crowd:
    """``count`` screens of ``hall`` (or of the halls in a list, one code per screen) connected
    to ``url`` (nginx over TLS with ``ca``, or a server directly), websocket only, reconnecting
    on their own as a hall screen's page does."""

    def __init__(self, url: str, hall: str | list[str], count: int, ca: str | None = None,
                 connect_timeout: float = 120.0):
        halls = [hall] * count if isinstance(hall, str) else list(hall)
        self.url, self.count, self.ca = url, count, ca
        self.states = [ScreenState(i, halls[i]) for i in range(count)]
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.clients: list[socketio.AsyncClient] = []
        self.session: aiohttp.ClientSession | None = None
        self._run(self._connect_all(), connect_timeout)

    def _run(self, coro, timeout: float):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _connect_all(self) -> None:
        context = ssl.create_default_context(cafile=self.ca) if self.ca else None
        connector = aiohttp.TCPConnector(ssl=context if context else False, limit=0)
        # trust_env off: a proxy named in the environment must not be asked for loopback.
        self.session = aiohttp.ClientSession(connector=connector, trust_env=False)
        pending = [self._connect(state) for state in self.states]
        for start in range(0, len(pending), 50):  # 50 handshakes at a time, as screens boot
            await asyncio.gather(*pending[start:start + 50])

    async def _connect(self, state: ScreenState) -> None:
        client = socketio.AsyncClient(http_session=self.session, reconnection=True,
                                      reconnection_delay=0.5, reconnection_delay_max=2,
                                      request_timeout=30)

        @client.on("hall_snapshot", namespace=NAMESPACE)
        async def snapshot(_payload):
            state.snapshots.append(time.monotonic())

        @client.on("ticket_called", namespace=NAMESPACE)
        async def called(payload):
            state.calls.add(payload["number"])
            state.call_times.setdefault(payload["number"], time.monotonic())

        @client.on("disconnect", namespace=NAMESPACE)
        async def lost(*_args):
            state.disconnects += 1

        await client.connect(self.url, namespaces=[NAMESPACE], auth={"hall": state.hall},
                             transports=["websocket"], wait_timeout=30)
        self.clients.append(client)

    # ---- what the screens saw --------------------------------------------------------------

    def snapshotted_since(self, since: float) -> int:
        return sum(1 for s in self.states if s.snapshots and s.snapshots[-1] >= since)

    def redraw_times(self, since: float) -> list[float]:
        """Seconds from ``since`` to each screen's first snapshot after it (redrawn screens)."""
        return sorted(next(t for t in s.snapshots if t >= since) - since
                      for s in self.states if s.snapshots and s.snapshots[-1] >= since)

    def saw_call(self, number: str) -> int:
        return sum(1 for s in self.states if number in s.calls)

    def wait_until(self, predicate, timeout: float, poll: float = 0.05) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(poll)
        return predicate()

    def close(self) -> None:
        async def shutdown():
            await asyncio.gather(*(c.disconnect() for c in self.clients),
                                 return_exceptions=True)
            if self.session is not None:
                await self.session.close()
        try:
            self._run(shutdown(), 60)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
            if not self.thread.is_alive():
                self.loop.close()  # else its self-pipe sockets warn in a later test
