"""The server declines permessage-deflate, which Chromium asks for on every websocket: each
compressing hall screen would keep a zlib state of ~250 KiB on the server for its whole life
(queue_server/realtime/plain_websocket.py). Checked on a real eventlet server, with the header
as Chromium sends it; the screen still gets its snapshot."""

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import aiohttp
import pytest

pytestmark = pytest.mark.e2e
CHROMIUM_EXTENSIONS = "permessage-deflate; client_max_window_bits"


async def _handshake(url: str, hall: str) -> tuple[str | None, str]:
    async with aiohttp.ClientSession(trust_env=False) as session:
        async with session.ws_connect(
                url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket",
                headers={"Sec-WebSocket-Extensions": CHROMIUM_EXTENSIONS}) as ws:
            await asyncio.wait_for(ws.receive(), 30)  # Engine.IO open
            await ws.send_str("40/display," + json.dumps({"hall": hall}))
            received = ""
            while "hall_snapshot" not in received:
                received = (await asyncio.wait_for(ws.receive(), 30)).data
            return ws._response.headers.get("Sec-WebSocket-Extensions"), received


def test_a_screen_asking_for_compression_gets_plain_frames(hallq):
    deployment = hallq.deploy(hallq.sqlite())
    # Its own thread: Playwright's sync API (other e2e tests in this process) keeps an event
    # loop running on the main thread, where asyncio.run would refuse to start.
    with ThreadPoolExecutor(1) as pool:
        extensions, snapshot = pool.submit(
            asyncio.run, _handshake(deployment.url, deployment.hall.code)).result()
    assert extensions is None
    assert deployment.hall.code in snapshot
