"""The first wait estimate."""

import pytest

from queue_server.domain.estimate import estimate_wait_s, trimmed_mean


@pytest.mark.parametrize("ahead", [0, -1])
def test_nobody_ahead_means_no_wait(ahead):
    assert estimate_wait_s(ahead, [300.0, 600.0], 2, 300.0) == 0


def test_no_samples_uses_the_default_handling_time():
    assert estimate_wait_s(3, [], 1, 300.0) == 900


def test_few_samples_use_the_plain_mean():
    assert estimate_wait_s(1, [100.0, 200.0, 600.0], 1, 999.0) == 300


@pytest.mark.parametrize("ahead, open_windows, expected", [
    (4, 1, 1200), (4, 2, 600), (4, 3, 400), (5, 3, 500), (1, 3, 100),
])
def test_the_wait_is_shared_by_the_open_windows(ahead, open_windows, expected):
    assert estimate_wait_s(ahead, [300.0], open_windows, 0.0) == expected


def test_no_open_window_estimates_as_if_one_opens():
    assert estimate_wait_s(2, [300.0], 0, 0.0) == 600


def test_the_result_is_rounded_to_whole_seconds():
    assert estimate_wait_s(1, [100.0, 101.0], 3, 0.0) == 34  # 100.5 / 3 = 33.5 -> 34


def test_the_result_is_an_int():
    assert isinstance(estimate_wait_s(1, [100.5], 1, 0.0), int)


def test_ten_samples_drop_the_lowest_and_highest():
    samples = [1.0] + [300.0] * 8 + [10_000.0]
    assert estimate_wait_s(1, samples, 1, 0.0) == 300


def test_nine_samples_are_not_trimmed():
    samples = [0.0] + [300.0] * 7 + [900.0]
    assert estimate_wait_s(1, samples, 1, 0.0) == 333  # (0 + 2100 + 900) / 9


@pytest.mark.parametrize("samples, expected", [
    ([0.0] + [300.0] * 7 + [3300.0], 600.0),                 # 9 samples: plain mean
    ([0.0] + [300.0] * 8 + [3000.0], 300.0),                 # 10: one cut at each end
    ([0.0] + [300.0] * 17 + [3000.0] * 2, 300.0),            # 20: two cut at each end
    ([0.0, 0.0] + [300.0] * 17 + [3000.0, 3000.0], 300.0),   # 21: still two cut
    ([0.0] * 3 + [300.0] * 24 + [3000.0] * 3, 300.0),        # 30: three cut
])
def test_trimmed_mean(samples, expected):
    assert trimmed_mean(samples) == pytest.approx(expected)


def test_trimmed_mean_of_nothing_is_a_value_error():
    with pytest.raises(ValueError):
        trimmed_mean([])


def test_trimmed_mean_does_not_depend_on_sample_order():
    samples = [3000.0, 300.0, 300.0, 0.0, 300.0, 300.0, 300.0, 300.0, 300.0, 300.0]
    assert trimmed_mean(samples) == 300.0
