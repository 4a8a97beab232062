"""What the LED agent shows for a window's state (pure), and when it writes to the sign."""

import pytest

from display import led_agent
from display.led_agent import LedAgent, apply_event, sign_text, window_state
from hardware.led import FakeLedSign, LedSignError

SNAPSHOT = {"windows": [
    {"window": 1, "window_name": "1号窗口", "state": "serving", "reason": None,
     "current": {"number": "A001", "service": "A", "service_name": "不动产登记"}},
    {"window": 2, "window_name": "综合窗口", "state": "paused", "reason": "午休", "current": None},
    {"window": 3, "window_name": "3号窗口", "state": "idle", "reason": None, "current": None},
    {"window": 4, "window_name": "4号窗口", "state": "closed", "reason": None, "current": None},
]}


def state(**changes):
    return dict({"window_name": "3号窗口", "state": "serving", "reason": None, "number": None},
                **changes)


@pytest.mark.parametrize("width, text", [(16, "请A001号办理"), (8, "请A001号"), (6, "A001"),
                                         (2, "A001")])
def test_the_number_served_fits_the_sign_width(width, text):
    assert sign_text(state(number="A001"), width) == text


def test_a_paused_window_shows_zanting_even_with_a_ticket():
    assert sign_text(state(state="paused", number="A001")) == "3号窗口 暂停"


def test_an_idle_window_waits_for_the_next():
    assert sign_text(state(state="idle")) == "3号窗口 等候叫号"


def test_an_unstaffed_window_shows_weikaifang():
    assert sign_text(state(state="closed", window_name="4号窗口")) == "4号窗口 未开放"


def test_a_long_window_name_gives_way_to_the_state():
    assert sign_text(state(state="idle", window_name="综合受理窗口")) == "等候叫号"


@pytest.mark.parametrize("window, text", [(1, "请A001号办理"), (2, "综合窗口 暂停"), (3, "3号窗口 等候叫号"),
                                          (4, "4号窗口 未开放")])
def test_the_snapshot_gives_each_windows_text(window, text):
    assert sign_text(window_state(SNAPSHOT, window)) == text


@pytest.mark.parametrize("server_state, current, text", [
    ("open", {"number": "A001"}, "请A001号办理"), ("open", None, "3号窗口 等候叫号")])
def test_an_older_servers_open_state_still_reads_right(server_state, current, text):
    entry = {"window": 3, "window_name": "3号窗口", "state": server_state, "current": current}
    assert sign_text(window_state({"windows": [entry]}, 3)) == text


@pytest.mark.parametrize("change_state", ["idle", "closed", "paused"])
def test_a_call_that_ended_leaves_the_sign(change_state):
    """Transfer, 过号, finish or hold (idle), sign-out (closed), pause: the number goes."""
    serving = apply_event(state(state="idle"), "ticket_called", {"window": 3, "number": "A003"}, 3)
    change = {"window": 3, "window_name": "3号窗口", "state": change_state, "reason": None,
              "current": None}
    assert "A003" not in sign_text(apply_event(serving, "window_changed", change, 3))


def test_a_call_at_another_window_changes_nothing():
    before = window_state(SNAPSHOT, 3)
    after = apply_event(before, "ticket_called", {"window": 1, "number": "B002"}, 3)
    assert after == before


def test_a_call_at_this_window_shows_its_number():
    after = apply_event(state(state="idle"), "ticket_called", {"window": 3, "number": "B002"}, 3)
    assert sign_text(after) == "请B002号办理"


def test_window_changed_replaces_the_state():
    change = {"window": 3, "window_name": "3号窗口", "state": "paused", "reason": None,
              "current": None}
    assert sign_text(apply_event(state(number="A001"), "window_changed", change, 3)) == (
        "3号窗口 暂停")


def test_every_snapshot_is_written_even_when_the_text_is_unchanged():
    sign = FakeLedSign(address=3)
    agent = LedAgent(sign, 3, 16)
    agent.snapshot(SNAPSHOT)
    agent.snapshot(SNAPSHOT)
    assert sign.shown == ["3号窗口 等候叫号"] * 2


def test_an_event_that_changes_nothing_is_not_written():
    sign = FakeLedSign(address=3)
    agent = LedAgent(sign, 3, 16)
    agent.snapshot(SNAPSHOT)
    agent.event("window_changed", dict(SNAPSHOT["windows"][2]))
    assert sign.shown == ["3号窗口 等候叫号"]


def test_events_before_the_first_snapshot_are_ignored():
    sign = FakeLedSign(address=3)
    LedAgent(sign, 3, 16).event("ticket_called", {"window": 3, "number": "A005"})
    assert sign.shown == []


class FlakySign(FakeLedSign):
    def __init__(self, failures: int):
        super().__init__(address=3)
        self.failures = failures

    def show(self, text):
        if self.failures:
            self.failures -= 1
            raise LedSignError("unplugged")
        super().show(text)


def test_a_failed_write_is_retried():
    sign = FlakySign(failures=1)
    agent = LedAgent(sign, 3, 16)
    agent.snapshot(SNAPSHOT)
    agent.retry()
    assert sign.shown == ["3号窗口 等候叫号"]


def test_the_agent_connects_as_its_led_device_when_given_a_token():
    args = led_agent.parse_args(["--server", "http://x", "--hall", "h1", "--window", "2",
                                 "--sign", "console", "--token", "secret"])
    assert led_agent._auth(args) == {"hall": "h1", "window": 2, "token": "secret"}


def test_without_a_token_the_agent_connects_anonymously(monkeypatch):
    monkeypatch.delenv("HALLQ_LED_TOKEN", raising=False)
    args = led_agent.parse_args(["--server", "http://x", "--hall", "h1", "--window", "2",
                                 "--sign", "console"])
    assert led_agent._auth(args) == {"hall": "h1", "window": 2}


@pytest.mark.parametrize("code,kept", [("unauthenticated", False), ("forbidden", False),
                                       ("unknown_hall", True)])
def test_a_refused_token_is_dropped_so_the_sign_keeps_working(code, kept):
    args = led_agent.parse_args(["--server", "http://x", "--hall", "h1", "--window", "2",
                                 "--sign", "console", "--token", "secret"])
    # what python-socketio hands connect_error: the server's message and data {code, message}
    led_agent._refused_token(args, {"message": "no", "data": {"code": code, "message": "no"}})
    assert ("token" in led_agent._auth(args)) is kept


class _Client:
    def __init__(self, connected):
        self.connected, self.sent = connected, []

    def emit(self, name, payload, namespace):
        self.sent.append((name, namespace))


@pytest.mark.parametrize("connected,sent", [(True, [("heartbeat", "/display")]), (False, [])])
def test_a_heartbeat_goes_out_only_while_connected(connected, sent):
    client = _Client(connected)
    led_agent._heartbeat(client)
    assert client.sent == sent
