"""The ID number never leaves the request: not in answers, exports, logs, events, any table or
column of the database, or the database file."""

import io
import json
import zipfile
import logging
from pathlib import Path

from sqlalchemy import select

from queue_server.domain.idnumber import make_id_number
from queue_server.services import supervisor
from queue_server.storage.models import Base

PERSON = make_id_number("62070219800101123")


def test_no_log_line_carries_the_id_number(client, kiosk, caplog):
    caplog.set_level(logging.DEBUG)
    for service in ("C", "C", "A"):  # issued, already_waiting, not real-name
        client.post("/api/v1/halls/h1/tickets", json={"service": service, "id_number": PERSON},
                    headers=kiosk)
    client.post("/api/v1/halls/h1/tickets", json={"service": "C", "id_number": PERSON[:-1] + "0"},
                headers=kiosk)
    assert PERSON[6:14] not in caplog.text


def _every_stored_value(conn) -> str:
    from queue_server.storage.models import Base

    values = []
    for table in Base.metadata.sorted_tables:
        for row in conn.execute(table.select()):
            values.extend(str(value) for value in row)
    return " ".join(values)


def test_the_database_keeps_no_more_than_the_last_four_characters(ctx, client, kiosk):
    from queue_server.services.people import add_to_blacklist

    client.post("/api/v1/halls/h1/tickets", json={"service": "C", "id_number": PERSON},
                headers=kiosk)
    add_to_blacklist(ctx, make_id_number("11010519491231002"), "tout", None, None)
    with ctx.db.read() as conn:
        stored = _every_stored_value(conn)
    assert PERSON[:6] not in stored and PERSON[6:14] not in stored
    assert "110105" not in stored and "19491231" not in stored


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


# ---- a whole real-name day, then every table, column and export -----------------------------

def real_name_day(client, kiosk, accts) -> list[str]:
    """Issue (also refused twice), call, finish, a bad review with a comment, its follow-up,
    and every export; returns every answer's text."""
    staff = accts.user("staff", windows=(3,))
    evaluator = accts.device("evaluator", window=3)
    manager = accts.user("manager")
    answers = []

    def keep(response):
        assert response.status_code < 500, response.status
        answers.append(answer_text(response))
        return response

    issued = [keep(client.post("/api/v1/halls/h1/tickets", headers=kiosk,
                               json={"service": "C", "id_number": number})).get_json()
              for number in (PERSON, PERSON, PERSON[:-1] + "0")]  # issued, refused, bad check
    keep(client.post("/api/v1/halls/h1/windows/3/call-next", headers=staff))
    ticket = keep(client.post("/api/v1/halls/h1/windows/3/finish", headers=staff)).get_json()
    keep(client.get(f"/api/v1/track/{issued[0]['track_token']}"))
    keep(client.get(f"/track/{issued[0]['track_token']}"))
    keep(client.post(f"/api/v1/tickets/{ticket['ticket']['id']}/evaluation",
                     json={"grade": "very_dissatisfied", "comment": "等太久了"},
                     headers=evaluator))
    case = keep(client.get("/api/v1/halls/h1/followups", headers=manager)).get_json()[0]
    keep(client.post(f"/api/v1/halls/h1/followups/{case['id']}/callback",
                     json={"note": "已回访"}, headers=manager))
    for path in ("followups/ledger?format=csv", "evaluations/export?format=csv",
                 "evaluations/export", "reports.csv", "reports.xlsx", "stats", "alerts"):
        keep(client.get(f"/api/v1/halls/h1/{path}", headers=manager))
    return answers


def answer_text(response) -> str:
    """The body as text; a spreadsheet (a zip of XML parts) unpacked."""
    data = response.get_data()
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return "".join(book.read(name).decode("utf-8") for name in book.namelist())
    return data.decode("utf-8")


def carries_the_number(text: str) -> bool:
    return PERSON in text or PERSON[6:14] in text  # the birth date is what masking hides


def cell_text(value) -> str:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("latin-1")
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def test_no_table_and_no_column_holds_the_number_after_a_real_name_day(ctx, client, kiosk,
                                                                        accts):
    real_name_day(client, kiosk, accts)
    supervisor.run_once(ctx)  # the bad-review alert
    found = []
    with ctx.db.read() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(select(table)).mappings():
                found += [f"{table.name}.{column}" for column, value in row.items()
                          if value is not None and carries_the_number(cell_text(value))]
    assert found == []


def test_the_database_file_holds_no_number_after_a_real_name_day(ctx, db_url, client, kiosk,
                                                                  accts):
    real_name_day(client, kiosk, accts)
    supervisor.run_once(ctx)
    path = Path(db_url.removeprefix("sqlite:///"))
    data = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    assert [part for part in (PERSON, PERSON[6:14]) if part.encode() in data] == []


def test_no_answer_or_export_of_a_real_name_day_shows_the_number(client, kiosk, accts):
    answers = real_name_day(client, kiosk, accts)
    assert [a[:80] for a in answers if carries_the_number(a)] == []
