"""Websockets without compression (permessage-deflate).

Chromium asks for permessage-deflate on every websocket, and both servers HallQ runs on accept
when asked (eventlet's websocket in production, simple-websocket in tests). A compressing
connection keeps its zlib state for its whole life: measured here, 249 KiB of server memory per
hall screen instead of 81 KiB (2,300 screens: about 380 MiB more), and every push to a room is
compressed once per screen. HallQ's payloads are a few kilobytes on a local network, so the
server declines: the request's ``Sec-WebSocket-Extensions`` header is dropped before the
websocket handshake reads it, and the connection goes uncompressed (the protocol's normal case
when a server names no extension).
"""


class DeclineCompression:
    """WSGI middleware: no websocket extension is ever negotiated."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        return self.app(environ, start_response)
