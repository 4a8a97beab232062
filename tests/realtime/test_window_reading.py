"""One read of a window serves every consumer (issue #14 item 4): the hall screens'
``window_changed``, the evaluator's state and its rating request are built from
``counter.read_window``, and say what the separate reads said."""

from queue_server.realtime import protocol
from queue_server.services import counter, floor
from tests.api.counter_helpers import serve_one
from tests.realtime.test_counter_namespaces import evaluator_client

CALL_NEXT = "/api/v1/halls/h1/windows/1/call-next"


def test_the_reading_agrees_with_the_snapshot_and_the_rating_read(ctx, client, kiosk, staff1,
                                                                  clock):
    client.post("/api/v1/halls/h1/windows/1/sign-in", headers=staff1)
    done = serve_one(client, kiosk, staff1)
    client.post("/api/v1/halls/h1/tickets", json={"service": "A"}, headers=kiosk)
    clock.advance(seconds=5)
    client.post(CALL_NEXT, headers=staff1)
    hall = ctx.halls.get("h1")
    window = hall.window(1)
    reading = counter.read_window(ctx, hall, window)
    on_screen = floor.hall_snapshot(ctx, "h1")["windows"][0]
    assert floor.window_changed_view(hall, window, reading.entry) == dict(on_screen, hall="h1")
    assert on_screen["state"] == "serving" and on_screen["current"]["number"] == "A002"
    state = counter.evaluator_view(reading)
    assert state["window_state"] == "serving" and state["staff"]["user"].startswith("staff")
    assert counter.rating_offer(reading, done["id"]) == counter.evaluation_request(
        ctx, hall, done["id"])
    assert counter.rating_offer(reading, done["id"] + 1) is None  # not the one it holds


def test_call_next_finishing_asks_for_the_rating_of_the_finished_ticket(app, socketio, client,
                                                                        accts, kiosk, staff1,
                                                                        clock):
    tablet = evaluator_client(app, socketio, accts.device("evaluator", window=1))
    for _ in range(2):
        client.post("/api/v1/halls/h1/tickets", json={"service": "A"}, headers=kiosk)
    first = client.post(CALL_NEXT, headers=staff1).get_json()["ticket"]
    clock.advance(seconds=60)
    client.post(CALL_NEXT, headers=staff1)  # finishes the first, calls the second
    pushed = tablet.get_received(protocol.EVALUATOR_NAMESPACE)
    asked = [p["args"][0] for p in pushed if p["name"] == protocol.EVALUATION_REQUEST]
    assert [(a["ticket"], a["number"], a["window"]) for a in asked] == [(first["id"], "A001", 1)]
    states = [p["args"][0] for p in pushed if p["name"] == protocol.EVALUATOR_STATE]
    assert states[-1]["window_state"] == "serving"
    assert states[-1]["pending"]["ticket"] == first["id"]
