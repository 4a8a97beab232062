"""The forward simulation behind wait estimates, on hand-built hall states."""

from datetime import datetime, timedelta, timezone

import pytest

from queue_server.domain.estimate import handling_estimate_s
from queue_server.domain.forecast import HallNow, Waiting, WindowNow, forecast

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)
A, B = 1, 2


def ago(minutes: float) -> datetime:
    return NOW - timedelta(minutes=minutes)


def waits(result, ids):
    return [result.wait_s(i, NOW) for i in ids]


def queue(service, count, start_id=1, priority=False, minutes_ago=10.0):
    return [Waiting(start_id + k, service, priority, ago(minutes_ago - k * 0.01))
            for k in range(count)]


def test_one_window_serves_its_queue_in_order():
    state = HallNow(NOW, [WindowNow(10, (A,))], queue(A, 3), {A: 300.0})
    result = forecast(state)
    assert waits(result, [1, 2, 3]) == [0, 300, 600]
    assert result.new_ticket_wait_s(A, False, NOW) == 900


def test_shared_window_prefers_its_first_service():
    # window 10 serves A only; window 11 prefers A, then B: B waits until A is empty.
    windows = [WindowNow(10, (A,)), WindowNow(11, (A, B))]
    state = HallNow(NOW, windows, queue(A, 4) + queue(B, 1, start_id=100, minutes_ago=20),
                    {A: 600.0, B: 100.0})
    result = forecast(state)
    assert waits(result, [1, 2, 3, 4]) == [0, 0, 600, 600]
    assert result.wait_s(100, NOW) == 1200  # after window 11's two A tickets


def test_oldest_first_policy_takes_the_oldest_across_services():
    windows = [WindowNow(10, (A, B))]
    state = HallNow(NOW, windows, queue(A, 2) + queue(B, 1, start_id=100, minutes_ago=20),
                    {A: 600.0, B: 100.0}, policy="oldest_first")
    assert waits(forecast(state), [100, 1, 2]) == [0, 100, 700]


def test_a_paused_window_calls_nobody_until_it_returns():
    paused_until = NOW + timedelta(minutes=15)
    state = HallNow(NOW, [WindowNow(10, (A,), available_at=paused_until)], queue(A, 2),
                    {A: 300.0})
    assert waits(forecast(state), [1, 2]) == [900, 1200]


def test_a_service_nobody_serves_gets_no_estimate():
    state = HallNow(NOW, [WindowNow(10, (A,))], queue(B, 1), {A: 300.0, B: 300.0})
    result = forecast(state)
    assert result.wait_s(1, NOW) is None
    assert result.new_ticket_wait_s(B, False, NOW) is None


def test_the_current_ticket_holds_the_window_for_what_is_left_of_it():
    window = WindowNow(10, (A,), serving_service_id=A, serving_since=ago(2))
    state = HallNow(NOW, [window], queue(A, 1), {A: 300.0})
    assert waits(forecast(state), [1]) == [180]


def test_a_long_running_ticket_still_has_a_little_to_go():
    window = WindowNow(10, (A,), serving_service_id=A, serving_since=ago(30))
    state = HallNow(NOW, [window], queue(A, 1), {A: 300.0})
    assert waits(forecast(state), [1]) == [120]  # 40% of 300 s, not 0


def test_priority_tickets_go_first_and_expected_ones_overtake():
    state = HallNow(NOW, [WindowNow(10, (A,))],
                    queue(A, 2) + queue(A, 1, start_id=50, priority=True, minutes_ago=1),
                    {A: 300.0})
    assert waits(forecast(state), [50, 1, 2]) == [0, 300, 600]
    expected = HallNow(NOW, [WindowNow(10, (A,))], queue(A, 3), {A: 300.0},
                       arrivals_per_h={(A, True): 6.0})  # one every 10 minutes
    plain = forecast(HallNow(NOW, [WindowNow(10, (A,))], queue(A, 3), {A: 300.0}))
    assert forecast(expected).wait_s(3, NOW) > plain.wait_s(3, NOW)


def test_expected_arrivals_for_a_preferred_service_delay_the_other():
    windows = [WindowNow(10, (A, B), serving_service_id=B, serving_since=NOW)]
    base = dict(now=NOW, windows=windows, waiting=queue(B, 1, start_id=100),
                handling_s={A: 120.0, B: 300.0})
    quiet = forecast(HallNow(**base)).wait_s(100, NOW)
    busy = forecast(HallNow(**base, arrivals_per_h={(A, False): 15.0})).wait_s(100, NOW)
    assert quiet == 300 and busy == 420  # the A that arrives at +4 min goes first


def test_a_burst_rate_hands_out_at_most_arrivals_max(monkeypatch):
    """A load test's rate (tens of thousands an hour) is capped at ``ARRIVALS_MAX`` expected
    arrivals per run, after which the preferred service's arrivals stop delaying the other."""
    from queue_server.domain import forecast as module

    monkeypatch.setattr(module, "ARRIVALS_MAX", 3)
    windows = [WindowNow(10, (A, B), serving_service_id=B, serving_since=NOW)]
    base = dict(now=NOW, windows=windows, waiting=queue(B, 1, start_id=100),
                handling_s={A: 120.0, B: 300.0})
    flood = forecast(HallNow(**base, arrivals_per_h={(A, False): 36000.0}))
    # the window frees at +5 min; three A arrivals (120 s each) go first, then B's ticket
    assert flood.wait_s(100, NOW) == 300 + 3 * 120


def test_an_overdue_ticket_jumps_the_preference():
    windows = [WindowNow(10, (A, B))]
    state = HallNow(NOW, windows, queue(A, 3) + queue(B, 1, start_id=100, minutes_ago=29),
                    {A: 300.0, B: 300.0}, max_wait_s={B: 30 * 60})
    result = forecast(state)
    # A's first ticket is called now; at +5 min B (waited 34 min) is overdue and goes first.
    assert waits(result, [1, 100, 2, 3]) == [0, 300, 600, 900]


def test_a_ticket_transferred_to_a_window_waits_only_for_that_window():
    windows = [WindowNow(10, (A,)), WindowNow(11, (A,), serving_service_id=A,
                                              serving_since=ago(0))]
    state = HallNow(NOW, windows, queue(A, 1) + [Waiting(7, A, False, ago(5), 11)],
                    {A: 300.0})
    assert waits(forecast(state), [1, 7]) == [0, 300]


def test_each_further_new_ticket_adds_a_step():
    state = HallNow(NOW, [WindowNow(10, (A,)), WindowNow(11, (A,))], queue(A, 6), {A: 600.0})
    result = forecast(state)
    first = result.new_ticket_wait_s(A, False, NOW)
    assert result.new_ticket_wait_s(A, False, NOW, issued_since=2) == first + 2 * 300


def test_the_forecast_is_deterministic():
    state = HallNow(NOW, [WindowNow(10, (A, B)), WindowNow(11, (B, A))],
                    queue(A, 30) + queue(B, 30, start_id=100), {A: 250.0, B: 410.0},
                    {A: 1800, B: None}, {(A, False): 20.0, (B, True): 3.0})
    assert forecast(state) == forecast(state)


@pytest.mark.parametrize("hour, expected", [(9, 100.0), (15, 550.0)])
def test_handling_uses_the_hour_when_it_has_enough_samples(hour, expected):
    samples = [(9, 100.0)] * 8 + [(14, 1000.0)] * 8
    assert handling_estimate_s(samples, hour, 300.0) == expected


def test_handling_drops_outliers_and_defaults_without_samples():
    samples = [(9, 100.0)] * 9 + [(9, 10_000.0)]
    assert handling_estimate_s(samples, 9, 300.0) == 100.0
    assert handling_estimate_s([], 9, 300.0) == 300.0


def test_a_paused_window_returns_after_its_typical_pause_or_a_little_after():
    from queue_server.domain.forecast import expected_return

    assert expected_return(ago(10), 1800.0, NOW) == NOW + timedelta(minutes=20)
    assert expected_return(ago(60), 1800.0, NOW) == NOW + timedelta(minutes=12)  # 40% of 30
