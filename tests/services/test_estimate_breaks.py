"""The forecast knows a window's recurring breaks (a lunch rota) from the hall's history."""

from datetime import datetime, time, timedelta

from queue_server.domain.estimate import robust_mean
from queue_server.services import estimates
from tests.test_planner import ZONE, seed

TODAY = datetime(2026, 3, 2).date()


def _at(hour, minute=0):
    return datetime.combine(TODAY, time(hour, minute), ZONE)


def _window(ctx, number, now):
    hall = ctx.halls.get("h1")
    with ctx.db.read() as conn:
        state = estimates.hall_now(ctx, conn, hall, now)
    return next(w for w in state.windows if w.window_id == hall.window(number).id)


def test_an_open_window_is_expected_to_take_its_usual_lunch(ctx, clock):
    seed(ctx)  # window 1 paused 12:02-13:01 on two days
    clock.now = _at(11, 50)
    assert (_at(12), _at(13)) in _window(ctx, 1, clock.now).off
    assert _window(ctx, 2, clock.now).off == ()


def test_a_window_paused_for_its_lunch_is_back_at_its_usual_end(ctx, clock, manager, client):
    seed(ctx)
    clock.now = _at(12, 4)
    response = client.post("/api/v1/halls/h1/windows/1/pause", json={"reason": "午休"},
                           headers=manager)
    assert response.status_code == 200
    window = _window(ctx, 1, _at(12, 10))
    assert window.available_at == _at(13)
    assert (_at(12), _at(13)) not in window.off  # begun: the pause says when it ends


def test_a_break_taken_already_is_not_expected_again(ctx, clock):
    seed(ctx)
    clock.now = _at(13, 30)
    assert all(end <= clock.now or start > clock.now
               for start, end in _window(ctx, 1, clock.now).off)
    assert (_at(12), _at(13)) not in _window(ctx, 1, clock.now).off


def test_the_robust_mean_keeps_the_long_tail_and_drops_a_forgotten_finish():
    tail = [200.0, 240.0, 260.0, 300.0, 320.0, 350.0, 400.0, 450.0, 600.0, 900.0]  # skewed
    assert robust_mean(tail) == sum(tail) / len(tail)
    assert robust_mean(tail + [8 * 3600.0]) == sum(tail) / len(tail)
    assert robust_mean([100.0, 200.0]) == 150.0  # few samples: the trimmed mean


def test_a_break_of_another_day_only_is_no_schedule(ctx, clock):
    seed(ctx, days=(TODAY - timedelta(days=3),))
    clock.now = _at(11, 50)
    assert _window(ctx, 1, clock.now).off == ()
