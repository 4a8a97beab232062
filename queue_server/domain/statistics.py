"""Figures for reports: mean, percentile and the satisfaction rate."""

import math
from collections.abc import Mapping, Sequence

from queue_server.domain.grades import BAD_GRADES, GRADES


def mean(values: Sequence[float]) -> float | None:
    """Arithmetic mean; None when there are no values."""
    if not values:
        return None
    return math.fsum(values) / len(values)


def percentile(values: Sequence[float], p: float, presorted: bool = False) -> float | None:
    """The ``p``-th percentile (0-100) with linear interpolation, like numpy's default.

    None when there are no values. ``presorted`` says ``values`` is in ascending order already.
    """
    if not 0 <= p <= 100:
        raise ValueError("percentile p must be between 0 and 100")
    if not values:
        return None
    ordered = values if presorted else sorted(values)
    rank = (len(ordered) - 1) * p / 100
    lower = math.floor(rank)
    upper = min(lower + 1, len(ordered) - 1)
    fraction = rank - lower
    return ordered[lower] + (ordered[upper] - ordered[lower]) * fraction


def satisfaction_rate(grade_counts: Mapping[str, int]) -> float | None:
    """Share of evaluations that are not bad reviews; None when there are no evaluations."""
    unknown = set(grade_counts) - set(GRADES)
    if unknown:
        raise ValueError(f"unknown grades: {sorted(unknown)}")
    total = sum(grade_counts.values())
    if total == 0:
        return None
    good = sum(count for grade, count in grade_counts.items() if grade not in BAD_GRADES)
    return good / total
