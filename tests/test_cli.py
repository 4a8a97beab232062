"""The ``queue-server`` command line: load-config, users, devices, blacklist, db upgrade."""

import pytest
import yaml
from click.testing import CliRunner

from queue_server.cli import main
from queue_server.services.context import Context
from queue_server.settings import load_settings
from queue_server.storage.db import Database
from tests.conftest import TEST_HALL


@pytest.fixture
def run(db_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HALLQ_DATABASE_URL", db_url)
    monkeypatch.setenv("HALLQ_SECRET_KEY", "cli-secret")
    monkeypatch.setenv("HALLQ_PASSWORD_HASH_METHOD", "pbkdf2:sha256:1000")
    runner = CliRunner()

    def invoke(*args, stdin=None):
        return runner.invoke(main, list(args), input=stdin, catch_exceptions=False)

    (tmp_path / "hall.yaml").write_text(yaml.safe_dump(TEST_HALL, allow_unicode=True))
    return invoke


@pytest.fixture
def loaded(run):
    assert run("load-config", "hall.yaml").exit_code == 0
    return run


def test_db_upgrade_succeeds_on_a_new_database(run):
    assert run("db", "upgrade").exit_code == 0


def test_load_config_says_what_it_loaded(run):
    assert "h1: 4 services, 3 windows" in run("load-config", "hall.yaml").output


def test_load_config_twice_is_fine(loaded):
    assert loaded("load-config", "hall.yaml").exit_code == 0


def test_bad_config_file_fails_with_a_message(run, tmp_path):
    (tmp_path / "bad.yaml").write_text("halls:\n  - code: x\n    name: X\n    services:\n"
                                       "      - {code: a, name: y}\n")
    result = run("load-config", "bad.yaml")
    assert result.exit_code == 2 and "error:" in result.output


def test_device_add_prints_the_token_on_the_last_line(loaded, db_url):
    result = loaded("device", "add", "kiosk-9", "--kind", "kiosk", "--hall", "h1")
    token = result.stdout.strip().splitlines()[-1]
    from queue_server.services.accounts import authenticate

    ctx = Context(Database(db_url), load_settings({"database_url": db_url, "secret_key": "x"}))
    assert authenticate(ctx, token).role == "kiosk"


def test_device_names_are_unique_per_hall(loaded):
    loaded("device", "add", "k", "--kind", "kiosk", "--hall", "h1")
    assert loaded("device", "add", "k", "--kind", "kiosk", "--hall", "h1").exit_code == 2


def test_evaluator_needs_a_window(loaded):
    assert loaded("device", "add", "e", "--kind", "evaluator", "--hall", "h1").exit_code == 2


def test_device_list_and_revoke(loaded):
    loaded("device", "add", "k", "--kind", "kiosk", "--hall", "h1")
    loaded("device", "revoke", "k", "--hall", "h1")
    assert "revoked" in loaded("device", "list").output


def test_user_add_reads_the_password_from_stdin(loaded):
    result = loaded("user", "add", "wang", "--role", "staff", "--hall", "h1", "--window", "1",
                    "--window", "2", stdin="a long password\n")
    assert result.exit_code == 0 and "windows=1,2" in loaded("user", "list").output


def test_user_add_refuses_a_short_password(loaded):
    result = loaded("user", "add", "wang", "--role", "staff", "--hall", "h1", stdin="short\n")
    assert result.exit_code == 2


def test_user_add_refuses_an_unknown_window(loaded):
    result = loaded("user", "add", "wang", "--role", "staff", "--hall", "h1", "--window", "9",
                    stdin="a long password\n")
    assert result.exit_code == 2


def test_user_add_refuses_an_unknown_hall(loaded):
    result = loaded("user", "add", "wang", "--role", "staff", "--hall", "nowhere",
                    stdin="a long password\n")
    assert result.exit_code == 2


def test_user_passwd_changes_the_password(loaded):
    loaded("user", "add", "li", "--role", "manager", "--hall", "h1", stdin="a long password\n")
    assert loaded("user", "passwd", "li", stdin="another long one\n").exit_code == 0


def test_blacklist_add_shows_only_the_masked_number(loaded):
    result = loaded("blacklist", "add", "--hall", "h1", "--reason", "号贩子", "--days", "30",
                    stdin="11010519491231002X\n")
    assert "110105********002X" in result.output and "19491231" not in result.output
