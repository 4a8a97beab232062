"""A real-name day against a real server process logging at DEBUG: the full ID number is in no
line of its output, in no file it wrote (database and WAL), and in no answer or export."""

import io
import secrets
import time
import zipfile

import pytest
import requests
import yaml

from queue_server.domain.idnumber import make_id_number
from tests.e2e.serverproc import (PASSWORD, ServerProcess, provision, run_cli, server_env,
                                  sqlite_url)

pytestmark = pytest.mark.e2e

PERSON = make_id_number("62070219800101123")
SECRETS = (PERSON, PERSON[6:14])  # the number, and the birth date that masking hides


@pytest.fixture
def real_name_server(hallq):
    """A server at DEBUG with service A real-name, an evaluator at window 1."""
    env = server_env(sqlite_url(hallq.directory), secrets.token_hex(32), log_level="DEBUG",
                     supervisor_interval_s=0.3)
    code = "e2e_" + secrets.token_hex(3)
    hall = provision(env, hallq.directory, code)
    path = hallq.directory / f"{code}.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["halls"][0]["services"][0]["requires_id"] = True
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    run_cli(["load-config", str(path)], env, hallq.directory)
    out = run_cli(["device", "add", "eval1", "--kind", "evaluator", "--hall", code, "--window",
                   "1"], env, hallq.directory)
    server = ServerProcess(env, hallq.directory, name=code)
    hallq.servers.append(server)
    server.start()
    return server, hall, out.strip().splitlines()[-1]


def bearer(token: str) -> dict:
    return {"Authorization": "Bearer " + token}


def login(server, username: str) -> dict:
    response = requests.post(f"{server.url}/api/v1/auth/token", timeout=30,
                             json={"username": username, "password": PASSWORD})
    return bearer(response.json()["token"])


def wait_for_bad_review_alert(server, hall, manager) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        alerts = requests.get(f"{server.url}/api/v1/halls/{hall.code}/alerts", headers=manager,
                              timeout=30).json()
        if any(a["kind"] == "bad_review" for a in alerts):
            return
        time.sleep(0.1)  # polling for the supervision pass, with a generous deadline
    raise AssertionError("no bad-review alert")


def real_name_day(server, hall, evaluator_token) -> list[bytes]:
    base = f"{server.url}/api/v1/halls/{hall.code}"
    kiosk, staff, manager = bearer(hall.kiosk_token), login(server, hall.staff[1]), \
        login(server, hall.manager)
    answers = []

    def keep(response):
        assert response.status_code < 500, response.text
        data = response.content
        if data.startswith(b"PK"):  # a spreadsheet: a zip of XML parts
            with zipfile.ZipFile(io.BytesIO(data)) as book:
                data = b"".join(book.read(name) for name in book.namelist())
        answers.append(data)
        return response

    issued = [keep(requests.post(f"{base}/tickets", headers=kiosk, timeout=30,
                                 json={"service": "A", "id_number": number})).json()
              for number in (PERSON, PERSON.lower(), PERSON[:-1] + "0")]
    assert "track_token" in issued[0], issued
    keep(requests.post(f"{base}/windows/1/call-next", headers=staff, timeout=30))
    done = keep(requests.post(f"{base}/windows/1/finish", headers=staff, timeout=30)).json()
    keep(requests.get(f"{server.url}/track/{issued[0]['track_token']}", timeout=30))
    keep(requests.post(f"{server.url}/api/v1/tickets/{done['ticket']['id']}/evaluation",
                       headers=bearer(evaluator_token), timeout=30,
                       json={"grade": "very_dissatisfied", "comment": "等太久了"}))
    wait_for_bad_review_alert(server, hall, manager)
    for path in ("followups", "followups/ledger?format=csv", "evaluations/export?format=csv",
                 "reports.csv", "reports.xlsx", "stats"):
        keep(requests.get(f"{base}/{path}", headers=manager, timeout=30))
    return answers


def test_no_log_line_file_or_answer_of_a_real_name_day_carries_the_number(real_name_server,
                                                                          hallq):
    server, hall, evaluator_token = real_name_server
    answers = real_name_day(server, hall, evaluator_token)
    server.stop()  # everything logged and written is on disk now
    log = server.log_path.read_bytes()
    assert b"serving on" in log, "the scan read no server output: it would prove nothing"
    files = {p.name: p.read_bytes() for p in hallq.directory.glob("hallq.sqlite3*")}
    leaks = [(where, part) for part in SECRETS
             for where, data in [("server log", log), *files.items(),
                                 *((f"answer {i}", a) for i, a in enumerate(answers))]
             if part.encode() in data]
    assert leaks == []
