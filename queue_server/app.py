"""The application factory: ``create_app(overrides)`` builds one queue server.

Tests pass overrides (a temporary database, ``async_mode="threading"``, a fake clock); the CLI
passes none and the ``HALLQ_*`` environment decides.
"""

import logging

from flask import Flask
from flask.sessions import SessionInterface
from flask_socketio import SocketIO

from display import web as display_web
from kiosk import web as kiosk_web
from queue_server import api
from queue_server.realtime import counter as counter_realtime
from queue_server.realtime import protocol
from queue_server.realtime.display import DisplayNamespace
from queue_server.realtime.kiosk import KioskNamespace
from queue_server.realtime import supervision
from queue_server.services.context import Context, utc_now
from queue_server.settings import load_settings
from queue_server.web import counter as counter_web
from queue_server.web import dashboard
from queue_server.storage.db import Database


class NoSessions(SessionInterface):
    """HallQ keeps no cookie session: users and devices carry bearer tokens, pages keep theirs
    in the browser. Skipping the cookie machinery saves work on every request."""

    def open_session(self, app, request):
        return None  # Flask then uses a NullSession

    def save_session(self, app, session, response):
        return None


def create_app(overrides: dict | None = None, clock=utc_now, database: Database | None = None):
    settings = load_settings(overrides)
    app = Flask(__name__, template_folder="web/templates", static_folder="web/static")
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        JSON_SORT_KEYS=False,
    )
    app.session_interface = NoSessions()
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    logging.getLogger("queue_server").setLevel(settings.log_level)
    db = database or Database(settings.database_url)
    ctx = Context(db, settings, clock)
    app.extensions["hallq"] = ctx
    app.extensions["hallq_settings"] = settings
    api.init_app(app)
    display_web.init_app(app)
    kiosk_web.init_app(app)
    counter_web.init_app(app)

    socketio = SocketIO(
        app,
        async_mode=settings.async_mode,
        message_queue=settings.message_queue,
        channel="hallq",
        cors_allowed_origins="*",
    )
    socketio.on_namespace(DisplayNamespace(protocol.DISPLAY_NAMESPACE))
    socketio.on_namespace(KioskNamespace(protocol.KIOSK_NAMESPACE))
    counter_realtime.init_app(socketio)
    supervision.init_app(app, socketio)
    dashboard.init_app(app)
    ctx.set_publisher(counter_realtime.CounterPublisher(socketio, ctx,
                                                        settings.queue_event_interval))
    return app
