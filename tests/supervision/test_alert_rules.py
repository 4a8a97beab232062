"""The pure supervision rules: levels at exact thresholds and hall limits from options."""

import pytest

from queue_server.domain import alerts as rules


@pytest.mark.parametrize("value, level", [(23.99, None), (24, "yellow"), (29.99, "yellow"),
                                          (30, "red"), (100, "red")])
def test_level_is_yellow_from_80_percent_and_red_from_the_limit(value, level):
    assert rules.level_for(value, 30, 0.8) == level


def test_no_limit_means_no_alert():
    assert rules.level_for(10_000, None, 0.8) is None


def test_hall_options_set_the_limits():
    limits = rules.hall_limits({"max_pause_min": 10, "device_silent_min": 2,
                                "alert_warn_ratio": 0.5})
    assert limits == rules.Limits(0.5, 600.0, 120.0)


def test_zero_minutes_turns_an_alert_off():
    assert rules.hall_limits({"max_pause_min": 0}).max_pause_s is None


def test_nonsense_ratio_falls_back_to_80_percent():
    assert rules.hall_limits({"alert_warn_ratio": 3}).warn_ratio == 0.8


def test_pause_outside_opening_hours_is_no_alert():
    from datetime import datetime, timezone

    now = datetime(2026, 3, 2, tzinfo=timezone.utc)
    window = rules.WindowFact(1, 1, datetime(2026, 3, 1, tzinfo=timezone.utc), in_hours=False)
    assert rules.window_alerts(now, rules.Limits(), [window]) == []


def test_window_nobody_signed_in_is_red_when_known():
    from datetime import datetime, timezone

    now = datetime(2026, 3, 2, tzinfo=timezone.utc)
    window = rules.WindowFact(1, 1, None, in_hours=True, attended=False)
    assert [(w.kind, w.level) for w in rules.window_alerts(now, rules.Limits(), [window])] == [
        (rules.WINDOW_UNATTENDED, "red")]
