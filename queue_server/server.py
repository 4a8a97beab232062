"""Running the server process: eventlet (production) or threading (tests, debugging).

``run`` is only called from the CLI entry point, so monkey-patching stays out of every other
process (tests, the emit-only CLI).
"""

import logging
import socket
import warnings


def _patch_eventlet(settings) -> None:
    # eventlet 0.40+ warns on import that it is in bugfix-only mode; it is the operator's choice.
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    import eventlet

    eventlet.monkey_patch()
    if settings.database_url.startswith(("postgres", "postgresql")):
        from psycogreen.eventlet import patch_psycopg

        patch_psycopg()


def run(settings, banner: list[str] | None = None) -> None:
    if settings.async_mode == "eventlet":
        _patch_eventlet(settings)
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from queue_server.app import create_app
    from queue_server.realtime.supervision import start_supervisor

    app = create_app(settings_overrides(settings))
    db = app.extensions["hallq"].db
    db.upgrade()
    if settings.async_mode == "eventlet":
        from eventlet import tpool

        db.offload = tpool.execute
    if db.take_over_checkpoints():
        _start_checkpointer(db, settings.async_mode)
    start_supervisor(app)
    for line in banner or []:
        print(line, flush=True)
    log = logging.getLogger("queue_server")
    log.info("serving on %s:%s (%s)", settings.host, settings.port, settings.async_mode)
    if settings.async_mode == "eventlet":
        _serve_eventlet(app, settings)
    else:
        app.extensions["socketio"].run(app, host=settings.host, port=settings.port,
                                       allow_unsafe_werkzeug=True, use_reloader=False)


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


def _serve_eventlet(app, settings) -> None:
    import eventlet
    import eventlet.wsgi

    listener = eventlet.listen((settings.host, settings.port), backlog=1024)
    # Accepted sockets inherit TCP_NODELAY on Linux: small pushes are not held back ~40 ms by
    # Nagle's algorithm waiting for the client's delayed ACK.
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    eventlet.wsgi.server(listener, app, log_output=False, max_size=4096)
