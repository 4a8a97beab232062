"""Serving a citizen from ticket to rating, for the counter and follow-up tests."""

from sqlalchemy import update

from queue_server.storage.models import halls


def serve_one(client, kiosk, staff, window: int = 1, service: str = "A") -> dict:
    """Issue a ticket, call it at the window and finish it; the finished ticket."""
    assert client.post("/api/v1/halls/h1/tickets", json={"service": service},
                       headers=kiosk).status_code == 201
    assert client.post(f"/api/v1/halls/h1/windows/{window}/call-next",
                       headers=staff).status_code == 200
    response = client.post(f"/api/v1/halls/h1/windows/{window}/finish", headers=staff)
    assert response.status_code == 200
    return response.get_json()["ticket"]


def rate(client, evaluator, ticket_id: int, grade: str, comment=None):
    body = {"grade": grade} if comment is None else {"grade": grade, "comment": comment}
    return client.post(f"/api/v1/tickets/{ticket_id}/evaluation", json=body, headers=evaluator)


def set_hall_options(ctx, code: str, **options) -> None:
    """Hall options as ``load-config`` would store them."""
    hall = ctx.halls.get(code)
    with ctx.db.write() as conn:
        conn.execute(update(halls).where(halls.c.id == hall.id)
                     .values(options=dict(hall.options, **options)))
    ctx.halls.invalidate()
