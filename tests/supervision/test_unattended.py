"""空岗 (window unattended): raised only in the window's hours and after the hall's grace period
(counted from the hours' start, the last sign-out or the start of supervision), cleared the
moment someone signs in. Driven by the fake clock; test hall h1: windows 1 and 2 serve the
always-open A and B, window 3 serves C (always open) and D (08:30-12:00, 14:00-17:30)."""

import copy
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from queue_server.domain.errors import DomainError
from queue_server.domain.hours import open_since, parse_hours
from queue_server.services import supervisor
from queue_server.services.config_loader import load_config
from tests.conftest import TEST_HALL
from tests.supervision.conftest import _admin, act, issue, open_alerts

UNATTENDED = "window_unattended"
SHANGHAI = "Asia/Shanghai"


def _utc(hour, minute=0, second=0):
    """The UTC instant of a Shanghai local time on 2026-03-02 (the fake clock's day)."""
    return datetime(2026, 3, 2, hour, minute, second,
                    tzinfo=ZoneInfo(SHANGHAI)).astimezone(timezone.utc)


def _windows(ctx) -> list[int]:
    """Numbers of the windows with an open 空岗 alert, after one supervision pass."""
    supervisor.run_once(ctx)
    return _open_now(ctx)


def _open_now(ctx) -> list[int]:
    """The same, without a supervision pass."""
    return sorted(a["window"] for a in supervisor.list_alerts(ctx, _admin(ctx), "h1", True)
                  if a["kind"] == UNATTENDED)


def _configure(ctx, **hall_options):
    config = copy.deepcopy(TEST_HALL)
    config["halls"][0].update(hall_options)
    load_config(ctx, config)


def test_no_unattended_alert_at_the_first_second_of_supervision(ctx):
    assert _windows(ctx) == []


def test_quiet_one_second_before_the_grace_period_ends(ctx, clock):
    _windows(ctx)
    clock.advance(minutes=9, seconds=59)
    assert _windows(ctx) == []


def test_raised_red_when_the_ten_minute_grace_period_ends(ctx, clock):
    _windows(ctx)
    clock.advance(minutes=10)
    assert open_alerts(ctx, UNATTENDED) == [(UNATTENDED, "red")] * 3


def test_the_grace_period_is_a_hall_option(ctx, clock):
    _configure(ctx, unattended_grace_min=2)
    _windows(ctx)
    clock.advance(minutes=2)
    assert _windows(ctx) == [1, 2, 3]


def test_grace_counts_from_the_start_of_the_halls_staffed_hours(ctx, clock):
    _configure(ctx, staffed_hours=["08:30-12:00", "14:00-17:30"])
    clock.now = _utc(7, 0)
    _windows(ctx)  # supervision running since 07:00: nothing expected before 08:30
    clock.now = _utc(8, 39, 59)
    quiet = _windows(ctx)
    clock.now = _utc(8, 40)
    assert (quiet, _windows(ctx)) == ([], [1, 2, 3])


def test_no_unattended_alert_outside_the_hours(ctx, clock):
    _configure(ctx, staffed_hours=["08:30-12:00", "14:00-17:30"])
    clock.now = _utc(12, 0)
    _windows(ctx)
    clock.now = _utc(13, 30)
    assert _windows(ctx) == []


def test_a_window_follows_its_own_services_hours_first(ctx, clock):
    # window 3 serves D (own hours 08:30-12:00, 14:00-17:30) and C (follows the hall's hours)
    _configure(ctx, staffed_hours=["07:00-20:00"])
    clock.now = _utc(6, 0)
    _windows(ctx)
    clock.now = _utc(7, 5)
    early = _windows(ctx)
    clock.now = _utc(7, 10)
    assert (early, _windows(ctx)) == ([], [1, 2, 3])


def test_an_alert_outside_the_hours_clears(ctx, clock):
    _configure(ctx, staffed_hours=["08:30-12:00"])
    _windows(ctx)
    clock.advance(minutes=10)
    raised = _windows(ctx)
    clock.now = _utc(12, 0)
    assert (raised, _windows(ctx)) == ([1, 2, 3], [])


def test_signing_in_clears_the_alert_at_once_without_a_supervision_pass(ctx, client, accts,
                                                                          clock):
    staff = accts.user("staff", windows=(1,))
    _windows(ctx)
    clock.advance(minutes=10)
    _windows(ctx)
    assert client.post("/api/v1/halls/h1/windows/1/sign-in", headers=staff).status_code == 200
    assert _open_now(ctx) == [2, 3]


def test_signing_in_pushes_the_cleared_alert(ctx, client, accts, clock):
    pushed = []
    supervisor.set_pusher(ctx, pushed.extend)
    staff = accts.user("staff", windows=(1,))
    _windows(ctx)
    clock.advance(minutes=10)
    _windows(ctx)
    pushed.clear()
    client.post("/api/v1/halls/h1/windows/1/sign-in", headers=staff)
    assert [(c["event"], c["alert"]["window"]) for c in pushed] == [("alert_cleared", 1)]


def test_grace_counts_again_from_the_last_sign_out(ctx, client, accts, clock):
    staff = accts.user("staff", windows=(1,))
    _windows(ctx)  # supervision running
    client.post("/api/v1/halls/h1/windows/1/sign-in", headers=staff)
    clock.advance(hours=1)
    client.post("/api/v1/halls/h1/windows/1/sign-out", headers=staff)
    clock.advance(minutes=9, seconds=59)
    quiet = _windows(ctx)
    clock.advance(seconds=1)
    assert (1 in quiet, 1 in _windows(ctx)) == (False, True)


def test_a_window_serving_a_ticket_is_attended(ctx, client, kiosk, staff1, clock):
    _windows(ctx)
    issue(client, kiosk)
    act(client, staff1, "call-next")  # called without a window sign-in
    clock.advance(minutes=10)
    assert 1 not in _windows(ctx)


def test_open_since_is_the_start_of_the_current_period():
    hours = parse_hours(["08:30-12:00", "14:00-17:30"])
    assert [open_since(hours, _utc(h, m), SHANGHAI) for h, m in ((9, 0), (12, 0), (15, 0))] == [
        _utc(8, 30), None, _utc(14, 0)]


def test_open_since_is_local_midnight_when_always_open():
    assert open_since((), _utc(0, 0, 1), SHANGHAI) == _utc(0, 0)


@pytest.mark.parametrize("bad", [["8-12"], ["12:00-08:00"], "08:00-12:00"])
def test_load_config_refuses_bad_staffed_hours(ctx, bad):
    with pytest.raises(DomainError, match="staffed_hours"):
        _configure(ctx, staffed_hours=bad)
