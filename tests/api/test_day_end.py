"""The end of a hall's day: yesterday's waiting and called tickets expire, and a real-name
citizen is never refused today because of a ticket from yesterday.

The hall (h1) is in Asia/Shanghai: its local midnight is 16:00 UTC. Each test runs on SQLite
and on PostgreSQL.
"""

import shutil
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from queue_server.domain.idnumber import make_id_number
from queue_server.services import day_end, floor
from queue_server.storage.models import ticket_events, tickets

ID_1 = make_id_number("11010519491231002")
BEFORE_MIDNIGHT = datetime(2026, 3, 2, 15, 59, 59, tzinfo=timezone.utc)  # 23:59:59 local
MIDNIGHT = datetime(2026, 3, 2, 16, 0, 0, tzinfo=timezone.utc)  # 00:00:00 local, next day


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, template_db, tmp_path):
    if request.param == "postgres":
        return request.getfixturevalue("pg_url")
    path = tmp_path / "hallq.sqlite3"
    shutil.copy(template_db, path)
    return f"sqlite:///{path}"


def issue(client, kiosk, service="A", **body):
    return client.post("/api/v1/halls/h1/tickets", json=dict(body, service=service),
                       headers=kiosk)


def status_of(client, ticket) -> str:
    return client.get(f"/api/v1/track/{ticket['track_token']}").get_json()["status"]


def test_real_name_citizen_is_refused_twice_until_local_midnight(client, kiosk, clock):
    issue(client, kiosk, service="C", id_number=ID_1)
    clock.now = BEFORE_MIDNIGHT
    response = issue(client, kiosk, service="C", id_number=ID_1)
    assert (response.status_code, response.get_json()["error"]["code"]) == (409, "already_waiting")


def test_waiting_at_closing_time_may_take_a_ticket_next_day_without_a_sweep(client, kiosk, clock):
    issue(client, kiosk, service="C", id_number=ID_1)
    clock.now = MIDNIGHT
    response = issue(client, kiosk, service="C", id_number=ID_1)
    assert (response.status_code, response.get_json()["number"]) == (201, "C001")


def test_taking_todays_ticket_expires_yesterdays(client, kiosk, clock):
    first = issue(client, kiosk, service="C", id_number=ID_1).get_json()
    clock.now = MIDNIGHT
    issue(client, kiosk, service="C", id_number=ID_1)
    assert status_of(client, first) == "expired"


def test_called_but_unfinished_at_closing_does_not_block_next_day(client, kiosk, accts, clock):
    staff3 = accts.user("staff", windows=(3,))
    issue(client, kiosk, service="C", id_number=ID_1)
    assert client.post("/api/v1/halls/h1/windows/3/call-next", headers=staff3).status_code == 200
    clock.now = MIDNIGHT
    assert issue(client, kiosk, service="C", id_number=ID_1).status_code == 201


def test_sweep_before_midnight_expires_nothing(client, kiosk, ctx, clock):
    ticket = issue(client, kiosk).get_json()
    assert day_end.expire_stale(ctx, BEFORE_MIDNIGHT) == 0
    assert status_of(client, ticket) == "waiting"


def test_sweep_after_midnight_expires_waiting_and_called(client, kiosk, staff1, ctx, clock):
    called = issue(client, kiosk).get_json()
    waiting = issue(client, kiosk).get_json()
    client.post("/api/v1/halls/h1/windows/1/call-next", headers=staff1)
    clock.now = MIDNIGHT
    assert day_end.expire_stale(ctx) == 2
    assert (status_of(client, called), status_of(client, waiting)) == ("expired", "expired")


def test_finished_tickets_stay_as_they_were(client, kiosk, staff1, ctx, clock):
    done = issue(client, kiosk).get_json()
    client.post("/api/v1/halls/h1/windows/1/call-next", headers=staff1)
    client.post("/api/v1/halls/h1/windows/1/finish", headers=staff1)
    clock.now = MIDNIGHT
    day_end.expire_stale(ctx)
    assert status_of(client, done) == "done"


def test_expiry_is_logged_as_a_ticket_event(client, kiosk, ctx, clock):
    issue(client, kiosk)
    clock.now = MIDNIGHT
    day_end.expire_stale(ctx)
    with ctx.db.read() as conn:
        kinds = conn.execute(select(ticket_events.c.kind).order_by(ticket_events.c.id)).scalars()
        assert list(kinds) == ["issued", "expired"]


def test_expired_call_leaves_the_window_screen(client, kiosk, staff1, ctx, clock):
    issue(client, kiosk)
    client.post("/api/v1/halls/h1/windows/1/call-next", headers=staff1)
    clock.now = MIDNIGHT
    day_end.expire_stale(ctx)
    window = floor.hall_snapshot(ctx, "h1")["windows"][0]
    assert (window["window"], window["current"]) == (1, None)


def test_sweep_pushes_the_freed_window_to_the_hall_screen(client, kiosk, staff1, app, ctx,
                                                          socketio, clock):
    issue(client, kiosk)
    client.post("/api/v1/halls/h1/windows/1/call-next", headers=staff1)
    screen = socketio.test_client(app, namespace="/display", auth={"hall": "h1"})
    screen.get_received("/display")
    clock.now = MIDNIGHT
    day_end.expire_stale(ctx)
    pushed = [m["args"][0] for m in screen.get_received("/display")
              if m["name"] == "window_changed"]
    assert [(p["window"], p["current"]) for p in pushed] == [(1, None)]


def test_yesterdays_tickets_are_not_waiting_today(client, kiosk, ctx, clock):
    issue(client, kiosk)
    clock.now = MIDNIGHT
    day_end.expire_stale(ctx)
    services = client.get("/api/v1/halls/h1/services").get_json()
    assert next(s for s in services if s["code"] == "A")["waiting"] == 0


def test_yesterdays_expired_ticket_is_not_called_today(client, kiosk, accts, ctx, clock):
    issue(client, kiosk)
    clock.now = MIDNIGHT
    day_end.expire_stale(ctx)
    staff1 = accts.user("staff", windows=(1,))  # a token of today: tokens last 12 hours
    response = client.post("/api/v1/halls/h1/windows/1/call-next", headers=staff1)
    assert (response.status_code, response.get_json()["error"]["code"]) == (404, "queue_empty")


def test_expired_tickets_are_not_served_or_no_shows_in_the_figures(client, kiosk, accts, ctx,
                                                                    clock):
    issue(client, kiosk)
    clock.now = MIDNIGHT
    day_end.expire_stale(ctx)
    manager = accts.user("manager")
    stats = client.get("/api/v1/halls/h1/stats?from=2026-03-02&to=2026-03-03",
                       headers=manager).get_json()
    assert (stats["issued"], stats["served"], stats["no_show"]) == (1, 0, 0)


def _copy_of(ctx, ticket_id: int, **changes) -> None:
    with ctx.db.write() as conn:
        row = dict(conn.execute(select(tickets).where(tickets.c.id == ticket_id)).mappings().one())
        row.pop("id")
        row.update(seq=row["seq"] + 100, track_token="copy-" + row["track_token"][:20],
                   **changes)
        conn.execute(insert(tickets).values(row))


def test_the_database_allows_one_active_ticket_per_person_per_day(client, kiosk, ctx):
    ticket = issue(client, kiosk, service="C", id_number=ID_1).get_json()
    with pytest.raises(IntegrityError):
        _copy_of(ctx, ticket["id"])


def test_the_database_allows_the_same_person_on_another_day(client, kiosk, ctx):
    ticket = issue(client, kiosk, service="C", id_number=ID_1).get_json()
    _copy_of(ctx, ticket["id"], local_date=MIDNIGHT.date().replace(day=3))
    with ctx.db.read() as conn:
        count = conn.execute(select(tickets.c.id).where(tickets.c.status == "waiting")).all()
    assert len(count) == 2


def test_the_serving_process_supervision_pass_runs_the_sweep(client, kiosk, ctx, clock):
    from queue_server.realtime.supervision import one_pass

    ticket = issue(client, kiosk).get_json()
    clock.now = MIDNIGHT
    one_pass(ctx)
    assert status_of(client, ticket) == "expired"


def test_a_transfer_is_not_refused_because_of_yesterdays_ticket(client, kiosk, accts, clock):
    issue(client, kiosk, service="C", id_number=ID_1)  # still waiting when the day ends
    clock.now = MIDNIGHT + timedelta(hours=10)  # 10:00 the next day: service D is open
    staff3 = accts.user("staff", windows=(3,))
    assert issue(client, kiosk, service="D", id_number=ID_1).status_code == 201
    called = client.post("/api/v1/halls/h1/windows/3/call-next", headers=staff3).get_json()
    assert called.get("ticket", {}).get("service") == "D", called

    moved = client.post("/api/v1/halls/h1/windows/3/transfer", json={"service": "C"},
                        headers=staff3)

    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["ticket"]["service"] == "C"
