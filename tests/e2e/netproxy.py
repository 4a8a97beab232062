"""A TCP forwarder standing for the network between an agent and the server, which a test can
cut: ``drop()`` closes every connection through it and refuses new ones until ``restore()``,
as a pulled cable or a switch rebooting would.

``cut_after(marker)`` cuts the network the moment ``marker`` has gone from the server to the
client (Socket.IO frames from the server are unmasked and, the server declining compression,
plain text), and from then on nothing the client sends reaches the server: a push delivered,
its answer lost.
"""

import socket
import threading


class NetProxy:
    def __init__(self, target_host: str, target_port: int):
        self._target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._down = False
        self._marker: bytes | None = None
        self._deaf = False  # the client's bytes go nowhere (after the marker passed)
        self.cut = threading.Event()  # set when cut_after's marker went through
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cut_after(self, marker: bytes) -> None:
        with self._lock:
            self._marker, self._deaf = marker, False
            self.cut.clear()

    def drop(self) -> None:
        with self._lock:
            self._down = True
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            for sock in pair:
                _close(sock)

    def restore(self) -> None:
        with self._lock:
            self._down, self._deaf, self._marker = False, False, None

    def close(self) -> None:
        self._closed = True
        self.drop()
        _close(self._listener)

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                down = self._down
            if down:  # the network is gone: the connection dies at once
                _close(client)
                continue
            try:
                server = socket.create_connection(self._target, timeout=10)
            except OSError:
                _close(client)
                continue
            server.settimeout(None)
            with self._lock:
                self._pairs.append((client, server))
            threading.Thread(target=self._pipe, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, True), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, from_server: bool) -> None:
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                data = b""
            if not data:
                _close(source)
                _close(sink)
                return
            with self._lock:
                deaf = self._deaf and not from_server
                marker = self._marker if from_server else None
            if deaf:
                continue
            try:
                sink.sendall(data)
            except OSError:
                _close(source)
                return
            if marker is not None and marker in data:
                with self._lock:
                    self._deaf, self._marker = True, None
                self.cut.set()


def _close(sock: socket.socket) -> None:
    # shutdown first: a close() alone leaves a recv() blocked in the other pipe thread holding
    # the connection open (no FIN goes out), and the peer would never notice the cut.
    for end in (lambda: sock.shutdown(socket.SHUT_RDWR), sock.close):
        try:
            end()
        except OSError:
            pass
