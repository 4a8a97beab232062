"""GET /metrics: Prometheus text from loopback or with the metrics token."""

from dataclasses import replace

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import bearer


def samples(response) -> dict:
    """{(name, frozenset(labels)): value} of a scrape."""
    text = response.get_data(as_text=True)
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def scrape(client, **kwargs):
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.content_type.startswith("text/plain")
    return samples(response)


def test_tickets_issued_and_called_are_counted_by_hall(client, kiosk, staff1):
    for _ in range(3):
        assert client.post("/api/v1/halls/h1/tickets", json={"service": "A"},
                           headers=kiosk).status_code == 201
    assert client.post("/api/v1/halls/h1/windows/1/call-next", headers=staff1).status_code == 200
    assert client.post("/api/v1/halls/h1/windows/1/recall", headers=staff1).status_code == 200

    figures = scrape(client)

    assert figures[("hallq_tickets_issued_total", frozenset({("hall", "h1")}))] == 3
    assert figures[("hallq_tickets_called_total", frozenset({("hall", "h1")}))] == 1


def test_a_refused_ticket_is_not_counted_as_issued(client, kiosk):
    assert client.post("/api/v1/halls/h1/tickets", json={"service": "ZZ"},
                       headers=kiosk).status_code == 404

    figures = scrape(client)

    assert ("hallq_tickets_issued_total", frozenset({("hall", "h1")})) not in figures


def test_requests_are_counted_by_route_template_and_status(client):
    client.get("/api/v1/halls/h1/services")
    client.get("/api/v1/halls/h1/services")
    client.get("/api/v1/halls/nope/services")

    figures = scrape(client)

    route = "/api/v1/halls/<hall>/services"
    ok = frozenset({("route", route), ("method", "GET"), ("status", "200")})
    missing = frozenset({("route", route), ("method", "GET"), ("status", "404")})
    assert figures[("hallq_http_requests_total", ok)] == 2
    assert figures[("hallq_http_requests_total", missing)] == 1
    assert figures[("hallq_http_request_duration_seconds_count",
                    frozenset({("route", route)}))] == 3


def test_queue_lengths_by_hall(client, kiosk, staff1):
    for service in ("A", "A", "B"):
        client.post("/api/v1/halls/h1/tickets", json={"service": service}, headers=kiosk)
    client.post("/api/v1/halls/h1/windows/1/call-next", headers=staff1)

    figures = scrape(client)

    assert figures[("hallq_queue_waiting", frozenset({("hall", "h1")}))] == 2
    assert figures[("hallq_queue_waiting", frozenset({("hall", "h2")}))] == 0


def test_socketio_clients_by_namespace(app, client, socketio):
    screens = [socketio.test_client(app, namespace="/display", auth={"hall": "h1"})
               for _ in range(2)]
    try:
        figures = scrape(client)
        assert figures[("hallq_socketio_clients", frozenset({("namespace", "/display")}))] == 2
        screens[0].disconnect(namespace="/display")

        figures = scrape(client)
        assert figures[("hallq_socketio_clients", frozenset({("namespace", "/display")}))] == 1
    finally:
        screens[1].disconnect(namespace="/display")


def test_refused_to_a_remote_address_without_the_token(client):
    response = client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"})

    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


@pytest.fixture
def token_app(app):
    settings = app.extensions["hallq_settings"]
    app.extensions["hallq_settings"] = replace(settings, metrics_token="scrape-secret-0123456789")
    return app


def test_a_remote_scraper_with_the_token_is_served(token_app):
    client = token_app.test_client()
    remote = {"REMOTE_ADDR": "10.1.2.3"}

    wrong = client.get("/metrics", environ_base=remote,
                       headers={"Authorization": "Bearer wrong"})
    right = client.get("/metrics", environ_base=remote,
                       headers={"Authorization": "Bearer scrape-secret-0123456789"})

    assert wrong.status_code == 403
    assert right.status_code == 200
    assert "hallq_http_requests_total" in right.get_data(as_text=True)


def test_a_user_token_is_not_a_metrics_token(client, manager):
    response = client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"},
                          headers={"Authorization": "Bearer " + bearer(manager)})

    assert response.status_code == 403


def test_the_shipped_grafana_dashboard_uses_only_served_metrics(client, kiosk, staff1):
    import json
    import re
    from pathlib import Path

    dashboard = Path(__file__).resolve().parents[2] / "deploy/grafana/hallq-dashboard.json"
    exprs = [t["expr"] for p in json.loads(dashboard.read_text(encoding="utf-8"))["panels"]
             for t in p["targets"]]
    used = {name for expr in exprs for name in re.findall(r"hallq_[a-z_]+", expr)}
    client.post("/api/v1/halls/h1/tickets", json={"service": "A"}, headers=kiosk)
    client.post("/api/v1/halls/h1/windows/1/call-next", headers=staff1)
    served = {name for name, _ in scrape(client)}
    # The supervisor's histogram has no samples until a sweep ran; its name is still served.
    text = client.get("/metrics").get_data(as_text=True)

    declared = {n for n in used if f"# TYPE {n.removesuffix('_bucket')} " in text}

    assert used
    assert used - served - declared == set()
