"""The first wait estimate shown on a new ticket and the kiosk.

Formula::

    mean_handling_s = trimmed mean of recent_handling_s
                      (drop the lowest and highest 10% -- floor(n / 10) samples at each end --
                      when there are 10 samples or more; default_handling_s when there are none)
    estimate_s      = round(waiting_ahead * mean_handling_s / max(open_windows, 1))

The estimate is 0 when nobody is ahead. With no window open it still divides by 1: nobody is
serving, so the estimate assumes one window opens.
"""

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


def estimate_wait_s(waiting_ahead: int, recent_handling_s: Sequence[float], open_windows: int,
                    default_handling_s: float) -> int:
    """Estimated wait in whole seconds for someone with ``waiting_ahead`` people in front."""
    if waiting_ahead <= 0:
        return 0
    handling_s = trimmed_mean(recent_handling_s) if recent_handling_s else default_handling_s
    return round(waiting_ahead * handling_s / max(open_windows, 1))
