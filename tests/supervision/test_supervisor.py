"""The supervisor with an injected clock: each alert raised exactly at its threshold (yellow at
80%, red at the limit) and cleared when its cause ends."""

import copy

import pytest
from sqlalchemy import update

from queue_server.services import supervisor
from queue_server.services.config_loader import load_config
from queue_server.storage.models import devices
from tests.conftest import TEST_HALL
from tests.supervision.conftest import act, issue, open_alerts

WAIT = "wait_over_limit"


def test_nothing_to_say_about_a_fresh_ticket(ctx, client, kiosk, clock):
    issue(client, kiosk)
    assert open_alerts(ctx, WAIT) == []


def test_waiting_is_quiet_just_before_80_percent(ctx, client, kiosk, clock):
    issue(client, kiosk)  # service A: max_wait_min 30 → yellow at 24 min
    clock.advance(minutes=24, seconds=-1)
    assert open_alerts(ctx, WAIT) == []


def test_waiting_turns_yellow_at_exactly_80_percent(ctx, client, kiosk, clock):
    issue(client, kiosk)
    clock.advance(minutes=24)
    assert open_alerts(ctx, WAIT) == [(WAIT, "yellow")]


def test_waiting_stays_yellow_just_before_the_limit(ctx, client, kiosk, clock):
    issue(client, kiosk)
    clock.advance(minutes=24)
    open_alerts(ctx)
    clock.advance(minutes=6, seconds=-1)
    assert open_alerts(ctx, WAIT) == [(WAIT, "yellow")]


def test_waiting_turns_red_at_exactly_the_limit(ctx, client, kiosk, clock):
    issue(client, kiosk)
    clock.advance(minutes=24)
    open_alerts(ctx)
    clock.advance(minutes=6)
    assert open_alerts(ctx, WAIT) == [(WAIT, "red")]


def test_waiting_alert_names_the_ticket(ctx, client, kiosk, clock, manager):
    issue(client, kiosk)
    clock.advance(minutes=30)
    supervisor.run_once(ctx)
    body = client.get("/api/v1/halls/h1/alerts", headers=manager).get_json()
    assert [(a["ticket"], a["cleared_at"]) for a in body if a["kind"] == WAIT] == [("A001", None)]


def test_waiting_alert_clears_when_the_ticket_is_called(ctx, client, kiosk, staff1, clock):
    issue(client, kiosk)
    clock.advance(minutes=31)
    open_alerts(ctx)
    act(client, staff1, "call-next")
    assert open_alerts(ctx, WAIT) == []


def test_service_without_a_limit_never_raises(ctx, client, kiosk, clock):
    issue(client, kiosk, "B")
    clock.advance(hours=5)
    assert open_alerts(ctx, WAIT) == []


def test_handling_turns_yellow_at_80_percent(ctx, client, kiosk, staff1, clock):
    issue(client, kiosk)  # max_service_min 20 → yellow at 16 min
    act(client, staff1, "call-next")
    clock.advance(minutes=16)
    assert open_alerts(ctx, "handling_over_limit") == [("handling_over_limit", "yellow")]


def test_handling_is_quiet_just_before_80_percent(ctx, client, kiosk, staff1, clock):
    issue(client, kiosk)
    act(client, staff1, "call-next")
    clock.advance(minutes=16, seconds=-1)
    assert open_alerts(ctx, "handling_over_limit") == []


def test_handling_turns_red_at_the_limit(ctx, client, kiosk, staff1, clock):
    issue(client, kiosk)
    act(client, staff1, "call-next")
    clock.advance(minutes=20)
    assert open_alerts(ctx, "handling_over_limit") == [("handling_over_limit", "red")]


def test_handling_alert_clears_when_finished(ctx, client, kiosk, staff1, clock):
    issue(client, kiosk)
    act(client, staff1, "call-next")
    clock.advance(minutes=25)
    open_alerts(ctx)
    act(client, staff1, "finish")
    assert open_alerts(ctx, "handling_over_limit") == []


def test_pause_turns_red_at_the_default_30_minutes(ctx, client, staff1, clock):
    act(client, staff1, "pause", reason="午休")
    clock.advance(minutes=30)
    assert open_alerts(ctx, "window_paused") == [("window_paused", "red")]


def test_pause_is_yellow_just_before_the_limit(ctx, client, staff1, clock):
    act(client, staff1, "pause")
    clock.advance(minutes=30, seconds=-1)
    assert open_alerts(ctx, "window_paused") == [("window_paused", "yellow")]


def test_pause_alert_clears_on_resume(ctx, client, staff1, clock):
    act(client, staff1, "pause")
    clock.advance(minutes=40)
    open_alerts(ctx)
    act(client, staff1, "resume")
    assert open_alerts(ctx, "window_paused") == []


def test_pause_limit_is_a_hall_option(ctx, client, staff1, clock):
    config = copy.deepcopy(TEST_HALL)
    config["halls"][0]["max_pause_min"] = 5
    load_config(ctx, config)
    act(client, staff1, "pause")
    clock.advance(minutes=5)
    assert open_alerts(ctx, "window_paused") == [("window_paused", "red")]


@pytest.fixture
def warn_at_5(ctx):
    config = copy.deepcopy(TEST_HALL)
    config["halls"][0]["services"][0]["warn_waiting"] = 5
    load_config(ctx, config)


def test_queue_turns_yellow_at_80_percent_of_the_warning_level(ctx, client, kiosk, warn_at_5):
    for _ in range(4):
        issue(client, kiosk)
    assert open_alerts(ctx, "queue_over_warning") == [("queue_over_warning", "yellow")]


def test_queue_is_quiet_below_80_percent(ctx, client, kiosk, warn_at_5):
    for _ in range(3):
        issue(client, kiosk)
    assert open_alerts(ctx, "queue_over_warning") == []


def test_queue_turns_red_at_the_warning_level(ctx, client, kiosk, warn_at_5):
    for _ in range(5):
        issue(client, kiosk)
    assert open_alerts(ctx, "queue_over_warning") == [("queue_over_warning", "red")]


def test_queue_alert_clears_when_the_queue_shrinks(ctx, client, kiosk, staff1, warn_at_5):
    for _ in range(5):
        issue(client, kiosk)
    open_alerts(ctx)
    for _ in range(2):
        act(client, staff1, "call-next")
    assert open_alerts(ctx, "queue_over_warning") == []


def _rate(client, evaluator, ticket, grade):
    return client.post(f"/api/v1/tickets/{ticket['id']}/evaluation", json={"grade": grade},
                       headers=evaluator)


@pytest.fixture
def served(client, kiosk, staff1):
    ticket = issue(client, kiosk)
    act(client, staff1, "call-next")
    act(client, staff1, "finish")
    return ticket


def test_bad_review_raises_a_red_alert(ctx, client, evaluator1, served):
    _rate(client, evaluator1, served, "very_dissatisfied")
    assert open_alerts(ctx, "bad_review") == [("bad_review", "red")]


def test_good_review_raises_nothing(ctx, client, evaluator1, served):
    _rate(client, evaluator1, served, "basic")
    assert open_alerts(ctx, "bad_review") == []


def test_acknowledged_bad_review_is_cleared_and_not_raised_again(ctx, client, evaluator1,
                                                                  served, manager):
    _rate(client, evaluator1, served, "dissatisfied")
    supervisor.run_once(ctx)
    alert_id = next(a["id"] for a in client.get("/api/v1/halls/h1/alerts",
                                                 headers=manager).get_json()
                    if a["kind"] == "bad_review")
    client.post(f"/api/v1/alerts/{alert_id}/acknowledge", json={"note": "已回访"},
                headers=manager)
    assert open_alerts(ctx, "bad_review") == []


def _seen_now(ctx, clock, device_id=None):
    with ctx.db.write() as conn:
        conn.execute(update(devices).values(last_seen_at=clock.now))


def test_device_goes_yellow_at_4_of_5_silent_minutes(ctx, kiosk, clock):
    _seen_now(ctx, clock)
    clock.advance(minutes=4)
    assert open_alerts(ctx, "device_silent") == [("device_silent", "yellow")]


def test_device_goes_red_after_5_silent_minutes(ctx, kiosk, clock):
    _seen_now(ctx, clock)
    clock.advance(minutes=5)
    assert open_alerts(ctx, "device_silent") == [("device_silent", "red")]


def test_device_alert_clears_when_it_is_heard_again(ctx, kiosk, clock):
    _seen_now(ctx, clock)
    clock.advance(minutes=6)
    open_alerts(ctx)
    _seen_now(ctx, clock)
    assert open_alerts(ctx, "device_silent") == []


def test_a_caller_keypad_heard_once_raises_nothing_when_quiet(ctx, accts, clock):
    accts.device("caller", window=1)  # speaks only when a key is pressed: no heartbeat
    _seen_now(ctx, clock)
    clock.advance(hours=1)
    assert open_alerts(ctx, "device_silent") == []


def test_never_seen_device_raises_nothing(ctx, kiosk, clock):
    clock.advance(hours=3)
    assert open_alerts(ctx, "device_silent") == []


def test_a_device_request_is_a_heartbeat(ctx, client, kiosk, clock):
    issue(client, kiosk)
    clock.advance(minutes=5)
    assert open_alerts(ctx, "device_silent") == [("device_silent", "red")]


def _kiosk_id(ctx):
    with ctx.db.read() as conn:
        return conn.execute(devices.select()).mappings().first()["id"]


def test_printer_fault_reported_twice_is_one_alert(ctx, kiosk):
    device_id = _kiosk_id(ctx)
    supervisor.raise_device_fault(ctx, device_id, "paper_out")
    supervisor.raise_device_fault(ctx, device_id, "paper_out")
    assert open_alerts(ctx, "device_fault") == [("device_fault", "red")]


def test_printer_fault_clears_through_the_hook(ctx, kiosk):
    device_id = _kiosk_id(ctx)
    supervisor.raise_device_fault(ctx, device_id, "paper_out")
    supervisor.clear_device_fault(ctx, device_id, "paper_out")
    assert open_alerts(ctx, "device_fault") == []


def test_a_pass_with_nothing_new_changes_nothing(ctx, client, kiosk, clock):
    issue(client, kiosk)
    clock.advance(minutes=31)
    supervisor.run_once(ctx)
    assert supervisor.run_once(ctx) == []


def test_heartbeat_writes_at_most_once_a_minute_per_device(ctx, kiosk):
    device_id = _kiosk_id(ctx)
    ctx.caches.pop("device_heartbeat", None)
    writes = [supervisor.device_seen(ctx, device_id=device_id) for _ in range(3)]
    assert writes == [True, False, False]


def test_windows_nobody_signed_in_at_are_unattended(ctx, clock):
    open_alerts(ctx)
    clock.advance(minutes=10)  # the default grace (test_unattended.py)
    assert open_alerts(ctx, "window_unattended") == [("window_unattended", "red")] * 3


def test_signing_in_clears_the_windows_unattended_alert(ctx, client, accts, clock):
    staff = accts.user("staff", windows=(1,))
    open_alerts(ctx)
    clock.advance(minutes=10)
    open_alerts(ctx)
    client.post("/api/v1/halls/h1/windows/1/sign-in", headers=staff)
    assert len(open_alerts(ctx, "window_unattended")) == 2


def test_a_hall_without_devices_raises_no_device_alert(ctx, client, staff1, clock):
    """A village point: one clerk takes tickets for walk-ins (代取号) at the counter, no kiosk,
    screen, LED sign or evaluator was ever installed."""
    for _ in range(3):
        issue(client, staff1)
    clock.advance(hours=3)
    alerts = open_alerts(ctx)
    assert not [kind for kind, _ in alerts if kind.startswith("device_")]
    assert ("wait_over_limit", "red") in alerts  # the hall itself is still supervised
