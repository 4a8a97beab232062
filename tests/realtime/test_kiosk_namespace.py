"""The /kiosk namespace: pairing by kiosk token, print jobs to the agent, results, faults and
card reads to the page — each kiosk seeing only its own."""

import pytest

from queue_server.realtime import protocol

NS = protocol.KIOSK_NAMESPACE
ID_NUMBER = "11010519491231002X"


def token(headers):
    return headers["Authorization"].split()[1]


def connect(app, socketio, headers, role):
    client = socketio.test_client(app, namespace=NS, auth={"token": token(headers), "role": role})
    assert client.is_connected(NS)
    return client


def received(client, name):
    return [e["args"][0] for e in client.get_received(NS) if e["name"] == name]


def issue(client, kiosk, service="A"):
    response = client.post("/api/v1/halls/h1/tickets", json={"service": service}, headers=kiosk)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.mark.parametrize("auth", [{}, {"token": "nope", "role": "agent"},
                                  {"token": None, "role": "page"}])
def test_a_connection_without_a_kiosk_token_is_refused(app, socketio, auth):
    assert not socketio.test_client(app, namespace=NS, auth=auth).is_connected(NS)


def test_another_device_kind_is_refused(app, socketio, accts):
    display = token(accts.device("display"))
    client = socketio.test_client(app, namespace=NS, auth={"token": display, "role": "agent"})
    assert not client.is_connected(NS)


def test_an_unknown_role_is_refused(app, socketio, kiosk):
    client = socketio.test_client(app, namespace=NS, auth={"token": token(kiosk), "role": "x"})
    assert not client.is_connected(NS)


def test_the_agent_gets_a_new_ticket_to_print(app, socketio, client, kiosk):
    agent = connect(app, socketio, kiosk, "agent")
    ticket = issue(client, kiosk)
    assert [j["number"] for j in received(agent, protocol.PRINT_TICKET)] == [ticket["number"]]


def test_the_agent_catches_up_on_connect(app, socketio, client, kiosk):
    numbers = [issue(client, kiosk)["number"] for _ in range(2)]
    agent = connect(app, socketio, kiosk, "agent")
    assert [j["number"] for j in received(agent, protocol.PRINT_TICKET)] == numbers


def test_another_kiosks_agent_gets_nothing(app, socketio, client, kiosk, accts):
    other = connect(app, socketio, accts.device("kiosk"), "agent")
    issue(client, kiosk)
    assert received(other, protocol.PRINT_TICKET) == []


def test_the_page_gets_no_print_jobs(app, socketio, client, kiosk):
    page = connect(app, socketio, kiosk, "page")
    issue(client, kiosk)
    assert received(page, protocol.PRINT_TICKET) == []


def test_a_print_result_reaches_the_page(app, socketio, client, kiosk):
    agent = connect(app, socketio, kiosk, "agent")
    page = connect(app, socketio, kiosk, "page")
    ticket = issue(client, kiosk)
    job = received(agent, protocol.PRINT_TICKET)[0]["job"]
    agent.emit(protocol.PRINT_RESULT, {"job": job, "ok": True}, namespace=NS)
    assert received(page, protocol.TICKET_PRINTED) == [
        {"ticket": ticket["id"], "number": ticket["number"], "ok": True, "fault": None}]


def test_a_repeated_print_result_is_relayed_once(app, socketio, client, kiosk):
    agent = connect(app, socketio, kiosk, "agent")
    page = connect(app, socketio, kiosk, "page")
    issue(client, kiosk)
    job = received(agent, protocol.PRINT_TICKET)[0]["job"]
    for _ in range(2):
        agent.emit(protocol.PRINT_RESULT, {"job": job, "ok": True}, namespace=NS)
    assert len(received(page, protocol.TICKET_PRINTED)) == 1


def test_the_result_is_acknowledged(app, socketio, client, kiosk):
    agent = connect(app, socketio, kiosk, "agent")
    issue(client, kiosk)
    job = received(agent, protocol.PRINT_TICKET)[0]["job"]
    ack = agent.emit(protocol.PRINT_RESULT, {"job": job, "ok": False, "fault": "paper_out"},
                     namespace=NS, callback=True)
    assert ack == {"ok": True, "status": "failed"}


def test_a_page_cannot_settle_a_job(app, socketio, client, kiosk):
    agent = connect(app, socketio, kiosk, "agent")
    page = connect(app, socketio, kiosk, "page")
    issue(client, kiosk)
    job = received(agent, protocol.PRINT_TICKET)[0]["job"]
    ack = page.emit(protocol.PRINT_RESULT, {"job": job, "ok": True}, namespace=NS, callback=True)
    assert ack["ok"] is False


def test_a_printer_fault_reaches_the_page(app, socketio, kiosk):
    agent = connect(app, socketio, kiosk, "agent")
    page = connect(app, socketio, kiosk, "page")
    agent.emit(protocol.PRINTER_STATUS, {"status": "paper_out"}, namespace=NS)
    assert received(page, protocol.KIOSK_STATUS)[-1]["printer"]["status"] == "paper_out"


def test_the_page_learns_on_connect_whether_the_agent_is_there(app, socketio, kiosk):
    connect(app, socketio, kiosk, "agent")
    page = connect(app, socketio, kiosk, "page")
    assert received(page, protocol.KIOSK_STATUS)[0]["agent"] is True


def test_the_page_hears_when_the_agent_leaves(app, socketio, kiosk):
    agent = connect(app, socketio, kiosk, "agent")
    page = connect(app, socketio, kiosk, "page")
    agent.disconnect(namespace=NS)
    assert received(page, protocol.KIOSK_STATUS)[-1]["agent"] is False


def test_a_card_read_reaches_the_paired_page_as_a_reference_and_the_last_four(app, socketio,
                                                                              kiosk):
    agent = connect(app, socketio, kiosk, "agent")
    page = connect(app, socketio, kiosk, "page")
    agent.emit(protocol.CARD_READ, {"id_number": ID_NUMBER}, namespace=NS)
    [read] = received(page, protocol.CARD_READ)
    assert sorted(read) == ["masked", "ref"]
    assert read["masked"] == "**************002X"
    assert ID_NUMBER[:14] not in str(read)


def test_a_card_read_reaches_no_other_kiosk(app, socketio, kiosk, accts):
    agent = connect(app, socketio, kiosk, "agent")
    other_page = connect(app, socketio, accts.device("kiosk"), "page")
    agent.emit(protocol.CARD_READ, {"id_number": ID_NUMBER}, namespace=NS)
    assert received(other_page, protocol.CARD_READ) == []


def test_a_card_read_is_never_logged(app, socketio, kiosk, caplog):
    caplog.set_level("DEBUG")
    agent = connect(app, socketio, kiosk, "agent")
    connect(app, socketio, kiosk, "page")
    agent.emit(protocol.CARD_READ, {"id_number": ID_NUMBER}, namespace=NS)
    assert "1231002X" not in caplog.text


def test_a_page_cannot_send_card_reads(app, socketio, kiosk):
    page = connect(app, socketio, kiosk, "page")
    ack = page.emit(protocol.CARD_READ, {"id_number": ID_NUMBER}, namespace=NS, callback=True)
    assert ack == {"ok": False}


def test_printer_fault_raises_a_supervision_alert_and_ok_clears_it(app, ctx, accts):
    from sqlalchemy import select

    from queue_server.storage.models import alerts

    headers = accts.device("kiosk")
    token = headers["Authorization"].split()[1]
    agent = app.extensions["socketio"].test_client(
        app, namespace="/kiosk", auth={"token": token, "role": "agent"})
    agent.emit("printer_status", {"status": "paper_out"}, namespace="/kiosk", callback=True)
    agent.emit("printer_status", {"status": "ok"}, namespace="/kiosk", callback=True)
    with ctx.db.read() as conn:
        rows = conn.execute(select(alerts.c.kind, alerts.c.cleared_at.is_(None))).all()
    assert [(kind, still_open) for kind, still_open in rows] == [("device_fault", False)]


def test_a_repeated_printer_status_changes_no_alert(app, ctx, accts, monkeypatch):
    from queue_server.services import supervisor

    calls = []
    monkeypatch.setattr(supervisor, "raise_device_fault", lambda *a, **k: calls.append(a))
    token = accts.device("kiosk")["Authorization"].split()[1]
    agent = app.extensions["socketio"].test_client(
        app, namespace="/kiosk", auth={"token": token, "role": "agent"})
    for _ in range(3):  # the agent's minutely heartbeat repeats the status
        agent.emit("printer_status", {"status": "paper_out"}, namespace="/kiosk", callback=True)
    assert len(calls) == 1
