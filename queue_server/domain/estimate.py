"""Handling times robust to outliers, and the naive wait formula.

The estimate shown on tickets, kiosks and phones is the forward simulation of
``domain.forecast``; it takes its per-service handling times from ``handling_estimate_s``
(robust mean of recent samples, those of the same hour of day when there are enough).
The naive formula below is kept as the yardstick the simulator (``queue-server simulate``)
measures the estimate against, and as the fallback when no forecast can be made.

Naive formula::

    mean_handling_s = trimmed mean of recent_handling_s
                      (drop the lowest and highest 10% -- floor(n / 10) samples at each end --
                      when there are 10 samples or more; default_handling_s when there are none)
    estimate_s      = round(waiting_ahead * mean_handling_s / max(open_windows, 1))

The estimate is 0 when nobody is ahead. With no window open it still divides by 1: nobody is
serving, so the estimate assumes one window opens.
"""

import math
import statistics
from collections.abc import Sequence

TRIM_SHARE = 0.1
MIN_SAMPLES_TO_TRIM = 10


def trimmed_mean(samples: Sequence[float]) -> float:
    """Mean after dropping the lowest and highest 10% once there are 10 samples or more."""
    if not samples:
        raise ValueError("trimmed_mean needs at least one sample")
    ordered = sorted(samples)
    if len(ordered) >= MIN_SAMPLES_TO_TRIM:
        cut = int(len(ordered) * TRIM_SHARE)
        ordered = ordered[cut:len(ordered) - cut]
    return sum(ordered) / len(ordered)


MIN_SAMPLES_BY_HOUR = 8
OUTLIER_MADS = 3.0


def robust_mean(samples: Sequence[float]) -> float:
    """The mean of the samples without outliers: from 10 samples, those more than
    ``OUTLIER_MADS`` scaled median absolute deviations of the logs from the median log are
    left out (a forgotten finish), the rest kept whole. Handling times are skewed (about
    lognormal): a symmetric trim would cut the long tail that is really there and expect
    5-13 % too little; fewer samples: the trimmed mean."""
    if len(samples) < MIN_SAMPLES_TO_TRIM:
        return trimmed_mean(samples)
    logs = [math.log(max(s, 1.0)) for s in samples]
    middle = statistics.median(logs)
    spread = max(0.1, 1.4826 * statistics.median(abs(x - middle) for x in logs))
    kept = [s for s, x in zip(samples, logs) if abs(x - middle) <= OUTLIER_MADS * spread]
    return sum(kept) / len(kept)


def handling_estimate_s(samples: Sequence[tuple[int, float]], hour: int | None,
                        default_s: float) -> float:
    """Expected handling time from ``(hour of day, seconds)`` samples, newest first: the
    robust mean of the samples of ``hour`` when there are ``MIN_SAMPLES_BY_HOUR`` of them,
    else of all; ``default_s`` without samples. Negative samples are ignored."""
    usable = [(h, s) for h, s in samples if s >= 0]
    same_hour = [s for h, s in usable if h == hour]
    if hour is not None and len(same_hour) >= MIN_SAMPLES_BY_HOUR:
        return robust_mean(same_hour)
    if usable:
        return robust_mean([s for _, s in usable])
    return default_s


def estimate_wait_s(waiting_ahead: int, recent_handling_s: Sequence[float], open_windows: int,
                    default_handling_s: float) -> int:
    """Estimated wait in whole seconds for someone with ``waiting_ahead`` people in front."""
    if waiting_ahead <= 0:
        return 0
    handling_s = trimmed_mean(recent_handling_s) if recent_handling_s else default_handling_s
    return round(waiting_ahead * handling_s / max(open_windows, 1))
