"""Ending an agent's Socket.IO connection for good, reconnection included (kiosk and LED agents).

``shutdown()`` alone can miss a reconnection: when the server stops together with the agent (a
process group on SIGINT, a machine shutting down), the server's close reaches the agent first
and its client starts reconnecting, possibly after ``shutdown()`` looked for a reconnection or
clearing the abort flag it set. Such a reconnection retries forever and the client's ``wait()``
never returns, so a dropped connection is followed until its reconnection has ended.
"""

import logging
import time

log = logging.getLogger(__name__)
# How long a stop waits for a reconnection started by a drop just before it, to end it.
RECONNECT_END_S = 2.0


def disconnect_for_good(client, dropped: bool) -> None:
    """Disconnect ``client`` and end any reconnection; ``dropped``: the connection was lost
    (not ended by this stop) just before, so a reconnection may be starting."""
    client.reconnection = False  # a connection lost from now on is not retried
    for _ in range(3):  # a reconnection that succeeded meanwhile is ended as well
        try:
            client.shutdown()  # disconnects, or ends the reconnection attempts
        except Exception as error:  # already down
            log.debug("shutdown of the Socket.IO client: %s", error)
        if not client.connected:
            break
    if dropped:
        _end_reconnection(client)


def _end_reconnection(client) -> None:
    deadline = time.monotonic() + RECONNECT_END_S
    while time.monotonic() < deadline:
        task, abort = client._reconnect_task, client._reconnect_abort
        if task is None or abort is None:
            time.sleep(0.02)  # being started by the client's read thread
            continue
        abort.set()
        task.join(0.1)
        if not task.is_alive():
            return
