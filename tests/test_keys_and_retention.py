"""Keys apart from the data (issue 16, items 1 and 13): the ID-hash key separate from the session
key and from the database's folder, key files 0600 from their first byte, a minimum length,
a loud stop when the key changes under existing data; the database file 0600; ID hashes
purged after the retention."""

import os
import stat
from pathlib import Path

import pytest

from queue_server import keyfiles
from queue_server.domain.idnumber import make_id_number
from queue_server.services import privacy
from queue_server.services.context import Context
from queue_server.settings import load_settings
from queue_server.storage.db import Database

PERSON = make_id_number("62070219800101123")
LONG = "k" * 40


def mode(path) -> int:
    return stat.S_IMODE(Path(path).stat().st_mode)


def test_a_short_secret_key_from_the_environment_is_refused():
    with pytest.raises(keyfiles.KeyProblem, match="at least 32"):
        load_settings(environ={"HALLQ_SECRET_KEY": "short"})


def test_a_short_id_hash_key_is_refused(ctx):
    settings = load_settings({"secret_key": LONG, "id_hash_key": "short",
                              "database_url": ctx.settings.database_url}, environ={})
    with pytest.raises(keyfiles.KeyProblem):
        Context(ctx.db, settings).id_hash_key


def test_session_and_id_hash_keys_are_separate_files_made_0600(tmp_path):
    settings = load_settings({"key_dir": str(tmp_path / "keys"),
                              "database_url": f"sqlite:///{tmp_path}/data/h.sqlite3"},
                             environ={})
    key = keyfiles.id_hash_key(settings)
    secret_file, id_file = tmp_path / "keys" / "secret_key", tmp_path / "keys" / "id_hash_key"
    assert mode(secret_file) == 0o600 and mode(id_file) == 0o600
    assert secret_file.read_text().strip() != id_file.read_text().strip()
    assert settings.secret_key not in key.decode()


def test_the_keys_do_not_depend_on_the_working_directory(tmp_path, monkeypatch):
    overrides = {"key_dir": str(tmp_path / "keys"), "database_url": "sqlite://"}
    monkeypatch.chdir(tmp_path)
    first = keyfiles.id_hash_key(load_settings(overrides, environ={}))
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert keyfiles.id_hash_key(load_settings(overrides, environ={})) == first


def test_processes_starting_together_share_one_whole_key(tmp_path):
    """Threads (as processes would) creating the key at once: each reads the same full key,
    never a file caught between its creation and its write."""
    import threading

    path, keys = tmp_path / "keys" / "id_hash_key", []
    barrier = threading.Barrier(16)

    def start():
        barrier.wait()
        keys.append(keyfiles.read_or_create_key_file(path))

    threads = [threading.Thread(target=start) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 16 and len(set(keys)) == 1 and len(keys[0]) == 64
    assert [p.name for p in path.parent.iterdir()] == ["id_hash_key"]  # no temporary left


def test_a_key_file_readable_by_others_is_refused(tmp_path):
    path = tmp_path / "id_hash_key"
    path.write_text(LONG)
    path.chmod(0o644)
    with pytest.raises(keyfiles.KeyProblem, match="readable by others"):
        keyfiles.read_key_file(path)


def test_the_id_hash_key_file_may_not_sit_beside_the_database(tmp_path):
    settings = load_settings({"secret_key": LONG, "key_dir": str(tmp_path),
                              "database_url": f"sqlite:///{tmp_path}/hallq.sqlite3"},
                             environ={})
    with pytest.raises(keyfiles.KeyProblem, match="database's folder"):
        keyfiles.id_hash_key(settings)


def test_the_sqlite_file_is_readable_by_its_owner_only(tmp_path):
    old = tmp_path / "old.sqlite3"
    old.write_bytes(b"")
    old.chmod(0o644)
    for path in (tmp_path / "new" / "hallq.sqlite3", old):
        db = Database(f"sqlite:///{path}")
        db.ping()
        assert mode(path) == 0o600
        assert all(mode(p) == 0o600 for p in path.parent.glob(path.name + "-*"))
        db.dispose()


def test_a_changed_id_hash_key_under_existing_data_stops_the_server(ctx, client, kiosk):
    privacy.verify_id_hash_key(ctx)
    client.post("/api/v1/halls/h1/tickets", json={"service": "C", "id_number": PERSON},
                headers=kiosk)
    other = Context(ctx.db, load_settings({"secret_key": LONG, "id_hash_key": "n" * 40,
                                           "database_url": ctx.settings.database_url},
                                          environ={}))
    with pytest.raises(privacy.KeyMismatch):
        privacy.verify_id_hash_key(other)
    privacy.verify_id_hash_key(ctx)  # the right key still starts


def test_a_new_key_on_a_database_without_hashes_is_recorded(ctx):
    from queue_server.services.people import add_to_blacklist

    privacy.verify_id_hash_key(ctx)
    other = Context(ctx.db, load_settings({"secret_key": LONG, "id_hash_key": "n" * 40,
                                           "database_url": ctx.settings.database_url},
                                          environ={}))
    privacy.verify_id_hash_key(other)  # nothing was hashed yet: the new key is taken
    add_to_blacklist(other, PERSON, "tout", None, None)
    with pytest.raises(privacy.KeyMismatch):
        privacy.verify_id_hash_key(ctx)


def _finish_all(ctx, client, accts, window=3):
    staff = accts.user("staff", windows=(window,))
    client.post(f"/api/v1/halls/h1/windows/{window}/call-next", headers=staff)
    client.post(f"/api/v1/halls/h1/windows/{window}/finish", headers=staff)


def test_id_hashes_are_purged_after_the_retention(ctx, client, kiosk, accts, clock):
    client.post("/api/v1/halls/h1/tickets", json={"service": "C", "id_number": PERSON},
                headers=kiosk)
    _finish_all(ctx, client, accts)
    assert privacy.purge_id_hashes(ctx) == 0
    clock.advance(days=ctx.settings.id_hash_retention_days, seconds=1)
    assert privacy.purge_id_hashes(ctx) == 1
    with ctx.db.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM tickets WHERE id_hash IS NOT NULL"
                                    ).scalar() == 0


def test_a_waiting_ticket_keeps_its_hash_and_the_blacklist_keeps_its_own(ctx, client, kiosk,
                                                                         clock):
    from queue_server.services.people import add_to_blacklist

    add_to_blacklist(ctx, make_id_number("11010519491231002"), "tout", None, None)
    client.post("/api/v1/halls/h1/tickets", json={"service": "C", "id_number": PERSON},
                headers=kiosk)
    clock.advance(days=1)
    assert privacy.purge_id_hashes(ctx) == 0
    clock.advance(days=ctx.settings.id_hash_retention_days + 2)
    assert privacy.purge_id_hashes(ctx) == 1  # left waiting on a past day: ended with it
    with ctx.db.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM blacklist").scalar() == 1


def test_forgetting_all_hashes_records_the_new_key(ctx, client, kiosk):
    from queue_server.services.people import add_to_blacklist

    privacy.verify_id_hash_key(ctx)
    add_to_blacklist(ctx, PERSON, "tout", None, None)
    other = Context(ctx.db, load_settings({"secret_key": LONG, "id_hash_key": "n" * 40,
                                           "database_url": ctx.settings.database_url},
                                          environ={}))
    counts = privacy.forget_all_id_hashes(other)
    assert (counts["tickets"], counts["blacklist"]) == (0, 1)
    privacy.verify_id_hash_key(other)
    assert os.environ.get("HALLQ_KEY_DIR")  # tests never write to the user's ~/.config
