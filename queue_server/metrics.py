"""Prometheus monitoring: ``GET /metrics`` in the text format, from loopback or with a token.

Each server process exposes its own figures (Prometheus scrapes every process on its loopback
port; nginx never forwards /metrics). Counters are bumped where the work happens anyway:

- HTTP requests by route template, method and status, and their duration, in ``after_request``;
- tickets issued (a 201 from the issuing endpoint) and called (a published ``ticket_called``
  that is not a recall), by hall;
- the supervisor's sweep time (``observe_sweep``).

What is a state rather than an event is read when Prometheus scrapes: Socket.IO clients
connected to this process by namespace (the Socket.IO manager's rooms) and tickets waiting by
hall (one grouped count). Nothing of it runs on a request that is not /metrics.
"""

import hmac
import ipaddress
import time

from flask import Blueprint, Response, current_app, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from queue_server.domain.errors import DomainError
from queue_server.services import queues

bp = Blueprint("metrics", __name__)
ISSUE_ENDPOINT = "halls.issue"
DURATION_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)


class Metrics:
    """One registry per app (tests build many apps in one process)."""

    def __init__(self):
        self.registry = CollectorRegistry()
        self.requests = Counter("hallq_http_requests", "HTTP requests answered",
                                ("route", "method", "status"), registry=self.registry)
        self.duration = Histogram("hallq_http_request_duration_seconds",
                                  "Time to answer an HTTP request", ("route",),
                                  buckets=DURATION_BUCKETS, registry=self.registry)
        self.issued = Counter("hallq_tickets_issued", "Tickets issued", ("hall",),
                              registry=self.registry)
        self.called = Counter("hallq_tickets_called", "Tickets called (recalls not counted)",
                              ("hall",), registry=self.registry)
        self.sweep = Histogram("hallq_supervisor_sweep_seconds",
                               "Time of one electronic-supervision pass",
                               buckets=DURATION_BUCKETS, registry=self.registry)

    def observing(self, publish):
        """``publish`` that also counts the calls it carries."""
        def counting_publish(events):
            for event in events:
                if event.name == "ticket_called" and not event.payload.get("recall"):
                    self.called.labels(event.hall).inc()
            publish(events)
        return counting_publish


class LiveCollector:
    """Gauges read at scrape time: connected clients and waiting tickets."""

    def __init__(self, app, socketio):
        self._app = app
        self._socketio = socketio

    def collect(self):
        clients = GaugeMetricFamily("hallq_socketio_clients",
                                    "Socket.IO clients connected to this process",
                                    labels=["namespace"])
        rooms = self._socketio.server.manager.rooms if self._socketio.server else {}
        for namespace, by_room in sorted(rooms.items()):
            clients.add_metric([namespace], len(by_room.get(None, ())))
        yield clients
        waiting = GaugeMetricFamily("hallq_queue_waiting", "Tickets waiting now",
                                    labels=["hall"])
        ctx = self._app.extensions["hallq"]
        for hall, count in sorted(ctx.db.read_only(queues.waiting_by_hall).items()):
            waiting.add_metric([hall], count)
        yield waiting


def _before():
    g.hallq_started = time.perf_counter()


def _after(response):
    metrics = current_app.extensions["hallq_metrics"]
    route = request.url_rule.rule if request.url_rule is not None else "(unmatched)"
    status = response.status_code
    metrics.requests.labels(route, request.method, str(status)).inc()
    started = g.get("hallq_started")
    if started is not None:
        metrics.duration.labels(route).observe(time.perf_counter() - started)
    if status == 201 and request.endpoint == ISSUE_ENDPOINT:
        metrics.issued.labels(request.view_args.get("hall", "")).inc()
    return response


def _allowed() -> bool:
    token = current_app.extensions["hallq_settings"].metrics_token
    header = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(header.encode(), f"Bearer {token}".encode()):
        return True
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


@bp.get("/metrics")
def metrics_text():
    if not _allowed():
        raise DomainError("forbidden", "metrics are served to loopback or with the metrics "
                          "token")
    registry = current_app.extensions["hallq_metrics"].registry
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


def init_app(app, socketio) -> Metrics:
    metrics = Metrics()
    app.extensions["hallq_metrics"] = metrics
    metrics.registry.register(LiveCollector(app, socketio))
    app.before_request(_before)
    app.after_request(_after)
    app.register_blueprint(bp)
    return metrics
