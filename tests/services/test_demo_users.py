"""The demo hall's staff have names, staff numbers (工号) and placeholder photos."""

from queue_server.demo import CONFIG, ensure_demo_users
from queue_server.services import profiles
from queue_server.services.config_loader import load_config, read_config_file


def _demo_hall(ctx):
    load_config(ctx, read_config_file(CONFIG))
    return ctx.halls.get("demo")


def test_each_demo_staff_member_has_a_staff_number_and_a_photo(ctx):
    ensure_demo_users(ctx, _demo_hall(ctx))
    stored = [profiles.profile(ctx, f"staff{n}") for n in range(1, 7)]
    assert [(p["staff_no"], p["photo"]) for p in stored] == [
        (f"01{n:02d}", "image/png") for n in range(1, 7)]


def test_seeding_again_keeps_the_photos(ctx):
    hall = _demo_hall(ctx)
    ensure_demo_users(ctx, hall)
    before = profiles.profile(ctx, "staff1")["photo_key"]
    ensure_demo_users(ctx, hall)
    assert profiles.profile(ctx, "staff1")["photo_key"] == before


def test_an_older_demo_database_gets_staff_numbers(ctx):
    hall = _demo_hall(ctx)
    ensure_demo_users(ctx, hall)
    profiles.set_profile(ctx, "staff2", staff_no=None, photo=None)
    ensure_demo_users(ctx, hall)
    assert profiles.profile(ctx, "staff2")["staff_no"] == "0102"
