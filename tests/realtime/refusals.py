"""Connecting a Socket.IO test client and reading the refusal the server sent.

Flask-SocketIO's test client drops the data of a ``CONNECT_ERROR`` packet; this helper keeps
it, so tests can check the documented refusal shape ``{code, message}`` (realtime/refusal.py).
"""

from socketio import packet

from queue_server.realtime import protocol


def connect(app, socketio, namespace: str, auth: dict | None):
    """Connect to ``namespace``; None when connected (then disconnected again), else the
    refusal's ``data`` (what a socket.io client reads as ``error.data``)."""
    client = socketio.test_client(app, namespace=protocol.DISPLAY_NAMESPACE,
                                  auth={"hall": "h1"})
    refusals, send = [], socketio.server._send_packet

    def capture(eio_sid, pkt):
        if pkt.packet_type == packet.CONNECT_ERROR:
            refusals.append(pkt.data)
        return send(eio_sid, pkt)

    socketio.server._send_packet = capture
    try:
        client.connect(namespace, auth=auth)
    finally:
        socketio.server._send_packet = send
    try:
        if client.is_connected(namespace):
            client.disconnect(namespace)
            return None
        assert len(refusals) == 1, refusals
        return refusals[0]["data"]
    finally:
        if client.is_connected(protocol.DISPLAY_NAMESPACE):
            client.disconnect(protocol.DISPLAY_NAMESPACE)
