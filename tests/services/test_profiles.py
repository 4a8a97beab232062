"""Staff numbers (工号) and staff photos: what is accepted and how it is stored."""

import io

import pytest
from PIL import Image

from queue_server.domain.errors import DomainError
from queue_server.services import accounts, profiles
from tests.conftest import PASSWORD


def image_bytes(fmt: str, size=(60, 80)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "#3b6fb6").save(out, fmt)
    return out.getvalue()


@pytest.fixture
def hall_id(ctx):
    return ctx.halls.get("h1").id


def _code(call) -> str:
    with pytest.raises(DomainError) as raised:
        call()
    return raised.value.code


@pytest.mark.parametrize("fmt,content_type", [("JPEG", "image/jpeg"), ("PNG", "image/png"),
                                              ("WEBP", "image/webp")])
def test_jpeg_png_and_webp_are_accepted_by_their_bytes(fmt, content_type):
    assert profiles.check_photo(image_bytes(fmt)) == content_type


def test_gif_is_refused():
    assert _code(lambda: profiles.check_photo(image_bytes("GIF"))) == "invalid_request"


def test_a_file_named_like_an_image_but_not_one_is_refused():
    assert _code(lambda: profiles.check_photo(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
                 ) == "invalid_request"


def test_right_magic_bytes_on_a_broken_image_are_refused():
    assert _code(lambda: profiles.check_photo(image_bytes("PNG")[:40])) == "invalid_request"


def test_a_photo_over_512_kb_is_refused():
    big = image_bytes("PNG") + b"\0" * profiles.MAX_PHOTO_BYTES
    with pytest.raises(DomainError) as raised:
        profiles.check_photo(big)
    assert "512 KB" in raised.value.message


def test_a_huge_picture_is_refused_even_when_small_on_disk():
    with pytest.raises(DomainError) as raised:
        profiles.check_photo(image_bytes("PNG", size=(5000, 10)))
    assert "pixels" in raised.value.message


@pytest.mark.parametrize("value,stored", [("0123", "0123"), ("GA-0042", "GA-0042"), ("", None),
                                          (None, None)])
def test_staff_numbers_keep_leading_zeros(value, stored):
    assert profiles.check_staff_no(value) == stored


@pytest.mark.parametrize("value", ["01 23", "-12", "x" * 21, 123, "工号1"])
def test_malformed_staff_numbers_are_refused(value):
    assert _code(lambda: profiles.check_staff_no(value)) == "invalid_request"


def test_add_user_stores_staff_no_and_photo(ctx, hall_id):
    accounts.add_user(ctx, "zhang", PASSWORD, "staff", hall_id, (1,), "张三", staff_no="0123",
                      photo=image_bytes("JPEG"))
    stored = profiles.profile(ctx, "zhang")
    assert (stored["name"], stored["staff_no"], stored["photo"]) == ("张三", "0123", "image/jpeg")


def test_a_refused_photo_adds_no_user(ctx, hall_id):
    _code(lambda: accounts.add_user(ctx, "zhang", PASSWORD, "staff", hall_id, (1,), "张三",
                                    photo=b"GIF89a..."))
    assert _code(lambda: profiles.profile(ctx, "zhang")) == "unknown_user"


def test_staff_numbers_are_unique_in_a_hall(ctx, hall_id):
    accounts.add_user(ctx, "zhang", PASSWORD, "staff", hall_id, staff_no="0123")
    assert _code(lambda: accounts.add_user(ctx, "li", PASSWORD, "staff", hall_id,
                                           staff_no="0123")) == "staff_no_taken"


def test_another_hall_may_use_the_same_staff_number(ctx, hall_id):
    accounts.add_user(ctx, "zhang", PASSWORD, "staff", hall_id, staff_no="0123")
    accounts.add_user(ctx, "li", PASSWORD, "staff", ctx.halls.get("h2").id, staff_no="0123")
    assert profiles.profile(ctx, "li")["staff_no"] == "0123"


def test_set_profile_changes_only_what_is_given(ctx, hall_id):
    accounts.add_user(ctx, "zhang", PASSWORD, "staff", hall_id, (1,), "张三", staff_no="0123")
    stored = profiles.set_profile(ctx, "zhang", photo=image_bytes("PNG"))
    assert (stored["name"], stored["staff_no"], stored["photo"]) == ("张三", "0123", "image/png")


def test_a_new_photo_gets_a_new_key(ctx, hall_id):
    accounts.add_user(ctx, "zhang", PASSWORD, "staff", hall_id, photo=image_bytes("PNG"))
    before = profiles.profile(ctx, "zhang")["photo_key"]
    after = profiles.set_profile(ctx, "zhang", photo=image_bytes("JPEG"))["photo_key"]
    assert before != after


def test_photo_none_removes_it(ctx, hall_id):
    accounts.add_user(ctx, "zhang", PASSWORD, "staff", hall_id, photo=image_bytes("PNG"))
    assert profiles.set_profile(ctx, "zhang", photo=None)["photo"] is None


def test_taking_a_used_staff_number_later_is_refused(ctx, hall_id):
    accounts.add_user(ctx, "zhang", PASSWORD, "staff", hall_id, staff_no="0123")
    accounts.add_user(ctx, "li", PASSWORD, "staff", hall_id)
    assert _code(lambda: profiles.set_profile(ctx, "li", staff_no="0123")) == "staff_no_taken"


def test_unknown_user_is_404(ctx):
    assert _code(lambda: profiles.set_profile(ctx, "nobody", staff_no="1")) == "unknown_user"


def test_user_list_shows_staff_no_and_photo(ctx, hall_id):
    accounts.add_user(ctx, "zhang", PASSWORD, "staff", hall_id, staff_no="0123",
                      photo=image_bytes("WEBP"))
    row = next(r for r in accounts.list_users(ctx) if r["username"] == "zhang")
    assert (row["staff_no"], row["photo"]) == ("0123", "image/webp")


@pytest.mark.postgres
def test_photo_and_staff_number_round_trip_on_postgresql(pg_url, tmp_path, monkeypatch):
    from queue_server.app import create_app
    from queue_server.services.config_loader import load_config
    from tests.conftest import TEST_HALL, FakeClock

    monkeypatch.chdir(tmp_path)
    app = create_app({"database_url": pg_url, "async_mode": "threading", "secret_key": "s",
                      "password_hash_method": "pbkdf2:sha256:1000"}, clock=FakeClock())
    ctx = app.extensions["hallq"]
    try:
        load_config(ctx, TEST_HALL)
        photo = image_bytes("PNG")
        accounts.add_user(ctx, "zhang", PASSWORD, "staff", ctx.halls.get("h1").id,
                          staff_no="0123", photo=photo)
        key = profiles.profile(ctx, "zhang")["photo_key"]
        taken = _code(lambda: accounts.add_user(ctx, "li", PASSWORD, "staff",
                                                ctx.halls.get("h1").id, staff_no="0123"))
        assert (profiles.photo(ctx, "h1", key), taken) == ((photo, "image/png"),
                                                           "staff_no_taken")
    finally:
        ctx.close()
