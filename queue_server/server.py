"""Running the server process: eventlet (production) or threading (tests, debugging).

``run`` is only called from the CLI entry point, so monkey-patching stays out of every other
process (tests, the emit-only CLI).

SIGTERM or SIGINT (to the server or its process group) stops the server cleanly: it stops
accepting, drops its Socket.IO connections (without a "closed by the server" packet, so browsers
and agents reconnect to the next server by themselves), lets the requests in progress finish,
checkpoints and closes the database, and exits 0 (the demo's kiosk agent is stopped and waited
for too). A stop that takes more than ``lifecycle.GRACE_S`` seconds is cut short with status 1.
"""

import logging
import os
import signal
import socket
import warnings

from queue_server import lifecycle

log = logging.getLogger("queue_server")


def _patch_eventlet(settings) -> None:
    # eventlet 0.40+ warns on import that it is in bugfix-only mode; it is the operator's choice.
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    import eventlet

    eventlet.monkey_patch()
    if settings.database_url.startswith(("postgres", "postgresql")):
        from psycogreen.eventlet import patch_psycopg

        patch_psycopg()


def run(settings, banner: list[str] | None = None, on_listening=None) -> None:
    """Serve until SIGTERM or SIGINT. ``on_listening()`` is called once the port is bound (the
    demo starts its kiosk agent then, so the agent's first connect finds the server)."""
    if settings.async_mode == "eventlet":
        _patch_eventlet(settings)
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from queue_server.app import create_app
    from queue_server.realtime.supervision import start_supervisor

    app = create_app(settings_overrides(settings))
    db = app.extensions["hallq"].db
    db.upgrade()
    _check_id_hash_key(app.extensions["hallq"])
    if settings.async_mode == "eventlet":
        from eventlet import tpool

        db.offload = tpool.execute
    if db.take_over_checkpoints():
        _start_checkpointer(db, settings.async_mode)
    start_supervisor(app)
    from queue_server.realtime.maintenance import start_maintenance

    start_maintenance(app)
    for line in banner or []:
        print(line, flush=True)
    log.info("serving on %s:%s (%s)", settings.host, settings.port, settings.async_mode)
    try:
        if settings.async_mode == "eventlet":
            _serve_eventlet(app, settings, on_listening)
        else:
            _serve_threading(app, settings, on_listening)
    finally:
        app.extensions["hallq"].stop_pushes()
        _close_database(db)
    log.info("stopped")


def _check_id_hash_key(ctx) -> None:
    """Stop at start, loudly, when the ID-hash key is not the one the data was made with."""
    from queue_server.keyfiles import KeyProblem
    from queue_server.services.privacy import KeyMismatch, verify_id_hash_key

    try:
        verify_id_hash_key(ctx)
    except (KeyMismatch, KeyProblem) as error:
        raise SystemExit(f"queue-server: {error}") from None


CHECKPOINT_EVERY_S = 1.0


def _start_checkpointer(db, async_mode: str) -> None:
    """Run SQLite WAL checkpoints in a native thread, off the request path."""
    log = logging.getLogger("queue_server.checkpoint")

    def checkpoint_safely():
        try:
            db.checkpoint()
        except Exception:  # a failed checkpoint is retried next time; the WAL keeps the data
            log.exception("WAL checkpoint failed")

    if async_mode == "eventlet":
        import eventlet
        from eventlet import tpool

        def loop():
            while True:
                eventlet.sleep(CHECKPOINT_EVERY_S)
                tpool.execute(checkpoint_safely)

        eventlet.spawn(loop)
    else:
        import threading

        def loop():
            while True:
                threading.Event().wait(CHECKPOINT_EVERY_S)
                checkpoint_safely()

        threading.Thread(target=loop, name="wal-checkpoint", daemon=True).start()


def settings_overrides(settings) -> dict:
    from dataclasses import asdict

    return asdict(settings)


def _serve_eventlet(app, settings, on_listening=None) -> None:
    import eventlet
    import eventlet.wsgi

    listener = eventlet.listen((settings.host, settings.port), backlog=1024)
    # Accepted sockets inherit TCP_NODELAY on Linux: small pushes are not held back ~40 ms by
    # Nagle's algorithm waiting for the client's delayed ACK.
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    _stop_eventlet_on_signals(app)
    if on_listening is not None:
        on_listening()
    eventlet.wsgi.server(listener, app, log_output=False, max_size=4096)


def _stop_eventlet_on_signals(app) -> None:
    """On SIGTERM/SIGINT, end ``eventlet.wsgi.server`` in the main greenlet (it then stops
    accepting and waits for its requests) and drop the Socket.IO connections it would wait for.

    The signal's only Python handler does nothing: interrupting whichever greenlet runs (the hub,
    a request) is unsafe. The interpreter writes the signal's number to a pipe
    (``set_wakeup_fd``), and a greenthread reading that pipe does the stopping as plain code."""
    import eventlet
    import greenlet
    from eventlet.hubs import trampoline

    main = greenlet.getcurrent()
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_read, False)
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    for signum in lifecycle.STOP_SIGNALS:
        signal.signal(signum, lambda *_: None)

    def watch():
        while True:
            trampoline(wake_read, read=True)
            received = [n for n in os.read(wake_read, 64) if n in lifecycle.STOP_SIGNALS]
            if received:
                break
        log.info("%s received, stopping", signal.Signals(received[0]).name)
        _deadline_thread("queue-server")
        eventlet.hubs.get_hub().schedule_call_global(0, main.throw, SystemExit(0))
        eventlet.sleep(0)  # the accept loop ends; then drop what it would wait for
        _drop_socketio_connections(app)

    eventlet.spawn(watch)


def _drop_socketio_connections(app) -> None:
    """Close every Engine.IO connection as a network cut would (``abort``): no CLOSE packet,
    which would tell the clients not to reconnect."""
    eio = app.extensions["socketio"].server.eio
    for connection in list(eio.sockets.values()):
        try:
            connection.close(wait=False, abort=True)
        except Exception as error:  # already closing
            log.debug("Socket.IO connection not closed: %s", error)
    eio.sockets.clear()


def _deadline_thread(name: str) -> None:
    """A native thread (not a greenthread: it must run even if the hub is stuck) that exits the
    process if the stop takes longer than ``lifecycle.GRACE_S``."""
    import eventlet.patcher

    threading = eventlet.patcher.original("threading")
    timer = threading.Timer(lifecycle.GRACE_S, lifecycle.force_exit, (name, lifecycle.GRACE_S))
    timer.daemon = True
    timer.start()


def _serve_threading(app, settings, on_listening=None) -> None:
    """Werkzeug's server (tests, debugging); SIGTERM stops it as Ctrl-C does: its
    ``serve_forever`` ends on ``KeyboardInterrupt`` and closes its socket."""
    def interrupt(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    if on_listening is not None:  # werkzeug binds inside run(): an agent retries until then
        on_listening()
    app.extensions["socketio"].run(app, host=settings.host, port=settings.port,
                                   allow_unsafe_werkzeug=True, use_reloader=False)


def _close_database(db) -> None:
    """A last WAL checkpoint (SQLite), then every connection closed."""
    try:
        if db.is_sqlite:
            db.checkpoint()
    except Exception as error:  # the WAL still holds the data; the next start checkpoints it
        log.warning("last WAL checkpoint failed: %s", error)
    db.dispose()
