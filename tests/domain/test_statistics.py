"""Mean, percentile and satisfaction rate for reports."""

import pytest

from queue_server.domain.statistics import mean, percentile, satisfaction_rate


@pytest.mark.parametrize("values, expected", [
    ([1.0], 1.0), ([1.0, 2.0, 3.0, 4.0], 2.5), ([0.1] * 10, 0.1), ((600, 1200), 900.0),
])
def test_mean(values, expected):
    assert mean(values) == pytest.approx(expected)


def test_mean_of_nothing_is_none():
    assert mean([]) is None


# Expected values are numpy.percentile(values, p) with the default "linear" method.
@pytest.mark.parametrize("values, p, expected", [
    ([1, 2, 3, 4], 50, 2.5),
    ([1, 2, 3, 4], 90, 3.7),
    ([1, 2, 3, 4], 0, 1),
    ([1, 2, 3, 4], 100, 4),
    ([1, 2, 3, 4], 25, 1.75),
    ([15, 20, 35, 40, 50], 40, 29.0),
    ([50, 15, 40, 20, 35], 40, 29.0),
    ([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 90, 91.0),
    ([7], 90, 7),
    ([300, 600], 90, 570.0),
])
def test_percentile_interpolates_linearly_like_numpy(values, p, expected):
    assert percentile(values, p) == pytest.approx(expected)


def test_percentile_of_nothing_is_none():
    assert percentile([], 90) is None


@pytest.mark.parametrize("p", [-1, 100.5])
def test_percentile_outside_0_to_100_is_a_value_error(p):
    with pytest.raises(ValueError):
        percentile([1, 2], p)


@pytest.mark.parametrize("counts, expected", [
    ({"very_satisfied": 3, "satisfied": 1}, 1.0),
    ({"very_satisfied": 1, "very_dissatisfied": 1}, 0.5),
    ({"basic": 1, "dissatisfied": 3}, 0.25),
    ({"satisfied": 2, "basic": 1, "dissatisfied": 1, "very_dissatisfied": 1}, 0.6),
    ({"very_dissatisfied": 4}, 0.0),
    ({"satisfied": 1, "dissatisfied": 0}, 1.0),
])
def test_satisfaction_rate_is_the_share_of_non_bad_reviews(counts, expected):
    assert satisfaction_rate(counts) == pytest.approx(expected)


@pytest.mark.parametrize("counts", [{}, {"satisfied": 0, "dissatisfied": 0}])
def test_satisfaction_rate_without_evaluations_is_none(counts):
    assert satisfaction_rate(counts) is None


def test_satisfaction_rate_refuses_an_unknown_grade():
    with pytest.raises(ValueError):
        satisfaction_rate({"good": 1})
