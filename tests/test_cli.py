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
    monkeypatch.setenv("HALLQ_SECRET_KEY", "cli-secret-" + "x" * 32)
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


def test_user_add_takes_a_supervisor_bound_to_a_hall(loaded):
    result = loaded("user", "add", "zhao", "--role", "supervisor", "--hall", "h1",
                    stdin="a long password\n")
    assert result.exit_code == 0, result.output
    assert "supervisor" in next(line for line in loaded("user", "list").output.splitlines()
                                if "zhao" in line)


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


def test_blacklist_add_shows_only_the_last_four_characters(loaded):
    result = loaded("blacklist", "add", "--hall", "h1", "--reason", "号贩子", "--days", "30",
                    stdin="11010519491231002X\n")
    assert "**************002X" in result.output
    assert "110105" not in result.output and "19491231" not in result.output


# ---- caller keypad devices and staff profiles (工号, photo) --------------------------------

def _ctx(db_url):
    return Context(Database(db_url), load_settings({"database_url": db_url, "secret_key": "x"}))


def test_device_add_offers_exactly_the_kinds_the_services_accept():
    """Both take them from the protocol (hallq_shared.protocol.DEVICE_KINDS)."""
    from queue_server import cli
    from queue_server.services.accounts import DEVICE_KINDS

    kind = next(param for param in cli.device.commands["add"].params if param.name == "kind")
    assert tuple(kind.type.choices) == DEVICE_KINDS


def test_roles_offered_are_the_services_roles():
    from queue_server import cli
    from queue_server.services.accounts import ROLES

    assert cli.ROLES == ROLES


def test_caller_device_add_prints_a_window_bound_token(loaded, db_url):
    from queue_server.services.accounts import authenticate

    result = loaded("device", "add", "caller-1", "--kind", "caller", "--hall", "h1",
                    "--window", "1")
    ctx = _ctx(db_url)
    principal = authenticate(ctx, result.stdout.strip().splitlines()[-1])
    assert (principal.role, principal.window_ids) == (
        "caller", frozenset({ctx.halls.get("h1").window(1).id}))


def test_caller_device_needs_a_window(loaded):
    result = loaded("device", "add", "c", "--kind", "caller", "--hall", "h1")
    assert result.exit_code == 2 and "window" in result.output


def _photo(tmp_path, fmt="PNG", name="zhang.png"):
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (30, 40), "#2f855a").save(out, fmt)
    (tmp_path / name).write_bytes(out.getvalue())
    return name


def test_user_add_with_staff_no_name_and_photo(loaded, tmp_path, db_url):
    from queue_server.services.profiles import profile

    result = loaded("user", "add", "zhang", "--role", "staff", "--hall", "h1", "--window", "1",
                    "--name", "张三", "--staff-no", "0123", "--photo", _photo(tmp_path),
                    stdin="a long password\n")
    stored = profile(_ctx(db_url), "zhang")
    assert (result.exit_code, stored["name"], stored["staff_no"], stored["photo"]) == (
        0, "张三", "0123", "image/png")


def test_user_add_refuses_a_photo_that_is_not_an_image(loaded, tmp_path):
    (tmp_path / "notes.jpg").write_text("not a photo")
    result = loaded("user", "add", "zhang", "--role", "staff", "--hall", "h1",
                    "--photo", "notes.jpg", stdin="a long password\n")
    assert result.exit_code == 2 and "JPEG, PNG or WebP" in result.output


def test_user_add_refuses_a_photo_over_512_kb(loaded, tmp_path):
    (tmp_path / "big.png").write_bytes((tmp_path / _photo(tmp_path)).read_bytes()
                                       + b"\0" * 600_000)
    result = loaded("user", "add", "zhang", "--role", "staff", "--hall", "h1",
                    "--photo", "big.png", stdin="a long password\n")
    assert result.exit_code == 2 and "512 KB" in result.output


def test_user_set_changes_staff_no_and_photo_later(loaded, tmp_path):
    loaded("user", "add", "zhang", "--role", "staff", "--hall", "h1", stdin="a long password\n")
    result = loaded("user", "set", "zhang", "--staff-no", "0456", "--photo",
                    _photo(tmp_path, "JPEG", "zhang.jpg"))
    listed = loaded("user", "list").output
    assert result.exit_code == 0 and "staff_no=0456\tphoto=image/jpeg" in listed


def test_user_set_no_photo_removes_it(loaded, tmp_path):
    loaded("user", "add", "zhang", "--role", "staff", "--hall", "h1", "--photo",
           _photo(tmp_path), stdin="a long password\n")
    loaded("user", "set", "zhang", "--no-photo")
    assert "photo=-" in loaded("user", "list").output


def test_user_set_with_nothing_to_change_fails(loaded):
    loaded("user", "add", "zhang", "--role", "staff", "--hall", "h1", stdin="a long password\n")
    assert loaded("user", "set", "zhang").exit_code == 2


def test_user_set_refuses_a_staff_number_taken_in_the_hall(loaded):
    loaded("user", "add", "zhang", "--role", "staff", "--hall", "h1", "--staff-no", "0123",
           stdin="a long password\n")
    loaded("user", "add", "li", "--role", "staff", "--hall", "h1", stdin="a long password\n")
    result = loaded("user", "set", "li", "--staff-no", "0123")
    assert result.exit_code == 2 and "staff number" in result.output


def test_the_demo_listens_on_this_computer_only_unless_asked():
    from queue_server.cli import demo_host

    assert demo_host(None, {}) == "127.0.0.1"
    assert demo_host(None, {"HALLQ_HOST": ""}) == "127.0.0.1"
    assert demo_host(None, {"HALLQ_HOST": "0.0.0.0"}) is None  # the settings read HALLQ_HOST
    assert demo_host("192.168.1.5", {}) == "192.168.1.5"


def test_the_demo_banner_says_where_it_listens_and_how_to_stop_it():
    from queue_server.demo import listening_lines

    local = "\n".join(listening_lines("127.0.0.1"))
    assert "127.0.0.1 only" in local and "HALLQ_HOST=0.0.0.0" in local and "Ctrl-C" in local
    assert "anyone who can reach" in "\n".join(listening_lines("0.0.0.0"))


def test_load_catalogue_loads_a_csv_for_a_hall(loaded, tmp_path):
    (tmp_path / "m.csv").write_text("code,name,department\nM1,社会保障卡申领,人社局\n",
                                    encoding="utf-8")
    result = loaded("load-catalogue", "m.csv", "--hall", "h1")
    assert "h1: 1 own matters, 0 dropped, 1 in its catalogue" in result.output


def test_load_catalogue_names_the_bad_line(loaded, tmp_path):
    (tmp_path / "m.csv").write_text("code,name,department\nM1,,人社局\n", encoding="utf-8")
    result = loaded("load-catalogue", "m.csv", "--hall", "h1")
    assert result.exit_code == 2 and "m.csv, line 2: matter M1: 'name'" in result.output


def test_load_config_names_the_line_of_a_broken_tree(run, tmp_path):
    (tmp_path / "tree.yaml").write_text("halls:\n  - code: c1\n    name: 县\n    level: county\n"
                                        "    parent: nowhere\n", encoding="utf-8")
    result = run("load-config", "tree.yaml")
    assert result.exit_code == 2 and "tree.yaml, line 5: hall c1: parent 'nowhere'" in \
        result.output
