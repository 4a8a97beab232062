"""The OpenAPI document says what the server does: schemathesis, all checks, over every
operation the document lists, against a real server process with a seeded hall, real hall,
window, ticket and tracking-token parameters and an admin token. 0 failures.

Operations whose refusals depend on rules JSON Schema cannot state (a date range's order and
length, an ID number's checksum, a follow-up's due date, transferring to the window itself)
may answer 400 to schema-valid input; everything else must accept what the schema allows and
refuse what it forbids. The run is bounded (``HALLQ_SCHEMATHESIS_EXAMPLES`` examples per
operation and phase, default 10) and seeded (``HALLQ_SCHEMATHESIS_SEED``) so that it is
repeatable; a failure prints schemathesis' report with a curl line per case.
"""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.e2e.serverproc import PASSWORD, ServerProcess, provision, run_cli, server_env

pytestmark = pytest.mark.e2e

EXAMPLES = os.environ.get("HALLQ_SCHEMATHESIS_EXAMPLES", "10")
SEED = os.environ.get("HALLQ_SCHEMATHESIS_SEED", "20261203")
RUN_TIMEOUT_S = 600

# Refusals of schema-valid input that the schema cannot express (see the module docstring).
SEMANTIC_400 = [
    r"/(stats|reports|reports\.csv|reports\.xlsx|followups/ledger|evaluations/export)$",
    r"/followups/\{case_id\}/close$",
    r"/windows/\{number\}/transfer$",
    r"/halls/\{hall\}/tickets$",
    r"/halls/\{hall\}/bookings$",  # the ID number's checksum, a mobile number's prefix
    r"/halls/\{hall\}/bookings/check-in$",  # a card_ref that is no card read
    r"/halls/\{hall\}/planner$",  # no tickets in the days asked for; not the hall's services
]
POSITIVE_ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]


def _config(hall: str, ticket: dict) -> str:
    lines = ["[parameters]", f'"path.hall" = {json.dumps(hall)}', '"path.number" = 1',
             f'"path.ticket_id" = {ticket["id"]}',
             f'"path.token" = {json.dumps(ticket["track_token"])}']
    for pattern in SEMANTIC_400:
        lines += ["", "[[operations]]", f"include-path-regex = {json.dumps(pattern)}",
                  "checks.positive_data_acceptance.expected-statuses = "
                  + json.dumps(POSITIVE_ACCEPTED + ["400"])]
    return "\n".join(lines) + "\n"


@pytest.fixture
def seeded(hallq):
    """A server with a demo-like hall, an admin, and a ticket called at window 1."""
    directory = hallq.directory
    env = server_env(hallq.sqlite(), secrets.token_hex(32))
    hall = provision(env, directory, "st_" + secrets.token_hex(3))
    run_cli(["user", "add", "st-admin", "--role", "admin", "--hall", hall.code], env, directory,
            PASSWORD + "\n")
    server = ServerProcess(env, directory, name=hall.code)
    hallq.servers.append(server)
    server.start()
    post = requests.post
    admin = post(f"{server.url}/api/v1/auth/token", timeout=30,
                 json={"username": "st-admin", "password": PASSWORD}).json()["token"]
    ticket = post(f"{server.url}/api/v1/halls/{hall.code}/tickets", json={"service": "A"},
                  headers={"Authorization": "Bearer " + hall.kiosk_token}, timeout=30).json()
    for service in "AB":
        post(f"{server.url}/api/v1/halls/{hall.code}/tickets", json={"service": service},
             headers={"Authorization": "Bearer " + hall.kiosk_token}, timeout=30)
    return server, hall, admin, ticket


def _schemathesis() -> list[str]:
    script = Path(sys.executable).with_name("st")
    return [str(script)] if script.exists() else [sys.executable, "-m", "schemathesis.cli"]


def test_every_operation_does_what_the_openapi_says(seeded, tmp_path):
    server, hall, admin, ticket = seeded
    config = tmp_path / "schemathesis.toml"
    config.write_text(_config(hall.code, ticket), encoding="utf-8")
    command = _schemathesis() + [
        "--config-file", str(config), "run", f"{server.url}/api/v1/openapi.json",
        "--checks", "all", "--header", f"Authorization: Bearer {admin}",
        "--max-examples", EXAMPLES, "--seed", SEED, "--workers", "1",
        "--request-timeout", "30", "--no-color"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT_S,
                          cwd=tmp_path)
    report = done.stdout + done.stderr
    assert done.returncode == 0, report[-20000:]
    document = requests.get(f"{server.url}/api/v1/openapi.json", timeout=30).json()
    operations = sum(len(item) for item in document["paths"].values())
    selected = re.search(r"Selected: (\d+)/(\d+)\s+Tested: (\d+)", report)
    assert selected is not None, report[-3000:]
    chosen, listed, tested = map(int, selected.groups())
    # Every listed operation is tested; schemathesis leaves out only the document's own.
    assert chosen == listed == tested >= operations - 1, report[-3000:]
