"""The ID number never leaves the request: not in answers, logs, events or the database."""

import logging

from queue_server.domain.idnumber import make_id_number

PERSON = make_id_number("62070219800101123")


def test_no_log_line_carries_the_id_number(client, kiosk, caplog):
    caplog.set_level(logging.DEBUG)
    for service in ("C", "C", "A"):  # issued, already_waiting, not real-name
        client.post("/api/v1/halls/h1/tickets", json={"service": service, "id_number": PERSON},
                    headers=kiosk)
    client.post("/api/v1/halls/h1/tickets", json={"service": "C", "id_number": PERSON[:-1] + "0"},
                headers=kiosk)
    assert PERSON[6:14] not in caplog.text


def test_staff_see_only_the_masked_number(ctx, client, kiosk):
    client.post("/api/v1/halls/h1/tickets", json={"service": "C", "id_number": PERSON},
                headers=kiosk)
    with ctx.db.read() as conn:
        stored = conn.exec_driver_sql("SELECT id_masked FROM tickets").scalar()
    assert stored == PERSON[:6] + "********" + PERSON[-4:]


def test_refusal_messages_do_not_echo_the_number(client, kiosk):
    response = client.post("/api/v1/halls/h1/tickets",
                           json={"service": "C", "id_number": PERSON[:-1] + "0"}, headers=kiosk)
    assert PERSON[:-1] not in response.get_data(as_text=True)


def test_pushed_events_do_not_carry_the_number(app, client, kiosk, accts):
    screen = app.extensions["socketio"].test_client(app, namespace="/display", auth={"hall": "h1"})
    staff = accts.user("staff", windows=(3,))
    client.post("/api/v1/halls/h1/tickets", json={"service": "C", "id_number": PERSON},
                headers=kiosk)
    client.post("/api/v1/halls/h1/windows/3/call-next", headers=staff)
    assert PERSON[6:14] not in str(screen.get_received("/display"))
