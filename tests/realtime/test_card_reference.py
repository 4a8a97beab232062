"""A swiped card's number stays between the kiosk agent and the server: the page issues with a
short-lived reference that only its own kiosk can use (issue 16, item 4)."""

from queue_server.domain.idnumber import make_id_number
from queue_server.realtime import protocol
from tests.realtime.test_kiosk_namespace import NS, connect, received

PERSON = make_id_number("11010519491231002")


def swipe(app, socketio, kiosk) -> dict:
    agent = connect(app, socketio, kiosk, "agent")
    page = connect(app, socketio, kiosk, "page")
    ack = agent.emit(protocol.CARD_READ, {"id_number": PERSON}, namespace=NS, callback=True)
    assert ack == {"ok": True}
    [read] = received(page, protocol.CARD_READ)
    return read


def issue(client, headers, **body):
    return client.post("/api/v1/halls/h1/tickets", json={"service": "C", **body},
                       headers=headers)


def test_the_reference_issues_a_real_name_ticket(app, socketio, client, kiosk):
    read = swipe(app, socketio, kiosk)
    assert issue(client, kiosk, card_ref=read["ref"]).status_code == 201
    # the same person, typed: already holds a ticket (the reference carried the person)
    assert issue(client, kiosk, id_number=PERSON).get_json()["error"]["code"] == "already_waiting"


def test_a_swiped_card_is_told_its_own_ticket_number_a_typed_number_is_not(app, socketio,
                                                                           client, kiosk):
    read = swipe(app, socketio, kiosk)
    number = issue(client, kiosk, card_ref=read["ref"]).get_json()["number"]
    again = issue(client, kiosk, card_ref=read["ref"]).get_json()["error"]
    typed = issue(client, kiosk, id_number=PERSON).get_json()["error"]
    assert again["details"]["number"] == number
    assert typed["code"] == "already_waiting" and "details" not in typed
    assert number not in str(typed)


def test_another_kiosk_cannot_use_the_reference(app, socketio, client, kiosk, accts):
    read = swipe(app, socketio, kiosk)
    response = issue(client, accts.device("kiosk"), card_ref=read["ref"])
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_card_ref"


def test_the_reference_expires(app, socketio, client, kiosk, clock, ctx):
    read = swipe(app, socketio, kiosk)
    clock.advance(seconds=ctx.settings.card_ref_ttl_s + 1)
    assert issue(client, kiosk, card_ref=read["ref"]).get_json()["error"]["code"] == \
        "invalid_card_ref"


def test_the_database_never_holds_the_swiped_number(app, socketio, ctx, kiosk):
    swipe(app, socketio, kiosk)
    with ctx.db.read() as conn:
        rows = conn.exec_driver_sql("SELECT * FROM card_reads").all()
    assert len(rows) == 1 and PERSON[:14] not in str(rows)


def test_an_invalid_swipe_is_refused_and_reaches_no_page(app, socketio, kiosk):
    agent = connect(app, socketio, kiosk, "agent")
    page = connect(app, socketio, kiosk, "page")
    ack = agent.emit(protocol.CARD_READ, {"id_number": PERSON[:-1] + "0"}, namespace=NS,
                     callback=True)
    assert ack == {"ok": False, "error": "invalid_id_number"}
    assert received(page, protocol.CARD_READ) == []


def test_a_card_only_service_refuses_a_typed_number_and_takes_a_swipe(app, socketio, ctx,
                                                                      client, kiosk):
    from queue_server.services.config_loader import load_config
    from tests.conftest import TEST_HALL
    import copy

    config = copy.deepcopy(TEST_HALL)
    config["halls"][0]["services"][2]["id_card_only"] = True
    load_config(ctx, config)
    ctx.halls.invalidate()
    typed = issue(client, kiosk, id_number=PERSON)
    assert typed.status_code == 400 and typed.get_json()["error"]["code"] == "card_required"
    services = client.get("/api/v1/halls/h1/services").get_json()
    assert [s["id_card_only"] for s in services if s["code"] == "C"] == [True]
    read = swipe(app, socketio, kiosk)
    assert issue(client, kiosk, card_ref=read["ref"]).status_code == 201
