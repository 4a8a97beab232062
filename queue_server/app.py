"""The application factory: ``create_app(overrides)`` builds one queue server.

Tests pass overrides (a temporary database, ``async_mode="threading"``, a fake clock); the CLI
passes none and the ``HALLQ_*`` environment decides.
"""

import logging

from flask import Flask
from flask.sessions import SessionInterface
from flask_socketio import SocketIO
from werkzeug.middleware.proxy_fix import ProxyFix

from display import web as display_web
from kiosk import web as kiosk_web
from queue_server import api, metrics
from queue_server.api.request_helpers import BoundedIntConverter, StrictJSONProvider
from queue_server.api import limits
from queue_server.realtime.plain_websocket import DeclineCompression
from queue_server.realtime import counter as counter_realtime
from queue_server.realtime import estimates as estimates_realtime
from queue_server.realtime import protocol
from queue_server.realtime.display import DisplayNamespace
from queue_server.realtime.kiosk import KioskNamespace
from queue_server.realtime import network as network_realtime
from queue_server.realtime import revocation, supervision
from queue_server.services.context import Context, utc_now
from queue_server.settings import load_settings
from queue_server.web import counter as counter_web
from queue_server.web import dashboard
from queue_server.web import booking as booking_web
from queue_server.web import case_page as case_web
from queue_server.web import matters as matters_web
from queue_server.web import security
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
    app.json = StrictJSONProvider(app)
    app.url_map.converters["int"] = BoundedIntConverter
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    logging.getLogger("queue_server").setLevel(settings.log_level)
    db = database or Database(settings.database_url)
    ctx = Context(db, settings, clock)
    app.extensions["hallq"] = ctx
    app.extensions["hallq_settings"] = settings
    api.init_app(app)
    limits.init_app(app, settings)
    display_web.init_app(app)
    kiosk_web.init_app(app)
    counter_web.init_app(app)
    matters_web.init_app(app)
    booking_web.init_app(app)
    case_web.init_app(app)
    security.init_app(app)

    socketio = SocketIO(
        app,
        async_mode=settings.async_mode,
        # the message queue (HALLQ_MESSAGE_QUEUE, channel "hallq"), able to close revoked sockets
        client_manager=revocation.client_manager(settings.message_queue, "hallq"),
        cors_allowed_origins=security.origin_checker(
            security.configured_origins(settings.public_url, settings.allowed_origins)),
        max_http_buffer_size=settings.max_request_bytes,  # the same 64 KB as HTTP bodies
    )
    ctx.revoke_sockets = revocation.revoker(
        lambda event, data, namespace, room: socketio.emit(event, data, namespace=namespace,
                                                           to=room))
    socketio.on_namespace(DisplayNamespace(protocol.DISPLAY_NAMESPACE))
    socketio.on_namespace(KioskNamespace(protocol.KIOSK_NAMESPACE))
    counter_realtime.init_app(socketio)
    supervision.init_app(app, socketio)
    network_push = network_realtime.init_app(app, socketio)
    dashboard.init_app(app)
    app.wsgi_app = DeclineCompression(app.wsgi_app)  # see realtime/plain_websocket.py
    if settings.proxy_hops > 0:  # outermost, so HTTP and Socket.IO both see the client
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxy_hops,
                                x_proto=settings.proxy_hops)
    monitoring = metrics.init_app(app, socketio)
    refresh = estimates_realtime.EstimatesRefresh(socketio, ctx, settings.queue_event_interval)
    ctx.set_publisher(refresh.observing(network_push.observing(monitoring.observing(
        counter_realtime.CounterPublisher(socketio, ctx, settings.queue_event_interval)))))
    return app
