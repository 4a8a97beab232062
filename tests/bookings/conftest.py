"""A test hall whose service D (hours 08:30-12:00, 14:00-17:30) takes bookings."""

import copy

import pytest

from queue_server.domain.idnumber import make_id_number
from queue_server.services.config_loader import load_config
from tests.conftest import TEST_HALL

BOOKING = {"enabled": True, "slot_min": 30, "places": 4, "days_ahead": 3, "reserved": 20,
           "prefix": "Y"}


def booking_hall(quota: int | None = 30, **booking) -> dict:
    """The test hall with bookings for D; ``quota=None``: no daily quota, no reserved share."""
    config = copy.deepcopy(TEST_HALL)
    service_d = config["halls"][0]["services"][3]
    service_d["booking"] = dict(BOOKING, **booking)
    if quota is None:
        service_d["booking"].pop("reserved")
    else:
        service_d["daily_quota"] = quota
    return config


def person(n: int) -> str:
    """A valid ID number, different for each n."""
    return make_id_number(f"11010519800101{n:03d}")


@pytest.fixture
def booking_ctx(ctx):
    load_config(ctx, booking_hall())
    return ctx
