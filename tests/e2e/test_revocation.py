"""A revocation made by the CLI (another process) closes a server's open socket through the
Redis message queue at once — with the server's periodic re-check switched off, so only the
queue can have done it (issue 16, item 3)."""

import secrets
import threading

import pytest
import socketio

from tests.e2e.serverproc import ServerProcess, add_device, provision, run_cli, server_env

pytestmark = [pytest.mark.e2e, pytest.mark.redis]
TIMEOUT_S = 15.0


def test_device_revoke_from_the_cli_closes_the_kiosk_socket(hallq):
    env = server_env(hallq.sqlite(), secrets.token_hex(32), hallq.redis(), socket_recheck_s=0)
    hall = provision(env, hallq.directory, "e2e_" + secrets.token_hex(3))
    token = add_device(env, hallq.directory, "kiosk-r", "kiosk", hall.code)
    server = ServerProcess(env, hallq.directory, name="revocation")
    hallq.servers.append(server)
    server.start()
    closed, told = threading.Event(), threading.Event()
    client = socketio.Client(reconnection=False)
    client.on("disconnect", lambda *reason: closed.set(), namespace="/kiosk")
    client.on("session_revoked", lambda payload: told.set(), namespace="/kiosk")
    client.connect(server.url, namespaces=["/kiosk"], auth={"token": token, "role": "page"},
                   transports=["websocket"], wait_timeout=TIMEOUT_S)
    try:
        run_cli(["device", "revoke", "kiosk-r", "--hall", hall.code], env, hallq.directory)
        assert closed.wait(TIMEOUT_S), "the revoked kiosk's socket stayed open"
        assert told.is_set()
    finally:
        client.disconnect()
