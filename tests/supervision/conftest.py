"""Helpers for supervision tests that act through the API (staff1, evaluator1: tests/conftest.py)."""

from queue_server.services import supervisor


def issue(client, kiosk, service="A"):
    response = client.post("/api/v1/halls/h1/tickets", json={"service": service}, headers=kiosk)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def act(client, staff, action, window=1, **body):
    return client.post(f"/api/v1/halls/h1/windows/{window}/{action}", json=body or None,
                       headers=staff)


def open_alerts(ctx, kind=None) -> list[tuple]:
    """(kind, level) of the hall h1's open alerts, after one supervision pass."""
    supervisor.run_once(ctx)
    return [(a["kind"], a["level"]) for a in supervisor.list_alerts(
        ctx, _admin(ctx), "h1", active_only=True) if kind is None or a["kind"] == kind]


def _admin(ctx):
    from queue_server.services.accounts import Principal

    return Principal("user", 0, "admin", None)
