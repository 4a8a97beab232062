#!/usr/bin/env python3
"""SQL statements per request on the hot path (issue a ticket, call-next), counted in process.

Timings on a shared machine wander from run to run; the number of statements a request sends
does not, so this is the figure to compare between builds (issue #15 item 4). Builds an app on a
temporary SQLite file with the tests' hall, a kiosk and a signed-in clerk at window 1, then
counts the statements of ``--requests`` issues and as many call-nexts through Flask's test
client. Counted separately: the request itself (the use case and what it publishes at once) and
the coalesced pushes (``queue_changed``, counter state; one per interval however many requests)
flushed by hand after one request. ``--show`` prints the statements of one request of each.
It prints figures; it asserts nothing (tests/api/test_hot_path_statements.py holds the bounds).
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
os.environ.setdefault("HALLQ_KEY_DIR", tempfile.mkdtemp(prefix="hallq-keys-"))

from queue_server.app import create_app  # noqa: E402
from queue_server.services.config_loader import load_config  # noqa: E402
from queue_server.storage.db import Database  # noqa: E402
from tests.conftest import TEST_HALL, Accounts, FakeClock  # noqa: E402
from tests.sqlcount import counting  # noqa: E402


def build(folder: str, interval: float, clock):
    url = f"sqlite:///{folder}/hallq.sqlite3"
    Database(url).upgrade()
    app = create_app({"database_url": url, "async_mode": "threading", "secret_key": "bench",
                      "queue_event_interval": interval,
                      "password_hash_method": "pbkdf2:sha256:1000"}, clock=clock)
    load_config(app.extensions["hallq"], TEST_HALL)
    return app


def measure(requests: int, show: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        clock = FakeClock()
        app = build(folder, 3600.0, clock)  # coalesced pushes wait: counted apart below
        ctx, client = app.extensions["hallq"], app.test_client()
        accts = Accounts(ctx, client)
        kiosk, staff = accts.device("kiosk"), accts.user("staff", windows=(1,))
        assert client.post("/api/v1/halls/h1/windows/1/sign-in", headers=staff).status_code == 200
        publisher = ctx._publish
        rows = []
        for name, url, headers, body in (
                ("issue ticket", "/api/v1/halls/h1/tickets", kiosk, {"service": "A"}),
                ("call-next", "/api/v1/halls/h1/windows/1/call-next", staff, None)):
            with counting(ctx.db.engine) as sent:
                for _ in range(requests):
                    clock.advance(seconds=1)  # a real clock moves: no two calls at one instant
                    response = client.post(url, json=body, headers=headers)
                    assert response.status_code in (200, 201), response.get_json()
            clock.advance(seconds=1)
            with counting(ctx.db.engine) as one:
                client.post(url, json=body, headers=headers)
            with counting(ctx.db.engine) as flushed:
                flush_pending(publisher)
            rows.append((name, len(sent) / requests, len(flushed)))
            if show:
                print(f"--- {name}: one request\n{one.summary()}\n--- coalesced flush\n"
                      f"{flushed.summary()}\n")
        print(f"{'operation':<16}{'statements/request':>20}{'coalesced flush':>18}")
        for name, per_request, flushed in rows:
            print(f"{name:<16}{per_request:>20.1f}{flushed:>18}")
        ctx.close()


def flush_pending(publisher) -> None:
    """Run the pushes the requests left pending (queue_changed, counter state) now."""
    owner = getattr(publisher, "__closure__", None)
    for cell in owner or ():
        flush_pending(cell.cell_contents)
    for name in ("_queues", "_counters", "_halls"):
        coalescer = getattr(publisher, name, None)
        if coalescer is not None:
            coalescer.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50, help="requests of each kind")
    parser.add_argument("--show", action="store_true", help="print one request's statements")
    args = parser.parse_args()
    measure(args.requests, args.show)


if __name__ == "__main__":
    main()
