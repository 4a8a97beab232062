"""The security commands (issue 16): user disable, device rotate, blacklist remove/list, the
audit log (CLI and API), and a changed ID-hash key stopping every command."""

import csv
import io

from queue_server.domain.idnumber import make_id_number
from queue_server.services import accounts
from queue_server.services.context import Context
from queue_server.settings import load_settings
from queue_server.storage.db import Database
from tests.conftest import PASSWORD
from tests.test_cli import loaded, run  # noqa: F401  (fixtures)

PERSON = make_id_number("62070219800101123")


def context(db_url):
    return Context(Database(db_url), load_settings({"database_url": db_url, "secret_key": "x"}))


def test_a_disabled_user_cannot_sign_in_and_their_token_stops(loaded, db_url):
    loaded("user", "add", "clerk", "--role", "staff", "--hall", "h1", stdin=PASSWORD + "\n")
    ctx = context(db_url)
    token = accounts.login(ctx, "clerk", PASSWORD)["token"]
    assert loaded("user", "disable", "clerk").exit_code == 0
    ctx.caches.clear()
    assert accounts.authenticate(ctx, token) is None
    assert loaded("user", "enable", "clerk").exit_code == 0
    assert accounts.login(ctx, "clerk", PASSWORD)["role"] == "staff"


def test_device_rotate_prints_a_new_token_and_the_old_one_stops(loaded, db_url):
    old = loaded("device", "add", "k1", "--kind", "kiosk", "--hall", "h1").stdout.split()[-1]
    new = loaded("device", "rotate", "k1", "--hall", "h1").stdout.split()[-1]
    ctx = context(db_url)
    assert new != old
    assert accounts.authenticate(ctx, old) is None
    assert accounts.authenticate(ctx, new).role == "kiosk"


def test_blacklist_remove_lifts_the_bar(loaded):
    loaded("blacklist", "add", "--reason", "tout", stdin=PERSON + "\n")
    listed = loaded("blacklist", "list").output
    assert PERSON[-4:] in listed and PERSON[:6] not in listed
    assert loaded("blacklist", "remove", stdin=PERSON + "\n").exit_code == 0
    assert loaded("blacklist", "list").output.strip() == ""
    assert loaded("blacklist", "remove", stdin=PERSON + "\n").exit_code == 2


def test_admin_commands_are_in_the_audit_log(loaded):
    loaded("device", "add", "k1", "--kind", "kiosk", "--hall", "h1")
    loaded("device", "revoke", "k1", "--hall", "h1")
    rows = list(csv.DictReader(io.StringIO(loaded("audit", "--csv").stdout)))
    actions = [r["action"] for r in rows]
    assert actions[:3] == ["config.load", "device.add", "device.revoke"]
    assert all(r["address"].startswith("cli:") and r["actor"] == "cli" for r in rows)


def test_a_changed_id_hash_key_stops_commands(loaded, monkeypatch):
    loaded("blacklist", "add", "--reason", "tout", stdin=PERSON + "\n")
    monkeypatch.setenv("HALLQ_ID_HASH_KEY", "another-key-" + "z" * 32)
    result = loaded("user", "list")
    assert result.exit_code == 2 and "ID-hash key differs" in result.output
    assert loaded("keys", "forget-id-hashes", "--yes").exit_code == 0
    assert loaded("user", "list").exit_code == 0
